"""The whole nightly run end to end: crawl -> extract -> store -> detect over a local site; prints figures.

Generates N sources x M article pages (Swedish and English funding calls, events and news with
navigation, cookie banner and footer boilerplate; paginated listings of 20 links), serves every
source on its own 127.0.0.1 port from a separate server process, and measures

1. a first full run (`pipeline.run.run_job` on a fresh DB): wall time, pages/s, peak RSS of the
   run process and of its crawl child,
2. a second run with nothing changed (target: <= 20% of the first run's time),
3. a run after 5% of the article pages changed,
4. a bare Scrapy crawl of the same site (a minimal spider following the same listings and
   articles, no item pipelines, no HTTP cache; target: full first run <= 2x bare),
5. memory: peak RSS < 500 MB per process at the default size, and not growing with the pages
   stored (a first run at a quarter of the pages is compared).

Every measured crawl uses the production settings (crawlers/settings.py: 16 requests per crawler,
2 per domain, robots.txt obeyed, retries) except AutoThrottle and DOWNLOAD_DELAY, which are off for
all of them alike: on loopback they would only measure sleeping. Scrapy keys its per-domain slots
on the host name without the port, but every source is its own crawler with its own downloader,
so each source gets its own 2 parallel requests either way.

Each measured run is a fresh child process (`run_job` cannot restart Scrapy's reactor, and a fresh
process gives a clean peak RSS); times are measured from spawning it to its exit.

--nights measures the revisit policy (issue 14) instead, on the "archive" mix of bench_site.py
(per source a few hundred items, about 5% open calls and coming events, the rest old news, closed
calls and past events, listed newest first): the requests the sites answered and the wall time of
a first night, an unchanged night, a night after 5% of the items changed (a fifth of them new
articles) and --follow-up more unchanged nights, each run as of its own day; and on which night
each change was caught (targets: an unchanged night <= 25% of the first night's requests and
<= 30% of its wall time; new articles and moved deadlines caught the next night).

    .venv/bin/python benchmarks/run_bench.py              # 20 sources x 100 pages (several minutes)
    .venv/bin/python benchmarks/run_bench.py --quick      # 4 x 25 smoke run
    .venv/bin/python benchmarks/run_bench.py --sources 10 --pages 200 --keep /tmp/run-bench
    .venv/bin/python benchmarks/run_bench.py --polite --pages 50   # with the shipped AutoThrottle and delays
    .venv/bin/python benchmarks/run_bench.py --nights --polite   # 8 sources x 300 items, 17 nights
    .venv/bin/python benchmarks/run_bench.py --nights --quick    # 4 x 60, 6 nights, no delays
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import select
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_site import (  # noqa: E402  (benchmarks/ is this script's folder, so on sys.path)
    EDIT_MARK_EN,
    EDIT_MARK_SV,
    PER_LISTING,
    TODAY,
    SiteSource,
    TextMaker,
    build_site,
    change_archive,
    change_pages,
    write_sources,
)

CHANGED_SHARE = 0.05
SERVER_LIFETIME = 3 * 3600  # the server process exits by itself after this many seconds at most
POLITE_ENV = "RUN_BENCH_POLITE"  # set by --polite; read by the worker processes too


def measured_settings() -> dict[str, Any]:
    """The overrides every measured crawl uses alike: politeness off on loopback, unless --polite."""
    if os.environ.get(POLITE_ENV) == "1":
        return {"LOG_LEVEL": "ERROR"}  # crawlers/settings.py as shipped: AutoThrottle, delays
    return {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0.0, "LOG_LEVEL": "ERROR"}


TARGETS = {"unchanged": 0.20, "bare": 2.0, "rss_mb": 500, "rss_growth": 1.2}
# --nights: an unchanged night against the first, on the archive mix (issue 14)
NIGHT_TARGETS = {"requests": 0.25, "wall": 0.30}

# --- child processes -------------------------------------------------------------------------------
def serve_sites(root: Path, names: list[str]) -> None:
    """Worker: one SnapshotServer per source; print the ports; stop when stdin closes (or at the limit)."""
    sys.path.insert(0, str(ROOT / "tests"))  # the tests' site server (pytest-httpserver)
    from site_server import SnapshotServer, SnapshotSite

    servers = [SnapshotServer(SnapshotSite(root / name)) for name in names]
    for server in servers:
        server.__enter__()
    print(json.dumps({name: server.httpd.port for name, server in zip(names, servers, strict=True)}),
          flush=True)
    deadline = time.monotonic() + SERVER_LIFETIME
    while time.monotonic() < deadline:
        readable, _, _ = select.select([sys.stdin], [], [], 1.0)
        if not readable:
            continue
        line = sys.stdin.readline()
        if not line:
            break
        if line.strip() == "count":  # requests served per source since the last count
            print(json.dumps({name: len(server.site.requests) for name, server in zip(names, servers, strict=True)}),
                  flush=True)
            for server in servers:
                server.site.requests.clear()
    for server in servers:
        server.__exit__(None, None, None)


def peak_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def cpu_s(who: int) -> float:
    """User + system CPU seconds: steadier than wall time when other jobs share the machine."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_job_worker(db_path: str, sources_path: str, day: str | None = None) -> None:
    """Worker: one `run_job` as of `day` (default TODAY); print stage times, counts, what the crawl
    asked for and why, and peak RSS (self and crawl child) as JSON."""
    from pipeline.events import ProgressEvent, StageFinished, StageStarted
    from pipeline.run import run_job

    marks: dict[str, float] = {"start": time.perf_counter()}
    extracted = 0

    def on_event(event: ProgressEvent) -> None:
        nonlocal extracted
        if isinstance(event, StageStarted):
            marks[event.stage] = time.perf_counter()
        elif isinstance(event, StageFinished):
            marks[f"{event.stage}-done"] = time.perf_counter()
            if event.stage == "extract":  # pages extracted during the crawl and after it
                extracted = event.outcome["pages"]

    today = date.fromisoformat(day) if day else TODAY
    summary = run_job(db_path, sources_path, crawl_settings=measured_settings(), on_event=on_event, today=today)
    marks["end"] = time.perf_counter()
    visits = {key: sum(row[key] or 0 for row in summary["sources"])
              for key in ("pages_listed", "pages_due", "pages_fetched", "pages_skipped")}
    with sqlite3.connect(db_path) as db:
        reasons = dict(db.execute("select due_reason, count(*) from page_revisits where checked_run = ? "
                                  "group by due_reason", [summary["id"]]).fetchall())
    print(json.dumps({
        **visits, "reasons": reasons,
        "crawl_s": marks["extract"] - marks["start"],
        "extract_s": marks["extract-done"] - marks["extract"],
        "detect_s": marks["detect-done"] - marks["detect"],
        "status": summary["status"], "pages_seen": summary["pages_seen"], "pages_new": summary["pages_new"],
        "pages_changed": summary["pages_changed"], "extracted": extracted, "detect": summary["detect"],
        "rss_self_mb": peak_rss_mb(resource.RUSAGE_SELF), "rss_crawl_mb": peak_rss_mb(resource.RUSAGE_CHILDREN),
        "cpu_self_s": cpu_s(resource.RUSAGE_SELF), "cpu_crawl_s": cpu_s(resource.RUSAGE_CHILDREN),
    }))


