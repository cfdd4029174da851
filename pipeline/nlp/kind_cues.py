"""The cue rules for a page's kind (models/kind_rules.toml): the trained classifier's second opinion.

Cues are what a person skimming a page notices ("Sista ansökningsdag", "has been awarded",
"Register here"): case-insensitive regular expressions, weighed by where they are found (the
title zone most, then the opening), each counted once at its best place. Only the title zone and
the opening are read: reading the rest of the page too changed no verdict on the corpus's dev
split and cost most of the time. A stated
deadline, or none of a call's specifics (a date, an id), or past-tense event wording
with no date ahead, move the scores as a reader's judgement would. The classifier (kind.py) adds
these scores to its own probabilities, so the rules carry knowledge its training pages lack.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc

from pipeline.model_files import load_model_toml
from pipeline.nlp.phrases import (
    atom_first,
    folds_safely,
    literal_trie,
    lower_keeping_offsets,
    text_first,
    without_ignorecase,
)
from pipeline.nlp.required_texts import required_any
from pipeline.vocabulary import PAGE_KINDS

TITLE_ONLY_WEIGHT = 3.0
SECTION_WEIGHTS = {"strong": 2.0, "cues": 1.0}
POSITION_FACTORS = (2.0, 1.5)  # title zone, opening
OPENING_CHARS = 600
OPENING_SLACK = 300  # how far past OPENING_CHARS the opening may run to finish its sentence
PAST_EVENT_CHARS = 2000  # past-tense event wording is looked for this far (as far as the classifier reads)
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
TITLE_ZONE_LINES = 4
TITLE_LINE_MAX = 150
DEADLINE_EVIDENCE = 2.0
# A call names its specifics (a date, an id); call wording without any is usually guidance about
# applying in general. An amount is no such specific: descriptions of a standing grant ("up to
# 50 000 kr") and news of money granted state amounts as often as calls do (with amounts counted,
# funding-call precision in cross-validation on train+dev was a point lower at the same accuracy).
UNSPECIFIC_CALL_FACTOR = 0.6
PAST_EVENT_FACTOR = 0.5  # an event page with past-tense wording and no upcoming date is a report
PAST_EVENT_NEWS = 3.0


@dataclass(frozen=True)
class PageFacts:
    """What other components found, as far as the cues care."""

    deadline: bool = False
    specifics: bool = False  # a deadline, opening date or call identifier
    upcoming_event: bool = False

    @classmethod
    def of(cls, doc: Doc) -> PageFacts:
        found = doc._  # (each `doc._` builds a new accessor object)
        specifics = bool(found.deadline or found.opening or found.identifiers)
        return cls(deadline=bool(found.deadline), specifics=specifics, upcoming_event=bool(found.events))


@dataclass(frozen=True)
class Cue:
    kind: str
    pattern: re.Pattern[str]
    weight: float
    title_only: bool
    on_lowered: bool  # searched in the lower-cased text, without IGNORECASE: much faster in `re`
    required: tuple[str, ...]  # plain texts one of which every match contains (none when unknown)
    # a pattern naming capitals, as written (IGNORECASE), for a page that does not fold safely;
    # `pattern` is then its lower-cased form (`without_ignorecase`), for the other pages
    as_written: re.Pattern[str] | None = None


def compile_cue(kind: str, pattern: str, weight: float, title_only: bool, fold: bool = True) -> Cue:
    # A pattern written in lower case finds in the lower-cased text what IGNORECASE finds in the
    # text, and `re` can then skip to its opening letters. One naming capitals ("säger [A-ZÅÄÖ]",
    # which IGNORECASE reads as any letter) does too once lower-cased, on a page that folds safely
    # (`fold`): it then gets its required texts ("säger") and is searched on few pages.
    # The lower-cased cues are compiled `text_first` and `atom_first` when `fold`: a cue opening on
    # "\b" or "^" ("\bresults\b", "^project\b") is then searched for at its text, one opening on a
    # repeat ("\d{1,2}[:.]") at the characters it repeats, not at every position.
    lowered = not any(c.isupper() for c in re.sub(r"\\[A-Za-z]", "", pattern))
    if lowered:
        compiled = re.compile(_skipping(pattern) if fold else pattern, re.MULTILINE)
        return Cue(kind, compiled, weight, title_only, True, required_any(pattern))
    as_written = re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    folded = without_ignorecase(pattern, re.MULTILINE) if fold else None
    if folded is None:
        return Cue(kind, as_written, weight, title_only, False, ())
    return Cue(kind, re.compile(_skipping(folded.pattern), folded.flags), weight, title_only, True,
               required_any(folded.pattern), as_written)


def _skipping(pattern: str) -> str:
    return atom_first(text_first(pattern))


_REGEX_SYNTAX = re.compile(r"[\\.^$*+?{}\[\]|()]")  # a pattern without any is a plain text


def split_page(text: str, title: str | None) -> tuple[str, str]:
    """(title zone, opening). Without a given title, the short lines a page starts with
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
        zone.append(body[:TITLE_LINE_MAX])  # one long first line (text from a PDF): its first words
    if title:
        zone.insert(0, title)
    cut = opening_end(body)
    return "\n".join(zone), body[:cut]


