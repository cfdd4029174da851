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

    .venv/bin/python benchmarks/run_bench.py              # 20 sources x 100 pages (several minutes)
    .venv/bin/python benchmarks/run_bench.py --quick      # 4 x 25 smoke run
    .venv/bin/python benchmarks/run_bench.py --sources 10 --pages 200 --keep /tmp/run-bench
    .venv/bin/python benchmarks/run_bench.py --polite --pages 50   # with the shipped AutoThrottle and delays
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import select
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 3, 2)  # calls are judged against a fixed day, so statuses are reproducible
PER_LISTING = 20
CHANGED_SHARE = 0.05
SERVER_LIFETIME = 3 * 3600  # the server process exits by itself after this many seconds at most
POLITE_ENV = "RUN_BENCH_POLITE"  # set by --polite; read by the worker processes too


def measured_settings() -> dict[str, Any]:
    """The overrides every measured crawl uses alike: politeness off on loopback, unless --polite."""
    if os.environ.get(POLITE_ENV) == "1":
        return {"LOG_LEVEL": "ERROR"}  # crawlers/settings.py as shipped: AutoThrottle, delays
    return {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0.0, "LOG_LEVEL": "ERROR"}


TARGETS = {"unchanged": 0.20, "bare": 2.0, "rss_mb": 500, "rss_growth": 1.2}

MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
             "oktober", "november", "december")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
REGIONS = ("Västra Götaland", "Skåne", "Stockholm", "Uppsala", "Östergötland", "Jönköping", "Värmland",
           "Örebro", "Västerbotten", "Norrbotten", "Dalarna", "Gävleborg", "Halland", "Kalmar", "Blekinge",
           "Kronoberg", "Sörmland", "Västmanland", "Jämtland Härjedalen", "Gotland")
THEMES_SV = ("digital vård och omsorg", "cirkulär ekonomi", "kompetensförsörjning", "grön omställning",
             "hälsoinnovation", "smart industri", "landsbygdsutveckling", "energieffektivisering",
             "social innovation", "besöksnäringens utveckling", "vätgas och fossilfri energi",
             "klimatanpassning", "kulturella och kreativa näringar", "life science", "hållbara transporter")
THEMES_EN = ("digital health and care", "circular economy", "skills for the green transition",
             "health innovation", "advanced manufacturing", "rural development", "energy efficiency",
             "social innovation", "sustainable tourism", "hydrogen valleys", "climate adaptation",
             "cultural and creative industries", "life sciences", "clean mobility", "AI in public services")
CALL_TITLES_SV = ("Utlysning: {theme} {year}", "Nu kan du söka stöd för {theme}", "Ny utlysning inom {theme}, "
                  "omgång {round}", "Projektmedel för {theme} – omgång {round}", "Sök medel för {theme} {year}")
CALL_TITLES_EN = ("Call for proposals: {theme} {year}", "Funding for {theme} projects, round {round}",
                  "Open call: {theme} ({year})", "Grants for {theme} – call {round}")
EVENT_TITLES_SV = ("Informationsmöte om {theme}", "Webbinarium: så söker du medel för {theme}",
                   "Matchmaking inom {theme} – träff {round}", "Frukostseminarium om {theme}")
EVENT_TITLES_EN = ("Info day on {theme}", "Webinar: applying for {theme} funding", "Brokerage event: {theme}",
                   "Matchmaking session on {theme}, part {round}")
NEWS_TITLES_SV = ("{n} projekt inom {theme} har beviljats stöd", "Regionen satsar på {theme}",
                  "Så gick det för projekten inom {theme}", "Nytt samarbete för {theme} i {region}")
NEWS_TITLES_EN = ("{n} projects in {theme} receive funding", "Region invests in {theme}",
                  "Results from the {theme} projects", "New partnership on {theme} in {region}")
