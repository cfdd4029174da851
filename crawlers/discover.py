"""`callwatch sources discover`: from a site's home or section page to a ready `[[sources]]` entry.

The order of preference is the issue's: a feed when the site has one that carries the articles
(`<link rel="alternate">`, then the usual feed paths), else a sitemap (robots.txt `Sitemap:`,
then /sitemap.xml) when it lists the articles, else the listing page with its article group and
pagination. A listing entry has no `follow`: the crawl finds the articles itself, as `discover`
did, so the entry keeps working when the site renames its article URLs. A sitemap lists every
page of a site, so its entry gets the `follow` of the article group found on the page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin, urlsplit

from scrapy.http import TextResponse

from crawlers.diagnosis import best_group, sitemap_report
from crawlers.feeds import feed_links, feed_problem
from crawlers.fetch import Fetched, PoliteFetcher
from crawlers.links import (
    Link,
    LinkGroup,
    all_links,
    article_group,
    main_content_links,
    sitemap_articles,
    takes_without_follow,
    url_shape,
)
from crawlers.pagination import next_page_url
from crawlers.sources import Source
from pipeline.vocabulary import today_in_stockholm

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
FEED_PATHS = ("feed/", "rss.xml", "feed", "rss", "atom.xml", "index.xml")
SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml")
MAX_CHILD_SITEMAPS = 10
SAMPLES = 3
MAX_SECTIONS = 3
# Link texts that lead from a home page to the whole listing.
ALL_OF_THEM = re.compile(r"^(alla|fler|visa alla|se alla|all|more|see all|view all)\b|arkiv|archive", re.I)
_PROBE = Source(name="discover", kind="sitemap", url="https://discover.invalid/")


@dataclass
class Choice:
    kind: str
    url: str
    follow: str | None
    why: str
    page: TextResponse  # the page the entry's title and language are read from


@dataclass
class Discovery:
    """What was found for one URL: the entry (None when nothing fits) and the report lines."""

    url: str
    entry: dict[str, str] | None = None
    report: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.report.append(line)


def discover_source(url: str, fetcher: PoliteFetcher, today: date | None = None) -> Discovery:
    found = Discovery(url)
    page = fetcher.get(url)
    if not page.ok:
        found.say(f"cannot read {url}: {page.error or f'HTTP {page.status}'}")
        return found
    response = page.html()
    group = article_group(response)
    if group:
        found.say(f"{len(group.urls)} article links on the page, e.g. {_samples(group.urls)}")
    else:
        found.say("no group of article links in the page's main content")
    choice = (_feed_choice(found, response, group, fetcher)
              or _sitemap_choice(found, response, group, fetcher)
              or _listing_choice(found, response, group, fetcher))
    if choice is None:
        found.say("no entry: no feed, no sitemap listing articles, no article links on the page")
        return found
    found.say(f"chosen: {choice.kind} {choice.url} ({choice.why})")
    lang = _page_lang(choice.page)
    found.entry = {
        "name": _slug(choice.url if choice.kind == "listing" else page.url),
        "kind": choice.kind,
        "title": _page_title(choice.page),
        "url": choice.url,
        **({"follow": choice.follow} if choice.follow else {}),
        **({"lang": lang} if lang else {}),
        "notes": f"Found by `callwatch sources discover` on {(today or today_in_stockholm()).isoformat()} "
                 f"from {url}: {choice.why}.",
    }
    return found


def _feed_choice(found: Discovery, response, group: LinkGroup | None, fetcher: PoliteFetcher):
    advertised = [response.urljoin(href) for href in response.xpath(
        "//link[@rel='alternate'][" + " or ".join(f"@type='{t}'" for t in FEED_TYPES) + "]"
        "[not(contains(translate(@title, 'COMENT', 'coment'), 'comment'))]/@href").getall()]
    site = _origin(response.url) + "/"
    guessed = [urljoin(site, path) for path in FEED_PATHS] if not advertised else []
    for feed_url in dict.fromkeys(advertised + guessed):
        answer = fetcher.get(feed_url)
        if not answer.ok or feed_problem(answer.body):
            continue
        items = [urljoin(answer.url, link) for link in feed_links(answer.body)]
        articles = [u for u in items if takes_without_follow(u, answer.url)]
        if not articles:
            found.say(f"feed {answer.url}: no article items")
            continue
        if group and not _overlaps(articles, group):
            found.say(f"feed {answer.url}: {len(articles)} items, none of them the page's articles")
            continue
        found.say(f"feed {answer.url}: {len(articles)} article items, e.g. {_samples(articles)}")
        how = "advertised by the page" if feed_url in advertised else "found at a usual feed path"
        return Choice("feed", answer.url, None, f"an RSS/Atom feed {how} carries the articles", response)
    found.say("no feed: " + ("the advertised ones do not carry the articles" if advertised
                             else f"none advertised, none at {', '.join(FEED_PATHS)}"))
    return None


def _sitemap_choice(found: Discovery, response, group: LinkGroup | None, fetcher: PoliteFetcher):
    page_url = response.url
    declared = fetcher.sitemaps(page_url)
    candidates = declared or [urljoin(page_url, path) for path in SITEMAP_PATHS]
    for sitemap_url in candidates:
        answer = fetcher.get(sitemap_url)
        if not answer.ok:
            continue
        urls = _sitemap_urls(answer, fetcher)
        articles = sitemap_articles(urls, answer.url)
        wanted = group or best_group(articles)
        if not wanted:
            found.say(f"sitemap {answer.url}: {len(urls)} URLs, no group of article URLs")
            continue
        article_set = set(articles)
        pattern = wanted.pattern(u for u in urls if u not in article_set)  # keep section/about pages out
        listed = [u for u in articles if re.search(pattern, u)]
        if group and len(set(map(_key, listed)) & set(map(_key, group.urls))) * 2 < len(group.urls):
            found.say(f"sitemap {answer.url}: {len(urls)} URLs, but it misses most of the page's articles")
            continue
        found.say(f"sitemap {answer.url}: {len(urls)} URLs, {len(listed)} articles, e.g. {_samples(listed)}")
        how = "declared in robots.txt" if sitemap_url in declared else "at a usual sitemap path"
        return Choice("sitemap", answer.url, pattern, f"no feed; a sitemap {how} lists the articles", response)
    if not declared:
        found.say(f"no sitemap: none in robots.txt, none usable at {', '.join(SITEMAP_PATHS)}")
    return None


def _listing_choice(found: Discovery, response, group: LinkGroup | None, fetcher: PoliteFetcher):
    if not group:
        return None
    listing, listing_group = response, group
    # A page that pages through its articles is the listing itself; else look for the section.
    sections = [] if next_page_url(response) else _section_urls(response, group)
    for section in sections:
        answer = fetcher.get(section)
        if not answer.ok:
            continue
        candidate = answer.html()
        candidate_group = article_group(candidate)
        if candidate_group and candidate_group.shape == group.shape and (
                len(candidate_group.urls) > len(group.urls) or next_page_url(candidate)):
            listing, listing_group = candidate, candidate_group
            found.say(f"section page {candidate.url}: {len(candidate_group.urls)} article links")
            break
    next_url = next_page_url(listing)
    found.say(f"pagination: {next_url or 'none found'}")
    found.say(f"articles look like {listing_group.pattern()}")
    paged = ", paged" if next_url else ""
    return Choice("listing", listing.url, None, f"no feed or sitemap carries the articles; listing{paged}", listing)


def _section_urls(response, group: LinkGroup) -> list[str]:
    """Links of the page to the articles' own listing: the folder they sit in (`/news` for
    `/news/<slug>`), or a link saying "all news", "more calls", "archive"."""
    folder = "/".join(urlsplit(group.urls[0]).path.rstrip("/").split("/")[:-1]).lower()
    article_host = urlsplit(group.urls[0]).hostname
    here = urlsplit(response.url)._replace(query="", fragment="").geturl().rstrip("/")
    found = []
    for link in main_content_links(response) + [Link(u, "") for u in all_links(response)]:
        parts = urlsplit(link.url)
        path = re.sub(r"(\.\d+)?\.[a-z]{2,5}$", "", parts.path.rstrip("/").lower())
        in_folder = folder and path == folder and parts.hostname == article_host
        elsewhere = parts._replace(query="", fragment="").geturl().rstrip("/") != here
        if elsewhere and (in_folder or ALL_OF_THEM.search(link.text)):
            found.append(link.url)
    return list(dict.fromkeys(found))[:MAX_SECTIONS]


def _sitemap_urls(answer: Fetched, fetcher: PoliteFetcher) -> list[str]:
    report = sitemap_report(answer.body, answer.url, _PROBE)
    urls = list(report.found)
    for child in report.child_sitemaps[:MAX_CHILD_SITEMAPS]:
        child_answer = fetcher.get(child)
        if child_answer.ok:
            urls += sitemap_report(child_answer.body, child_answer.url, _PROBE).found
    return urls


def render_entry(entry: dict[str, str]) -> str:
    """A `[[sources]]` table: basic strings, the pattern as a literal string when it can be one."""
    lines = ["[[sources]]"]
    for key, value in entry.items():
        literal = key == "follow" and "'" not in value and "\n" not in value
        lines.append(f"{key} = '{value}'" if literal else f"{key} = {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def _overlaps(urls: list[str], group: LinkGroup) -> bool:
    return bool(set(map(_key, urls)) & set(map(_key, group.urls))) or any(
        url_shape(u) == group.shape for u in urls)


def _key(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').removeprefix('www.')}{parts.path.rstrip('/')}"


def _samples(urls: list[str]) -> str:
    return ", ".join(urls[:SAMPLES])


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _page_title(response) -> str:
    title = " ".join(response.xpath("//title//text()").getall()).strip()
    # "News | Network of Regions" -> keep both parts, they name the site and the section
    return re.sub(r"\s+", " ", title) or urlsplit(response.url).hostname or response.url


def _page_lang(response) -> str | None:
    lang = (response.xpath("/html/@lang").get() or "").strip().lower()[:2]
    return lang if lang in ("sv", "en") else None


def _slug(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "site").removeprefix("www.")
    host = re.sub(r"\.(se|eu|com|org|net|nu|fi|dk|no)$", "", host)
    segments = [re.sub(r"(\.\d+)?\.[a-z0-9]{2,5}$", "", s) for s in parts.path.split("/") if s]
    tail = segments[-1] if segments else ""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{host}-{tail}".lower()).strip("-")
    return slug[:60].strip("-") or "source"
