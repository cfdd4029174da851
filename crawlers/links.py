"""Finding a site's article links without a hand-written `follow` pattern.

A listing page links to far more than its articles: menus, breadcrumbs, footers, sidebars, tag
clouds, language switchers, share buttons, pagination. The articles are the links that
1. sit in the page's main content (not inside navigation, header, footer, aside, or a block whose
   class, id or role says menu, tags, share, language…), found with Scrapy's `LinkExtractor`;
2. do not point at site structure (tag, category, author, search, login, contact, about, feed,
   asset URLs): courlan's filters plus the Swedish words it does not know;
3. stay with the organisation (the same registered domain: `utveckling.regionostergotland.se`
   lists articles on `www.regionostergotland.se`);
4. share one URL shape (host, first path segment, depth, ending) with the other articles: the
   group whose links have headline-like texts and slug- or date-like last segments wins.

Spiders, `sources discover` and `sources check` all call this module, so a crawl takes exactly
the links the check shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit

import tldextract
from courlan import is_not_crawlable
from courlan.filters import type_filter
from scrapy.http import TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor

# Parts of a class or id (split on "-", "_" and spaces) that mark a block as page furniture.
# Not "category" or "widget": CMSs name content blocks so (Joomla's `com-content-category-blog__item`,
# Elementor's `elementor-widget-posts`); category links are left to the URL filter instead.
BOILERPLATE_PARTS = (
    "nav", "navbar", "navigation", "menu", "menubar", "submenu", "breadcrumb", "breadcrumbs", "footer",
    "sidebar", "aside", "share", "sharing", "sharedaddy", "social", "socialmedia", "tags", "tag",
    "tagcloud", "tagspopular", "taggar", "etiketter", "keywords", "lang", "language", "languages",
    "languageswitcher", "sprak", "translate", "cookie", "cookies", "skip", "skiplinks", "pagination", "pager",
    "related", "toolbar", "print", "icons",
)
_PARTS = "|".join(BOILERPLATE_PARTS)
_BOILERPLATE_ATTR = rf"(^|[\s_-])({_PARTS})([\s_-]|$)"
_FURNITURE_ROLES = "navigation|banner|contentinfo|complementary|search|menu|menubar"
# A link is page furniture when it sits in one of these (a <header> inside an article is the
# teaser's headline, not the site header).
_NOT_FURNITURE = (
    "not(ancestor::nav) and not(ancestor::aside) and not(ancestor::footer) and not(ancestor::form)"
    " and not(ancestor::header[not(ancestor::article or ancestor::main)])"
    f" and not(ancestor-or-self::*[not(self::body or self::html)][re:test(@role, '^({_FURNITURE_ROLES})$', 'i')])"
    f" and not(ancestor-or-self::*[not(self::body or self::html or self::main)]"
    f"[re:test(@class, '{_BOILERPLATE_ATTR}', 'i') or re:test(@id, '{_BOILERPLATE_ATTR}', 'i')])"
)
_MAIN = "//main|//*[@role='main']"

# Path words (Swedish and English) of pages that are never articles; courlan covers most English.
STRUCTURE_WORDS = {
    "om-oss", "om", "about", "about-us", "kontakt", "kontakta-oss", "contact", "contact-us", "sok", "search",
    "tagg", "taggar", "tag", "tags", "etikett", "etiketter", "kategori", "kategorier", "category", "categories",
    "author", "forfattare", "login", "logga-in", "logout", "rss", "feed", "atom", "cookies", "kakor",
    "personuppgifter", "privacy", "privacy-policy", "integritetspolicy", "tillganglighet",
    "tillganglighetsredogorelse", "accessibility", "sitemap", "webbkarta", "taxonomy", "term", "wp-login.php",
    "wp-admin", "register", "subscribe", "prenumerera", "nyhetsbrev", "newsletter",
    "english", "in-english", "svenska", "pa-svenska",  # language switches
}
# Query keys that make a link a view of another page (share, print, search, language, paging).
NON_ARTICLE_QUERY = re.compile(
    r"^(share|print|tmpl|s|q|query|search|sok|lang|language|format|output|replytocom|page|start|p|sida|offset|pg"
    r"|limitstart|utm_\w+|fbclid|sort|order|filter.*|tag|tags|category|cat|amp)$", re.I)
_DATE_OR_ID = re.compile(r"(19|20)\d\d[-/]?[01]\d|\d{3,}")
_EXTENSION = re.compile(r"(\.[a-z0-9]{2,5})$", re.I)

# Offline: the public-suffix snapshot shipped with tldextract; it must never fetch the list.
_DOMAINS = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@dataclass(frozen=True)
class Link:
    url: str
    text: str


@dataclass
class LinkGroup:
    """Links of one URL shape, and how much they look like a listing's articles."""

    shape: tuple
    links: list[Link] = field(default_factory=list)

    @property
    def urls(self) -> list[str]:
        return [link.url for link in self.links]

    @property
    def score(self) -> float:
        """Grows with the number of links, headline-like texts and slug/date/id-like endings."""
        return len(self.links) * (1 + self.slug_share + min(self.mean_words, 6) / 3)

    @property
    def mean_words(self) -> float:
        return sum(len(link.text.split()) for link in self.links) / max(len(self.links), 1)

    @property
    def slug_share(self) -> float:
        return sum(_is_slug_like(_last_segment(u)) for u in self.urls) / max(len(self.links), 1)

    @property
    def looks_like_articles(self) -> bool:
        return bool(self.links) and (self.slug_share >= 0.5 or self.mean_words >= 3)

    def pattern(self, others: Iterable[str] = ()) -> str:
        """A `follow` regular expression matching every link of the group (and its siblings), and
        none of `others` (the page's other links: a menu's `/news/press-releases` beside the
        articles' `/news/<slug>`)."""
        pattern = shape_pattern(self.urls)
        mine = set(self.urls)
        avoid = [u for u in others if u not in mine and re.search(pattern, u)]
        return shape_pattern(self.urls, avoid) if avoid else pattern