def bare_crawl_worker(sources_path: str, scratch: str) -> None:
    """Worker: the same listings and articles through Scrapy alone: no item pipelines, no HTTP cache."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    from crawlers.settings import build_settings
    from crawlers.sources import load_sources

    counts = {"listings": 0, "articles": 0}

    class BareSpider(scrapy.Spider):
        name = "bare"

        def __init__(self, url: str, follow: str, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.start_urls, self.follow = [url], re.compile(follow)

        def parse(self, response):
            counts["listings"] += 1
            for href in response.css("a::attr(href)").getall():
                if self.follow.search(href):
                    yield response.follow(href, callback=self.parse_article)
            next_href = response.css('a[rel~="next"]::attr(href)').get()
            if next_href:
                yield response.follow(next_href, callback=self.parse)

        def parse_article(self, response):
            counts["articles"] += 1
            return None

    settings = build_settings(Path(scratch) / "bare.db", {**measured_settings(), "ITEM_PIPELINES": {},
                                                          "HTTPCACHE_ENABLED": False})
    process = CrawlerProcess(settings)
    for source in load_sources(sources_path):
        process.crawl(BareSpider, name=source.name, url=source.url, follow=source.follow)
    process.start()
    print(json.dumps({**counts, "rss_self_mb": peak_rss_mb(resource.RUSAGE_SELF),
                      "cpu_self_s": cpu_s(resource.RUSAGE_SELF)}))


def run_worker(*args: str) -> tuple[float, dict[str, Any]]:
    """Spawn this script as a worker; return (wall seconds from spawn to exit, its JSON report)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--worker", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=3600)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"worker {args[0]} failed with exit code {done.returncode}")
    return elapsed, json.loads(done.stdout.strip().splitlines()[-1])


