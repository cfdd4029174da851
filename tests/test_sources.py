"""The bundled sources file: it loads, every web entry is sound, and the monitored sites are covered."""

from __future__ import annotations

import re
from urllib.parse import urlparse, urlunparse

import pytest

from crawlers.sources import DEFAULT_SOURCES, load_sources

WEB_KINDS = {"listing", "feed", "sitemap"}
SOURCES = load_sources()
WEB = [s for s in SOURCES if s.kind in WEB_KINDS]

# Organisations the project monitors (issue "The spine"): host -> who it is.
REQUIRED_HOSTS = {
    "regionostergotland.se": "Region Östergötland",
    "norrbotten.se": "Region Norrbotten",
    "regionhalland.se": "Region Halland",
    "sbhss.eu": "SBHSS Brussels office",
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
# Regional authorities' own sites: their entries must carry the region digest subscriptions use.
REGIONAL_HOSTS = {"regionostergotland.se": "ostergotland", "norrbotten.se": "norrbotten",
                  "regionhalland.se": "halland"}


def host(url: str) -> str:
    name = urlparse(url).hostname or ""
    return name.removeprefix("www.")


def test_the_bundled_file_loads_with_unique_slugs():
    names = [s.name for s in SOURCES]
    assert len(names) == len(set(names))
    assert len(WEB) >= len(REQUIRED_HOSTS)
    # The web entries come before the API block, as the file's header comment says.
    text = DEFAULT_SOURCES.read_text(encoding="utf-8")
    assert text.index('kind = "listing"') < text.index('kind = "eu-portal"')


@pytest.mark.parametrize("wanted", sorted(REQUIRED_HOSTS), ids=sorted(REQUIRED_HOSTS))
def test_every_monitored_organisation_has_a_source(wanted):
    assert any(host(s.url) == wanted for s in WEB), f"no listing/feed/sitemap source for {REQUIRED_HOSTS[wanted]}"


def test_regional_offices_carry_their_region_and_others_none():
    for source in WEB:
        expected = REGIONAL_HOSTS.get(host(source.url))
        assert source.region == expected, source.name
        assert source.region is None or re.fullmatch(r"[a-z0-9-]+", source.region)  # a slug, as in digests


@pytest.mark.parametrize("source", WEB, ids=[s.name for s in WEB])
def test_each_web_source_is_complete_and_stays_on_its_site(source):
    assert source.title and source.lang in {"sv", "en"}
    assert source.notes and "not verified" in source.notes  # the URL is a guess until a run proves it
    assert urlparse(source.url).scheme == "https"
    # A sitemap or listing without a pattern would fetch far too much; feeds get one too so an
    # item linking to another site is not read as this source's page.
    assert source.follow, f"{source.name}: no follow pattern"
    site = urlparse(source.url)
    elsewhere = urlunparse(site._replace(netloc="elsewhere.example"))
    assert not re.search(source.follow, elsewhere), f"{source.name}: follow matches another host"
    assert not re.search(source.follow, f"https://elsewhere.example/?next={source.url}")
    assert re.search(source.follow, urlunparse(site._replace(path="/", query=""))) is None or source.kind == "feed"
