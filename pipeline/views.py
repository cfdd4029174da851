"""SQL views that answer analysts' usual questions, and the Datasette metadata that presents them.

The views are plain SQL over `calls`, `call_pages`, `call_events`, `pages` and `source_runs`, so
they work the same in `sqlite3`, `sqlite-utils query` and Datasette.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import sqlite_utils

from pipeline.search import SEARCH_FUNCTION, SEARCH_SYNTAX, search_calls_sql
from pipeline.vocabulary import OPEN, OPEN_OR_FORTHCOMING


def _calls_with_status(statuses: tuple[str, ...]) -> str:
    marks = ", ".join(f"'{status}'" for status in statuses)  # the vocabulary's own words, not input
    return f"""
        select c.id, c.title, c.kind, c.status, c.deadline, c.opening, c.identifier,
               (select group_concat(json_extract(f.value, '$.name'), '; ')
                  from json_each(c.funders) f) as funders,
               c.url,
               (select count(distinct p.source) from call_pages cp join pages p on p.url = cp.url
                 where cp.call_id = c.id) as sources,
               c.first_seen
        from calls c
        where c.status in ({marks})
        order by c.deadline is null, c.deadline, c.title
    """


VIEWS: dict[str, str] = {
    # Calls that can be applied for today (status 'open', as `callwatch calls --open`), nearest
    # deadline first.
    "open_calls": _calls_with_status((OPEN,)),
    # The same and the calls announced to open (as `callwatch calls --open-or-forthcoming`).
    "open_or_forthcoming_calls": _calls_with_status(OPEN_OR_FORTHCOMING),
    # Calls first seen in the last seven days.
    "new_this_week": """
        select c.id, c.title, c.kind, c.status, c.deadline, c.identifier, c.url, c.first_seen,
               c.first_seen_run
        from calls c
        where c.first_seen >= strftime('%Y-%m-%dT%H:%M:%S', 'now', '-7 days')
        order by c.first_seen desc, c.deadline
    """,
    "calls_per_funder": f"""
        select json_extract(f.value, '$.name') as funder, count(distinct c.id) as calls,
               count(distinct case when c.status = '{OPEN}' then c.id end) as open_calls,
               min(case when c.status = '{OPEN}' then c.deadline end) as next_deadline
        from calls c, json_each(c.funders) f
        group by funder
        order by calls desc, funder
    """,
    "calls_per_topic": f"""
        select t.value as topic, count(distinct c.id) as calls,
               count(distinct case when c.status = '{OPEN}' then c.id end) as open_calls
        from calls c, json_each(c.topics) t
        group by topic
        order by calls desc, topic
    """,
    # Calls by the month of their deadline (calls without a deadline are left out).
    "calls_per_month": """
        select substr(c.deadline, 1, 7) as month, c.kind, count(*) as calls
        from calls c
        where c.deadline is not null
        group by month, c.kind
        order by month, c.kind
    """,
    # Which sources yield calls: pages kept, calls they describe or mention, calls only they found.
    "sources_by_yield": f"""
        select p.source,
               count(distinct p.url) as pages,
               count(distinct cp.call_id) as calls,
               count(distinct case when c.status = '{OPEN}' then c.id end) as open_calls,
               count(distinct case when c.first_seen >=
                     strftime('%Y-%m-%dT%H:%M:%S', 'now', '-30 days') then c.id end) as new_last_30_days,
               (select max(sr.run_id) from source_runs sr
                 where sr.source = p.source and sr.status = 'ok') as last_ok_run
        from pages p
        left join call_pages cp on cp.url = p.url
        left join calls c on c.id = cp.call_id
        group by p.source
        order by calls desc, p.source
    """,
    # Every recorded change with the call's title, newest first.
    "call_history": """
        select e.at, e.run_id, e.call_id, c.title, e.field, e.old_value, e.new_value
        from call_events e left join calls c on c.id = e.call_id
        order by e.id desc
    """,
}


def create_views(db: sqlite_utils.Database) -> None:
    """Make every analyst view match VIEWS; called on every open. sqlite-utils leaves a view whose
    SQL is unchanged alone, so a current store is not written to (a read-only one can be read)."""
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)


def datasette_metadata(database_name: str) -> dict[str, Any]:
    """Datasette metadata (titles, descriptions, canned queries) for a DB opened as `database_name`.

    Datasette keys metadata by the database file's stem, so it is bound to the name at serve time.
    """
    template = json.loads(
        resources.files("pipeline").joinpath("datasette_metadata.json").read_text(encoding="utf-8")
    )
    database = template.pop("database")
    # The search query and its syntax are search.py's, so `calls --search` and Datasette agree.
    search = database["queries"]["search_calls"]
    search["sql"] = search_calls_sql()
    search["description"] += f" {SEARCH_SYNTAX} It needs `callwatch serve` (which adds the {SEARCH_FUNCTION} function)."
    return {**template, "databases": {database_name: database}}
