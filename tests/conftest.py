"""Shared fixtures: fixture sites served on 127.0.0.1, sources files, real SQLite stores."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from site_server import SnapshotServer, SnapshotSite

SITES = Path(__file__).parent / "fixtures" / "sites"

# Crawl settings for loopback servers: politeness delays only slow the tests down.
FAST_CRAWL = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0.0, "RETRY_TIMES": 1, "DOWNLOAD_TIMEOUT": 10}


@pytest.fixture
def serve_site(tmp_path: Path) -> Iterator[Callable[[str], SnapshotServer]]:
    """Copy a fixture site into tmp_path (so a test may edit it) and serve it on 127.0.0.1."""
    servers: list[SnapshotServer] = []

    def serve(name: str) -> SnapshotServer:
        root = tmp_path / "sites" / name
        shutil.copytree(SITES / name, root)
        server = SnapshotServer(SnapshotSite(root)).__enter__()
        servers.append(server)
        return server

    yield serve
    for server in servers:
        server.__exit__(None, None, None)


def write_sources(path: Path, entries: list[dict]) -> Path:
    """Write a sources.toml with the given [[sources]] entries (strings and ints only)."""
    lines = []
    for entry in entries:
        lines.append("[[sources]]")
        for key, value in entry.items():
            if isinstance(value, str):
                escaped = value.replace("\\", "\\\\").replace('"', '\\"')
                lines.append(f'{key} = "{escaped}"')
            else:
                lines.append(f"{key} = {str(value).lower() if isinstance(value, bool) else value}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def serve_fixture_site(serve_site) -> Callable:
    """Serve a `tests/sites.py` site; for one whose articles live on a second host of the
    organisation, serve that host too and point the first one's links at it."""
    from sites import OTHER_HOST_FIXTURE, OTHER_HOST_PLACEHOLDER

    def serve(site) -> tuple[SnapshotServer, SnapshotServer]:
        article_server = serve_site(OTHER_HOST_FIXTURE) if site.other_host else None
        server = serve_site(site.fixture)
        if article_server is not None:
            for path in server.site.root.rglob("*"):
                if path.is_file():
                    body = path.read_bytes()
                    path.write_bytes(body.replace(OTHER_HOST_PLACEHOLDER.encode(), article_server.url.encode()))
        return server, article_server or server

    return serve


@pytest.fixture(scope="session")
def dates_doc() -> Callable:
    """Read a text with the real `callwatch_dates` component on a blank sv/en pipeline (built once
    per language): dates_doc(text, reference_date, lang) -> the processed Doc."""
    import spacy

    import pipeline.nlp.dates  # noqa: F401  (registers the factory)

    pipelines = {}

    def read(text: str, reference_date: str | None = None, lang: str = "sv"):
        if lang not in pipelines:
            nlp = spacy.blank(lang)
            nlp.add_pipe("callwatch_dates")
            pipelines[lang] = nlp
        doc = pipelines[lang].make_doc(text)
        doc._.reference_date = reference_date
        doc._.lang = lang
        return pipelines[lang](doc)

    return read


@pytest.fixture(scope="session")
def read_dates(dates_doc) -> Callable:
    """What the `callwatch_dates` component reads in a text: read_dates(text, reference_date,
    lang="sv") -> the Doc's extensions (`.deadline`, `.opening`, `.events`, ...)."""
    return lambda text, reference_date, lang="sv": dates_doc(text, reference_date, lang)._


@pytest.fixture(scope="session")
def deadline(read_dates) -> Callable:
    """The deadline the `callwatch_dates` component reads in a text: deadline(text, reference_date,
    lang="sv") -> an ISO date or None."""
    return lambda text, reference_date, lang="sv": read_dates(text, reference_date, lang).deadline
