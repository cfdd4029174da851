"""Full-text search over pages and calls (SQLite FTS5, kept in sync by triggers).

Tokenizer: `unicode61 remove_diacritics 0`. unicode61 case-folds all of Unicode (Å/Ä/Ö too),
and keeping diacritics stops Swedish words from being conflated with different ones
("för"/"for", "här"/"har", "år"/"ar"). Trigram would also find the middle of Swedish compounds
but triples the index and cannot match terms under three characters; instead `fts_query` turns
each term into a prefix query, so "innovation" finds "innovationsprojekt".
"""

from __future__ import annotations

import re
import sqlite3

import sqlite_utils

FTS_TOKENIZER = "unicode61 remove_diacritics 0"
PAGE_FTS_COLUMNS = ["title", "text"]
CALL_FTS_COLUMNS = ["title", "description", "identifier", "funders", "topics"]

SEARCH_FUNCTION = "callwatch_search"  # the SQL function Datasette's canned query calls

# What `callwatch calls --search` and the Datasette canned query `search_calls` accept.
SEARCH_SYNTAX = (
    "Every word must appear, as the start of a word (innovation finds innovationsprojekt); "
    '"words in quotes" must appear together, in that order; OR in capitals between two words or '
    "phrases accepts either (hälsa OR energi); AND is the same as nothing. Case does not matter, "
    "other punctuation is ignored, and no search is ever a syntax error."
)

_TERM = re.compile(r"[\w-]+", re.UNICODE)
_TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)', re.UNICODE)  # a phrase (its end quote optional) or a word

# Calls whose own text, or the text of a page linked to them, matches `:q` (an FTS5 expression).
_MATCHING_CALL_IDS = """
    select calls.id from calls_fts join calls on calls.rowid = calls_fts.rowid
    where calls_fts match {q}
    union
    select call_pages.call_id from pages_fts
      join pages on pages.rowid = pages_fts.rowid
      join call_pages on call_pages.url = pages.url
    where pages_fts match {q}
"""


def enable_search(db: sqlite_utils.Database) -> None:
    """Create the FTS5 indexes for pages and calls (and the triggers that keep them current)."""
    db["pages"].enable_fts(PAGE_FTS_COLUMNS, create_triggers=True, tokenize=FTS_TOKENIZER, replace=True)
    db["calls"].enable_fts(CALL_FTS_COLUMNS, create_triggers=True, tokenize=FTS_TOKENIZER, replace=True)


def reindex_only_on_text_changes(db: sqlite_utils.Database) -> None:
    """Re-create the FTS update triggers as `AFTER UPDATE OF <indexed columns>`.

    sqlite-utils' triggers fire on any column: every nightly `last_seen` touch would re-tokenise
    every page's text (0.6 s per 3000 pages measured, and FTS segment churn).
    """
    for table, columns in (("pages", PAGE_FTS_COLUMNS), ("calls", CALL_FTS_COLUMNS)):
        quoted = ", ".join(f"[{c}]" for c in columns)
        old = ", ".join(f"old.[{c}]" for c in columns)
        new = ", ".join(f"new.[{c}]" for c in columns)
        # One statement per execute (no executescript, which would COMMIT an enclosing transaction).
        db.execute(f"DROP TRIGGER IF EXISTS [{table}_au]")
        db.execute(f"""
            CREATE TRIGGER [{table}_au] AFTER UPDATE OF {quoted} ON [{table}] BEGIN
              INSERT INTO [{table}_fts] ([{table}_fts], rowid, {quoted}) VALUES ('delete', old.rowid, {old});
              INSERT INTO [{table}_fts] (rowid, {quoted}) VALUES (new.rowid, {new});
            END
        """)


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression for what a user typed (see SEARCH_SYNTAX).

    User text is never passed to MATCH raw (FTS5 syntax errors on quotes, colons, a lone AND);
    each word is quoted and made a prefix, each phrase quoted, and only OR is kept as an
    operator. Identifiers like HORIZON-HLTH-2025 become one quoted phrase. Returns None when
    there is nothing to search for.
    """
    parts: list[str] = []  # quoted terms and "OR"
    for phrase, word in _TOKEN.findall(text or ""):
        if word in ("OR", "AND"):
            if word == "OR" and parts and parts[-1] != "OR":
                parts.append("OR")
            continue
        if phrase:
            terms = [t.strip("-") for t in _TERM.findall(phrase)]
            terms = [t for t in terms if t]
            if terms:
                parts.append('"' + " ".join(terms) + '"')
            continue
        parts.extend(f'"{t}"*' for t in (t.strip("-") for t in _TERM.findall(word)) if t)
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts) or None


def search_call_ids(db: sqlite_utils.Database, text: str) -> set[str]:
    """Ids of calls whose own text, or the text of a page linked to them, matches `text`."""
    query = fts_query(text)
    if query is None:
        return set()
    return {row[0] for row in db.execute(_MATCHING_CALL_IDS.format(q=":q"), {"q": query}).fetchall()}


def match_expression(text: str | None) -> str:
    """`fts_query` for SQL: an expression that matches nothing when there is nothing to search
    (FTS5 rejects an empty MATCH)."""
    return fts_query(text or "") or '""'


def register_search_function(conn: sqlite3.Connection) -> None:
    """Make `callwatch_search(text)` (user text -> FTS5 expression) callable from SQL."""
    conn.create_function(SEARCH_FUNCTION, 1, match_expression, deterministic=True)


def search_calls_sql(columns: str = "c.id, c.title, c.status, c.deadline, c.url") -> str:
    """The canned query behind Datasette's `search_calls`: the calls `callwatch calls --search :q`
    lists, in the same order (nearest deadline first)."""
    matching = _MATCHING_CALL_IDS.format(q=f"{SEARCH_FUNCTION}(:q)")
    return (f"select {columns} from calls c where c.id in ({' '.join(matching.split())}) "
            "order by c.deadline is null, c.deadline, c.title, c.id")