def main_content_links(response: TextResponse) -> list[Link]:
    """Links in the page's main content, without page furniture; one per URL (its longest text)."""
    scope = _MAIN if response.xpath(_MAIN) else "//body"
    extractor = LinkExtractor(
        restrict_xpaths=f"({scope})//a[{_NOT_FURNITURE}]", unique=False, deny_extensions=IGNORED_EXTENSIONS)
    best: dict[str, Link] = {}
    for link in extractor.extract_links(response):
        url = link.url.split("#")[0]
        text = " ".join((link.text or "").split())
        if url not in best or len(text) > len(best[url].text):
            best[url] = Link(url, text)
    return list(best.values())


def all_links(response: TextResponse) -> list[str]:
    """Every link URL on the page (absolute, without fragment), in page order."""
    extractor = LinkExtractor(unique=True, deny_extensions=())
    return list(dict.fromkeys(link.url.split("#")[0] for link in extractor.extract_links(response)))


def is_article_like(url: str) -> bool:
    """Not site structure (tag, category, author, search, login, about, contact, feed) nor an asset."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    segments = [s.lower() for s in parts.path.split("/") if s]
    if not segments and not _is_wordpress_post_id(parts.path, parse_qsl(parts.query)):
        return False  # the home page
    if any(_stem(s) in STRUCTURE_WORDS for s in segments):
        return False
    query = parse_qsl(parts.query, keep_blank_values=True)
    if _is_wordpress_post_id(parts.path, query):
        return True  # WordPress's default permalink `/?p=4597` is a post, not page 2
    if any(NON_ARTICLE_QUERY.match(key) for key, _ in query):
        return False
    extension = _EXTENSION.search(segments[-1])
    if extension and extension[1].lstrip(".").lower() in IGNORED_EXTENSIONS:
        return False
    return type_filter(url, strict=True) and not is_not_crawlable(url)


def same_organisation(url: str, other: str) -> bool:
    """Same host, or two hosts under the same registered domain (www. and utveckling. of one region)."""
    host, other_host = urlsplit(url).hostname or "", urlsplit(other).hostname or ""
    if host == other_host:
        return True
    domain = registered_domain(url)
    return bool(domain) and domain == registered_domain(other)


def article_candidates(links: Iterable[Link], page_url: str) -> list[Link]:
    """The links that may be articles: article-like, of the organisation, not the page itself or
    one of its parents (breadcrumbs, "back to the list")."""
    here = urlsplit(page_url)
    here_path = here.path.rstrip("/")
    chosen = []
    for link in links:
        parts = urlsplit(link.url)
        path = parts.path.rstrip("/")
        is_parent = path == here_path or here_path.startswith(path + "/")
        if parts.hostname == here.hostname and not parts.query and is_parent:
            continue
        if is_article_like(link.url) and same_organisation(link.url, page_url):
            chosen.append(link)
    return chosen


def url_shape(url: str) -> tuple:
    """Host, first path segment (when there are more), depth, ending and query keys of a URL."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    last = segments[-1] if segments else ""
    extension = _EXTENSION.search(last)
    ending = extension[1].lower() if extension else ("/" if parts.path.endswith("/") else "")
    keys = tuple(sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    first = segments[0].lower() if len(segments) > 1 else ""
    return (parts.netloc.lower(), first, len(segments), ending, keys)


def group_links(links: Iterable[Link]) -> list[LinkGroup]:
    """Links grouped by URL shape, best-looking group first."""
    groups: dict[tuple, LinkGroup] = {}
    for link in links:
        shape = url_shape(link.url)
        groups.setdefault(shape, LinkGroup(shape)).links.append(link)
    return sorted(groups.values(), key=lambda g: g.score, reverse=True)


def article_group(response: TextResponse) -> LinkGroup | None:
    """The group of main-content links that looks like the page's articles, or None."""
    candidates = article_candidates(main_content_links(response), response.url)
    return next((group for group in group_links(candidates) if group.looks_like_articles), None)


def links_of_shape(response: TextResponse, shape: tuple) -> list[str]:
    """Main-content article candidates of a shape chosen earlier (a later page of one listing)."""
    candidates = article_candidates(main_content_links(response), response.url)
    return [link.url for link in candidates if url_shape(link.url) == shape]


def shape_pattern(urls: list[str], avoid: Iterable[str] = ()) -> str:
    """A regular expression for URLs of one shape: the host and the path segments they all
    share literally, one `[^/?#]+` per segment that varies, then the common ending; the last
    segments of `avoid` are excluded by a lookahead."""
    split = [urlsplit(u) for u in urls]
    paths = [[s for s in p.path.split("/") if s] for p in split]
    depth = len(paths[0])
    common = 0
    while common < depth - 1 and all(p[common] == paths[0][common] for p in paths):
        common += 1
    host = split[0].netloc.lower()
    host_re = r"(www\.)?" + re.escape(host.removeprefix("www."))
    segments = [re.escape(s) for s in paths[0][:common]] + [r"[^/?#]+"] * (depth - common)
    ending = url_shape(urls[0])[3]
    tail = re.escape(ending) if ending not in ("", "/") else "/?"
    query = r"(\?[^#]*)?" if split[0].query else ""
    avoided = sorted({re.escape(_last_segment(u)) for u in avoid} - {""})
    if avoided:
        segments[-1] = rf"(?!(?:{'|'.join(avoided)})/?$){segments[-1]}"
    return rf"^https?://{host_re}/{'/'.join(segments)}{tail}{query}$"


def _is_wordpress_post_id(path: str, query: list[tuple[str, str]]) -> bool:
    return path in ("", "/", "/index.php") and len(query) == 1 and query[0][0] in ("p", "page_id") \
        and query[0][1].isdigit()


def _is_slug_like(segment: str) -> bool:
    stem = _EXTENSION.sub("", segment)
    return bool(_DATE_OR_ID.search(stem)) or (len(re.findall(r"[-_]", stem)) >= 1 and len(stem) >= 8)


def _last_segment(url: str) -> str:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return segments[-1] if segments else ""


def _stem(segment: str) -> str:
    return _EXTENSION.sub("", segment)


def registered_domain(url: str) -> str:
    """`regionostergotland.se` for any host of it; "" for an IP address or a bare name."""
    return _registered_domain(urlsplit(url).hostname or "")


@lru_cache(maxsize=1024)
def _registered_domain(host: str) -> str:
    return _DOMAINS(host).top_domain_under_public_suffix


def takes_without_follow(url: str, entry_url: str) -> bool:
    """Whether a feed item or sitemap URL is read when the source has no `follow`."""
    return is_article_like(url) and same_organisation(url, entry_url)


def sitemap_articles(urls: Iterable[str], sitemap_url: str) -> list[str]:
    """The article-like URLs of a sitemap: no structure pages, and no section page (one whose
    path, without its ending, is a folder of other listed URLs: `/utlysningar.html` beside
    `/utlysningar/energi-2027.html`)."""
    urls = list(dict.fromkeys(urls))
    folders = set()
    for url in urls:
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        for depth in range(1, len(segments)):
            folders.add((parts.hostname, "/".join(segments[:depth]).lower()))
    chosen = []
    for url in urls:
        parts = urlsplit(url)
        stem_path = _EXTENSION.sub("", parts.path.strip("/")).lower()
        stem_path = re.sub(r"\.\d+$", "", stem_path)  # Sitevision's `utlysningar.1139` is the folder
        if (parts.hostname, stem_path) in folders:
            continue
        if takes_without_follow(url, sitemap_url):
            chosen.append(url)
    return chosen