ENGLISH_PROSE = (
    "The regional office helps organisations find partners and prepare competitive proposals.",
    "Projects are expected to involve end users from the start and to share their results openly.",
    "Last year, more than forty organisations from the region took part in European projects.",
    "Applicants should describe the expected impact and how the results will be taken up after the project.",
    "Our advisers can read a draft of your project idea and comment on its fit with the work programme.",
    "The programme committee meets twice a year to follow up the projects that have been funded.",
    "Municipalities, companies, universities and civil society organisations may all take part.",
    "Further guidance is available in the programme guide and in the frequently asked questions.",
)
# Sentences of the repository's fixture pages that are themselves navigation or footer text.
BOILERPLATE = re.compile(r"kakor|cookie|besöksadress|tillgänglighet|växel|personuppgift|startsida|lediga jobb",
                         re.IGNORECASE)
CALL_WORDS = re.compile(r"utlys|ansök|söka|sista|deadline|call|stäng|öppen|öppnar", re.IGNORECASE)
SHARED_CALLS = [  # EU calls that several regional sites write about: detect groups them by identifier
    (f"HORIZON-{area}-2026-{block}-{n:02d}", theme)
    for n, (area, block, theme) in enumerate([
        ("HLTH", "CARE", "digital health and care"), ("CL5", "D3", "energy efficiency"),
        ("CL6", "CIRCBIO", "circular economy"), ("MISS", "CLIMA", "climate adaptation"),
        ("CL4", "DIGITAL", "advanced manufacturing"), ("HLTH", "TOOL", "health innovation"),
        ("CL2", "TRANSFO", "social innovation"), ("CL5", "D6", "clean mobility"),
    ], start=1)
]


# --- the site ------------------------------------------------------------------------------------
@dataclass
class SiteSource:
    name: str
    lang: str
    region: str
    section: str  # listing path, e.g. "aktuellt"
    pages: int


def swedish_date(day: date) -> str:
    return f"{day.day} {MONTHS_SV[day.month - 1]} {day.year}"


def english_date(day: date) -> str:
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


