"""Which pages describe the same opportunity: identifier first, then title + funder + deadline.

Grouping is a union-find over pages. Pages are joined when they
1. name the same official identifier (and are of the same kind),
2. already describe the same call in the register (so links are sticky and ids stay stable),
3. have the same normalised title, a shared deadline/event date and compatible funders, and
   exactly one group matches (an ambiguous match joins nothing).
A join that would put two different identifiers or kinds in one group is refused: two
different calls must never merge, so every doubt leaves them apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Words that announce a call rather than name it ("Ny utlysning: X" is the call X).
_TITLE_PREFIXES = re.compile(
    r"^(?:(?:ny|nya|öppen|new|open)\s+)?(?:utlysning(?:ar)?|call(?:\s+for\s+proposals)?|"
    r"inbjudan|invitation)\s*[:\-–—]\s*",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass
class PageFacts:
    """What one page says about an opportunity (API meta already applied over extraction)."""

    url: str
    source: str
    kind: str | None
    title: str | None = None
    text: str | None = None
    identifier: str | None = None  # the one official id this page is about, normalised for matching
    identifier_label: str | None = None  # the same id as the source writes it (…-IAFlag-02)
    identifiers: list[str] = field(default_factory=list)  # every official id it names
    parent_identifier: str | None = None  # from API meta: the call this topic belongs to
    parent_label: str | None = None  # the same call id as the source writes it
    parent_title: str | None = None
    opening: str | None = None
    cutoffs: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    registration: str | None = None  # an event's registration deadline
    call_status: str | None = None
    funders: list[dict[str, Any]] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    amounts: list[dict[str, Any]] = field(default_factory=list)
    from_api: bool = False
    first_seen_run: int | None = None
    last_seen_run: int | None = None
    last_seen: str | None = None
    call_ids: list[str] = field(default_factory=list)  # calls this page already describes

    @property
    def dates(self) -> set[str]:
        return {d[:10] for d in (*self.cutoffs, *self.events) if d}

    @property
    def funder_names(self) -> set[str]:
        return {normalise_name(f.get("name")) for f in self.funders if f.get("name")}

    @property
    def title_key(self) -> str:
        return normalise_title(self.title)


def normalise_identifier(value: str | None) -> str | None:
    if not value:
        return None
    cleaned = re.sub(r"\s+", "", str(value)).upper()
    return cleaned or None


def normalise_name(value: str | None) -> str:
    return " ".join(_NON_WORD.sub(" ", (value or "").casefold()).split())


def normalise_title(title: str | None) -> str:
    """Case, punctuation and announcing words removed; å/ä/ö and digits (years!) kept."""
    text = unicodedata.normalize("NFKC", title or "").strip()
    text = _TITLE_PREFIXES.sub("", text)
    return normalise_name(text)


def primary_identifier(identifiers: Iterable[str]) -> str | None:
    """The single identifier a page is about, or None when it names several different calls.

    A call id that prefixes a topic id (HORIZON-X-01 and HORIZON-X-01-02) names the same call, so
    the more specific one is kept.
    """
    ids = sorted({i for i in (normalise_identifier(x) for x in identifiers) if i})
    specific = [i for i in ids if not any(o != i and o.startswith(i + "-") for o in ids)]
    return specific[0] if len(specific) == 1 else None


def page_priority(page: PageFacts) -> tuple:
    """Best source first: API pages, then pages with an identifier, then the oldest."""
    return (not page.from_api, page.identifier is None, page.first_seen_run or 0, page.url)


class _Groups:
    """Union-find over pages, with the facts each group needs for compatibility checks."""

    def __init__(self, pages: list[PageFacts]) -> None:
        self.parent = list(range(len(pages)))
        self.kind = [p.kind for p in pages]
        self.identifier = [p.identifier for p in pages]
        self.dates = [set(p.dates) for p in pages]
        self.funders = [set(p.funder_names) for p in pages]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def compatible(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if self.kind[ra] != self.kind[rb]:
            return False
        ia, ib = self.identifier[ra], self.identifier[rb]
        return ia is None or ib is None or ia == ib

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not self.compatible(ra, rb):
            return False
        self.parent[rb] = ra
        self.identifier[ra] = self.identifier[ra] or self.identifier[rb]
        self.dates[ra] |= self.dates[rb]
        self.funders[ra] |= self.funders[rb]
        return True


def group_pages(pages: list[PageFacts]) -> list[list[PageFacts]]:
    """Partition pages into opportunities; each group is sorted best source first."""
    pages = sorted(pages, key=page_priority)
    groups = _Groups(pages)

    by_identifier: dict[tuple[str | None, str], int] = {}
    for i, page in enumerate(pages):
        if page.identifier:
            key = (page.kind, page.identifier)
            if key in by_identifier:
                groups.union(by_identifier[key], i)
            else:
                by_identifier[key] = i

    by_call: dict[str, int] = {}
    for i, page in enumerate(pages):
        for call_id in page.call_ids:
            if call_id in by_call:
                groups.union(by_call[call_id], i)  # refused if the identifiers now differ
            else:
                by_call[call_id] = i

    by_title: dict[str, list[int]] = defaultdict(list)
    for i, page in enumerate(pages):
        if page.title_key:
            by_title[page.title_key].append(i)
    # Repeated until nothing joins: a join adds dates and funders to a group, which can make a page
    # seen earlier in the pass match it now. Stopping after one pass left joins for the next run's
    # detect to make, so an unchanged re-run merged calls. Each further pass needs a join: <= n passes.
    titled = [i for i, page in enumerate(pages) if not page.identifier and page.title_key and page.dates]
    for _ in range(len(titled) + 1):
        joined = False
        for i in titled:
            matches = {
                groups.find(j)
                for j in by_title[pages[i].title_key]
                if groups.find(j) != groups.find(i) and _same_opportunity(groups, i, j)
            }
            if len(matches) == 1 and groups.union(matches.pop(), i):
                joined = True
        if not joined:
            break

    members: dict[int, list[PageFacts]] = defaultdict(list)
    for i, page in enumerate(pages):
        members[groups.find(i)].append(page)
    return [sorted(group, key=page_priority) for group in members.values()]


def _same_opportunity(groups: _Groups, i: int, j: int) -> bool:
    """Same title already checked: also a shared date, compatible funders, no conflicting ids."""
    if not groups.compatible(i, j):
        return False
    ri, rj = groups.find(i), groups.find(j)
    if not groups.dates[ri] & groups.dates[rj]:
        return False
    fi, fj = groups.funders[ri], groups.funders[rj]
    return not (fi and fj and not fi & fj)
