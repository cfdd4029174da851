"""Dates a page writes other than as a day and its month (pipeline.nlp.date_mentions reads those):
the end of a month ("by the end of September 2023", "with a closing date at the end of September",
"Urvalsperioderna löper ut vid utgången av februari, maj och oktober"), a date written as eight
digits, as Swedish e-services write them ("Ansökan är öppen mellan 20240201-20240331"), or year
first with dots ("2024.03.31"), and the
page's own day named after a closing word ("the call for proposals that ended today at noon",
"Ansökningstiden går ut i dag").

A month's end is a mention of the month's last day (`MonthEnd`: its day is settled once the year
is, so "the end of February" is the 29th in a leap year); a day named relative to the page takes
the page's reference date.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache

from pipeline.nlp.date_mention import DateMention, is_valid_date, load_date_words
from pipeline.nlp.phrases import word_alternation


class MonthEnd(DateMention):
    """The last day of a month written as "the end of" it; `day` is 28 until the year is known."""

    anchors = False  # "by the end of May 2023" does not date the "22 September" before it


# A relative day after one of these words is a closing day ("ended today", "stänger i dag");
# elsewhere ("launched today", "from today") it is no date a reader looks up. Run on lower-cased text.
CLOSING_BEFORE = re.compile(
    r"(?<!\w)(?:ended|ends|end|closes|closed|close|closing|expires|expired|is due|are due|deadline is|deadline"
    r"|stänger|stängde|stängs|går ut|gick ut|löper ut|slutar|avslutas|stenger|lukker)\s+(?:at\s+|on\s+)?"
    r"(?:(?:midnight|noon|midnatt|(?:kl\.?\s*|klockan\s*)?[0-2]?\d(?:[:.][0-5]\d)?(?:\s*[ap]m)?)\s+)?$"
)
RELATIVE_DAYS = {
    "today": 0, "idag": 0, "i dag": 0, "tonight": 0, "ikväll": 0, "i kväll": 0, "tomorrow": 1, "imorgon": 1,
    "i morgon": 1,
}
# ... or before a closing day's name ("Today is the last day to apply", "I dag är sista ansökningsdag")
CLOSING_AFTER = re.compile(
    r"\s+(?:is|är)\s+(?:the\s+)?(?:last\s+day|deadline|closing\s+day|sista\s+(?:ansöknings)?dag)"
)
CLOSING_CHARS = 40  # the longest closing word with "at"/"on" and a time of day
# A date written right after the relative day says the day itself ("går ut i morgon torsdag den 14 maj")
DATE_FOLLOWS = 20
# A closing verb before "today" is a call's only where its line speaks of applying ("the call
# that ended today", "ansökningstiden går ut i dag"), not an office's ("closed today for the holiday")
APPLYING_REACH = 200
APPLYING = re.compile(r"appl|ansök|ansøk|søknad|call|utlys|deadline|submi|proposal|tender|bidrag|stipend|grant")
YEAR_AFTER = re.compile(r",?\s+(?P<y>(?:19|20)\d\d)(?!\d)")


@lru_cache(maxsize=1)
def _patterns() -> tuple[list[re.Pattern[str]], re.Pattern[str], re.Pattern[str], dict[str, int]]:
    months = {k.lower(): int(v) for k, v in load_date_words()["months"].items()}
    month = word_alternation(list(months))
    # "the end of September 2023", "end-October", "vid utgången av februari, maj och oktober", "by
    # the end of November and end of May", "the last day of February", "sista dagen i februari",
    # "senast sista april"; Norwegian "utgangen av", Danish "udgangen af" ("i slutet av maj" is
    # late May, no day). Run on lower-cased text; one pattern for each opening word, so that `re`
    # skips to it (an alternation of them it tries at every character), the word start checked
    # on the few matches.
    month_ends = [
        re.compile(rf"{opening}(?:the\s+month\s+of\s+)?(?P<m>{month})(?!\w)")
        for opening in (
            r"end(?:\s+of\s+|-)", r"last\s+day\s+of\s+", r"utg(?:ången|angen)\s+av\s+", r"udgangen\s+af\s+",
            r"sista\s+(?:dagen\s+(?:i|av)\s+)?",
        )
    ]
    # the next month of a list ("februari, maj och oktober")
    listed = re.compile(rf"(?:\s*,\s*|\s+(?:och|and|or|eller|og)\s+)(?:(?:the\s+)?end\s+of\s+)?(?P<m>{month})(?!\w)")
    # 20240331, and 2024.03.31 as Lithuanian, Hungarian or East Asian pages write it: the
    # character before is checked on the few matches
    compact = re.compile(r"(?:19|20)\d\d(\.?)(?:0[1-9]|1[0-2])\1(?:0[1-9]|[12]\d|3[01])(?![\w,/]|\.\d)")
    return month_ends, listed, compact, months


def _opens_word(lowered: str, pos: int, inside: str = "") -> bool:
    return pos == 0 or not (lowered[pos - 1].isalnum() or lowered[pos - 1] in inside)


def _month_ends(text: str, lowered: str) -> list[DateMention]:
    month_ends, listed, _, months = _patterns()
    found: list[DateMention] = []
    for m in (m for pattern in month_ends for m in pattern.finditer(lowered)):
        if not _opens_word(lowered, m.start(), "_"):
            continue  # "weekend of May"
        spans = [(m.start("m"), m.end("m"))]
        pos = m.end()
        while (more := listed.match(lowered, pos)) is not None:
            spans.append((more.start("m"), more.end("m")))
            pos = more.end()
        year_match = YEAR_AFTER.match(lowered, pos)
        for i, (lo, hi) in enumerate(spans):
            word = lowered[lo:hi]
            if word == "may" and not text[lo].isupper():
                continue  # "at the end of the day, may ..."
            last = i == len(spans) - 1
            year = int(year_match.group("y")) if year_match and last else None
            end = year_match.end() if year_match and last else hi
            found.append(MonthEnd(m.start() if i == 0 else lo, end, 28, months[word], year))
    return found


def _compact(lowered: str) -> list[DateMention]:
    found = []
    for m in _patterns()[2].finditer(lowered):
        if not _opens_word(lowered, m.start(), "_./"):
            continue  # "ERC-2011-StG_20101124", a number's digits
        digits = m.group().replace(".", "")
        year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:])
        if is_valid_date(year, month, day):
            found.append(DateMention(m.start(), m.end(), day, month, year))
    return found


def _relative(lowered: str, reference: date, mentions: list[DateMention]) -> list[DateMention]:
    found = []
    for word, days in RELATIVE_DAYS.items():
        pos = lowered.find(word)
        while pos >= 0:
            end = pos + len(word)
            if (
                _opens_word(lowered, pos)
                and not (end < len(lowered) and lowered[end].isalnum())
                and (
                    (CLOSING_BEFORE.search(lowered, max(0, pos - CLOSING_CHARS), pos)
                     and APPLYING.search(lowered, *_line_around(lowered, pos)))
                    or CLOSING_AFTER.match(lowered, end)
                )
                # "går ut i morgon torsdag den 14 maj": the date written says the day
                and not any(0 <= other.start - end <= DATE_FOLLOWS for other in mentions)
            ):
                day = reference + timedelta(days=days)
                found.append(DateMention(pos, end, day.day, day.month, day.year))
            pos = lowered.find(word, end)
    return found


def _line_around(lowered: str, pos: int) -> tuple[int, int]:
    """The line holding `pos`, at most APPLYING_REACH characters either side (a sentence split at ". "
    would cut "går ut kl. 16 i dag")."""
    start = max(lowered.rfind("\n", 0, pos) + 1, pos - APPLYING_REACH)
    end = lowered.find("\n", pos)
    return start, min(pos + APPLYING_REACH, len(lowered) if end < 0 else end)


def with_other_forms(text: str, lowered: str, reference: date, mentions: list[DateMention]) -> list[DateMention]:
    """`mentions` (in text order) with the month ends, eight-digit dates and closing days the text
    writes, where no other date was read; in text order."""
    extra = _month_ends(text, lowered) + _compact(lowered) + _relative(lowered, reference, mentions)
    if not extra:
        return mentions
    taken = [(m.start, m.end) for m in mentions]
    extra = [e for e in extra if not any(lo < e.end and e.start < hi for lo, hi in taken)]
    return sorted(mentions + extra, key=lambda m: m.start) if extra else mentions


def settle_month_ends(mentions: list[DateMention]) -> list[DateMention]:
    """A month's end on the last day of its month, now that its year is known."""
    for mention in mentions:
        if isinstance(mention, MonthEnd) and mention.value is not None:
            year, month = mention.value.year, mention.value.month
            mention.day = calendar.monthrange(year, month)[1]
            mention.value = date(year, month, mention.day)
    return mentions
