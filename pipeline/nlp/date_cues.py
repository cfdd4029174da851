"""Cue words of models/dates_sv_en.toml compiled for reading what a page's dates are for: role
cues ("sista ansökningsdag", "öppnar", "webinar"), qualifiers that make a deadline someone else's
("anmälan", "report"), cues in the past tense ("stängde") and the phrases and labels that state a
call's status ("är stängd", "Status: Open").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from pipeline.nlp.date_layout import BULLETS
from pipeline.nlp.date_mention import load_date_words
from pipeline.nlp.phrases import compile_compound_ends, compile_phrases, is_compound_end, word_alternation

# Role groups of the [cues] table. "window": words of applying or of a call, read apart (a date
# range after them is the call's window); "when": field labels such as "Datum:"; "byline":
# "submitted by", a deadline only right before its date; "continues": "runs until", a window's end
# after its opening in the same sentence, else a date of something else.
ROLES = (
    "deadline", "deadline_adjacent", "opening", "opening_adjacent", "event", "when", "other", "window", "byline",
    "continues",
)


# A word glued to the one before it, where a list item's or a paragraph's end lost its break in
# the page's text ("... mänskliga rättigheterAnsökningsfristen var den 11 april"): a cue may open it.
GLUED_WORD = re.compile(r"[a-zåäöø][A-ZÅÄÖØ][a-zåäöø]")  # the capital is the second character
GLUED_CUE_CHARS = 60  # the longest cue phrase


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
    not_call: re.Pattern[str]  # the not_call and progress words (see dates_sv_en.toml)
    not_call_groups: dict[str, str]  # its group names -> "not_call" or "progress"
    not_call_names: frozenset[str]  # not_call words that, written so, name a body ("COST")
    registration: re.Pattern[str]  # of the `other` dates, a registration deadline
    not_window: re.Pattern[str]  # "för aktiviteter", "gäller": a range for what the money pays
    closed_phrases: re.Pattern[str]  # "är stängd", "deadline expired": wins over dates
    status_phrases: re.Pattern[str]  # open/forthcoming phrases: read when dates say nothing
    status_names: dict[str, str]
    status_labels: re.Pattern[str]
    label_names: dict[str, str]
    past_tense: re.Pattern[str]  # cue words that tell of the past ("stängde", "took place")
    past_clause: re.Pattern[str]  # words that put a sentence in the past ("had", "var")
    apply_verbs: re.Pattern[str]  # the window words that are verbs of applying ("ansöka", "apply")
    window_names: re.Pattern[str]  # names of the application window ("ansökningsperioden")

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
        glued = self._glued_cues(text, lowered, spans)
        if glued:
            found.extend(glued)
        if glued or self.compound_cues is not None:
            found.sort(key=lambda cue: cue.start)
        cues, has_event = [], None
        for cue in found:
            if cue.role == "when":
                if not BULLETS.fullmatch(text, text.rfind("\n", 0, cue.start) + 1, cue.start):
                    continue  # a label opens its line
                if has_event is None:
                    has_event = self.mentions_event(lowered)
                cue = Cue(cue.start, cue.end, "event" if has_event else "other")
            cues.append(cue)
        return cues

    def _glued_cues(self, text: str, lowered: str, spans: list[tuple[int, int]]) -> list[Cue]:
        """Cues opening a word glued to the one before it (GLUED_WORD), read as if a space stood
        between them (the slice makes the cue's word start where the capital is)."""
        found = []
        for lo, hi in spans:
            for glued in GLUED_WORD.finditer(text, lo, hi):
                at = glued.start() + 1
                m = self.cues.match(lowered[at : min(hi, at + GLUED_CUE_CHARS)])
                if m is not None:
                    found.append(Cue(at + m.start(), at + m.end(), self.cue_roles[m.lastgroup]))
        return found

    def is_progress(self, match: re.Match[str]) -> bool:
        """Whether a not_call match is a word of going on or starting ("pågår", "starts")."""
        return self.not_call_groups[match.lastgroup] == "progress"

    def mentions_event(self, lowered: str) -> bool:
        """Whether an event word stands anywhere on the page."""
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
    not_call, not_call_groups = compile_phrases({"not_call": cues["not_call"], "progress": cues["progress"]})
    registration, _ = compile_phrases({"registration": cues["registration"]})
    not_window, _ = compile_phrases({"not_window": cues["not_window"] + cues["not_call"] + cues["progress"]})
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
        not_call_groups,
        frozenset(cues["not_call_names"]),
        registration,
        not_window,
        closed_phrases,
        status_regex,
        status_names,
        label_regex,
        label_names,
        re.compile(word_alternation(cues["past_tense"])),
        compile_phrases({"past_clause": cues["past_tense"] + cues["past_clause"]})[0],
        re.compile(word_alternation(cues["apply_verbs"])),
        compile_phrases({"window_names": cues["window_names"]})[0],
    )


def stated_labels(lowered: str, reader: CueReader) -> set[str]:
    """Statuses standing as labels ("Stängd 16 mars 2023", "Status: Open")."""
    return {reader.label_names[m.lastgroup] for m in reader.status_labels.finditer(lowered)}
