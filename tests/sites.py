"""The fixture sites of the link-discovery tests: one per CMS style, with what a source should store.

Each site has realistic furniture (menus, breadcrumbs, footers, sidebars, tag clouds, language
switchers, share and print buttons, search forms) and real pages behind those links, so a source
that followed one of them would store it and the tests would see it.
"""

from __future__ import annotations

from dataclasses import dataclass

SV_TEXT = "Ansökan lämnas via programmets e-tjänst"
EN_TEXT = "Applications are submitted through the programme's portal"


@dataclass(frozen=True)
class FixtureSite:
    fixture: str
    kind: str  # the kind of the source that reads it without `follow`
    entry: str  # the source's URL path (listing, feed or sitemap)
    home: str  # the page `sources discover` starts from
    articles: frozenset[str]  # paths of the pages the source must store, and only those
    text: str  # a sentence of every article's main text
    other_host: bool = False  # the articles live on a second host of the organisation


def _paths(prefix: str, slugs: str, suffix: str = "") -> frozenset[str]:
    return frozenset(f"{prefix}{slug}{suffix}" for slug in slugs.split())


SITEVISION = FixtureSite(
    "sv-region-utveckling", "listing", "/ru/nyheter", "/ru",
    _paths("/ro/nyheter/nyheter/", "2026-09-01-utlysning-for-innovation-i-nara-vard "
           "2026-08-25-regionen-tar-fram-strategi-for-naringsliv 2026-08-18-partnersokning-inom-e-halsa "
           "2026-08-10-informationsmote-om-regionalfonden 2026-07-01-nya-projekt-beviljade-stod"),
    SV_TEXT, other_host=True)
DRUPAL = FixtureSite(
    "drupal-network", "listing", "/news", "/",
    _paths("/news/", "horizon-europe-health-cluster-call-opens partner-search-ageing-well-living-lab "
           "info-day-on-the-innovation-fund new-working-group-on-digital-health thcs-joint-transnational-call-2027"),
    EN_TEXT)
JOOMLA = FixtureSite(
    "joomla-office", "listing", "/eu-kontoret/aktuellt-fran-eu-kontoret", "/eu-kontoret/aktuellt-fran-eu-kontoret",
    _paths("/eu-kontoret/aktuellt-fran-eu-kontoret/", "214-ny-utlysning-inom-eu4health "
           "213-partnersok-fran-region-i-finland 212-infodag-om-interreg-europe 211-sammanfattning-av-veckan-i-bryssel "
           "210-horisont-europa-arbetsprogram-2027"),
    SV_TEXT)
WORDPRESS_ARTICLES = _paths("/news-2026/", "seed-money-call-opens-in-october "
                            "projects-meet-in-gdansk-for-the-annual-conference third-call-for-core-projects-results "
                            "small-projects-call-for-health-and-care new-platform-on-circular-economy", "/")
WORDPRESS = FixtureSite("wordpress-programme", "listing", "/news/", "/", WORDPRESS_ARTICLES, EN_TEXT)
WORDPRESS_FEED = FixtureSite("wordpress-programme", "feed", "/feed/", "/", WORDPRESS_ARTICLES, EN_TEXT)
SITEMAP = FixtureSite(
    "sitemap-agency", "sitemap", "/sitemap_index.xml", "/",
    _paths("/sokfinansiering/utlysningar/utlysningar/", "utlysning-regional-omstallning.5201.html "
           "utlysning-innovativa-halsolosningar.5202.html utlysning-kompetensforsorjning-2027.5203.html "
           "utlysning-klimatomstallning-i-industrin.5204.html"),
    SV_TEXT)

ALL = [SITEVISION, DRUPAL, JOOMLA, WORDPRESS, WORDPRESS_FEED, SITEMAP]
OTHER_HOST_PLACEHOLDER = "http://www.snapshot.invalid"
OTHER_HOST_FIXTURE = "sv-region-www"