class SiteServers:
    """The server process for one generated site (a context manager yielding {source: port})."""

    def __init__(self, root: Path, sources: list[SiteSource]) -> None:
        self.command = [sys.executable, __file__, "--worker", "serve", str(root), *(s.name for s in sources)]

    def __enter__(self) -> dict[str, int]:
        self.process = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                        cwd=ROOT)
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        if not ready:
            self.process.kill()
            raise SystemExit("the site server did not start within 60 s")
        return json.loads(self.process.stdout.readline())

    def take_requests(self) -> int:
        """Requests the sites answered (robots.txt, listings, articles) since the last call."""
        self.process.stdin.write("count\n")
        self.process.stdin.flush()
        return sum(json.loads(self.process.stdout.readline()).values())

    def __exit__(self, *exc: object) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- the benchmark -----------------------------------------------------------------------------------
def measure_site(work: Path, label: str, sources: int, pages: int, maker: TextMaker, full: bool) -> dict:
    """Build and serve one site; bare crawl and three runs when `full`, else only a first run."""
    site_root = work / f"site-{label}"
    started = time.perf_counter()
    site = build_site(site_root, sources, pages, maker)
    print(f"[{label}] site: {sources} sources x {pages} pages written in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    db_path, sources_path = work / f"{label}.db", work / f"sources-{label}.toml"
    results: dict[str, Any] = {"pages": sources * pages}
    with SiteServers(site_root, site) as ports:
        write_sources(sources_path, site, ports)
        if full:
            results["bare"] = run_worker("bare", str(sources_path), str(work))
            print(f"[{label}] bare crawl {results['bare'][0]:.1f} s", file=sys.stderr)
        results["first"] = run_worker("job", str(db_path), str(sources_path))
        print(f"[{label}] first run {results['first'][0]:.1f} s", file=sys.stderr)
        if full:
            results["unchanged"] = run_worker("job", str(db_path), str(sources_path))
            print(f"[{label}] unchanged run {results['unchanged'][0]:.1f} s", file=sys.stderr)
            results["changed_pages"] = change_pages(site_root, site, maker, CHANGED_SHARE)
            results["changed"] = run_worker("job", str(db_path), str(sources_path))
            print(f"[{label}] changed run {results['changed'][0]:.1f} s", file=sys.stderr)
    return results


def total_cpu(data: dict) -> float:
    """CPU seconds of a measured run: its own process plus its crawl child (none for the bare crawl)."""
    return data.get("cpu_self_s", 0.0) + data.get("cpu_crawl_s", 0.0)


def report(big: dict, small: dict) -> bool:
    pages = big["pages"]
    first_s, first = big["first"]
    bare_s, bare = big["bare"]
    rows = []

    def run_row(name: str, wall: float, data: dict, target: str, met: bool | None) -> None:
        rows.append((name, f"{wall:7.1f}", f"{total_cpu(data):6.1f}", f"{data.get('pages_seen', pages) / wall:7.1f}",
                     f"{data.get('rss_self_mb', 0):6.0f}", f"{data['rss_crawl_mb']:6.0f}" if "rss_crawl_mb" in data
                     else "     -", target, {None: "", True: "yes", False: "NO"}[met]))

    run_row("bare Scrapy crawl", bare_s, {**bare, "pages_seen": bare["articles"]}, "", None)
    run_row("first full run", first_s, first, f"<= {TARGETS['bare']:.0f}x bare: {first_s / bare_s:.2f}x",
            first_s / bare_s <= TARGETS["bare"])
    for key, name in (("unchanged", "second run, unchanged"), ("changed", f"run, {big['changed_pages']} changed")):
        wall, data = big[key]
        ratio = wall / first_s
        run_row(name, wall, data, f"<= {TARGETS['unchanged']:.0%} of first: {ratio:.0%}" if key == "unchanged"
                else f"{ratio:.0%} of first", ratio <= TARGETS["unchanged"] if key == "unchanged" else None)
    small_s, small_first = small["first"]
    run_row(f"first run, {small['pages']} pages", small_s, small_first, "", None)

    print(f"\nrun_bench: {pages} article pages ({pages // PER_LISTING} listing pages), settings "
          f"{measured_settings()} over crawlers/settings.py\n")
    header = ("measurement", "wall s", "CPU s", "pages/s", "run MB", "crawl MB", "target", "met")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))

    print("\nstages (s)        crawl  extract  detect   seen    new  changed  extracted  calls  new calls")
    for key in ("first", "unchanged", "changed"):
        data = big[key][1]
        det = data["detect"] or {}
        print(f"{key:15s} {data['crawl_s']:7.1f}  {data['extract_s']:7.1f}  {data['detect_s']:6.1f}  "
              f"{data['pages_seen']:5d}  {data['pages_new']:5d}  {data['pages_changed']:7d}  {data['extracted']:9d}  "
              f"{det.get('calls', 0):5d}  {det.get('new', 0):9d}")

    peak_run = max(big[k][1]["rss_self_mb"] for k in ("first", "unchanged", "changed"))
    peak_crawl = max(big[k][1]["rss_crawl_mb"] for k in ("first", "unchanged", "changed"))
    growth_run = first["rss_self_mb"] / small_first["rss_self_mb"]
    growth_crawl = first["rss_crawl_mb"] / small_first["rss_crawl_mb"]
    unchanged_ratio = big["unchanged"][0] / first_s
    checks = [
        (f"unchanged run <= {TARGETS['unchanged']:.0%} of first", unchanged_ratio <= TARGETS["unchanged"]),
        (f"first run <= {TARGETS['bare']:.0f}x bare crawl", first_s / bare_s <= TARGETS["bare"]),
        (f"peak RSS < {TARGETS['rss_mb']} MB at {pages} pages (run {peak_run:.0f}, crawl {peak_crawl:.0f})",
         max(peak_run, peak_crawl) < TARGETS["rss_mb"]),
        (f"RSS not growing with pages: {small['pages']} -> {pages} pages run x{growth_run:.2f}, "
         f"crawl x{growth_crawl:.2f} (<= x{TARGETS['rss_growth']})",
         max(growth_run, growth_crawl) <= TARGETS["rss_growth"]),
    ]
    print(f"\nby CPU time (the measured processes, not the site server): first run "
          f"{total_cpu(first) / total_cpu(bare):.2f}x bare, unchanged run "
          f"{total_cpu(big['unchanged'][1]) / total_cpu(first):.0%} of first")
    print("\ntargets")
    for text, met in checks:
        print(f"  [{'met' if met else 'MISSED'}] {text}")
    return all(met for _, met in checks)


