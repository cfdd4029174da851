"""`callwatch demo`, the README's first command: the real job over the bundled snapshot site."""

from __future__ import annotations

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.store import open_db


def test_demo_crawls_the_bundled_site_into_a_register(tmp_path):
    db_path = tmp_path / "demo.db"
    result = CliRunner().invoke(cli, ["demo", "--db", str(db_path)])
    assert result.exit_code == 0, result.output

    db = open_db(db_path)
    sources = {r["source"]: r for r in db.query("select * from source_runs")}
    assert set(sources) == {"demo-eu-office", "demo-agency-calls"}
    assert all(r["status"] == "ok" for r in sources.values())
    pages = db["pages"].count
    kinds = {r["kind"] for r in db.query("select kind from calls")}
    assert {"funding-call", "event", "partner-search"} <= kinds
    calls = db.execute("select count(*) from calls where kind = 'funding-call'").fetchone()[0]
    assert f"{pages} pages from 2 sources, {calls} calls" in " ".join(result.output.split())
    # Navigation and footer of the snapshot site stay out of the stored text.
    texts = [r["text"] for r in db.query("select text from pages")]
    assert not any("Tillgänglighetsredogörelse" in t or "Rue du Luxembourg" in t for t in texts)


def test_demo_twice_gives_the_same_db_not_duplicates(tmp_path):
    db_path = tmp_path / "demo.db"
    CliRunner().invoke(cli, ["demo", "--db", str(db_path)])
    first = open_db(db_path)["pages"].count
    again = CliRunner().invoke(cli, ["demo", "--db", str(db_path)])
    assert again.exit_code == 0, again.output
    db = open_db(db_path)
    assert db["pages"].count == first
    assert db["runs"].count == 1


def test_demo_refuses_to_overwrite_a_real_database(tmp_path):
    db_path = tmp_path / "callwatch.db"
    db = open_db(db_path)
    with db.conn:
        db["pages"].insert({"url": "https://calls.example.org/x", "source": "vinnova", "text": "kept"})
    result = CliRunner().invoke(cli, ["demo", "--db", str(db_path)])
    assert result.exit_code != 0
    assert "will not overwrite" in result.output
    assert open_db(db_path)["pages"].get("https://calls.example.org/x")["text"] == "kept"
