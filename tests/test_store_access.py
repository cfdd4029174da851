"""Stores a command must not use as given: one that does not exist (only `run` and `demo` make
one), and one callwatch cannot write (read-only, immutable). Each refusal is one line naming the
file, never a traceback, and changes nothing on disk."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from calls_store import extraction, html_page, night, open_store
from click.testing import CliRunner
from conftest import write_sources

from pipeline.cli import cli

PREVIOUS_SCHEMA = Path(__file__).parent / "fixtures" / "stores" / "pre-migrations-abcbfa3.db"

READING_COMMANDS = [
    ["calls"],
    ["calls", "--format", "json"],
    ["export", "--ics", "{tmp}/out.ics"],
    ["serve", "--port", "0"],
    ["digest", "--preview", "{tmp}/preview.html"],
    ["digest", "--to", "staff@example.org"],
]


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env={"CALLWATCH_CONFIG": None, "CALLWATCH_DB": None, **(env or {})})


def assert_one_line_refusal(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    [message] = [line for line in result.output.splitlines() if line.startswith("Error:")]
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize("command", READING_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_every_reading_command_refuses_a_store_that_does_not_exist(tmp_path, command):
    typo = tmp_path / "nightly" / "callwatch.db"  # the directory does not exist either
    args = [a.format(tmp=tmp_path) for a in command]

    result = invoke(*args, "--db", str(typo))

    assert_one_line_refusal(result, f"no database at {typo}")
    assert not typo.parent.exists()


def test_a_typo_in_callwatch_db_is_refused_too(tmp_path):
    typo = tmp_path / "calwatch.db"
    result = invoke("digest", "--preview", str(tmp_path / "p.html"), env={"CALLWATCH_DB": str(typo)})
    assert_one_line_refusal(result, str(typo))
    assert not typo.exists() and not (tmp_path / "p.html").exists()


@contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """Make `path` (a file or a directory) unwritable for this process: `chattr +i` as root (an
    immutable file; permissions do not stop root), read-only permissions otherwise."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)]).returncode:
            pytest.skip("running as root without chattr +i support: cannot make a store unwritable")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)


@pytest.fixture
def current_store(tmp_path: Path) -> Path:
    path, db = open_store(tmp_path)
    page = html_page("https://vgr.example/utlysningar/vatgas", "vgr", "Utlysning om vätgas", "Sök stöd.")
    night(db, [page], {page["url"]: extraction(deadline="2027-06-01")})
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


def test_an_immutable_store_is_read_but_never_written(tmp_path, current_store):
    sources = write_sources(tmp_path / "sources.toml", [
        {"name": "vgr", "kind": "listing", "url": "http://127.0.0.1:9/utlysningar/"}])
    before = current_store.read_bytes()
    with unwritable(current_store):
        listed = invoke("calls", "--db", str(current_store), "--format", "json")
        preview = invoke("digest", "--db", str(current_store), "--preview", str(tmp_path / "p.html"))
        crawl = invoke("run", "--db", str(current_store), "--sources", str(sources))
        send = invoke("digest", "--db", str(current_store), "--to", "staff@example.org")
        demo = invoke("demo", "--db", str(current_store))

    assert listed.exit_code == 0 and "Utlysning om vätgas" in listed.output
    assert preview.exit_code == 0, preview.output
    for result in (crawl, send, demo):
        assert_one_line_refusal(result, f"the database {current_store} is read-only")
    assert current_store.read_bytes() == before


def test_an_immutable_store_missing_a_step_is_refused_and_read_once_upgraded(tmp_path):
    store = tmp_path / "callwatch.db"
    shutil.copyfile(PREVIOUS_SCHEMA, store)  # its earlier runner recorded the steps of its day
    with unwritable(store):  # a step added since is missing: it cannot be read as it is
        refused = invoke("calls", "--db", str(store))
    assert_one_line_refusal(refused, f"the database {store} is read-only", "schema is older")

    upgraded = invoke("calls", "--db", str(store), "--format", "json")  # writable again: it upgrades
    assert upgraded.exit_code == 0 and len(json.loads(upgraded.output)) == 4
    with unwritable(store):  # every step recorded now: readable as it is
        listed = invoke("calls", "--db", str(store), "--format", "json")
    assert listed.exit_code == 0 and len(json.loads(listed.output)) == 4


def test_a_store_in_a_read_only_directory_is_refused_in_one_line(tmp_path, current_store):
    folder = current_store.parent / "archive"
    folder.mkdir()
    moved = folder / "callwatch.db"
    shutil.copyfile(current_store, moved)
    with unwritable(folder):
        crawl = invoke("digest", "--db", str(moved), "--to", "staff@example.org")
        listed = invoke("calls", "--db", str(moved))
    assert_one_line_refusal(crawl, str(moved), "directory")
    assert_one_line_refusal(listed, str(moved), str(folder))
