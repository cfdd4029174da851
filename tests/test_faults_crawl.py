"""The crawl under faults and bad input: servers on 127.0.0.1 that fail on purpose
(tests/fault_server.py), crawled through the real Scrapy engine in its child process, with
assertions on what lands in SQLite (`pages`, `source_runs`) and on what the server was asked."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import FAST_CRAWL, write_sources
from fault_server import (
    EndlessRedirect,
    EndlessStream,
    FaultServer,
    Hang,
    HugeBody,
    Page,
    Redirect,
    Reset,
    StatusSequence,
)

from crawlers.crawl import run_crawl
from crawlers.settings import build_settings
from crawlers.spiders import SPIDER_KINDS
from pipeline.store import open_db, start_run

# Short timeouts so a provoked hang costs seconds; one retry so retrying is still exercised.
FAULT_CRAWL = {**FAST_CRAWL, "DOWNLOAD_TIMEOUT": 2, "RETRY_TIMES": 1}
MB = 1024 * 1024

BODY = ("Ansökan ska vara inlämnad före sista ansökningsdag. Stödet gäller för små och medelstora "
        "företag i Västra Götaland, Örebro och Skåne. ") * 4


@dataclass
class Crawl:
    runs: dict[str, dict[str, Any]]  # source -> its source_runs row
    pages: dict[str, dict[str, Any]]  # path -> its pages row
    seconds: float


def crawl(tmp_path: Path, entries: list[dict], **overrides: Any) -> Crawl:
    """One crawl of `entries` into a fresh store; what it stored."""
    db_path = tmp_path / "cw.db"
    sources = write_sources(tmp_path / "sources.toml", entries)
    db = open_db(db_path)
    run_id = start_run(db)
    started = time.monotonic()
    run_crawl(db_path, run_id, sources, settings={**FAULT_CRAWL, **overrides})
    seconds = time.monotonic() - started
    runs = {row["source"]: row for row in db.query("select * from source_runs where run_id = ?", [run_id])}
    pages = {row["url"].split("/", 3)[3]: row for row in db.query("select * from pages")}
    db.close()
    return Crawl(runs, pages, seconds)


def listing(*links: str) -> Page:
    return Page("<html><body><h1>Utlysningar</h1>" + "".join(f'<a href="{link}">{link}</a>' for link in links)
                + "</body></html>")


def article(title: str = "Utlysning för hälsa", extra: str = "") -> str:
    return (f"<html lang='sv'><head><title>{title}</title></head><body><nav>Meny</nav><article>"
            f"<h1>{title}</h1><p>{BODY}{extra}</p></article></body></html>")


def listing_source(name: str, base: str, path: str, **extra: Any) -> dict:
    return {"name": name, "kind": "listing", "url": f"{base}{path}", "follow": f"{path}[a-z0-9-]+\\.html$", **extra}


# --- 1. errors that go away ---------------------------------------------------------------------


def test_a_source_answering_500_then_503_is_read_once_it_recovers(tmp_path):
    retries = build_settings(tmp_path / "x.db")["RETRY_TIMES"]  # the product's own retry budget
    routes = {
        "/calls/": StatusSequence([500, 503], listing("/calls/energi.html")),
        "/calls/energi.html": StatusSequence([503], Page(article("Utlysning energi"))),
        "/down/": StatusSequence([503] * 10, listing()),
    }
    with FaultServer(routes) as server:
        result = crawl(tmp_path, [listing_source("flaky", server.url, "/calls/"),
                                  listing_source("down", server.url, "/down/")], RETRY_TIMES=retries)

    assert result.runs["flaky"]["status"] == "ok" and result.runs["flaky"]["error"] is None
    assert result.pages["calls/energi.html"]["title"] == "Utlysning energi"
    assert server.paths().count("/calls/") == 3
    # A source that stays down fails after its retries, not after an endless series of tries.
    assert result.runs["down"]["status"] == "failed"
    assert "HTTP 503" in result.runs["down"]["error"]
    assert server.paths().count("/down/") == retries + 1


@pytest.mark.parametrize("down", [Page("down\n", "text/plain", status=503), Reset()], ids=["503", "reset"])
def test_a_source_that_goes_down_is_not_served_from_the_http_cache_as_if_fine(tmp_path, down):
    validators = {"ETag": '"v1"', "Last-Modified": "Tue, 14 Nov 2023 22:13:20 GMT"}  # cacheable, as CMSs send
    routes = {"/calls/": Page(listing("/calls/energi.html").body, headers=validators),
              "/calls/energi.html": Page(article(), headers=validators)}
    entries = [listing_source("region", "", "/calls/")]
    with FaultServer(routes) as server:
        entries[0]["url"] = f"{server.url}/calls/"
        assert crawl(tmp_path, entries).runs["region"]["status"] == "ok"
        routes["/calls/"] = routes["/calls/energi.html"] = down
        second = crawl(tmp_path, entries)

    row = second.runs["region"]
    assert row["status"] == "failed" and row["pages_seen"] == 0
    assert ("HTTP 503" if isinstance(down, Page) else "connection reset") in row["error"]
    assert server.paths().count("/calls/") == 1 + FAULT_CRAWL["RETRY_TIMES"] + 1  # the outage was retried


# --- 2. a server that never answers -----------------------------------------------------------


def test_default_settings_bound_a_hung_url_to_about_a_minute(tmp_path):
    defaults = build_settings(tmp_path / "x.db")
    for kind, spider in SPIDER_KINDS.items():
        settings = {**defaults, **(spider.custom_settings or {})}
        worst_case = settings["DOWNLOAD_TIMEOUT"] * (settings["RETRY_TIMES"] + 1)
        assert worst_case <= 60, f"{kind}: a hung URL may cost {worst_case} s"


def test_a_server_that_never_answers_fails_its_source_with_a_timeout_and_the_run_goes_on(tmp_path):
    timeout, retries = 1, 1
    good_routes = {"/calls/": listing("/calls/energi.html"), "/calls/energi.html": Page(article())}
    with FaultServer({}, default=Hang()) as hung, FaultServer(good_routes) as good:
        result = crawl(tmp_path, [listing_source("hung", hung.url, "/calls/"),
                                  listing_source("good", good.url, "/calls/")],
                       DOWNLOAD_TIMEOUT=timeout, RETRY_TIMES=retries)

    row = result.runs["hung"]
    assert row["status"] == "failed"
    assert "timeout" in row["error"] and "took longer than 1" in row["error"] and "/calls/" in row["error"]
    assert result.runs["good"]["status"] == "ok"
    assert "calls/energi.html" in result.pages
    # Even robots.txt hangs here: each of the two URLs is tried RETRY_TIMES + 1 times, then given up.
    assert sorted(hung.paths()) == ["/calls/"] * (retries + 1) + ["/robots.txt"] * (retries + 1)
    assert result.seconds < 2 * timeout * (retries + 1) + 15  # the rest is the child's start-up


# --- 3. connection reset ------------------------------------------------------------------------


def test_a_connection_reset_fails_the_source_and_a_reset_page_only_costs_that_page(tmp_path):
    partial = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 9000\r\n\r\n<html><body><p>Utlys"
    routes = {
        "/reset/": Reset(),
        "/calls/": listing("/calls/energi.html", "/calls/halva.html"),
        "/calls/energi.html": Page(article()),
        "/calls/halva.html": Reset(first=partial),
    }
    with FaultServer(routes) as server:
        result = crawl(tmp_path, [listing_source("resetting", server.url, "/reset/"),
                                  listing_source("good", server.url, "/calls/")])

    assert result.runs["resetting"]["status"] == "failed"
    assert "connection reset" in result.runs["resetting"]["error"]
    assert result.runs["good"]["status"] == "ok"
    assert set(result.pages) == {"calls/energi.html"}
    error = result.runs["good"]["error"]
    assert "1 page(s) could not be read" in error and "before the whole page arrived" in error
    assert "/calls/halva.html" in error


# --- 4. redirect loops --------------------------------------------------------------------------


def test_redirect_loops_fail_their_source_with_a_clear_reason(tmp_path):
    spin = EndlessRedirect()
    routes = {"/loop/": Redirect("/loop/b"), "/loop/b": Redirect("/loop/"), "/spin/": spin,
              "/calls/": listing("/calls/energi.html"), "/calls/energi.html": Page(article())}
    with FaultServer(routes) as server:
        result = crawl(tmp_path, [listing_source("looping", server.url, "/loop/"),
                                  listing_source("spinning", server.url, "/spin/"),
                                  listing_source("good", server.url, "/calls/")])

    looping = result.runs["looping"]
    assert looping["status"] == "failed"
    assert looping["error"].startswith("redirect loop:") and "/loop/b" in looping["error"]
    spinning = result.runs["spinning"]
    assert spinning["status"] == "failed" and "too many redirects" in spinning["error"]
    max_redirects = build_settings(tmp_path / "x.db")["REDIRECT_MAX_TIMES"]
    assert spin.count == max_redirects + 1
    assert result.runs["good"]["status"] == "ok" and "calls/energi.html" in result.pages


# --- 5. pages too big to read -------------------------------------------------------------------


def test_huge_and_endless_pages_are_cut_by_the_size_cap_and_the_rest_is_read(tmp_path):
    cap = build_settings(tmp_path / "x.db")["DOWNLOAD_MAXSIZE"]
    announced, unannounced, endless = HugeBody(50 * MB), HugeBody(50 * MB, announce=False), EndlessStream()
    routes = {
        "/calls/": listing("/calls/stor.html", "/calls/utan-langd.html", "/calls/strom.html", "/calls/energi.html"),
        "/calls/stor.html": announced,
        "/calls/utan-langd.html": unannounced,
        "/calls/strom.html": endless,
        "/calls/energi.html": Page(article()),
    }
    with FaultServer(routes) as server:
        result = crawl(tmp_path, [listing_source("big", server.url, "/calls/")])

    row = result.runs["big"]
    assert row["status"] == "ok" and row["pages_seen"] == 1
    assert set(result.pages) == {"calls/energi.html"}
    assert len(result.pages["calls/energi.html"]["text"]) < 10_000
    assert row["error"].startswith("3 page(s) could not be read")
    for path in ("/calls/stor.html", "/calls/utan-langd.html", "/calls/strom.html"):
        assert f"size cap of {cap // MB} MB (DOWNLOAD_MAXSIZE)" in row["error"].split(path)[0].rsplit(";", 1)[-1]
        assert server.paths().count(path) == 1  # a page over the cap is not retried
    assert "announced 50 MB" in row["error"]
    # The server did not get to send its 50 MB, and the endless stream was stopped.
    assert announced.sent < 50 * MB and unannounced.sent < 50 * MB and endless.sent < 50 * MB


# --- 6./7. encodings and broken markup ----------------------------------------------------------

TITLE = "Utlysning för hälsa i Örebro"
PRICE = " Budget: 5 miljoner € – högst 500 000 kr per projekt."
LATIN_PRICE = " Budget: 5 miljoner EUR, högst 500 000 kr per projekt."


def legacy_page(encoding: str, meta: str = "") -> bytes:
    price = PRICE if encoding == "cp1252" else LATIN_PRICE  # € and – do not exist in Latin-1
    page = article(TITLE, price).replace("<head>", f"<head>{meta}")
    return page.encode(encoding)


def test_windows_1252_and_latin_1_pages_without_a_charset_header_keep_their_letters(tmp_path):
    pages = {
        "cp1252.html": Page(legacy_page("cp1252"), "text/html"),
        "latin1.html": Page(legacy_page("latin-1"), "text/html"),
        "latin1-meta.html": Page(legacy_page("latin-1", '<meta http-equiv="Content-Type" '
                                                        'content="text/html; charset=iso-8859-1">'), "text/html"),
        "cp1252-meta.html": Page(legacy_page("cp1252", '<meta charset="windows-1252">'), "text/html"),
        "no-content-type.html": Page(legacy_page("cp1252"), None),
    }
    routes = {"/calls/": listing(*(f"/calls/{name}" for name in pages))}
    routes.update({f"/calls/{name}": page for name, page in pages.items()})
    with FaultServer(routes) as server:
        result = crawl(tmp_path, [listing_source("legacy", server.url, "/calls/")])

    assert result.runs["legacy"]["status"] == "ok"
    assert set(result.pages) == {f"calls/{name}" for name in pages}
    for name, row in result.pages.items():
        assert row["title"] == TITLE, name
        assert "små och medelstora företag i Västra Götaland, Örebro och Skåne" in row["text"], name
        assert "Ã" not in row["text"] and "\ufffd" not in row["text"], name
        expected = (PRICE if "cp1252" in name or "no-content-type" in name else LATIN_PRICE).strip()
        assert expected in row["text"], name


def test_malformed_html_is_stored_with_its_text_and_noise_is_skipped(tmp_path):
    broken = ("<html><head><title>Trasig sida</title><body><div><p>Ansökan om stöd till innovation ".encode()
              + b"\xff\xfe\x00\x01"
              + " i regionen. <b>Sista dag <i>är 1 mars 2027.<p>Utlysningen är öppen för alla företag i länet "
                "och gäller forskning och utveckling".encode()
              + b" med \x80\x81 tecken" * 5 + b"<div><table><tr><td>Budget 3 MSEK")
    routes = {"/calls/": listing("/calls/trasig.html", "/calls/brus.html", "/calls/energi.html"),
              "/calls/trasig.html": Page(broken),
              "/calls/brus.html": Page(bytes(range(256)) * 40, "text/html"),
              "/calls/energi.html": Page(article())}
    with FaultServer(routes) as server:
        result = crawl(tmp_path, [listing_source("broken", server.url, "/calls/")])

    row = result.runs["broken"]
    assert row["status"] == "ok"
    page = result.pages["calls/trasig.html"]
    assert page["title"] == "Trasig sida"
    assert "Sista dag är 1 mars 2027" in page["text"]
    assert "Budget 3 MSEK" in page["text"]
    assert "\x00" not in page["text"]
    assert "calls/energi.html" in result.pages
    # Pure noise has no main text: that page is counted and named, the source is still read.
    assert "calls/brus.html" not in result.pages
    assert "no main text in" in row["error"] and "/calls/brus.html" in row["error"]


# --- 8. broken feeds ----------------------------------------------------------------------------


def rss(base: str, count: int) -> str:
    items = "".join(f"<item><title>Nyhet {n}</title><link>{base}/nyheter/{n}.html</link></item>"
                    for n in range(1, count + 1))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Flöde</title>'
            f"<link>{base}/</link>{items}</channel></rss>")


def test_broken_feeds_are_reported_and_a_cut_item_is_not_followed(tmp_path):
    routes: dict = {f"/nyheter/{n}.html": Page(article(f"Nyhet {n}")) for n in (1, 2, 3)}
    with FaultServer(routes) as server:
        full = rss(server.url, 3)
        cut_in_link = full[: full.index("/nyheter/2.html") + len("/nyheter/2.ht")]
        cut_in_first = full[: full.index("<item>") + len("<item><title>Nyh")]
        sitemap = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                   f"<url><loc>{server.url}/nyheter/3.html</loc></url></urlset>")
        feeds = {"full": full, "cut-in-link": cut_in_link, "cut-in-first": cut_in_first,
                 "html": "<!DOCTYPE html><html><body><h1>Sidan har flyttat</h1></body></html>",
                 "sitemap": sitemap}
        routes.update({f"/{name}.xml": Page(body, "application/rss+xml") for name, body in feeds.items()})
        result = crawl(tmp_path, [{"name": name, "kind": "feed", "url": f"{server.url}/{name}.xml"}
                                  for name in feeds])

    assert result.runs["full"]["status"] == "ok" and result.runs["full"]["error"] is None
    cut = result.runs["cut-in-link"]
    assert cut["status"] == "ok" and cut["pages_seen"] == 1
    assert "not well-formed XML" in cut["error"] and "1 item(s) that arrived whole" in cut["error"]
    assert not any(path.startswith("/nyheter/2.ht") and path != "/nyheter/2.html" for path in server.paths())
    for name, reason in (("cut-in-first", "not well-formed XML"), ("html", "an HTML page, not a feed"),
                         ("sitemap", "not an RSS or Atom feed (root element <urlset>)")):
        row = result.runs[name]
        assert row["status"] == "failed", name
        assert "no feed items could be read" in row["error"] and reason in row["error"], name
    assert set(result.pages) == {"nyheter/1.html", "nyheter/2.html", "nyheter/3.html"}  # all from "full"


# --- 9. the EU portal answering garbage -------------------------------------------------------


def test_an_eu_portal_answer_that_is_not_its_json_fails_the_source_with_the_reason(tmp_path):
    answers = {
        "cut": (Page('{"totalResults": 3, "results": [{"reference": "1"', "application/json"),
                "invalid JSON (cut short?)"),
        "html": (Page("<html><body>Service unavailable</body></html>", "text/html"),
                 "an HTML or XML page instead of JSON"),
        "no-results": (Page('{"message": "quota exceeded"}', "application/json"), "JSON without 'results'"),
        "null-results": (Page('{"results": null, "pageSize": 10}', "application/json"),
                         "'results' is NoneType, not a list"),
    }
    routes = {f"/{name}/search": page for name, (page, _) in answers.items()}
    with FaultServer(routes) as server:
        result = crawl(tmp_path, [{"name": f"eu-{name}", "kind": "eu-portal", "url": f"{server.url}/{name}/search"}
                                  for name in answers])

    for name, (_, reason) in answers.items():
        row = result.runs[f"eu-{name}"]
        assert row["status"] == "failed", name
        assert "portal search answered something that is not its JSON" in row["error"], name
        assert reason in row["error"] and f"/{name}/search" in row["error"], name
    assert result.pages == {}


# --- 10. robots.txt says no ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["listing", "feed"])
def test_robots_txt_forbidding_everything_fetches_nothing_and_says_why(tmp_path, kind):
    routes = {"/robots.txt": Page("User-agent: *\nDisallow: /\n", "text/plain"),
              "/calls/": listing("/calls/energi.html"), "/calls/energi.html": Page(article())}
    with FaultServer(routes) as server:
        result = crawl(tmp_path, [{"name": "closed", "kind": kind, "url": f"{server.url}/calls/"}])

    assert server.paths() == ["/robots.txt"]
    row = result.runs["closed"]
    assert row["status"] == "failed"
    assert row["error"] == f"forbidden by robots.txt: {server.url}/calls/"
    assert result.pages == {}
