"""`callwatch sources check`: read each source's first page as the crawl would and say what it
takes, so a moved listing or a `follow` that matches nothing is found before a night is lost."""

from __future__ import annotations

from dataclasses import dataclass

from crawlers.diagnosis import LinkReport, best_group, feed_report, listing_report, sitemap_report
from crawlers.fetch import PoliteFetcher
from crawlers.links import sitemap_articles
from crawlers.sources import Source

WEB_KINDS = ("listing", "feed", "sitemap")
MAX_CHILD_SITEMAPS = 10
SAMPLES = 3


@dataclass
class SourceCheck:
    source: Source
    status: int | None = None
    robots_allowed: bool = True
    report: LinkReport | None = None
    error: str | None = None

    @property
    def problem(self) -> str | None:
        """Why the crawl would read nothing from this source, or None when it takes links."""
        if self.error:
            return self.error
        if self.report is None:
            return None
        if self.report.problem or not self.report.taken:
            return self.report.explain()
        return None

    def lines(self) -> list[str]:
        """The report printed for this source."""
        source = self.source
        out = [f"{source.name}  ({source.kind})  {source.url}"]
        robots = "robots.txt allows" if self.robots_allowed else "robots.txt FORBIDS it"
        out.append(f"  HTTP {self.status if self.status is not None else '-'}, {robots}")
        report = self.report
        if report is not None:
            out.append(f"  links found: {len(report.found)}{_samples(report.found)}")
            out.append(f"  links taken: {len(report.taken)}{_samples(report.taken)}"
                       + ("" if source.follow else "  (no follow: article links found by themselves)"))
            if report.next_page:
                out.append(f"  next page: {report.next_page}")
        if self.problem:
            out.append(f"  PROBLEM: {self.problem}")
        if report is not None and report.suggestion:
            out.append(f"  suggested: follow = '{report.suggestion}'")
        return out


def check_source(source: Source, fetcher: PoliteFetcher) -> SourceCheck:
    check = SourceCheck(source, robots_allowed=fetcher.allowed(source.url))
    if not check.robots_allowed:
        check.error = f"forbidden by robots.txt: {source.url}"
        return check
    answer = fetcher.get(source.url)
    check.status = answer.status
    if not answer.ok:
        check.error = answer.error or f"HTTP {answer.status} from {source.url}"
        return check
    if source.kind == "listing":
        check.report = listing_report(answer.html(), source)
    elif source.kind == "feed":
        check.report = feed_report(answer.body, answer.url, source)
    else:
        check.report = _sitemap_check(answer.body, answer.url, source, fetcher)
    return check


def _sitemap_check(body: bytes, url: str, source: Source, fetcher: PoliteFetcher) -> LinkReport:
    """A sitemap index is read through its first sitemaps, as the crawl reads all of them."""
    report = sitemap_report(body, url, source)
    if not report.child_sitemaps:
        return report
    found: list[str] = []
    for child in report.child_sitemaps[:MAX_CHILD_SITEMAPS]:
        answer = fetcher.get(child)
        if answer.ok:
            found += sitemap_report(answer.body, answer.url, source).found
    articles = sitemap_articles(found, url)
    taken = [u for u in found if source.follows(u)] if source.follow is not None else articles
    return LinkReport(url, source.follow, found, taken, best_group(articles))


def _samples(urls: list[str]) -> str:
    return (", e.g. " + ", ".join(urls[:SAMPLES])) if urls else ""
