"""Which URLs link discovery takes for articles, which organisation a host belongs to, and the
`follow` pattern it suggests (no network: URLs only; the article addresses below keep the paths of real sites on
example.org hosts, are classified and never fetched, and any connection attempt fails these tests)."""

from __future__ import annotations

import re
import socket

import pytest

from crawlers.links import Link, LinkGroup, is_article_like, same_organisation


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Link classification reads URLs as text (tldextract with its bundled suffix list): a
    connection here is a bug."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"link classification tried to connect: {args}")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("url", [
    "https://errin.example.org/news/horizon-europe-partner-search",
    "https://thcs.example.org/news/latest-news/joint-call-2025.kl",
    "https://southbaltic.example.org/-/seed-money-results",
    "https://tillvaxtverket.example.org/tillvaxtverket/sokfinansiering/utlysningar/utlysningar/omstallning.5201.html",
    "https://norrbotten.example.org/nyheter/2023/ny-utlysning/",
    "https://example.org/?p=4597",  # WordPress's default permalink
])
def test_article_urls_are_taken(url):
    assert is_article_like(url)


@pytest.mark.parametrize("url", [
    "https://example.org/tag/health/", "https://example.org/category/calls/", "https://example.org/author/admin/",
    "https://example.org/taggar/eu-finansiering", "https://example.org/kategori/innovation.html",
    "https://example.org/sok?query=eu", "https://example.org/search/node?keys=x", "https://example.org/login",
    "https://example.org/om-oss", "https://example.org/kontakta-oss", "https://example.org/taxonomy/term/12",
    "https://example.org/news/a-call.pdf", "https://example.org/logo.png", "https://example.org/feed/",
    "https://example.org/news/a-call/?share=twitter", "https://example.org/a/b?tmpl=component&print=1",
    "https://example.org/news/?page=2", "https://example.org/", "mailto:eu@example.org",
])
def test_structure_asset_and_view_urls_are_not(url):
    assert not is_article_like(url)


def test_hosts_of_one_registered_domain_are_one_organisation():
    assert same_organisation("https://utveckling.region.example.se/ru/nyheter",
                             "https://www.region.example.se/ro/nyheter/nyheter/x")
    assert same_organisation("https://a.example.co.uk/", "https://b.example.co.uk/x")
    assert not same_organisation("https://one.co.uk/", "https://two.co.uk/")  # a public suffix is no organisation
    assert not same_organisation("https://network.example.eu/news", "https://www.social.example.com/sharer.php")


def test_the_suggested_pattern_takes_the_group_and_its_siblings_but_not_a_menu_beside_it():
    group = LinkGroup(("shape",), [Link("https://www.agency.example.se/e/halsa/utlysning-2024-00123/", "A call"),
                                   Link("https://www.agency.example.se/e/energi/utlysning-2024-00456/", "Another")])
    pattern = group.pattern(["https://www.agency.example.se/e/om/kontakt/", "https://www.agency.example.se/sok-finansiering/"])
    assert re.search(pattern, "https://agency.example.se/e/ny-programme/utlysning-2025-00001/")
    assert not re.search(pattern, "https://www.agency.example.se/e/om/kontakt/")
    assert not re.search(pattern, "https://elsewhere.example/e/halsa/utlysning-2024-00123/")
