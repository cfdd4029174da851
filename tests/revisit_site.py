"""A regional news section as the revisit tests need it: a paginated listing, newest first, of an
open call, an upcoming event, old news, a closed call and a past event, written relative to a
chosen day and served on 127.0.0.1 (so a test can edit it between nights)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
             "oktober", "november", "december")
PER_PAGE = 3

ARTICLE = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav><a href="/">Startsida</a> <a href="/aktuellt/">Aktuellt</a></nav>
<main><article><h1>{title}</h1>{body}
<p>Kontakta regionens EU-kontor om du vill ha stöd i ansökan eller hjälp att hitta partner.</p></article></main>
<footer>Region Exempel, växel 010-000 00 00</footer></body></html>"""


def swedish_date(day: date) -> str:
    return f"{day.day} {MONTHS_SV[day.month - 1]} {day.year}"


@dataclass
class Article:
    slug: str
    title: str
    body: str
    teaser: str


def default_articles(today: date) -> list[Article]:
    """Newest first: what a listing shows on the first page is what is still ahead."""
    ahead, later, past = today + timedelta(days=75), today + timedelta(days=20), today - timedelta(days=120)
    return [
        Article("utlysning-vard", "Utlysning: digitala lösningar för nära vård",
                f"<p>Tillväxtverket utlyser medel ur Europeiska regionala utvecklingsfonden för projekt som "
                f"utvecklar digitala lösningar för nära vård. Sista ansökningsdag är den {swedish_date(ahead)}. "
                f"Projekten kan beviljas högst 4 miljoner kronor.</p>",
                "Nu kan du söka medel för digitala lösningar i vården."),
        Article("infomote", "Informationsmöte om utlysningen",
                f"<p>Välkommen till ett digitalt informationsmöte den {swedish_date(later)} klockan 10.00 där vi "
                f"berättar om utlysningen och svarar på frågor.</p>",
                "Ett informationsmöte för sökande."),
        Article("nyhet-samarbete", "Regionen inleder samarbete med grannlänen",
                "<p>Regionen och grannlänen har kommit överens om att samarbeta kring kompetensförsörjning. "
                "Samarbetet ska ge fler företag tillgång till rätt kompetens.</p>",
                "Ett nytt samarbete om kompetens."),
        Article("utlysning-energi", "Utlysning: energieffektivisering i industrin",
                f"<p>Energimyndigheten utlyste medel för projekt om energieffektivisering i industrin. "
                f"Sista ansökningsdag var den {swedish_date(past)}. Projekten kunde beviljas högst "
                f"2 miljoner kronor.</p>",
                "Stöd till energieffektivisering i industrin."),
        Article("konferens-halsa", "Konferens om hälsoinnovation",
                f"<p>Konferensen om hälsoinnovation hölls den {swedish_date(past + timedelta(days=10))} "
                f"i regionens lokaler med över hundra deltagare.</p>",
                "Så blev konferensen om hälsoinnovation."),
        Article("nyhet-beviljat", "Tolv projekt har beviljats stöd",
                "<p>Tolv projekt inom hållbar turism delar på 15 miljoner kronor från regionen.</p>",
                "Tolv projekt delar på 15 miljoner kronor."),
    ]


def write_site(root: Path, articles: list[Article], listed: list[Article] | None = None) -> None:
    """Write the articles and a listing of `listed` (default: all of them), PER_PAGE a page."""
    listed = articles if listed is None else listed
    folder = root / "aktuellt"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("index*.html"):
        old.unlink()
    pages = [listed[i:i + PER_PAGE] for i in range(0, len(listed), PER_PAGE)] or [[]]
    for number, entries in enumerate(pages, start=1):
        items = "".join(f'<li class="entry"><a href="/aktuellt/{a.slug}.html">{a.title}</a>'
                        f'<p class="teaser">{a.teaser}</p></li>' for a in entries)
        pager = f'<a rel="next" href="/aktuellt/?page={number + 1}">Nästa</a>' if number < len(pages) else ""
        name = "index.html" if number == 1 else f"index-page-{number}.html"
        (folder / name).write_text(
            "<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>Aktuellt</title></head>"
            f"<body><main><h1>Aktuellt</h1><ul>{items}</ul><nav>{pager}</nav></main>"
            "<footer>Region Exempel</footer></body></html>", encoding="utf-8")
    for article in articles:
        (folder / f"{article.slug}.html").write_text(
            ARTICLE.format(title=article.title, body=article.body), encoding="utf-8")
