"""The bundled sources file: it loads, every web entry is sound and says what it rests on, the
monitored organisations are covered, and the real article URLs seen on their sites are read."""

from __future__ import annotations

import re
from urllib.parse import urlparse, urlunparse

import pytest

from crawlers.links import is_article_like, registered_domain, same_organisation
from crawlers.sources import DEFAULT_SOURCES, load_sources

WEB_KINDS = {"listing", "feed", "sitemap"}
SOURCES = load_sources()
BY_NAME = {s.name: s for s in SOURCES}
WEB = [s for s in SOURCES if s.kind in WEB_KINDS]

# Organisations the project monitors (issue "The spine"): registered domain -> who it is.
REQUIRED_DOMAINS = {
    "regionostergotland.se": "Region Östergötland",
    "norrbotten.se": "Region Norrbotten",
    "regionhalland.se": "Region Halland",
    "sbhss.eu": "Småland-Blekinge-Halland South Sweden",
    "errin.eu": "ERRIN",
    "thcspartnership.eu": "THCS partnership",
    "tillvaxtverket.se": "Tillväxtverket",
    "vinnova.se": "Vinnova (web page, beside the API)",
    "interregaurora.eu": "Interreg Aurora",
    "interreg-sverige-norge.com": "Interreg Sverige-Norge",
    "interreg-oks.eu": "Interreg Öresund-Kattegat-Skagerrak",
    "centralbaltic.eu": "Interreg Central Baltic",
    "interreg-baltic.eu": "Interreg Baltic Sea Region",
    "interregnorthsea.eu": "Interreg North Sea",
    "interregeurope.eu": "Interreg Europe",
}
# Regional authorities' own sites (and the sites they run): the region digest subscriptions use.
REGIONAL_DOMAINS = {"regionostergotland.se": "ostergotland", "norrbotten.se": "norrbotten",
                    "utvecklanorrbotten.se": "norrbotten", "northsweden.eu": "norrbotten",
                    "regionhalland.se": "halland", "leapforlife.se": "halland"}

# Article URLs of the shapes seen on the real sites (issue 12's table; the slug is made up where the
# table gives only the shape): each entry must read them.
SEEN_ARTICLES = {
    "ostergotland-regional-utveckling": "https://www.regionostergotland.se/ro/nyheter/nyheter/"
                                        "2023-11-29-regionen-tar-fram-strategier-for-naringsliv-och-innovation",
    "norrbotten-regional-utveckling": "https://www.utvecklanorrbotten.se/nyheter/2023/ny-utlysning-inom-regionalfonden/",
    "norrbotten-eu": "https://www.northsweden.eu/nyheter/2023/partnersok-inom-e-halsa",
    "norrbotten-nyheter": "https://www.norrbotten.se/sv/region-norrbottens-nyhetsarkiv/ny-strategi-for-halsa/",
    "halland-innovationer-nara-vard": "https://leapforlife.se/aktuellt/nyheter/arkiv-nyheter/"
                                      "2023-08-29-nytt-projekt-ska-framja-innovation-for-nara-vard-i-halland.html",
    "sbhss": "https://www.sbhss.eu/sv/partnersok-inom-horisont-europa/",
    "thcs-news": "https://www.thcspartnership.eu/news/latest-news/thcs-joint-transnational-call-2025.kl",
    "tillvaxtverket-utlysningar": "https://tillvaxtverket.se/tillvaxtverket/sokfinansiering/utlysningar/utlysningar/"
                                  "regional-omstallning.5201.html",
    "vinnova-utlysningar": "https://www.vinnova.se/e/innovationer-for-framtidens-halsa/utlysning-2024-00123/",
    "interreg-oks": "https://interreg-oks.eu/larkannaoss/nyheter/nyhetsarkiv/nya-projekt-beviljade.1981.html",
    "interreg-north-sea": "https://interregnorthsea.eu/our-news/fourth-call-for-proposals-opens",
    "interreg-south-baltic": "https://southbaltic.eu/-/seed-money-call-results",
    "interreg-npa": "https://www.interreg-npa.eu/news-events/call-for-preparatory-projects/",
    "interreg-europe": "https://www.interregeurope.eu/news-events/news/fourth-call-results",
    "interreg-baltic-sea-region": "https://interreg-baltic.eu/news-2022/small-projects-call-opens/",
    "errin-news": "https://errin.eu/news/horizon-europe-partner-search-health",
    "errin-events": "https://errin.eu/events/info-day-cluster-health",
}


def test_the_bundled_file_loads_with_unique_slugs():
    names = [s.name for s in SOURCES]
    assert len(names) == len(set(names))
    assert len(WEB) >= len(REQUIRED_DOMAINS)
    # The web entries come before the API block, as the file's header comment says.
    text = DEFAULT_SOURCES.read_text(encoding="utf-8")
    assert text.index('kind = "listing"') < text.index('kind = "eu-portal"')


@pytest.mark.parametrize("wanted", sorted(REQUIRED_DOMAINS), ids=sorted(REQUIRED_DOMAINS))
def test_every_monitored_organisation_has_an_enabled_source(wanted):
    assert any(registered_domain(s.url) == wanted for s in WEB if s.enabled), \
        f"no listing/feed/sitemap source for {REQUIRED_DOMAINS[wanted]}"


def test_regional_offices_carry_their_region_and_others_none():
    for source in WEB:
        assert source.region == REGIONAL_DOMAINS.get(registered_domain(source.url)), source.name
        assert source.region is None or re.fullmatch(r"[a-z0-9-]+", source.region)  # a slug, as in digests


@pytest.mark.parametrize("source", WEB, ids=[s.name for s in WEB])
def test_each_web_source_is_complete_and_says_what_it_rests_on(source):
    assert source.title and source.lang in {"sv", "en"}
    assert urlparse(source.url).scheme == "https"
    assert source.notes and source.notes.startswith("Evidence: ")
    assert re.search(r"\b(seen|inferred|not checked)\b", source.notes)
    if source.follow:  # a pattern, where one is kept, never takes another site's pages
        site = urlparse(source.url)
        elsewhere = urlunparse(site._replace(netloc="elsewhere.example"))
        assert not re.search(source.follow, elsewhere), f"{source.name}: follow matches another host"


@pytest.mark.parametrize("name", sorted(SEEN_ARTICLES))
def test_the_article_urls_seen_on_the_real_site_are_read(name):
    source, article = BY_NAME[name], SEEN_ARTICLES[name]
    assert source.enabled
    assert source.follows(article)
    if source.follow is None:
        # Link discovery takes it: an article-like URL of the organisation the entry reads.
        assert is_article_like(article)
        assert any(same_organisation(article, url) for url in (source.url, *source.start_urls))
