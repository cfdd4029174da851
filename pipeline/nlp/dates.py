"""The `callwatch_dates` component: a page's deadline, opening, upcoming events and call status.

Each date found in the text (pipeline.nlp.date_mentions) gets a role from the cue words around
it, read the way an officer reads a call page: the nearest cue before the date in the same
sentence ("ansök senast den 6 mars", "Deadline: 17 September 2025"), else the nearest cue after
it ("8 december öppnar utlysningen"), else a short label line just above it ("Opening\\n10.01.2024").
Cue words live in models/dates_sv_en.toml. The deadline is the first closing date (two-stage
calls close first for the intent to apply); registration and reporting deadlines are not the
call's deadline.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.date_mentions import DateMention, find_dates, load_date_words
from pipeline.nlp.extensions import doc_text  # importing it registers the Doc attributes
from pipeline.nlp.phrases import (
    compile_compound_ends,
    compile_phrases,
    is_compound_end,
    lower_keeping_offsets,
)
from pipeline.vocabulary import CLOSED, FORTHCOMING, OPEN, derive_status, today_in_stockholm

logger = logging.getLogger(__name__)

ROLES = ("deadline", "deadline_adjacent", "opening", "opening_adjacent", "event", "when", "other")
# Words that count only right before their date, and the role they give it.
ADJACENT_ROLES = {"deadline_adjacent": "deadline", "opening_adjacent": "opening"}
BEFORE_CHARS = 120  # how far back a cue may stand from its date
AFTER_CHARS = 80
LABEL_CHARS = 30  # a field label above a date is short ("Utlysningen stänger", "Deadline")
HEADING_CHARS = 80  # a heading above a date labels it only when the date line reads like an appointment
NOT_CALL_REACH = 80  # "anmälan ... sista dag": a qualifier this close before a deadline cue
ADJACENT_CHARS = 20  # "senast kl. 14.00 den 6 mars": how far an adjacent-only cue may stand

# Where a sentence or line ends: cues never reach across it.
BOUNDARY = re.compile(r"\n|[.!?;](?=\s+[A-ZÅÄÖ])")
BULLETS = re.compile(r"[\s•·*\-–—:|>]*")
LIST_ITEM = re.compile(r"[ \t]*[•·*\-–—][ \t]")  # a line opening with a bullet
# A time on the date's line ("18 juni 09:00-12:00 Teams", "3 June 2025, 10:00 CET").
TIME_ON_LINE = re.compile(r"[^\n]*?\b(?:kl\.?\s*)?[0-2]?\d[:.][0-5]\d\b")


class Cue(NamedTuple):  # a tuple: pages have dozens of cues, so cheap to build matters
    start: int
    end: int
    role: str


@dataclass(frozen=True)
class CueReader:
    cues: re.Pattern[str]
    cue_roles: dict[str, str]
    compound_cues: re.Pattern[str] | None  # "*möte*": event words ending a compound
    compound_roles: dict[str, str]
    not_call: re.Pattern[str]
    registration: re.Pattern[str]  # of the `other` dates, a registration deadline
    closed_phrases: re.Pattern[str]  # "är stängd", "deadline expired": wins over dates
    status_phrases: re.Pattern[str]  # open/forthcoming phrases: read when dates say nothing
    status_names: dict[str, str]
    status_labels: re.Pattern[str]
    label_names: dict[str, str]

    def find_cues(self, text: str, lowered: str, spans: list[tuple[int, int]]) -> list[Cue]:
        """Cues in text order within the spans (the surroundings of the dates found); field
        labels ("Datum:") count when they open a line, as an event's date on a page that speaks
        of an event."""
        found = [
            Cue(m.start(), m.end(), self.cue_roles[m.lastgroup])
            for lo, hi in spans
            for m in self.cues.finditer(lowered, lo, hi)
        ]
        if self.compound_cues is not None:
            found.extend(
                Cue(m.start(), m.end(), self.compound_roles[m.lastgroup])
                for lo, hi in spans
                for m in self.compound_cues.finditer(lowered, lo, hi)
                if is_compound_end(lowered, m.start())
            )
            found.sort(key=lambda cue: cue.start)
        cues, has_event = [], None
        for cue in found:
            if cue.role == "when":
                if not BULLETS.fullmatch(text, text.rfind("\n", 0, cue.start) + 1, cue.start):
                    continue  # a label opens its line
                if has_event is None:
                    has_event = self._mentions_event(lowered)
                cue = Cue(cue.start, cue.end, "event" if has_event else "other")
            cues.append(cue)
        return cues

    def _mentions_event(self, lowered: str) -> bool:
        if any(self.cue_roles[m.lastgroup] == "event" for m in self.cues.finditer(lowered)):
            return True
        return self.compound_cues is not None and any(
            self.compound_roles[m.lastgroup] == "event" and is_compound_end(lowered, m.start())
            for m in self.compound_cues.finditer(lowered)
        )


@lru_cache(maxsize=1)
def cue_reader() -> CueReader:
    words = load_date_words()
    cues = words["cues"]
    cue_groups = {role: cues[role] for role in ROLES}
    cue_regex, cue_roles = compile_phrases(cue_groups)
    compound_cues, compound_roles = compile_compound_ends(cue_groups) or (None, {})
    not_call, _ = compile_phrases({"not_call": cues["not_call"]})
    registration, _ = compile_phrases({"registration": cues["registration"]})
    phrases = words["status"]["phrases"]
    closed_phrases, _ = compile_phrases({"closed": phrases["closed"]})
    status_regex, status_names = compile_phrases({k: v for k, v in phrases.items() if k != "closed"})
    labels = words["status"]["labels"]
    label_alternatives, label_names = [], {}
    for i, (status, label) in enumerate((s, w) for s, ws in labels.items() for w in ws):
        label_alternatives.append(f"(?P<l{i}>{re.escape(label)})")
        label_names[f"l{i}"] = status
    # A status word standing alone at the start of a line, maybe after "Status:", and followed by
    # the end of the line, a colon or a date: "Stängd 16 mars 2023", "Status: Open".
    label_regex = re.compile(
        r"^[ \t•·*\-]*(?:status\s*:?\s*)?(?:" + "|".join(label_alternatives) + r")(?=[ \t]*(?:$|:|\d|[-–]))",
        re.MULTILINE,  # run on lower-cased text
    )
    return CueReader(
        cue_regex,
        cue_roles,
        compound_cues,
        compound_roles,
        not_call,
        registration,
        closed_phrases,
        status_regex,
        status_names,
        label_regex,
        label_names,
    )


def _surroundings(text: str, mentions: list[DateMention], length: int) -> list[tuple[int, int]]:
    """Where cues for these dates can stand (before, after, the label line above), merged."""
    spans: list[tuple[int, int]] = []
    for mention in mentions:
        lo, hi = max(0, mention.start - BEFORE_CHARS), min(length, mention.end + AFTER_CHARS)
        line = _label_line(text, mention.start) or _list_heading(text, mention.start)
        if line:
            lo = min(lo, line[0])
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return spans


def _sentence_start(text: str, pos: int, limit: int) -> int:
    window_start = max(0, pos - limit)
    last = window_start
    for m in BOUNDARY.finditer(text, window_start, pos):
        last = m.end()
    return last


def _sentence_end(text: str, pos: int, limit: int) -> int:
    m = BOUNDARY.search(text, pos, min(len(text), pos + limit))
    return m.start() if m else min(len(text), pos + limit)


def _cues_between(cues: list[Cue], starts: list[int], lo: int, hi: int) -> list[Cue]:
    i = bisect.bisect_left(starts, lo)
    j = bisect.bisect_left(starts, hi)
    return [c for c in cues[i:j] if c.end <= hi]


def role_of(
    text: str, lowered: str, mention: DateMention, cues: list[Cue], starts: list[int], reader: CueReader
) -> str | None:
    """What the date is for: deadline, opening, event, other, or None when nothing says."""
    lo = _sentence_start(text, mention.start, BEFORE_CHARS)
    before = [
        c
        for c in _cues_between(cues, starts, lo, mention.start)
        if c.role not in ADJACENT_ROLES or mention.start - c.end <= ADJACENT_CHARS
    ]
    if before:
        cue = before[-1]
        if cue.role in ("deadline", "opening", *ADJACENT_ROLES) and (
            # the words around the cue, not the cue's own ("ansökningsperioden pågår")
            reader.not_call.search(lowered, max(lo, cue.start - NOT_CALL_REACH), cue.start)
            or reader.not_call.search(lowered, cue.end, mention.start)
        ):
            return "other"  # a registration or reporting deadline, not the call's
        if cue.role in ADJACENT_ROLES and len(before) > 1 and before[-2].role == "event":
            return "event"  # "Info Days from 28 June", "webbinariet innan 5 maj": the event's date
        return ADJACENT_ROLES.get(cue.role, cue.role)
    hi = _sentence_end(text, mention.end, AFTER_CHARS)
    after = [c for c in _cues_between(cues, starts, mention.end, hi) if c.role not in ADJACENT_ROLES]
    if after:
        return after[0].role
    line = _label_line(text, mention.start)
    if line and (line[1] - line[0] <= LABEL_CHARS or TIME_ON_LINE.match(text, mention.end)):
        # a short field label ("Deadline\n28.02.2024"), or a heading over an appointment
        # ("Informationsmöte om LIFE\n18 juni 09:00-12:00"); a headline over a bare date is
        # just the page's dateline
        label = _cues_between(cues, starts, *line)
        if label:
            return ADJACENT_ROLES.get(label[-1].role, label[-1].role)
    heading = _list_heading(text, mention.start)
    if heading:
        label = _cues_between(cues, starts, *heading)
        if label:
            return ADJACENT_ROLES.get(label[-1].role, label[-1].role)
    return None


def _list_heading(text: str, start: int) -> tuple[int, int] | None:
    """The heading of the bulleted list a date's line belongs to ("Submission deadlines:" over
    "- Standard projects: 16 September 2026"): the short line ending in a colon above the run of
    bullet lines."""
    line_start = text.rfind("\n", 0, start) + 1
    if not LIST_ITEM.match(text, line_start):
        return None
    while line_start > 0:
        prev_start = text.rfind("\n", 0, line_start - 1) + 1
        line = text[prev_start : line_start - 1]
        if not line.strip():
            return None
        if not LIST_ITEM.match(line):
            line = line.rstrip()
            ok = line.endswith(":") and len(line) <= HEADING_CHARS
            return (prev_start, prev_start + len(line)) if ok else None
        line_start = prev_start
    return None


def _label_line(text: str, start: int) -> tuple[int, int] | None:
    """The short line just above a date that opens its own line ("Deadline\\n28.02.2024")."""
    line_start = text.rfind("\n", 0, start) + 1
    if line_start == 0 or not BULLETS.fullmatch(text, line_start, start):
        return None
    prev_end = line_start - 1
    while prev_end > 0 and text[prev_end - 1] in " \t\r\n":
        prev_end -= 1
    prev_start = text.rfind("\n", 0, prev_end) + 1
    return (prev_start, prev_end) if 0 < prev_end - prev_start <= HEADING_CHARS else None


def stated_labels(lowered: str, reader: CueReader) -> set[str]:
    """Statuses standing as labels ("Stängd 16 mars 2023", "Status: Open")."""
    return {reader.label_names[m.lastgroup] for m in reader.status_labels.finditer(lowered)}


def reference_of(doc: Doc) -> date:
    ref = doc._.reference_date
    if ref:
        try:
            return date.fromisoformat(str(ref)[:10])
        except ValueError:
            logger.warning("ignoring unreadable reference_date %r", ref)
    return today_in_stockholm()


@dataclass
class PageDates:
    deadline: str | None
    opening: str | None
    events: list[str]
    call_status: str | None
    registration: str | None = None  # the first upcoming registration deadline (for attending)


def extract_dates(text: str, reference: date) -> PageDates:
    """Deadline, opening, upcoming events and call status of one page's text."""
    reader = cue_reader()
    lowered = lower_keeping_offsets(text)
    mentions = find_dates(text, reference, lowered)
    cues = reader.find_cues(text, lowered, _surroundings(text, mentions, len(text)))
    starts = [c.start for c in cues]
    roles: dict[int, str | None] = {}  # id(mention) -> role
    for mention in mentions:
        role = role_of(text, lowered, mention, cues, starts, reader)
        start = mention.range_start
        if start is not None:
            start_role = roles.get(id(start))  # None if that date did not exist (29 February)
            if start_role == "deadline":
                # "submit between 1 March and 15 April": a window, so it opens on its first day
                roles[id(start)], role = "opening", "deadline"
            elif start_role == "opening":
                role = "deadline"  # "open from 10 February to 31 March": the end closes it
            elif start_role is not None:
                role = "range-end"  # an event's last day or the end of a period: not a new date
        roles[id(mention)] = role
    by_role: dict[str | None, list[date]] = {}
    for mention in mentions:
        by_role.setdefault(roles[id(mention)], []).append(mention.value)
    deadlines = sorted(set(by_role.get("deadline", [])))
    openings = sorted(set(by_role.get("opening", [])))
    events = sorted({d for d in by_role.get("event", []) if d >= reference})
    deadline = deadlines[0].isoformat() if deadlines else None
    opening = openings[0].isoformat() if openings else None
    registration = min((m.value for m in mentions if roles[id(m)] == "other" and m.value >= reference
                        and _is_registration(text, lowered, m, reader)), default=None)
    return PageDates(
        deadline=deadline,
        opening=opening,
        events=[d.isoformat() for d in events],
        call_status=_call_status(lowered, reader, opening, [d.isoformat() for d in deadlines], reference),
        registration=registration.isoformat() if registration else None,
    )


