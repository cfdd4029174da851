"""Patterns of the words around a date that say how it is attached to its cue: a time of day
between the two, a log entry's timestamp after it, a clause joined before the cue, where a clause
breaks and where a sentence starts and ends (pipeline.nlp.date_roles reads them); and the words
that make "22.4." a date (pipeline.nlp.date_mentions)."""

from __future__ import annotations

import re

# A log entry's timestamp, to the second ("Nov 18, 2022 9:40:40 AM" over "The submission session is
# now available", as the EU portal's call updates and the pages copying them write it), or a
# document's number after its date: the date of an order, decision or regulation cited ("approved
# by the Order of the Minister ... by 12 November 2018 Order No. 1K-389", "beslut den 5 maj 2020, dnr
# 2020-00123", "dated 3 March 2021 No. 45/2021"): a stamp, no date of the call.
STAMP_AFTER = re.compile(
    r",?[ \t]+[0-2]?\d:[0-5]\d:[0-5]\d[ \t]*[ap]\.?m\b"
    r"|[ \t]*(?:,[ \t]*)?(?:\(?(?:order|decision|resolution|regulation|beslut|protokoll|förordning)[ \t]+)?"
    r"(?:no\.|nr\.?|№|dnr\.?|diarienr\.?|diarienummer|ref\.)[ \t:]*\w*\d",
    re.IGNORECASE,
)
# A time of day between a cue that counts only next to its date and the date ("by 13.00 hours
# (Irish time) on Wednesday 30th May", "due by 17:00 Brussels time on 5 May"): read as part of the
# date. Run on lower-cased text.
CLOCK_BEFORE_DATE = re.compile(
    r"\s*(?:at\s+)?(?:kl\.?\s*|klockan\s*)?[0-2]?\d(?:[:.][0-5]\d)?\s*(?:hours|hrs|h|am|pm|a\.m\.|p\.m\.)?"
    r"(?:\s*noon|\s*midnight)?\s*(?:(?:\([^()\n]{1,30}\)|[a-zé]+\s+time|cet|cest|eet|gmt|utc)\s*)?(?:,\s*)?(?:on|den)\s+"
)
# A clause joined right before a cue ("... var 31 december 2021 och senast 30 april")
CLAUSE_JOIN = re.compile(r"(?:\s(?:och|and)|,)\s+$")
# What "close"/"closed" may have between itself and its date when it closes a call ("ECF closed
# this round of the Democracy Needs Imagination call on Tuesday 23 April"). Run on lower-cased text.
CLOSED_CALL_GAP = re.compile(
    r"\s+(?:this|the|its|our|their)\s+(?:[^,.;:\n]{0,70}?\s)?(?:round|call|competition)s?\b[^,.;:\n]{0,40}?"
    r"\s+on\s+(?:\w+day,?\s+)?(?:the\s+)?"
)
# Where a clause breaks: a window named before it does not reach past it
CLAUSE_BREAK = re.compile(r"[,;:.!?\n]")
# What must stand right before a day.month. written without a year ("gick ut onsdagen den 22.4.",
# "open from 21.9. until", "Deadline: 15.3.", "går ut 6.5."): a word that introduces a date or
# closes a window, a weekday, or a label. Run on lower-cased text.
DOTTED_DAY_CONTEXT = re.compile(
    r"(?:\b(?:den|the|on|by|until|from|från|till|senast|innan|före|before|t\.o\.m\.|fr\.o\.m\.|ut|stänger"
    r"|closes|deadline)|dag|dagen|day|:)\s*$"
)
DIGITS = re.compile(r"\d+")


def closes_a_call(lowered: str, cue_start: int, cue_end: int, date_start: int) -> bool:
    """Whether "close"/"closed" at [cue_start, cue_end) closes a call whose name stands between it
    and the date at date_start ("closed this round of the ... call on Tuesday 23 April")."""
    return lowered[cue_start:cue_end] in ("close", "closed") and bool(
        CLOSED_CALL_GAP.fullmatch(lowered, cue_end, date_start)
    )

ATTACHED_LABEL = re.compile(r"[ \t]?[-–]?[ \t]?")  # "the 7 October deadline", "1 March-deadline"
UNTIL_BEFORE = re.compile(r"\b(?:till|until|till den|until the)\s+$")
PRONOUN_SUBJECT = re.compile(r"\s*(?:den|det|denna|denne|it|this|that)\s+(?:will\s+|ska\s+|kommer\s+att\s+)?")

# Where a sentence or line ends: cues never reach across it. A full stop before a number ends a
# sentence after a year or a bracket ("... 2023. 16–17 augusti", "(Open Days). 9-12 oktober"), not
# after an abbreviation ("kl. 14.00", "t.o.m. 5 mars", "Thurs. 5 March"). Written to open on one
# character class, so that `re` skips straight to those characters (it cannot for an alternation
# with a branch opening on a lookbehind): the same matches as
# r"\n|[.!?;](?=\s+[A-ZÅÄÖ])|(?:(?<=\))|(?<=\d{4}))\.(?=\s+\d)" (tests/test_scan_rewrites.py), a ninth of the cost.
BOUNDARY = re.compile(r"[\n.!?;](?:(?<=\n)|(?<=[.!?;])(?=\s+[A-ZÅÄÖ])|(?<=\)\.)(?=\s+\d)|(?<=\d{4}\.)(?=\s+\d))")
# A verb that makes the subject before it the date range after it ("... är 7 januari - 1 februari").
COPULA = re.compile(r"\s(?:är|is|are|blir|will be)\s+(?:den\s+|the\s+|from\s+|från\s+)?$")
LINE_END = re.compile(r"\s*:\s*")  # a cue ending its line with a colon ("no later than:")
FIELD_VALUE = re.compile(r":[ \t]*$")  # a date standing as a field's value ("Call announcement: 30 June")
# What may stand between an opening word that counts only next to its date and the date: short
# words, times, a weekday ("open from 1 March", "öppnar fredag den 3 mars"), not a noun ("the
# deadline for both open calls is on 1 September": "open" says what the calls are).
ADJACENT_GAP = re.compile(
    r"(?:[\s\d:.,()–-]|\b\w{1,3}\b|klockan|midnight|midnatt|noon|\w+(?:day|dag|dagen)\b)*"
)


def sentence_start(text: str, pos: int, limit: int) -> int:
    """Where the sentence or line holding pos starts, at most `limit` characters back."""
    window_start = max(0, pos - limit)
    last = window_start
    # up to pos + 1: a boundary's lookahead must see the date's first character
    for m in BOUNDARY.finditer(text, window_start, pos + 1):
        if m.end() <= pos:
            last = m.end()
    return last


def sentence_end(text: str, pos: int, limit: int) -> int:
    """Where the sentence or line holding pos ends, at most `limit` characters on."""
    m = BOUNDARY.search(text, pos, min(len(text), pos + limit))
    return m.start() if m else min(len(text), pos + limit)