# --- --nights: the revisit policy on an archive ---------------------------------------------------------
def measure_nights(work: Path, sources: int, items: int, maker: TextMaker, follow_up: int) -> dict[str, Any]:
    """An archive-mix site: the first night, an unchanged one, one after 5% of the items changed,
    then `follow_up` more unchanged nights (the intervals of the first night's pages come up)."""
    site_root = work / "site-archive"
    started = time.perf_counter()
    site = build_site(site_root, sources, items, maker, mix="archive")
    print(f"[nights] site: {sources} sources x {items} items written in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    db_path, sources_path = work / "archive.db", work / "sources-archive.toml"
    nights: list[dict[str, Any]] = []
    servers = SiteServers(site_root, site)
    with servers as ports:
        write_sources(sources_path, site, ports)

        def night(label: str, day: int) -> None:
            servers.take_requests()
            wall, data = run_worker("job", str(db_path), str(sources_path), (TODAY + timedelta(days=day)).isoformat())
            nights.append({**data, "label": label, "day": day, "wall": wall, "requests": servers.take_requests()})
            print(f"[nights] day {day:2d} {label}: {nights[-1]['requests']} requests, {wall:.1f} s", file=sys.stderr)

        night("first", 0)
        night("unchanged", 1)
        changes = change_archive(site_root, site, maker, CHANGED_SHARE, TODAY + timedelta(days=2))
        night("5% changed", 2)
        for day in range(3, 3 + follow_up):
            night("unchanged", day)
    return {"sources": sources, "items": items, "nights": nights, "changes": changes,
            "caught": caught_on(db_path, ports, changes, nights)}


def caught_on(db_path: Path, ports: dict[str, int], changes: dict[str, list[str]],
              nights: list[dict[str, Any]]) -> dict[str, list[int | None]]:
    """For each change, the day of the night that stored it (None: not caught)."""
    day_of_run = {run: night["day"] for run, night in enumerate(nights, start=1)}
    caught: dict[str, list[int | None]] = {}
    with sqlite3.connect(db_path) as db:
        for kind, paths in changes.items():
            caught[kind] = []
            for path in paths:
                name, rest = path.split("/", 1)
                url = f"http://127.0.0.1:{ports[name]}/{rest}"
                if kind == "new":
                    query, args = "select min(run_id) from page_versions where url = ?", [url]
                else:
                    query = ("select min(run_id) from page_versions where url = ? and (text like ? or text like ?)")
                    args = [url, f"%{EDIT_MARK_SV}%", f"%{EDIT_MARK_EN}%"]
                run = db.execute(query, args).fetchone()[0]
                caught[kind].append(day_of_run.get(run) if run else None)
    return caught


def report_nights(result: dict[str, Any]) -> bool:
    nights = result["nights"]
    first = nights[0]
    print(f"\nrun_bench --nights: {result['sources']} sources x {result['items']} items (archive mix), settings "
          f"{measured_settings()} over crawlers/settings.py\n")
    header = ("night", "day", "requests", "of first", "wall s", "of first", "listed", "due", "fetched", "skipped",
              "new", "changed", "asked for (why)")
    rows = [header]
    for night in nights:
        why = ", ".join(f"{n} {reason}" for reason, n in sorted(night["reasons"].items(), key=lambda kv: -kv[1]))
        rows.append((night["label"], night["day"], night["requests"], f"{night['requests'] / first['requests']:.0%}",
                     f"{night['wall']:.1f}", f"{night['wall'] / first['wall']:.0%}", night["pages_listed"],
                     night["pages_due"], night["pages_fetched"], night["pages_skipped"], night["pages_new"],
                     night["pages_changed"], why))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))

    unchanged = nights[1]
    later = nights[3:]
    busiest = max(later, key=lambda n: n["requests"]) if later else None
    print("\nchanges on day 2, and the night each was caught")
    for kind, days in result["caught"].items():
        found = [d for d in days if d is not None]
        print(f"  {kind:9s} {len(days):4d} changed: {sum(1 for d in found if d == 2):4d} caught on day 2, "
              f"{len(found):4d} by day {nights[-1]['day']}" + (f" (the last on day {max(found)})" if found else ""))
    checks = [
        (f"unchanged night <= {NIGHT_TARGETS['requests']:.0%} of the first night's requests: "
         f"{unchanged['requests'] / first['requests']:.1%}", unchanged["requests"] / first["requests"]
         <= NIGHT_TARGETS["requests"]),
        (f"unchanged night <= {NIGHT_TARGETS['wall']:.0%} of the first night's wall time: "
         f"{unchanged['wall'] / first['wall']:.1%}", unchanged["wall"] / first["wall"] <= NIGHT_TARGETS["wall"]),
        ("new articles and moved deadlines caught the next night",
         all(d == 2 for kind in ("new", "live") for d in result["caught"][kind])),
    ]
    if busiest is not None:
        checks.append((f"busiest later night (day {busiest['day']}) <= {NIGHT_TARGETS['requests']:.0%} of the "
                       f"first night's requests: {busiest['requests'] / first['requests']:.1%}",
                       busiest["requests"] / first["requests"] <= NIGHT_TARGETS["requests"]))
    print("\ntargets")
    for text, met in checks:
        print(f"  [{'met' if met else 'MISSED'}] {text}")
    return all(met for _, met in checks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, help="sources (default 20; with --nights 8)")
    parser.add_argument("--pages", type=int, default=100, help="article pages per source")
    parser.add_argument("--small-pages", type=int, help="pages per source of the memory comparison (pages/4)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 4 sources x 25 pages")
    parser.add_argument("--keep", type=Path, help="keep site, DBs and sources files in this (new) folder")
    parser.add_argument("--polite", action="store_true",
                        help="measure every run with the shipped politeness settings (AutoThrottle, delays)")
    parser.add_argument("--nights", action="store_true",
                        help="the revisit policy: first, unchanged, 5%% changed and later nights on an archive mix")
    parser.add_argument("--items", type=int, default=300, help="--nights: items per source")
    parser.add_argument("--follow-up", type=int, default=14, help="--nights: unchanged nights after the changed one")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        role, *rest = args.worker
        {"serve": lambda: serve_sites(Path(rest[0]), rest[1:]), "job": lambda: run_job_worker(*rest),
         "bare": lambda: bare_crawl_worker(*rest)}[role]()
        return
    if args.quick:
        args.sources, args.pages, args.items, args.follow_up = 4, 25, 60, 3
    args.sources = args.sources or (8 if args.nights else 20)
    if args.polite:
        os.environ[POLITE_ENV] = "1"
    small_pages = args.small_pages or max(PER_LISTING // 4, args.pages // 4)

    maker = TextMaker()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=False)
        work, cleanup = args.keep, None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="run-bench-")
        work = Path(cleanup.name)
    try:
        if args.nights:
            report_nights(measure_nights(work, args.sources, args.items, maker, args.follow_up))
        else:
            big = measure_site(work, "default", args.sources, args.pages, maker, full=True)
            small = measure_site(work, "small", args.sources, small_pages, maker, full=False)
            report(big, small)
    finally:
        if cleanup:
            cleanup.cleanup()
        else:
            print(f"\nkept in {work}")


if __name__ == "__main__":
    main()
