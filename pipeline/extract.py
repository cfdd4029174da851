"""Page text -> extracted fields (kind, dates, funders, topics, amounts, identifiers). No database.

`extract_records` is the stable entry point used by `callwatch run`, `callwatch extract` and
`callwatch eval`: each record's language is detected, records are batched per language through
the cached spaCy pipelines (`nlp.pipe`), and results come back in input order.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.tokens import Doc

from pipeline.errors import CallwatchError
from pipeline.nlp.build import load_nlp
from pipeline.nlp.data import data_fingerprint
from pipeline.nlp.language import SAMPLE_WORDS, detect_language, pipeline_language, sample_words
from pipeline.vocabulary import today_in_stockholm

log = logging.getLogger(__name__)

RULES_VERSION = "2"
# Stored with every extraction; pages are re-extracted when it changes.
PIPELINE_VERSION = f"{RULES_VERSION}+{data_fingerprint()}"

CHUNK_SIZE = 512  # records read ahead, so both languages get reasonably large batches
BATCH_SIZE = 64
# What a page's facts need is at its start (title, dates, funders, amounts); an archive of minutes or
# a long PDF as text runs to megabytes, past spaCy's max_length (E088) and our time budget. Such a
# text is read up to this length, cut at a paragraph or sentence end, and the cut is logged.
MAX_TEXT_CHARS = 100_000
# A run of one punctuation character ("_____" form lines, "......" leaders, "*****") is kept to this
# length: spaCy's tokenizer splits such a run one character at a time, searching the rest of the run
# each time, so its time grows with the square of the run (6,000 underscores took 6 s).
MAX_RUN = 40
_LONG_RUN = re.compile(rf"([^\w\s]|_)\1{{{MAX_RUN},}}")
# Such a run (MAX_RUN + 1 characters or more) covers two characters RUN_STEP apart at offsets that
# are multiples of RUN_STEP, so `text[::RUN_STEP]` then has two equal marks side by side. Looked for
# there first: `_LONG_RUN` tries every punctuation mark of a page, 2% of an extraction's CPU.
RUN_STEP = (MAX_RUN + 1) // 2
_REPEATED_MARK = re.compile(r"([^\w\s]|_)\1")
FIELDS = ("lang", "kind", "call_status", "deadline", "opening", "events", "registration", "funders", "topics",
          "amounts", "identifiers")


class ExtractInputError(CallwatchError):
    """A record given to extraction lacks what extraction needs (an id and a text)."""


def extract_records(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Extract the fields of each record {"id", "text", "url"?, "title"?, "reference_date"?}.

    Yields {"id", **FIELDS} per record, in input order. `reference_date` (ISO) resolves year-less
    and relative dates; it defaults to today in Stockholm.
    """
    chunk: list[dict[str, Any]] = []
    for record in records:
        chunk.append(_checked(record))
        if len(chunk) >= CHUNK_SIZE:
            yield from _extract_chunk(chunk)
            chunk = []
    if chunk:
        yield from _extract_chunk(chunk)


def _checked(record: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise ExtractInputError(f"record must be a JSON object, got {type(record).__name__}")
    if record.get("id") is None:
        raise ExtractInputError(f"record has no 'id': {str(record)[:80]!r}")
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        raise ExtractInputError(f"record {record['id']!r}: 'text' must be a string")
    return record


def _extract_chunk(chunk: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    today = today_in_stockholm().isoformat()
    by_language: dict[str, list[tuple[Doc, int]]] = {}
    for index, record in enumerate(chunk):
        text = bounded_text(record.get("text") or "", record.get("url") or record["id"])
        words = sample_words(text)
        lang = detect_language(text, words)
        nlp = load_nlp(pipeline_language(lang))
        doc = nlp.make_doc(text)
        doc.user_data["callwatch_text"] = text  # what doc_text() would rebuild from the tokens
        doc.user_data[SAMPLE_WORDS] = words  # the topic classifier reads them too
        attributes = doc._  # (each `doc._` builds a new accessor object: one per doc, not per field)
        attributes.lang = lang
        attributes.reference_date = record.get("reference_date") or today
        attributes.title = record.get("title")
        attributes.url = record.get("url")
        by_language.setdefault(nlp.lang, []).append((doc, index))

    results: list[dict[str, Any] | None] = [None] * len(chunk)
    for lang, items in by_language.items():
        nlp = load_nlp(lang)
        try:
            for doc, index in nlp.pipe(items, as_tuples=True, batch_size=BATCH_SIZE):
                results[index] = {"id": chunk[index]["id"], **fields_of(doc)}
        except Exception:  # one bad page must not cost the others: redo this batch one by one
            log.exception("extraction of a %s batch failed; retrying its %d pages one by one", lang, len(items))
            for doc, index in items:
                if results[index] is None:
                    results[index] = _extract_one(nlp, doc, chunk[index])
    for result in results:
        assert result is not None  # every record went through exactly one pipeline
        yield result


def _extract_one(nlp: Any, doc: Doc, record: dict[str, Any]) -> dict[str, Any]:
    try:
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        return {"id": record["id"], **fields_of(doc)}
    except Exception as exc:  # recorded with the page, never raised through the run
        log.error("extraction failed for %s: %s: %s", record.get("url") or record["id"], type(exc).__name__, exc)
        return {"id": record["id"], **{field: None for field in FIELDS}, "lang": doc._.lang,
                "error": f"{type(exc).__name__}: {exc}"[:500]}


def bounded_text(text: str, label: str) -> str:
    """`text` cut to at most MAX_TEXT_CHARS, at the last paragraph (else sentence, else word) end,
    with runs of one punctuation character kept to MAX_RUN."""
    if _REPEATED_MARK.search(text[::RUN_STEP]):
        text = _LONG_RUN.sub(lambda run: run.group(1) * MAX_RUN, text)
    if len(text) <= MAX_TEXT_CHARS:
        return text
    head = text[:MAX_TEXT_CHARS]
    for boundary in ("\n\n", "\n", ". ", " "):
        cut = head.rfind(boundary)
        if cut > MAX_TEXT_CHARS // 2:
            head = head[:cut + len(boundary)].rstrip()
            break
    log.warning("%s: text of %d characters read up to %d (the rest is not extracted)", label, len(text), len(head))
    return head


def fields_of(doc: Doc) -> dict[str, Any]:
    """The extraction contract's fields from a processed Doc."""
    found = doc._  # (each `doc._` builds a new accessor object: one, not one per field)
    kind = found.kind
    return {
        "lang": found.lang,
        "kind": kind,
        "call_status": found.call_status if kind == "funding-call" else None,
        "deadline": found.deadline,
        "opening": found.opening,
        "events": list(found.events or []),
        # attending an event needs registering by then; on other pages it is nobody's deadline
        "registration": found.registration if kind == "event" else None,
        "funders": list(found.funders or []),
        "topics": list(found.topics or []),
        "amounts": list(found.amounts or []),
        "identifiers": list(found.identifiers or []),
    }
