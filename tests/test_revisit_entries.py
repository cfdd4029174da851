"""What makes a listed page due: its listing entry, feed item (`updated`) or sitemap `lastmod`
changed. Saved pages turned into Scrapy responses, the spiders' own callbacks, no network."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from scrapy.http import HtmlResponse, XmlResponse

from crawlers.feeds import feed_entries
from crawlers.listing_entries import entry_digests
from crawlers.revisits import SourceVisits
from crawlers.sources import Source
from crawlers.spiders.feed import FeedSpider
from crawlers.spiders.sitemap import SitemapSpider
from pipeline.revisit import StoredPage
from pipeline.revisit_store import KnownPages

SITES = Path(__file__).parent / "fixtures" / "sites"
TODAY = date(2026, 9, 10)
LISTING = "https://region.example/aktuellt/"


def listing(entries: list[tuple[str, str, str]], updated: str = "2026-09-01") -> HtmlResponse:
    items = "".join(f'<li><a href="/aktuellt/{slug}.html">{title}</a><p>{teaser}</p></li>'
                    for slug, title, teaser in entries)
    body = (f"<html><body><nav><a href='/'>Start</a></nav><main><ul>{items}</ul>"
            f"<p>Sidan uppdaterades {updated}</p></main><footer>Region Exempel</footer></body></html>")
    return HtmlResponse(url=LISTING, body=body.encode(), encoding="utf-8")


def digests(response: HtmlResponse, *slugs: str) -> dict[str, str]:
    return entry_digests(response, [f"{LISTING}{slug}.html" for slug in slugs])


def test_a_listing_entry_digest_changes_with_its_own_teaser_only():
    before = listing([("a", "Utlysning A", "Sista dag 1 oktober"), ("b", "Nyhet B", "Tolv projekt")])
    after = listing([("a", "Utlysning A", "Sista dag 1 november"), ("b", "Nyhet B", "Tolv projekt")])
    old, new = digests(before, "a", "b"), digests(after, "a", "b")
    assert old[f"{LISTING}a.html"] != new[f"{LISTING}a.html"]
    assert old[f"{LISTING}b.html"] == new[f"{LISTING}b.html"]


def test_the_only_entry_of_a_listing_page_is_not_the_whole_page():
    before = listing([("a", "Utlysning A", "Sista dag 1 oktober")], updated="2026-09-09")
    after = listing([("a", "Utlysning A", "Sista dag 1 oktober")], updated="2026-09-10")
    assert digests(before, "a") == digests(after, "a")


def visits_of(known: dict[str, str | None], full: bool = False) -> SourceVisits:
    """Known pages {url: entry as last seen}: stored, extracted, closed, checked yesterday."""
    pages = {url: StoredPage(url, stored=True, extracted=True, entry=entry, last_checked=TODAY - timedelta(days=1),
                             interval_days=14, deadlines=("2026-01-01",))
             for url, entry in known.items()}
    return SourceVisits("agency", KnownPages(pages, {u: u for u in pages}, 3), run_id=4, today=TODAY, full=full)


def test_a_sitemap_asks_for_new_urls_and_for_those_whose_lastmod_changed():
    body = (SITES / "sitemapsite" / "sitemap.xml").read_bytes()
    forskning = "http://snapshot.invalid/utlysningar/forskning-2027.html"
    innovation = "http://snapshot.invalid/utlysningar/innovation-2027.html"
    spider = SitemapSpider(source=Source(name="agency", kind="sitemap", url="http://snapshot.invalid/sitemap.xml",
                                         follow="/utlysningar/"))
    spider.visits = visits_of({forskning: "2026-08-01", innovation: "2026-09-01"})

    requests = list(spider.parse_sitemap(XmlResponse(url="http://snapshot.invalid/sitemap.xml", body=body)))

    assert [r.url for r in requests] == [forskning]  # lastmod 2026-08-01 -> 2026-09-01
    spider.visits = visits_of({forskning: "2026-09-01"})
    requests = list(spider.parse_sitemap(XmlResponse(url="http://snapshot.invalid/sitemap.xml", body=body)))
    assert [r.url for r in requests] == [innovation]  # not known yet


ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Utlysningar</title>
<entry><title>Utlysning energi</title><link href="https://agency.example/utlysning-energi"/>
<updated>{energi}</updated><summary>Sista dag 1 oktober</summary></entry>
<entry><title>Webbinarium</title><link href="https://agency.example/webbinarium"/>
<updated>2026-09-01T08:00:00Z</updated><summary>Om ansökan</summary></entry></feed>"""


def test_a_feed_asks_for_the_items_whose_updated_changed():
    before = feed_entries(ATOM.format(energi="2026-09-01T08:00:00Z").encode())
    after_body = ATOM.format(energi="2026-09-09T15:30:00Z").encode()
    spider = FeedSpider(source=Source(name="agency", kind="feed", url="https://agency.example/feed.atom"))
    spider.visits = visits_of(before)

    requests = list(spider.parse_feed(XmlResponse(url="https://agency.example/feed.atom", body=after_body)))

    assert [r.url for r in requests] == ["https://agency.example/utlysning-energi"]
    assert list(before) == ["https://agency.example/utlysning-energi", "https://agency.example/webbinarium"]


def test_a_feed_read_in_full_asks_for_every_item():
    body = (SITES / "feedsite" / "rss.xml").read_bytes()
    known = {f"https://agency.example{link}": digest for link, digest in feed_entries(body).items()}
    spider = FeedSpider(source=Source(name="agency", kind="feed", url="https://agency.example/rss.xml"))
    spider.visits = visits_of(known, full=True)

    requests = list(spider.parse_feed(XmlResponse(url="https://agency.example/rss.xml", body=body)))

    assert sorted(r.url for r in requests) == sorted(known)
