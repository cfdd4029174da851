"""The generated regional sites the run benchmark crawls: listings and articles, Swedish and English.

Two mixes. "calls" (the default of run_bench.py): funding calls with deadlines mostly ahead,
events and news, in index order. "archive" (run_bench.py --nights): what a regional news section
holds after years: a few hundred items, about 5 % open calls and coming events, the rest old news,
closed calls and past events, listed newest first.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

TODAY = date(2026, 3, 2)  # calls are judged against a fixed day, so statuses are reproducible
PER_LISTING = 20

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
DATE_WORDS = re.compile(r"\d|" + "|".join(MONTHS_SV + MONTHS_EN) + r"|vecka|veckor|idag|i dag|imorgon|i morgon|"
                        r"måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag|höst|vår|sommar|vinter|jul|påsk",
                        re.IGNORECASE)
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
    mix: str = "calls"  # or "archive"
    order: list[int] = field(default_factory=list)  # article indexes as listed (default: index order)
    added: dict[int, date] = field(default_factory=dict)  # articles published after the first night


# The archive mix: the share of items still ahead (open calls, coming events); the rest are old
# news, closed calls and past events with every date at least LAST_PAST_DAY days back (further
# than the revisit policy's grace, so none of them counts as ahead).
LIVE_SHARE = 0.05
LAST_PAST_DAY = 20


@dataclass(frozen=True)
class ArchiveItem:
    kind: str  # call | event | news
    published: date
    key_date: date | None  # the call's deadline or the event's day
    live: bool  # its key date is ahead


def archive_item(source: SiteSource, index: int) -> ArchiveItem:
    """What article `index` of an archive-mix source is: fixed by the source and index."""
    rng = random.Random(f"archive/{source.name}/{index}")
    if index in source.added:  # fresh news: calls and events among it are ahead
        day = source.added[index]
        kind = rng.choices(("call", "event", "news"), weights=(30, 15, 55))[0]
        ahead = {"call": rng.randint(20, 120), "event": rng.randint(5, 60)}.get(kind)
        return ArchiveItem(kind, day, day + timedelta(days=ahead) if ahead else None, kind != "news")
    if rng.random() < LIVE_SHARE:
        if rng.random() < 0.6:
            return ArchiveItem("call", TODAY - timedelta(days=rng.randint(0, 60)),
                               TODAY + timedelta(days=rng.randint(20, 200)), True)
        return ArchiveItem("event", TODAY - timedelta(days=rng.randint(0, 45)),
                           TODAY + timedelta(days=rng.randint(5, 90)), True)
    kind = rng.choices(("call", "event", "news"), weights=(35, 20, 45))[0]
    if kind == "news":
        return ArchiveItem(kind, TODAY - timedelta(days=rng.randint(1, 1500)), None, False)
    key = TODAY - timedelta(days=rng.randint(LAST_PAST_DAY, 1400))
    lead = rng.randint(20, 80) if kind == "call" else rng.randint(7, 40)  # published this long before
    return ArchiveItem(kind, key - timedelta(days=lead), key, False)


def date_window(item: ArchiveItem | None) -> tuple[int, int] | None:
    """Days from TODAY that the dates of an old article's filler sentences are drawn from (None:
    not an old article of the archive mix)."""
    if item is None or item.live:
        return None
    last = min((item.key_date or item.published) - TODAY, timedelta(days=-LAST_PAST_DAY)).days
    return last - 400, last


def swedish_date(day: date) -> str:
    return f"{day.day} {MONTHS_SV[day.month - 1]} {day.year}"


def english_date(day: date) -> str:
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


EDIT_MARK_SV = "Texten har uppdaterats med nya uppgifter om projekten och resultaten."
EDIT_MARK_EN = "This text was updated with new details on the projects and their results."


class TextMaker:
    """Varied Swedish and English article text from repository sentences and the funder registry."""

    def __init__(self) -> None:
        import extract_bench  # benchmarks/ is on sys.path when this script runs; heavy: spaCy, registry

        from pipeline.nlp.funders import load_registry

        self.templates = {"en": extract_bench.ENGLISH_TEMPLATES, "sv": extract_bench.SWEDISH_TEMPLATES}
        self.repository = [s for s in extract_bench.repository_sentences() if not BOILERPLATE.search(s)]
        self.neutral = [s for s in self.repository if not CALL_WORDS.search(s)]  # news prose
        # The fixture sentences name dates of their own ("den 9 december 2026"): an old page of the
        # archive mix draws only from those naming none, so nothing in it lies ahead.
        self.dateless = {pool: [s for s in sentences if not DATE_WORDS.search(s)]
                         for pool, sentences in (("repository", self.repository), ("neutral", self.neutral))}
        entries = load_registry()[0]
        self.funders = {"en": [e.names[0] for e in entries if e.names],
                        "sv": [e.names[-1] for e in entries if e.names]}

    def filler(self, rng: random.Random, lang: str, count: int, templated: float,
               window: tuple[int, int] | None = None) -> list[str]:
        """`count` sentences; a share `templated` from the funding templates (dates, sums, funders).
        `window`: the days from TODAY the templates' dates are drawn from, and then no fixture
        sentence that names a date of its own (default: -200..500 days, any sentence)."""
        out = []
        for _ in range(count):
            if rng.random() >= templated:
                pool = (self.repository if templated else self.neutral) if lang == "sv" else ENGLISH_PROSE
                if window is not None and lang == "sv":
                    pool = self.dateless["repository" if templated else "neutral"]
                out.append(rng.choice(pool))
            else:
                day = TODAY + timedelta(days=rng.randint(*(window or (-200, 500))))
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
        item = archive_item(source, index) if source.mix == "archive" else None
        if item is not None:  # the same draws as the calls mix, then the archive's kind and dates
            kind, published = item.kind, item.published
            if item.key_date is not None:
                deadline = item.key_date + timedelta(days=21 * version if item.live else 0)
        paragraphs: list[str] = []
        if kind == "call":
            shared = SHARED_CALLS[index % len(SHARED_CALLS)] if rng.random() < 0.15 else None
            if item is not None and not item.live:
                shared = None  # a shared EU call is open: not in the archive's past
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
            if item is not None and item.key_date is not None:
                day = item.key_date + timedelta(days=7 * version if item.live else 0)
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
                if item is None or item.live:  # the shared EU calls are open: old news predates them
                    paragraphs.append(f"{'Läs mer om utlysningen' if sv else 'Read more about call'} {identifier}.")
        templated = 0.0 if kind == "news" else 0.25
        paragraphs += [" ".join(self.filler(rng, lang, rng.randint(2, 4), templated, date_window(item)))
                       for _ in range(rng.randint(2, 4))]
        if version and item is not None:  # no date in it: an edit of an old page puts nothing ahead
            paragraphs.append(EDIT_MARK_SV if sv else EDIT_MARK_EN)
        elif version:
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
    order = source.order or list(range(source.pages))
    items = "".join(
        f'<li class="item"><a href="{article_path(source, i)}">{maker.article(source, i, 0)[1]}</a></li>'
        if source.mix == "calls" else
        f'<li class="item"><a href="{article_path(source, i)}">{maker.article(source, i, 0)[1]}</a> '
        f'<time>{archive_item(source, i).published.isoformat()}</time></li>'
        for i in order[first:first + PER_LISTING]
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


def build_site(root: Path, sources: int, pages: int, maker: TextMaker, mix: str = "calls") -> list[SiteSource]:
    """Write every source's robots.txt, listing pages and articles under root/<name>/."""
    built = []
    for n in range(sources):
        lang = "en" if n % 4 == 3 else "sv"  # a quarter are English-language EU offices
        source = SiteSource(name=f"bench-{n:02d}", lang=lang, region=REGIONS[n % len(REGIONS)],
                            section="aktuellt" if lang == "sv" else "news", pages=pages, mix=mix)
        if mix == "archive":  # newest first
            source.order = sorted(range(pages), key=lambda i, s=source: archive_item(s, i).published, reverse=True)
        (root / source.name / source.section).mkdir(parents=True)
        (root / source.name / "robots.txt").write_text("User-agent: *\nDisallow: /intern/\n", encoding="utf-8")
        write_listings(root, source, maker)
        for index in range(pages):
            write_article(root, source, maker, index)
        built.append(source)
    return built


