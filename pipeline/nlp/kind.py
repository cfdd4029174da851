"""Kind of page (funding-call, partner-search, event, news, project, info) from weighted cues.

Reads a page the way a person skims it: the title zone weighs most, then the opening paragraph,
then the rest; each cue in models/kind_rules.toml counts once, at its best place. A stated
application deadline (doc._.deadline, set by the dates component) is further evidence of a call.
With no clear evidence for anything else, a page is "info".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.data import load_model_toml
from pipeline.nlp.extensions import doc_text
from pipeline.nlp.literals import required_literal

KINDS = ("funding-call", "partner-search", "event", "news", "project", "info")
DEFAULT_KIND = "info"
MIN_EVIDENCE = 3.0  # below this, nothing is clear enough to beat the default
TITLE_ONLY_WEIGHT = 3.0
SECTION_WEIGHTS = {"strong": 2.0, "cues": 1.0}
POSITION_FACTORS = (2.0, 1.5, 1.0)  # title zone, opening, rest
OPENING_CHARS = 600
TITLE_ZONE_LINES = 4
TITLE_LINE_MAX = 150
DEADLINE_EVIDENCE = 2.0
# A call names its specifics (a date, an amount, an id); call wording without any is usually
# guidance about applying in general.
UNSPECIFIC_CALL_FACTOR = 0.6
PAST_EVENT_FACTOR = 0.5  # an event page with past-tense wording and no upcoming date is a report
PAST_EVENT_NEWS = 3.0


@dataclass(frozen=True)
class PageFacts:
    """What other components found, as far as kind cares."""

    deadline: bool = False
    specifics: bool = False  # a deadline, opening date, amount or call identifier
    upcoming_event: bool = False

    @classmethod
    def of(cls, doc: Doc) -> PageFacts:
        specifics = bool(doc._.deadline or doc._.opening or doc._.amounts or doc._.identifiers)
        return cls(deadline=bool(doc._.deadline), specifics=specifics, upcoming_event=bool(doc._.events))


@dataclass(frozen=True)
class Cue:
    kind: str
    pattern: re.Pattern[str]
    weight: float
    title_only: bool
    literal: str  # lowercased text every match contains ("" when there is none to test)

    def found_in(self, text: str, lowered: str) -> bool:
        return self.literal in lowered and self.pattern.search(text) is not None


def load_kind_cues() -> tuple[list[Cue], re.Pattern[str]]:
    """The cues per kind, and the past-event pattern."""
    rules = load_model_toml("kind_rules.toml")
    past = re.compile("|".join(rules["event-past"]["cues"]), re.IGNORECASE)
    cues: list[Cue] = []
    for kind in KINDS:
        sections = rules.get(kind, {})
        for pattern in sections.get("title", []):
            cues.append(_cue(kind, pattern, TITLE_ONLY_WEIGHT, True))
        for section, weight in SECTION_WEIGHTS.items():
            for pattern in sections.get(section, []):
                cues.append(_cue(kind, pattern, weight, False))
    return cues, past


def _cue(kind: str, pattern: str, weight: float, title_only: bool) -> Cue:
    compiled = re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    return Cue(kind, compiled, weight, title_only, required_literal(pattern) or "")


def split_page(text: str, title: str | None) -> tuple[str, str, str]:
    """(title zone, opening, rest). Without a given title, the short lines a page starts with
    (breadcrumbs, site name, headline) form the title zone."""
    lines = text.lstrip().split("\n")
    zone: list[str] = []
    consumed = 0
    for line in lines:
        if len(zone) >= TITLE_ZONE_LINES or len(line) > TITLE_LINE_MAX:
            break
        consumed += len(line) + 1
        if line.strip():
            zone.append(line.strip())
    body = text.lstrip()[consumed:]
    if not zone and not title:
        # One long first line (e.g. text from a PDF): take its first words as the title.
        zone.append(body[:TITLE_LINE_MAX])
    if title:
        zone.insert(0, title)
    return "\n".join(zone), body[:OPENING_CHARS], body[OPENING_CHARS:]


@Language.factory("callwatch_kind", assigns=["doc._.kind"], requires=["doc._.lang"])
def make_kind_classifier(nlp: Language, name: str) -> KindClassifier:
    return KindClassifier()


class KindClassifier:
    def __init__(self) -> None:
        self.cues, self.past_event = load_kind_cues()

    def __call__(self, doc: Doc) -> Doc:
        doc._.kind = self.classify(doc_text(doc), doc._.title, PageFacts.of(doc))
        return doc

    def scores(self, text: str, title: str | None, facts: PageFacts | None = None) -> dict[str, float]:
        facts = facts or PageFacts()
        parts = split_page(text, title)
        lowered = [part.lower() for part in parts]
        whole = "\n".join(lowered)
        scores = dict.fromkeys(KINDS, 0.0)
        for cue in self.cues:
            if cue.literal not in whole:
                continue  # cheap test first: most cues are absent from most pages
            if cue.title_only:
                if cue.found_in(parts[0], lowered[0]):
                    scores[cue.kind] += cue.weight
                continue
            for part, low, factor in zip(parts, lowered, POSITION_FACTORS, strict=True):
                if cue.found_in(part, low):
                    scores[cue.kind] += cue.weight * factor
                    break
        if facts.deadline:
            scores["funding-call"] += DEADLINE_EVIDENCE
        if not facts.specifics:
            scores["funding-call"] *= UNSPECIFIC_CALL_FACTOR
        if not facts.upcoming_event and self.past_event.search(text):
            scores["event"] *= PAST_EVENT_FACTOR
            scores["news"] += PAST_EVENT_NEWS
        return scores

    def classify(self, text: str, title: str | None, facts: PageFacts | None = None) -> str:
        scores = self.scores(text, title, facts)
        best = max(KINDS, key=lambda kind: scores[kind])  # ties: the order of KINDS
        return best if scores[best] >= MIN_EVIDENCE else DEFAULT_KIND
