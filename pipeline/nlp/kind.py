"""Kind of page (funding-call, partner-search, event, news, project, info) from weighted cues.

Reads a page the way a person skims it: the title zone weighs most, then the opening paragraph,
then the rest; each cue in models/kind_rules.toml counts once, at its best place. A stated
application deadline (doc._.deadline, set by the dates component) is further evidence of a call.
With no clear evidence for anything else, a page is "info".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.data import load_model_toml
from pipeline.nlp.extensions import doc_text
from pipeline.nlp.literals import (
    LiteralIndex,
    folding_hazards,
    is_required,
    leading_alternatives,
    max_match_width,
    required_literal,
    search_near,
)

KINDS = ("funding-call", "partner-search", "event", "news", "project", "info")
DEFAULT_KIND = "info"
MIN_EVIDENCE = 3.0  # below this, nothing is clear enough to beat the default
TITLE_ONLY_WEIGHT = 3.0
SECTION_WEIGHTS = {"strong": 2.0, "cues": 1.0}
POSITION_FACTORS = (2.0, 1.5, 1.0)  # title zone, opening, rest
OPENING_CHARS = 600
OPENING_SLACK = 300  # how far past OPENING_CHARS the opening may run to finish its sentence
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
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
    starts_with: tuple[str, ...]  # lowercased texts one of which every match starts with
    width: int | None  # longest match, when bounded and the literal is certain: search near it

    def found_in(self, text: str, found: dict[str, list[int]] | None) -> bool:
        """Whether the cue is in `text`; `found` has where the cue texts are in its lower case
        (None when those offsets may not be the text's, after a character like "ſ" that folds
        unlike it lowers)."""
        if found is not None:
            if self.starts_with:
                starts = [start for opening in self.starts_with for start in found.get(opening, ())]
                return any(self.pattern.match(text, start) for start in starts)
            if self.width is not None:
                return search_near(self.pattern, text, len(self.literal), found[self.literal], self.width)
        return self.pattern.search(text) is not None

    def texts(self) -> list[str]:
        return [self.literal, *self.starts_with]


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
    literal = required_literal(pattern) or ""
    certain = bool(literal) and is_required(literal, compiled)
    width = max_match_width(compiled) if certain else None
    return Cue(kind, compiled, weight, title_only, literal, tuple(leading_alternatives(pattern) or ()), width)


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
    cut = opening_end(body)
    return "\n".join(zone), body[:cut], body[cut:]


def opening_end(body: str) -> int:
    """Where the opening ends: at the end of the sentence (or line) running past OPENING_CHARS,
    so a cue is never cut in two; at most OPENING_SLACK characters later."""
    if len(body) <= OPENING_CHARS:
        return len(body)
    end = _SENTENCE_END.search(body, OPENING_CHARS, OPENING_CHARS + OPENING_SLACK)
    return end.end() if end else OPENING_CHARS


@Language.factory("callwatch_kind", assigns=["doc._.kind"], requires=["doc._.lang"])
def make_kind_classifier(nlp: Language, name: str) -> KindClassifier:
    return shared_classifier()


@cache
def shared_classifier() -> KindClassifier:
    """One classifier for both pipelines: it keeps nothing per page and does not depend on the
    language's vocabulary, and compiling its cue index takes a while."""
    return KindClassifier()


class KindClassifier:
    def __init__(self) -> None:
        self.cues, self.past_event = load_kind_cues()
        literals = [text for cue in self.cues for text in cue.texts()]
        self.literals = LiteralIndex(literals)  # the literal pre-check of all cues in one scan
        past = load_model_toml("kind_rules.toml")["event-past"]["cues"]
        # plain words (the usual case) are looked up in the lower-cased text instead
        plain = all(leading_alternatives(word) == [word.lower()] for word in past)
        self.past_words = [word.lower() for word in past] if plain else None
        self.hazards = folding_hazards(literals + (self.past_words or []))
        self.unconditional = [i for i, cue in enumerate(self.cues) if not cue.literal]
        self.cues_with: dict[str, list[int]] = {}  # literal -> indices of the cues needing it
        for index, cue in enumerate(self.cues):
            if cue.literal:
                self.cues_with.setdefault(cue.literal, []).append(index)

    def __call__(self, doc: Doc) -> Doc:
        doc._.kind = self.classify(doc_text(doc), doc._.title, PageFacts.of(doc))
        return doc

    def scores(self, text: str, title: str | None, facts: PageFacts | None = None) -> dict[str, float]:
        facts = facts or PageFacts()
        parts = split_page(text, title)
        lowered = [part.lower() for part in parts]
        found = [self.literals.occurrences(low) for low in lowered]
        # offsets in the lower case are those of the text, so a cue is searched near its literal
        offset_true = [
            len(low) == len(part) and not self.hazards.search(part) for part, low in zip(parts, lowered, strict=True)
        ]
        candidates = set(self.unconditional)  # cheap test first: most cues are absent from most pages
        for literals in found:
            for literal in literals:
                candidates.update(self.cues_with.get(literal, ()))
        scores = dict.fromkeys(KINDS, 0.0)
        for index in sorted(candidates):
            cue = self.cues[index]
            for place, factor in enumerate(POSITION_FACTORS):
                if cue.title_only and place:
                    break
                if cue.literal and cue.literal not in found[place]:
                    continue
                if cue.found_in(parts[place], found[place] if offset_true[place] else None):
                    scores[cue.kind] += cue.weight if cue.title_only else cue.weight * factor
                    break
        if facts.deadline:
            scores["funding-call"] += DEADLINE_EVIDENCE
        if not facts.specifics:
            scores["funding-call"] *= UNSPECIFIC_CALL_FACTOR
        if not facts.upcoming_event and self._past_event_in(text):
            scores["event"] *= PAST_EVENT_FACTOR
            scores["news"] += PAST_EVENT_NEWS
        return scores

    def _past_event_in(self, text: str) -> bool:
        if self.past_words is not None:
            lowered = text.lower()
            if len(lowered) == len(text) and not self.hazards.search(text):
                return any(word in lowered for word in self.past_words)
        return self.past_event.search(text) is not None

    def classify(self, text: str, title: str | None, facts: PageFacts | None = None) -> str:
        scores = self.scores(text, title, facts)
        best = max(KINDS, key=lambda kind: scores[kind])  # ties: the order of KINDS
        return best if scores[best] >= MIN_EVIDENCE else DEFAULT_KIND