class TextMaker:
    """Varied Swedish and English article text from repository sentences and the funder registry."""

    def __init__(self) -> None:
        import extract_bench  # benchmarks/ is on sys.path when this script runs; heavy: spaCy, registry

        from pipeline.nlp.funders import load_registry

        self.templates = {"en": extract_bench.ENGLISH_TEMPLATES, "sv": extract_bench.SWEDISH_TEMPLATES}
        self.repository = [s for s in extract_bench.repository_sentences() if not BOILERPLATE.search(s)]
        self.neutral = [s for s in self.repository if not CALL_WORDS.search(s)]  # news prose
        entries = load_registry()[0]
        self.funders = {"en": [e.names[0] for e in entries if e.names],
                        "sv": [e.names[-1] for e in entries if e.names]}

    def filler(self, rng: random.Random, lang: str, count: int, templated: float) -> list[str]:
        """`count` sentences; a share `templated` from the funding templates (dates, sums, funders)."""
        out = []
        for _ in range(count):
            if rng.random() >= templated:
                pool = (self.repository if templated else self.neutral) if lang == "sv" else ENGLISH_PROSE
                out.append(rng.choice(pool))
            else:
                day = TODAY + timedelta(days=rng.randint(-200, 500))
                out.append(rng.choice(self.templates[lang]).format(
                    funder=rng.choice(self.funders[lang]), n=rng.randint(1, 90),
                    date=swedish_date(day) if lang == "sv" else english_date(day)))
        return out

    def article(self, source: SiteSource, index: int, version: int) -> tuple[str, str, list[str], date]:
        """(kind, title, paragraphs, published) of one article; `version` > 0 is an edited page."""
        rng = random.Random(f"{source.name}/{index}")
        lang, sv = source.lang, source.lang == "sv"
        fmt = swedish_date if sv else english_date
        themes = THEMES_SV if sv else THEMES_EN
        theme, round_, year = rng.choice(themes), rng.randint(1, 12), rng.choice((2026, 2027))
        published = TODAY - timedelta(days=rng.randint(0, 400))
        funder = rng.choice(self.funders[lang])
        kind = rng.choices(("call", "event", "news"), weights=(45, 20, 35))[0]
        deadline = TODAY + timedelta(days=rng.randint(-60, 420) + 21 * version)
        paragraphs: list[str] = []
        if kind == "call":
            shared = SHARED_CALLS[index % len(SHARED_CALLS)] if rng.random() < 0.15 else None
            if shared:
                identifier, theme = shared
                title = f"{'EU-utlysning' if sv else 'EU call'}: {theme} ({identifier})"
                deadline = date(2026, 9, 10 + index % len(SHARED_CALLS))
                funder = "Horizon Europe" if not sv else "Horisont Europa"
            else:
                identifier = None
                title = rng.choice(CALL_TITLES_SV if sv else CALL_TITLES_EN).format(
                    theme=theme, year=year, round=round_)
            amount = rng.choice((2, 5, 8, 12, 25, 40))
            if sv:
                paragraphs += [
                    f"{funder} öppnar nu en utlysning för projekt inom {theme} i {source.region}.",
                    rng.choice((f"Sista ansökningsdag är den {fmt(deadline)}.",
                                f"Ansökan ska vara inne senast {fmt(deadline)} kl. 23.59.",
                                f"Utlysningen stänger {fmt(deadline)}.")),
                    rng.choice((f"Projekt kan beviljas högst {amount} miljoner kronor.",
                                f"Den totala budgeten för utlysningen är {amount * 1_000_000:,} kronor."
                                .replace(",", " "))),
                ]
            else:
                paragraphs += [
                    f"The {funder} has opened a call for proposals on {theme} for organisations in {source.region}.",
                    rng.choice((f"The deadline for applications is {fmt(deadline)} at 17:00 CET.",
                                f"Proposals must be submitted by {fmt(deadline)}.",
                                f"The call closes on {fmt(deadline)}.")),
                    f"The total budget is EUR {amount} million; projects may receive up to EUR "
                    f"{max(1, amount // 4)} million.",
                ]
            if identifier:
                paragraphs.append(f"{'Utlysningens identifierare' if sv else 'Topic identifier'}: {identifier}.")
        elif kind == "event":
            day = TODAY + timedelta(days=rng.randint(-30, 200) + 7 * version)
            title = rng.choice(EVENT_TITLES_SV if sv else EVENT_TITLES_EN).format(theme=theme, round=round_)
            if sv:
                paragraphs += [f"Välkommen till {title.lower()} den {fmt(day)} klockan 09.00–11.30.",
                               f"Träffen hålls digitalt och i regionens lokaler i {source.region}. "
                               f"Anmäl dig senast {fmt(day - timedelta(days=5))}.",
                               f"Du får veta mer om {funder} och hur du hittar partner för {theme}."]
            else:
                paragraphs += [f"Join the {title.lower()} on {fmt(day)}, 10:00–12:00 CET.",
                               f"The event is online and in {source.region}. Register by "
                               f"{fmt(day - timedelta(days=5))}.",
                               f"Speakers from the {funder} present the programme and partner search tools."]
        else:
            title = rng.choice(NEWS_TITLES_SV if sv else NEWS_TITLES_EN).format(
                theme=theme, n=rng.randint(3, 40), region=source.region)
            paragraphs.append(
                f"{rng.randint(3, 40)} projekt inom {theme} får dela på {rng.randint(5, 90)} miljoner kronor "
                f"från {funder}." if sv else
                f"{rng.randint(3, 40)} projects on {theme} share EUR {rng.randint(2, 60)} million from the {funder}.")
            if rng.random() < 0.3:
                identifier, _ = rng.choice(SHARED_CALLS)
                paragraphs.append(f"{'Läs mer om utlysningen' if sv else 'Read more about call'} {identifier}.")
        templated = 0.0 if kind == "news" else 0.25
        paragraphs += [" ".join(self.filler(rng, lang, rng.randint(2, 4), templated))
                       for _ in range(rng.randint(2, 4))]
        if version:
            paragraphs.append(f"{'Uppdaterad' if sv else 'Updated'} {fmt(TODAY)}: "
                              + ("datum och villkor har ändrats." if sv else "dates and conditions changed."))
        return kind, title, paragraphs, published