def _is_registration(text: str, lowered: str, mention: DateMention, reader: CueReader) -> bool:
    """An `other` date with a registration word before it in its sentence ("Anmäl dig senast den
    4 december", "Sista dag för anmälan är 20 maj", "Registration closes 6 February")."""
    lo = _sentence_start(text, mention.start, BEFORE_CHARS)
    return reader.registration.search(lowered, lo, mention.start) is not None


def _call_status(
    lowered: str, reader: CueReader, opening: str | None, deadlines: list[str], reference: date
) -> str | None:
    labels = stated_labels(lowered, reader)
    if CLOSED in labels or reader.closed_phrases.search(lowered):
        return CLOSED
    from_dates = derive_status(opening, deadlines, reference)
    if from_dates:
        return from_dates
    # only now the open/forthcoming phrases: most pages have dates to judge by
    stated = labels | {reader.status_names[m.lastgroup] for m in reader.status_phrases.finditer(lowered)}
    for status in (FORTHCOMING, OPEN):
        if status in stated:
            return status
    return None


@Language.factory(
    "callwatch_dates",
    assigns=["doc._.deadline", "doc._.opening", "doc._.events", "doc._.call_status", "doc._.registration"],
)
def make_dates_component(nlp: Language, name: str) -> DatesComponent:
    return DatesComponent()


class DatesComponent:
    """Sets doc._.deadline/opening/registration (ISO or None), doc._.events (ISO list) and
    doc._.call_status."""

    def __init__(self) -> None:
        cue_reader()  # compile the patterns once, at pipeline build time

    def __call__(self, doc: Doc) -> Doc:
        found = extract_dates(doc_text(doc), reference_of(doc))
        doc._.deadline = found.deadline
        doc._.opening = found.opening
        doc._.events = found.events
        doc._.call_status = found.call_status
        doc._.registration = found.registration
        return doc