def opening_end(body: str) -> int:
    """Where the opening ends: at the end of the sentence (or line) running past OPENING_CHARS,
    so a cue is never cut in two; at most OPENING_SLACK characters later."""
    if len(body) <= OPENING_CHARS:
        return len(body)
    end = _SENTENCE_END.search(body, OPENING_CHARS, OPENING_CHARS + OPENING_SLACK)
    return end.end() if end else OPENING_CHARS


@cache
def kind_cues() -> KindCues:
    """The cues, compiled once per process (both pipelines share them)."""
    return KindCues()


class KindCues:
    def __init__(self, prechecked: bool = True) -> None:
        """`prechecked=False`: every cue searched as written, no pre-check, no lower-cased text
        (the reference the faster reading is tested against)."""
        rules = load_model_toml("kind_rules.toml")
        self.past_event = re.compile("|".join(rules["event-past"]["cues"]), re.IGNORECASE)
        self.lowered_past_event = without_ignorecase(self.past_event.pattern) if prechecked else None
        # Plain words ("hölls", "took place") are looked for with `in` in the lower-cased text: a
        # third of the time of searching their alternation through the page's first 2,000 characters.
        past_words = rules["event-past"]["cues"]
        plain = self.lowered_past_event is not None and not any(map(_REGEX_SYNTAX.search, past_words))
        self.past_event_words = tuple(word.lower() for word in past_words) if plain else None
        self.cues: list[Cue] = []
        for kind in PAGE_KINDS:
            sections = rules.get(kind, {})
            for pattern in sections.get("title", []):
                self.cues.append(compile_cue(kind, pattern, TITLE_ONLY_WEIGHT, True, prechecked))
            for section, weight in SECTION_WEIGHTS.items():
                for pattern in sections.get(section, []):
                    self.cues.append(compile_cue(kind, pattern, weight, False, prechecked))
        if not prechecked:
            self.cues = [dataclasses.replace(cue, required=()) for cue in self.cues]
        # Which required texts a part contains, found in one search through it rather than one
        # `in` per cue: a cue is looked at only when its required text occurs (or it has none).
        required = sorted({text for cue in self.cues for text in cue.required})
        self.required_search = re.compile(literal_trie(required)) if required else None
        # each required text -> the required texts it starts with (itself included): its prefixes
        # looked up, rather than every pair of texts compared (a million comparisons at start-up)
        required_set = frozenset(required)
        self.required_starting = {word: frozenset(word[:end] for end in range(len(word) + 1)
                                                  if word[:end] in required_set) for word in required}
        self.as_written = [index for index, cue in enumerate(self.cues) if cue.as_written is not None]
        self.cues_requiring: dict[str, list[int]] = {}
        for index, cue in enumerate(self.cues):
            for text in cue.required or ("",):
                self.cues_requiring.setdefault(text, []).append(index)

    def required_in(self, lowered: str) -> set[str]:
        """The cues' required texts that occur in `lowered`. The search finds the longest one
        starting at a position; the others starting there are its beginnings."""
        found: set[str] = set()
        if self.required_search is None:
            return found
        search, starting = self.required_search.search, self.required_starting
        position = 0
        while match := search(lowered, position):
            found |= starting[match.group()]
            position = match.start() + 1
        return found

    def scores(self, text: str, title: str | None, facts: PageFacts | None = None) -> dict[str, float]:
        facts = facts or PageFacts()
        parts = split_page(text, title)
        lowered = tuple(lower_keeping_offsets(part) for part in parts)
        scores = dict.fromkeys(PAGE_KINDS, 0.0)
        title_factor, opening_factor = POSITION_FACTORS
        in_zone, in_opening = (self.required_in(part) for part in lowered)
        candidates = set(self.cues_requiring.get("", []))
        folds = all(map(folds_safely, parts))
        if not folds:
            candidates.update(self.as_written)  # searched as written, whatever they require
        for required in in_zone | in_opening:
            candidates.update(self.cues_requiring[required])
        # In the cues' order, as when every cue was looked at. Each counted once, at its best place:
        # the title zone, else the opening.
        for index in sorted(candidates):
            cue = self.cues[index]
            pattern, required = cue.pattern, cue.required
            if cue.as_written is not None and not folds:
                pattern, required, (zone, opening) = cue.as_written, (), parts
            else:
                zone, opening = lowered if cue.on_lowered else parts
            if (not required or not in_zone.isdisjoint(required)) and pattern.search(zone):
                scores[cue.kind] += cue.weight if cue.title_only else cue.weight * title_factor
            elif (not cue.title_only and (not required or not in_opening.isdisjoint(required))
                  and pattern.search(opening)):
                scores[cue.kind] += cue.weight * opening_factor
        if facts.deadline:
            scores["funding-call"] += DEADLINE_EVIDENCE
        if not facts.specifics:
            scores["funding-call"] *= UNSPECIFIC_CALL_FACTOR
        if not facts.upcoming_event and self.past_event_in(text[:PAST_EVENT_CHARS]):
            scores["event"] *= PAST_EVENT_FACTOR
            scores["news"] += PAST_EVENT_NEWS
        return scores

    def past_event_in(self, head: str) -> bool:
        if self.lowered_past_event is not None and folds_safely(head):
            lowered = lower_keeping_offsets(head)
            if self.past_event_words is not None:
                return any(word in lowered for word in self.past_event_words)
            return self.lowered_past_event.search(lowered) is not None
        return self.past_event.search(head) is not None