PAGE = """<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} - {site}</title>
<link rel="canonical" href="{path}">{head}</head><body>
<div id="cookie-consent">{cookies} <button>{accept}</button></div>
<header><a class="logo" href="/">{site}</a><nav class="main-menu"><a href="/">{home}</a>
<a href="/{section}/">{news}</a> <a href="/kontakt">{contact}</a>
<a href="/om">{about}</a> <a href="/jobb">{jobs}</a> <a href="/press">Press</a></nav>
<form action="/sok"><input name="q" placeholder="{search}"></form></header>
<main id="content">{main}</main>
<aside class="related"><h2>{related}</h2>{aside}</aside>
<footer class="site-footer"><p>{site}, {switchboard} 010-{phone}</p><p>{address}</p>
<a href="/tillganglighet">{a11y}</a> <a href="/kakor">{cookies_link}</a> <a href="/personuppgifter">GDPR</a></footer>
</body></html>"""
CHROME = {
    "sv": dict(cookies="Vi använder kakor (cookies) för att webbplatsen ska fungera.", accept="Acceptera alla kakor",
               home="Startsida", news="Aktuellt", contact="Kontakta oss", about="Om regionen", jobs="Lediga jobb",
               search="Sök på webbplatsen", related="Relaterat", switchboard="växel", a11y="Tillgänglighetsredogörelse",
               cookies_link="Om kakor", address="Besöksadress Storgatan 1, 581 91 Exempelstad"),
    "en": dict(cookies="We use cookies to make this site work.", accept="Accept all cookies", home="Home",
               news="News", contact="Contact us", about="About us", jobs="Vacancies", search="Search this site",
               related="Related", switchboard="switchboard", a11y="Accessibility statement",
               cookies_link="Cookies", address="Visiting address Rue Exemple 1, 1000 Brussels"),
}


def article_path(source: SiteSource, index: int) -> str:
    return f"/{source.section}/artikel-{index:04d}.html"


def render_article(maker: TextMaker, source: SiteSource, index: int, version: int = 0) -> str:
    _kind, title, paragraphs, published = maker.article(source, index, version)
    related = "".join(f'<a href="{article_path(source, (index + k) % source.pages)}">{k}</a> ' for k in (1, 2, 3))
    main = (f"<article><h1>{title}</h1><time datetime=\"{published.isoformat()}\">{published.isoformat()}</time>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article>")
    head = f'<meta property="article:published_time" content="{published.isoformat()}T08:00:00+01:00">'
    return _page(source, title, article_path(source, index), head, main, related)


def render_listing(source: SiteSource, maker: TextMaker, number: int, listings: int) -> str:
    first = (number - 1) * PER_LISTING
    items = "".join(
        f'<li class="item"><a href="{article_path(source, i)}">{maker.article(source, i, 0)[1]}</a></li>'
        for i in range(first, min(first + PER_LISTING, source.pages))
    )
    pager = " ".join(f'<a href="/{source.section}/?page={k}">{k}</a>' for k in range(1, listings + 1) if k != number)
    if number < listings:
        label = "Nästa" if source.lang == "sv" else "Next"
        pager += f' <a rel="next" href="/{source.section}/?page={number + 1}">{label}</a>'
    main = (f'<h1>{CHROME[source.lang]["news"]}</h1><ul class="listing">{items}</ul>'
            f'<div class="pagination">{pager}</div>')
    return _page(source, CHROME[source.lang]["news"], f"/{source.section}/", "", main, "")


def _page(source: SiteSource, title: str, path: str, head: str, main: str, aside: str) -> str:
    site = f"Region {source.region}" if source.lang == "sv" else f"{source.region} EU Office"
    phone = f"{abs(hash(source.name)) % 1000:03d} 00 00"
    return PAGE.format(lang=source.lang, title=title, site=site, path=path, head=head, section=source.section,
                       main=main, aside=aside, phone=phone, **CHROME[source.lang])


