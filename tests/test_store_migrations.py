"""The schema by sqlite-utils' Migrations: a store written by the previous schema (the hand-made
runner, fixtures/stores/) opens, migrates and keeps every row; views follow the code on every open."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from calls_store import extraction, html_page, night

from pipeline.schema import migrate, migrations, pending_steps
from pipeline.search import search_call_ids
from pipeline.store import open_db
from pipeline.views import VIEWS

STORES = Path(__file__).parent / "fixtures" / "stores"
PREVIOUS = STORES / "pre-migrations-abcbfa3.db"


def contents(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows (FTS shadow tables too), each table's rows sorted."""
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")]
        return {t: sorted(conn.execute(f"select * from [{t}]").fetchall(), key=repr) for t in tables}


def columns(path: Path, table: str) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[1] for r in conn.execute(f"pragma table_info([{table}])")]


@pytest.fixture
def previous_store(tmp_path: Path) -> Path:
    path = tmp_path / "callwatch.db"
    shutil.copyfile(PREVIOUS, path)
    return path


def test_a_store_of_the_previous_schema_opens_migrates_and_keeps_every_row(previous_store):
    before = contents(previous_store)
    assert sum(len(rows) for rows in before.values()) > 50 and all(
        before[t] for t in ("pages", "page_versions", "extractions", "calls", "call_pages", "call_events",
                            "runs", "source_runs", "digests", "outbox", "scheduler_runs"))
    columns_before = {t: columns(previous_store, t) for t in before}
    added_since = pending_steps(sqlite_utils.Database(previous_store))  # steps written after abcbfa3

    db = open_db(previous_store)
    db.close()

    after = contents(previous_store)
    legacy = before.pop("_migrations")
    for table, rows in before.items():
        width = len(columns_before[table])
        # every row kept; columns added by later steps come after the old ones, empty
        assert sorted((row[:width] for row in after[table]), key=repr) == rows, f"rows of {table} changed"
        assert all(value is None for row in after[table] for value in row[width:]), table
        assert columns(previous_store, table)[:width] == columns_before[table]
    # The old record of applied steps moved into sqlite-utils' table, times kept: none runs again;
    # the steps added since were applied once.
    assert "_migrations" not in after
    recorded = [(name, applied_at) for _, migration_set, name, applied_at in after["_sqlite_migrations"]
                if migration_set == migrations.name]
    assert set(legacy) <= set(recorded)
    assert sorted(name for name, at in recorded if (name, at) not in set(legacy)) == sorted(added_since)


def test_the_migrated_store_is_current_searchable_and_takes_the_next_run(previous_store):
    db = open_db(previous_store)
    assert pending_steps(db) == [] and migrate(db) == []
    [care] = [r["id"] for r in db.query("select id from calls where title like '%primärvården'")]
    assert search_call_ids(db, "primärvården") == {care}
    db.execute("insert into pages_fts(pages_fts, rank) values ('integrity-check', 1)")
    db.execute("insert into calls_fts(calls_fts, rank) values ('integrity-check', 1)")
    calls_before = db["calls"].count
    page = html_page("https://vgr.example/utlysningar/ny", "vgr", "Ny utlysning om vätgas", "Sök stöd för vätgas.")
    run_id, summary = night(db, [page], {page["url"]: extraction(deadline="2027-06-01")})
    assert summary.new == 1 and db["calls"].count == calls_before + 1
    assert run_id == 3  # the runs of the old store are kept and counted on


def test_an_edited_view_reaches_an_existing_store(previous_store):
    # The previous schema's open_calls listed forthcoming calls too; today's lists only open ones.
    with sqlite3.connect(previous_store) as conn:
        conn.execute("update calls set status = 'forthcoming' where kind = 'partner-search'")
        assert "forthcoming" in conn.execute("select sql from sqlite_master where name = 'open_calls'").fetchone()[0]
        assert "forthcoming" in {r[0] for r in conn.execute("select status from open_calls")}

    open_db(previous_store).close()

    with sqlite3.connect(previous_store) as conn:
        statuses = {r[0] for r in conn.execute("select status from open_calls")}
        both = {r[0] for r in conn.execute("select status from open_or_forthcoming_calls")}
        stored = {r[0]: r[1] for r in conn.execute(
            "select name, sql from sqlite_master where type = 'view'")}
    assert statuses == {"open"} and both == {"open", "forthcoming"}
    assert set(stored) == set(VIEWS)


def test_a_new_store_records_every_step_once(tmp_path):
    path = tmp_path / "new.db"
    db = open_db(path)
    names = [r["name"] for r in db["_sqlite_migrations"].rows_where(order_by="id")]
    db.close()
    assert names == [m.name for m in migrations.pending(sqlite_utils.Database(memory=True))]
    assert not open_db(path)["_migrations"].exists()
