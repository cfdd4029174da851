"""The register in Datasette as `callwatch serve` sets it up (metadata, the search plugin): canned
queries never answer a syntax error, search agrees with `callwatch calls --search`, and SIGTERM
stops the server and cleans up after it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from calls_store import extraction, html_page, night, open_store
from click.testing import CliRunner
from datasette.app import Datasette

from pipeline.cli import cli
from pipeline.cli.serve import PLUGINS_DIR
from pipeline.views import datasette_metadata

VGR = "https://vgr.example/utlysningar/"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """Calls about health, energy, both and neither; one only says 'energi' on its page."""
    path, db = open_store(tmp_path_factory.mktemp("datasette"))
    pages = [
        html_page(VGR + "halsa", "vgr", "Hälsa i primärvården", "Stöd till hälsa i hela länet."),
        html_page(VGR + "energi", "vgr", "Lokala satsningar", "Stöd till förnybar energi och energieffektivisering."),
        html_page(VGR + "bada", "vgr", "Hälsa och energi i samverkan", "Projekt om hälsa och energi."),
        html_page(VGR + "annat", "vgr", "Kulturarv i länet", "Stöd till museer."),
    ]
    deadlines = ["2027-02-01", "2027-03-01", "2027-04-01", "2027-05-01"]
    night(db, pages, {p["url"]: extraction(deadline=d) for p, d in zip(pages, deadlines, strict=True)})
    db.close()
    return path


def datasette_get(path: Path, *requests: str) -> list[tuple[int, object]]:
    """(status, JSON or HTML text) of each request, from a Datasette set up as `callwatch serve` does."""
    async def fetch() -> list[tuple[int, object]]:
        ds = Datasette(files=[str(path)], metadata=datasette_metadata(path.stem), plugins_dir=str(PLUGINS_DIR))
        await ds.invoke_startup()
        answers = []
        for request in requests:
            response = await ds.client.get(f"/{path.stem}/{request}")
            is_json = ".json" in request.split("?")[0]
            answers.append((response.status_code, response.json() if is_json else response.text))
        return answers

    return asyncio.run(fetch())


def cli_search(path: Path, text: str) -> list[str]:
    result = CliRunner().invoke(cli, ["calls", "--db", str(path), "--search", text, "--format", "json"])
    assert result.exit_code == 0, result.output
    return [row["title"] for row in json.loads(result.output)]


def search_url(text: str | None) -> str:
    return "search_calls.json?_shape=array" + (f"&q={urllib.parse.quote(text)}" if text is not None else "")


@pytest.mark.parametrize("text", [None, "", "AND", '"unbalanced', "OR", "title:", "(", "*"])
def test_the_search_query_never_answers_a_syntax_error(store, text):
    [(status, rows)] = datasette_get(store, search_url(text))
    assert status == 200, rows
    assert rows == cli_search(store, text or "") == []


def test_the_search_query_opened_from_the_index_shows_its_form_and_syntax(store):
    [(status, html)] = datasette_get(store, "search_calls")
    assert status == 200 and "fts5" not in html
    assert "OR in capitals" in html  # the search syntax is explained where the query is


@pytest.mark.parametrize("text", ["hälsa OR energi", "hälsa energi", "energi", '"förnybar energi"', "HÄLSA",
                                  'hälsa OR "förnybar energi"', "hälsa AND energi", "primärvård"])
def test_datasette_and_calls_search_agree(store, text):
    [(status, rows)] = datasette_get(store, search_url(text))
    assert status == 200
    assert [r["title"] for r in rows] == cli_search(store, text)


def test_or_accepts_either_word_and_words_alone_need_both(store):
    assert cli_search(store, "hälsa OR energi") == [
        "Hälsa i primärvården", "Lokala satsningar", "Hälsa och energi i samverkan"]
    assert cli_search(store, "hälsa energi") == ["Hälsa och energi i samverkan"]


@pytest.mark.parametrize("date", ["notadate", "", "2027-13-45", "1 mars"])
def test_a_canned_query_given_no_date_lists_nothing(store, date):
    [(status, rows)] = datasette_get(store, f"deadlines_before.json?_shape=array&date={urllib.parse.quote(date)}")
    assert status == 200 and rows == []


def test_a_canned_query_given_a_date_lists_the_open_calls_before_it(store):
    [(status, rows)] = datasette_get(store, "deadlines_before.json?_shape=array&date=2027-03-01")
    assert status == 200 and [r["deadline"] for r in rows] == ["2027-02-01", "2027-03-01"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the server child")
def test_sigterm_stops_datasette_and_removes_its_temporary_folder(store, tmp_path):
    port, tmp = free_port(), tmp_path / "tmp"
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLWATCH_")} | {"TMPDIR": str(tmp)}
    serve = subprocess.Popen([str(Path(sys.executable).with_name("callwatch")), "serve", "--db", str(store),
                              "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    datasette = None
    try:
        answer = None
        for _ in range(150):  # Datasette starts in a few seconds
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/{store.stem}/{search_url('AND')}") as r:
                    answer = (r.status, json.loads(r.read()))
                break
            except (urllib.error.URLError, ConnectionError):
                assert serve.poll() is None, serve.stdout.read().decode()
                time.sleep(0.2)
        assert answer == (200, [])  # the real server has the search function too
        [datasette] = children(serve.pid)
        assert [p.name for p in tmp.iterdir()] and all(p.name.startswith("callwatch-datasette-") for p in tmp.iterdir())

        serve.send_signal(signal.SIGTERM)

        assert serve.wait(timeout=20) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
        if datasette is not None and Path(f"/proc/{datasette}").exists():
            os.kill(datasette, signal.SIGKILL)  # never leave a server behind, even when the test fails
    assert not Path(f"/proc/{datasette}").exists()  # the server child is gone, not orphaned
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError):
        sock.connect(("127.0.0.1", port))
    assert list(tmp.iterdir()) == []