def write_listings(root: Path, source: SiteSource, maker: TextMaker) -> None:
    folder = root / source.name / source.section
    listings = -(-source.pages // PER_LISTING)
    for number in range(1, listings + 1):
        name = "index.html" if number == 1 else f"index-page-{number}.html"
        (folder / name).write_text(render_listing(source, maker, number, listings), encoding="utf-8")
        if number == 1:  # the page-number links point at ?page=1 too
            (folder / "index-page-1.html").write_text(render_listing(source, maker, 1, listings), "utf-8")


def write_article(root: Path, source: SiteSource, maker: TextMaker, index: int, version: int = 0) -> None:
    (root / source.name / article_path(source, index).lstrip("/")).write_text(
        render_article(maker, source, index, version), encoding="utf-8")


def change_pages(root: Path, sources: list[SiteSource], maker: TextMaker, share: float) -> int:
    """Edit `share` of all articles (deadlines and event dates move, an update line is added)."""
    every = [(s, i) for s in sources for i in range(s.pages)]
    chosen = random.Random(5).sample(every, max(1, round(len(every) * share)))
    for source, index in chosen:
        write_article(root, source, maker, index, version=1)
    return len(chosen)


def change_archive(root: Path, sources: list[SiteSource], maker: TextMaker, share: float,
                   day: date) -> dict[str, list[str]]:
    """Change `share` of an archive-mix site's items on `day`: a fifth are new articles at the top
    of their listings, the rest edits of items drawn at random (a moved deadline or event day in
    those still ahead, an added paragraph in old ones). Returns the changed URL paths by kind
    ("new", "live", "archived"), as "<source>/<path>"."""
    every = [(s, i) for s in sources for i in range(s.pages)]
    total = max(1, round(len(every) * share))
    rng = random.Random(f"changes/{day}")
    changed: dict[str, list[str]] = {"new": [], "live": [], "archived": []}
    for source, index in rng.sample(every, total - total // 5):
        write_article(root, source, maker, index, version=1)
        kind = "live" if archive_item(source, index).live else "archived"
        changed[kind].append(f"{source.name}{article_path(source, index)}")
    for n in range(total // 5):
        source = sources[n % len(sources)]
        index = source.pages
        source.added[index] = day
        source.pages += 1
        source.order.insert(0, index)
        write_article(root, source, maker, index)
        changed["new"].append(f"{source.name}{article_path(source, index)}")
    for source in sources:
        write_listings(root, source, maker)
    return changed


def write_sources(path: Path, sources: list[SiteSource], ports: dict[str, int]) -> None:
    lines = []
    for source in sources:
        listings = -(-source.pages // PER_LISTING)
        lines += ["[[sources]]", f'name = "{source.name}"', 'kind = "listing"',
                  f'url = "http://127.0.0.1:{ports[source.name]}/{source.section}/"',
                  f"follow = '/{source.section}/artikel-[0-9]+[.]html$'", f'lang = "{source.lang}"',
                  f"max_pages = {listings + 1}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


