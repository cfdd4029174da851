"""What a source takes from its first page, and why it takes nothing.

`sources check` prints these reports; a spider whose source comes back `empty` keeps the same
one-line explanation for `source_runs.error` (and so for the digest's source health).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from scrapy.http import TextResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from crawlers.feeds import feed_links, feed_problem
from crawlers.links import (
    Link,
    LinkGroup,
    all_links,
    article_group,
    group_links,
    sitemap_articles,
    takes_without_follow,
)
from crawlers.pagination import next_page_url
from crawlers.sources import Source


@dataclass
class LinkReport:
    """The links a source's page offers and the ones the source would read."""

    url: str
    follow: str | None
    found: list[str] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)
    group: LinkGroup | None = None  # article-like links found without the pattern
    next_page: str | None = None
    child_sitemaps: list[str] = field(default_factory=list)
    problem: str | None = None  # the page is not what the kind expects

    @property
    def suggestion(self) -> str | None:
        """A `follow` that works, for an entry whose own takes nothing."""
        if self.follow and not self.taken and self.group:
            return self.group.pattern(self.found)
        return None

    def explain(self) -> str:
        """One line: why the source yields nothing from this page (or what it takes)."""
        if self.problem:
            return f"{self.url}: {self.problem}"
        if self.taken:
            return f"{self.url}: {len(self.taken)} of {len(self.found)} links taken"
        if not self.found:
            return f"{self.url}: the page has no links (a page filled in by script, or the wrong page?)"
        if self.follow:
            line = f"follow '{self.follow}' matches none of the {len(self.found)} links on {self.url}"
            if self.suggestion and self.group:
                # The suggestion before the sample: the digest quotes the first 500 characters.
                line += (f"; try follow = '{self.suggestion}' ({len(self.group.urls)} article-like links "
                         f"such as {self.group.urls[0]})")
            return line
        return (f"none of the {len(self.found)} links on {self.url} looks like an article "
                "(no group of headline links in the main content)")


def listing_report(response: TextResponse, source: Source) -> LinkReport:
    """What the listing spider would take from this page (see `ListingSpider.article_links`)."""
    found = all_links(response)
    group = article_group(response)
    if source.follow is not None:
        here = response.url.rstrip("/")
        taken = [u for u in found if u.rstrip("/") != here and source.follows(u)]
    else:
        taken = group.urls if group else []
    return LinkReport(response.url, source.follow, found, taken, group,
                      next_page=next_page_url(response, source.next_page))


def feed_report(body: bytes, url: str, source: Source) -> LinkReport:
    """What the feed spider would take from this feed."""
    found = [urljoin(url, link) for link in feed_links(body)]
    problem = feed_problem(body) if not found else None
    taken = [u for u in found if (source.follows(u) if source.follow is not None else takes_without_follow(u, url))]
    report = LinkReport(url, source.follow, found, taken, problem=problem)
    report.group = best_group([u for u in found if takes_without_follow(u, url)])
    return report


def sitemap_report(body: bytes, url: str, source: Source) -> LinkReport:
    """What the sitemap spider would take from this sitemap file (an index: its sitemaps)."""
    if body[:2] == b"\x1f\x8b":
        body = gunzip(body)
    try:
        sitemap = Sitemap(body)
        locs = [(entry.get("loc") or "").strip() for entry in sitemap]
    except Exception as exc:  # lxml raises several error types on a broken sitemap
        return LinkReport(url, source.follow, problem=f"unreadable sitemap: {exc}")
    found = [urljoin(url, loc) for loc in locs if loc]
    if sitemap.type == "sitemapindex":
        return LinkReport(url, source.follow, child_sitemaps=found)
    articles = sitemap_articles(found, url)
    taken = [u for u in found if source.follows(u)] if source.follow is not None else articles
    return LinkReport(url, source.follow, found, taken, best_group(articles))


def best_group(urls: list[str]) -> LinkGroup | None:
    """Without link texts (feeds, sitemaps) the group is chosen by size and slug-like endings."""
    groups = [g for g in group_links(Link(u, "") for u in urls) if g.looks_like_articles]
    return groups[0] if groups else None
