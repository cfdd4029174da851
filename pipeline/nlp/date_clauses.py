"""Patterns of the words around a date that say how it is attached to its cue: a time of day
between the two, a log entry's timestamp after it, a clause joined before the cue, and where a
clause breaks (pipeline.nlp.date_roles reads them); and the words that make "22.4." a date
(pipeline.nlp.date_mentions)."""

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