def build_site(root: Path, sources: int, pages: int, maker: TextMaker) -> list[SiteSource]:
    """Write every source's robots.txt, listing pages and articles under root/<name>/."""
    built = []
    for n in range(sources):
        lang = "en" if n % 4 == 3 else "sv"  # a quarter are English-language EU offices
        source = SiteSource(name=f"bench-{n:02d}", lang=lang, region=REGIONS[n % len(REGIONS)],
                            section="aktuellt" if lang == "sv" else "news", pages=pages)
        folder = root / source.name / source.section
        folder.mkdir(parents=True)
        (root / source.name / "robots.txt").write_text("User-agent: *\nDisallow: /intern/\n", encoding="utf-8")
        listings = -(-pages // PER_LISTING)
        for number in range(1, listings + 1):
            name = "index.html" if number == 1 else f"index-page-{number}.html"
            (folder / name).write_text(render_listing(source, maker, number, listings), encoding="utf-8")
            if number == 1:  # the page-number links point at ?page=1 too
                (folder / "index-page-1.html").write_text(render_listing(source, maker, 1, listings), "utf-8")
        for index in range(pages):
            (root / source.name / article_path(source, index).lstrip("/")).write_text(
                render_article(maker, source, index), encoding="utf-8")
        built.append(source)
    return built


def change_pages(root: Path, sources: list[SiteSource], maker: TextMaker, share: float) -> int:
    """Edit `share` of all articles (deadlines and event dates move, an update line is added)."""
    every = [(s, i) for s in sources for i in range(s.pages)]
    chosen = random.Random(5).sample(every, max(1, round(len(every) * share)))
    for source, index in chosen:
        (root / source.name / article_path(source, index).lstrip("/")).write_text(
            render_article(maker, source, index, version=1), encoding="utf-8")
    return len(chosen)


def write_sources(path: Path, sources: list[SiteSource], ports: dict[str, int]) -> None:
    lines = []
    for source in sources:
        listings = -(-source.pages // PER_LISTING)
        lines += ["[[sources]]", f'name = "{source.name}"', 'kind = "listing"',
                  f'url = "http://127.0.0.1:{ports[source.name]}/{source.section}/"',
                  f"follow = '/{source.section}/artikel-[0-9]+[.]html$'", f'lang = "{source.lang}"',
                  f"max_pages = {listings + 1}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


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
        if readable and not sys.stdin.readline():
            break
    for server in servers:
        server.__exit__(None, None, None)


def peak_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def cpu_s(who: int) -> float:
    """User + system CPU seconds: steadier than wall time when other jobs share the machine."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_job_worker(db_path: str, sources_path: str) -> None:
    """Worker: one `run_job`; print stage times, counts and peak RSS (self and crawl child) as JSON."""
    from pipeline.run import run_job

    marks: dict[str, float] = {"start": time.perf_counter()}
    extracted = 0

    def on_event(event: dict[str, Any]) -> None:
        nonlocal extracted
        if event.get("event") == "stage":
            marks[event["stage"]] = time.perf_counter()
            if event["stage"] == "extract-done":  # pages extracted during the crawl and after it
                extracted = event["count"]

    summary = run_job(db_path, sources_path, crawl_settings=measured_settings(), on_event=on_event, today=TODAY)
    marks["end"] = time.perf_counter()
    print(json.dumps({
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--pages", type=int, default=100, help="article pages per source")
    parser.add_argument("--small-pages", type=int, help="pages per source of the memory comparison (pages/4)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 4 sources x 25 pages")
    parser.add_argument("--keep", type=Path, help="keep site, DBs and sources files in this (new) folder")
    parser.add_argument("--polite", action="store_true",
                        help="measure every run with the shipped politeness settings (AutoThrottle, delays)")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        role, *rest = args.worker
        {"serve": lambda: serve_sites(Path(rest[0]), rest[1:]), "job": lambda: run_job_worker(*rest),
         "bare": lambda: bare_crawl_worker(*rest)}[role]()
        return
    if args.quick:
        args.sources, args.pages = 4, 25
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
