"""Find calendar dates written in Swedish or English text and resolve them to ISO dates.

Compiled regular expressions over the text, tried only where a number (or an English month name)
starts, and no per-candidate parser calls: the whole pipeline must run at hundreds of pages a
second. Month and weekday names live in models/dates_sv_en.toml. A date without a year takes it
from the range or list it belongs to ("10 February to 31 March 2022", "4 March and 9 September
2026"), else from a date written with its year just before it in the same paragraph, else from
the page's reference date: the nearest such date, leaning towards the future because pages
mostly announce what is coming.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from pipeline.nlp.date_clauses import DIGITS, DOTTED_DAY_CONTEXT
from pipeline.nlp.date_forms import settle_month_ends, with_other_forms
from pipeline.nlp.date_mention import DateMention, is_valid_date, load_date_words
from pipeline.nlp.phrases import lower_keeping_offsets, word_alternation

ANCHOR_CHARS = 200  # how far a written year reaches to date a year-less neighbour
SEQUENCE_CHARS = 60  # how close a year-less date must follow another to be read as after it
# A line's or a sentence's end: a year-less date after it is not read as following the one before
# ("Första perioden är 1-31 mars. Andra perioden är 1-30 september": both in the coming months).
SENTENCE_END = re.compile(r"\n|[.!?;]\s+[A-ZÅÄÖ]")

# Text allowed between the two ends of a date range: an optional time, a connector (not a bullet
# opening the next line), an optional time of the last day ("from 1 March to 17:00 on 2 April").
RANGE_GAP = re.compile(
    r"(?!\s*\n[ \t]*[-–—−][ \t])"
    r"\s*(?:(?:(?:kl\.?|klockan|at|@)\s*)?\d{1,2}[:.]\d{2}(?:\s*\(?(?:CET|CEST|EET|Brussels time)\)?)?\s*)?"
    r"(?:-|–|—|−|→|to|till|until|till och med|t\.o\.m\.|through)\s*"
    r"(?:(?:kl\.?\s*|klockan\s*)?\d{1,2}[:.]\d{2}(?:\s*(?:hours|h|CET|CEST|EET))?(?:\s*\([^()\n]{1,30}\))?"
    r"\s*(?:,\s*)?(?:on|den)\s+)?"
    r"(?:den\s+|the\s+|on\s+)?",
    re.IGNORECASE,
)
# "between 1 March and 15 April" is a range too, but "9 March and 15 March" is a list.
BETWEEN = re.compile(r"(?:between|mellan)\s+(?:den\s+|the\s+)?$", re.IGNORECASE)
AND_GAP = re.compile(r"\s*(?:and|och)\s*(?:den\s+|the\s+)?", re.IGNORECASE)
# Between the items of a list of dates ("4 March, 10 June and 9 September 2026").
LIST_GAP = re.compile(r"\s*(?:,|(?:,\s*)?(?:and|och|or|eller|&))\s*(?:den\s+|the\s+|on\s+)?", re.IGNORECASE)


def _closes_range(text: str, first: DateMention, second: DateMention) -> bool:
    if RANGE_GAP.fullmatch(text, first.end, second.start):
        return True
    return bool(
        AND_GAP.fullmatch(text, first.end, second.start)
        and BETWEEN.search(text, max(0, first.start - 20), first.start)
    )


@dataclass(frozen=True)
class DatePatterns:
    day_first: re.Pattern[str]  # anchored at a number, on lower-cased text
    month_first: re.Pattern[str]  # English "March 5th", on the original text (capitalised months)
    weekday_before: re.Pattern[str]  # "torsdag (den)" just before a day, on lower-cased text
    months: dict[str, int]
    weekdays: dict[str, int]
    capitalised_only: frozenset[str]


# The groups of a day range's first and last day ("16-17 januari", "1-31.3.2021"), per pattern.
RANGE_DAY_GROUPS = {"tx": ("td", "td2"), "nr": ("rd", "rd2")}
# The groups of a range across months: first day and month, last day and month, year (if any).
MONTH_RANGE_GROUPS = {"nmr": ("ad", "am", "bd", "bm", "by"), "smr": ("cd", "cm", "ed", "em", None)}

# Where a written number starts: a digit not inside a word, a number or a code ("H2020", "2.5").
# Dates are only looked for from these positions, which is what keeps the component fast.
NUMBER_START = re.compile(r"\d(?<![\w.,/-]\d)")
# Where a date may start: where a number starts, and also after a word and a hyphen ("24
# februari-29 mars"), after a hyphen opening a word ("15 oktober -15 november") and, for a full
# numeric date, right after a word whose space went with the markup ("concept notes01.07.2018").
DATE_START = re.compile(
    r"\d(?:(?<![\w.,/-]\d)|(?<=[^\W\d_]-\d)|(?<=\s-\d)|(?<=[^\W\d_]\d)(?=\d?[./][01]?\d[./](?:19|20)\d\d))"
)
# "Monday17 April": a weekday whose space went with the markup (the weekday is checked on the few
# matches; every weekday name of the model ends in "day" or "dag").
GLUED_WEEKDAY = re.compile(r"da[gy](?=\d)")


# What may follow a numeric day.month written without its year and its closing full stop ("1–31.3
# är", "(1-30.9)"): not a digit, nor an amount's unit ("1-2.5 million" is no date).
AMOUNT_AFTER = r"\s*(?:milj|million|mn\b|bn\b|billion|msek|meur|%|procent|percent|eur\b|sek\b|kr\b)"


def numeric_end(year: str, group: str) -> str:
    """The end of a numeric date range: ".2021", "." or nothing, then no further number."""
    return rf"(?:\.(?P<{group}>{year})|\.(?![\d,])|(?![\d,.]|{AMOUNT_AFTER}))"


@lru_cache(maxsize=1)
def date_patterns() -> DatePatterns:
    words = load_date_words()
    months: dict[str, int] = {k.lower(): int(v) for k, v in words["months"].items()}
    month_re = word_alternation(list(months))
    month_first_re = word_alternation([w.capitalize() for w in words["english"]["month_first"]], lower=False)
    weekdays: dict[str, int] = {k.lower(): int(v) for k, v in words["weekdays"].items()}
    weekday_re = word_alternation(list(weekdays))
    ordinal = r"(?:st|nd|rd|th|:e|:a|e(?=\s))?"  # "15e oktober" too
    year_digits = r"(?:19|20)\d{2}"
    year = year_digits + r"(?!\d)"
    day_first = re.compile(
        # 2024-03-19 (also 2024/03/19)
        rf"(?P<iso>(?P<iy>{year_digits})[-/](?P<im>[01]\d)[-/](?P<id>[0-3]\d)(?!\d))"
        # 2-Mar-23, 02-Mar-2023 (databases and aggregators)
        rf"|(?P<dmy>(?P<xd>[0-3]?\d)-(?P<xm>{month_re})-(?P<xy>(?:19|20)?\d{{2}})(?!\d))"
        # 25-02-2025 (day first, two digits each: "1-2-2025" is too likely something else)
        rf"|(?P<hyph>(?P<hd>[0-3]\d)-(?P<hm>[01]\d)-(?P<hy>{year}))"
        # 19.3.2024, 19/3/2024, 19. 3. 2024
        rf"|(?P<num>(?P<nd>[0-3]?\d)(?:/|\.\s?)(?P<nm>[01]?\d)(?:/|\.\s?)(?P<ny>{year}))"
        # 6 mars (2024), 16th October, 7th of June 2024, 7 and 8 May 2024, 16-17 januari
        # (also a list of days before it: "27, 28 och 29 oktober")
        rf"|(?P<tx>(?:(?P<tl>[0-3]?\d(?:,\s*[0-3]?\d)*),\s*)?(?P<td>[0-3]?\d){ordinal}\.?"
        rf"(?:\s*(?P<tj>-|–|&|and|och|to|till)\s*(?P<td2>[0-3]?\d){ordinal}\.?)?"
        rf"\s+(?:of\s+)?(?P<tm>{month_re})(?!\w)\.?(?:,?\s+(?P<ty>{year}))?)"
        # 1-31.3.2021, 1–31.3., (1-30.9) (a day range with a numeric month, as Finland writes it)
        rf"|(?P<nr>(?P<rd>[0-3]?\d)\.?[-–−](?P<rd2>[0-3]?\d)\.(?P<rm>[01]?\d){numeric_end(year, 'ry')})"
        # 15.1-14.2, 30.9−23.10.2020 (a range across months, numeric, the year at its end if any)
        rf"|(?P<nmr>(?P<ad>[0-3]?\d)\.(?P<am>[01]?\d)\.?\s?[-–−]\s?(?P<bd>[0-3]?\d)\.(?P<bm>[01]?\d)"
        rf"{numeric_end(year, 'by')})"
        # 14/09/21 (day/month/two-digit year, as tables of portal calls write it)
        r"|(?P<short>(?P<ud>[0-3]\d)/(?P<um>[01]\d)/(?P<uy>\d\d)(?![\d/]|[.,]\d))"
        # 16/2-15/4 (a range of day/month dates, no year)
        r"|(?P<smr>(?P<cd>[0-3]?\d)/(?P<cm>[01]?\d)\s?[-–−]\s?(?P<ed>[0-3]?\d)/(?P<em>[01]?\d)(?![\d/]|[.,]\d))"
        # 16/6 (day/month, no year)
        r"|(?P<dm>(?P<sd>[0-3]?\d)/(?P<sm>[01]?\d)(?![\d/]|[.,]\d))"
        # 22.4. (day.month., no year, as Finland writes it; taken only after a word that
        # introduces a date, see DOTTED_DAY_CONTEXT: "1.2." alone is most often a section number)
        rf"|(?P<dd>(?P<pd>[0-3]?\d)\.(?P<pm>[01]?\d)(?:\.(?![\d,])|(?![\d,.]|{AMOUNT_AFTER})))"
    )
    month_first = re.compile(
        # no leading \b: a pattern opening on literal letters lets re skip ahead fast; the word
        # start is checked on the few matches instead
        rf"(?P<mf>(?P<fm>{month_first_re})\.?\s+(?:the\s+)?(?P<fd>[0-3]?\d){ordinal}(?![\d]|[.:]\d)"
        rf"(?:[,.]?\s+(?P<fy>{year}))?)"  # "June 2, 2009", also "June 2. 2009"
    )
    weekday_before = re.compile(rf"(?<!\w)(?P<wd>{weekday_re})(?:,?\s+(?:den\s+|the\s+)?|(?<=[a-zåäöø]))$")
    return DatePatterns(
        day_first,
        month_first,
        weekday_before,
        months,
        weekdays,
        frozenset(words["english"]["capitalised_only"]),
    )


def _mentions(m: re.Match[str], patterns: DatePatterns, text: str, lowered: str) -> list[DateMention]:
    """The date(s) one match writes: two for a day range ("16-17 januari", "7 and 8 May")."""
    kind = m.lastgroup
    g = m.group
    weekday = None
    start = m.start()
    if kind == "iso":
        day, month, year = int(g("id")), int(g("im")), int(g("iy"))
    elif kind == "dmy":
        day, month, year = int(g("xd")), patterns.months[g("xm")], int(g("xy"))
        year += 2000 if year < 100 else 0
    elif kind == "hyph":
        day, month, year = int(g("hd")), int(g("hm")), int(g("hy"))
    elif kind == "num":
        day, month, year = int(g("nd")), int(g("nm")), int(g("ny"))
        if month > 12 and day <= 12:  # 03/19/2024: month first
            day, month = month, day
    elif kind == "tx":
        word = g("tm")
        if word in patterns.capitalised_only and not text[m.start("tm")].isupper():
            return []  # "step 5 may be": English capitalises its months
        if start >= 2 and text[start - 1] == ":" and text[start - 2].isdigit():
            return []  # "kl 10:15 mars..." is a time
        month, day = patterns.months[word], int(g("td"))
        year = int(g("ty")) if g("ty") else None
        before = patterns.weekday_before.search(lowered, max(0, start - 24), start)
        if before:
            weekday, start = patterns.weekdays[before.group("wd")], before.start()
    elif kind == "mf":
        if start and text[start - 1].isalnum():
            return []  # inside a word
        month, day = patterns.months[g("fm").lower()], int(g("fd"))
        year = int(g("fy")) if g("fy") else None
    elif kind == "nr":
        day, month, year = int(g("rd")), int(g("rm")), int(g("ry")) if g("ry") else None
    elif kind in MONTH_RANGE_GROUPS:
        return _month_range(m)
    elif kind == "short":
        day, month, year = int(g("ud")), int(g("um")), int(g("uy"))
        year += 1900 if year >= 70 else 2000  # "14/09/98" is last century
    elif kind == "dd":
        if not DOTTED_DAY_CONTEXT.search(lowered, max(0, start - 12), start):
            return []
        day, month, year = int(g("pd")), int(g("pm")), None
    else:  # dm
        day, month, year = int(g("sd")), int(g("sm")), None
    if not is_valid_date(year or 2024, month, day):  # 2024: a leap year, so 29 February stays possible
        return []
    listed: list[DateMention] = []
    if kind == "tx" and g("tl"):  # "27, 28 och 29 oktober": the listed days share the month
        days = [(int(d.group()), d.start(), d.end()) for d in DIGITS.finditer(text, m.start("tl"), m.end("tl"))]
        if all(a[0] < b[0] for a, b in zip(days, days[1:] + [(day, 0, 0)], strict=True)):
            listed = [
                DateMention(lo, hi, d, month, year) for d, lo, hi in days if is_valid_date(year or 2024, month, d)
            ]
        if listed:  # a weekday before the list is its first day's
            listed[0].start, listed[0].weekday, weekday = start, weekday, None
        start = m.start("td")
    first = DateMention(start, m.end(), day, month, year, weekday)
    first_group, last_group = RANGE_DAY_GROUPS.get(kind, ("", ""))
    if not last_group or not g(last_group):
        return [*listed, first]
    last_day = int(g(last_group))
    if last_day <= day or not is_valid_date(year or 2024, month, last_day):
        # a range ending before it starts: "16-15 mars" keeps its first date, while digits like
        # "31-1.3." are most likely not a date at all
        return [first] if kind == "tx" else []
    first.end = m.end(first_group)
    return [*listed, first, DateMention(m.start(last_group), m.end(), last_day, month, year, None, range_start=first)]


def _month_range(m: re.Match[str]) -> list[DateMention]:
    """The two ends of a numeric range across months ("15.1-14.2", "30.9−23.10.2020", "16/2-15/4"); the start
    takes its year from the end (see find_dates)."""
    g = m.group
    first_day, first_month, last_day, last_month, year_group = MONTH_RANGE_GROUPS[m.lastgroup]
    year = int(g(year_group)) if year_group and g(year_group) else None
    start_day, start_month = int(g(first_day)), int(g(first_month))
    end_day, end_month = int(g(last_day)), int(g(last_month))
    if not (is_valid_date(year or 2024, start_month, start_day) and is_valid_date(year or 2024, end_month, end_day)):
        return []
    first = DateMention(m.start(), m.end(first_month), start_day, start_month, None)
    return [first, DateMention(m.start(last_day), m.end(), end_day, end_month, year, range_start=first)]


def _find_mentions(text: str, lowered: str, patterns: DatePatterns) -> list[DateMention]:
    """Dates in text order: English month-first dates, then day-first forms tried only where a
    number starts (most of a page has none)."""
    found = [mt for m in patterns.month_first.finditer(text) for mt in _mentions(m, patterns, text, lowered)]
    taken = [(m.start, m.end) for m in found]
    last_end = 0
    starts = [m.start() for m in DATE_START.finditer(text)]
    glued = [
        m.end()
        for m in GLUED_WEEKDAY.finditer(lowered)
        if patterns.weekday_before.search(lowered, max(0, m.start() - 10), m.end())
    ]
    if glued:
        starts = sorted(starts + glued)
    for pos in starts:
        if pos < last_end or (taken and any(lo <= pos < hi for lo, hi in taken)):
            continue
        m = patterns.day_first.match(lowered, pos)
        if m is not None:
            new = _mentions(m, patterns, text, lowered)
            if new:
                found.extend(new)
                last_end = m.end()
    if taken:
        found.sort(key=lambda mention: mention.start)
    return found


def _nearest_year(
    day: int, month: int, weekday: int | None, reference: date, past_weight: int = 3, future_weight: int = 1
) -> int:
    """The year that puts day/month nearest the reference date, counting days before it
    `past_weight` times (a page announces what is coming after its publication date); a written
    weekday that fits one candidate settles it."""
    candidates = [y for y in (reference.year - 1, reference.year, reference.year + 1) if is_valid_date(y, month, day)]
    if not candidates:  # "29 februari" three years from a leap year: the nearest leap years
        candidates = [y for y in range(reference.year - 4, reference.year + 5) if is_valid_date(y, month, day)]
    if not candidates:
        return reference.year  # no year makes it a date ("31 april"): the caller drops it
    if weekday is not None:
        fitting = [y for y in candidates if date(y, month, day).weekday() == weekday]
        if len(fitting) == 1:
            return fitting[0]

    def cost(y: int) -> int:
        delta = (date(y, month, day) - reference).days
        return future_weight * delta if delta >= 0 else -past_weight * delta

    return min(candidates, key=cost)


def _anchor(text: str, mention: DateMention, dated: list[DateMention]) -> tuple[date, bool] | None:
    """A date with its year written nearby in the same paragraph, which a reader takes a
    year-less date's year from: the last one before it, else the first one after it; with whether
    it stands before the date."""
    before = [d for d in dated if d.end <= mention.start and mention.start - d.end <= ANCHOR_CHARS]
    after = [d for d in dated if d.start >= mention.end and d.start - mention.end <= ANCHOR_CHARS]
    for other in (before[-1:] + after[:1]):
        lo, hi = (other.end, mention.start) if other.end <= mention.start else (mention.end, other.start)
        if "\n\n" not in text[lo:hi]:
            # A period ("från 1 augusti 2025 till 31 juli 2028") dates its neighbours by its start,
            # where the text's present is, not by an end years away.
            start = other.range_start
            value = start.value if start is not None and start.value is not None else other.value
            return value, other.end <= mention.start
    return None


def _follows_in_sentence(text: str, previous: DateMention | None, mention: DateMention, year: int) -> bool:
    """Whether a year-less date read as `year` lands in a year before the date just before it in
    the same sentence ("öppnar 22 juni [2015] och stänger 27 augusti [2014]"), where a reader takes it
    for the months after; "30 and 31 October, with a side event on 29 October" stays in its year."""
    if previous is None or previous.value is None or mention.start - previous.end > SEQUENCE_CHARS:
        return False
    # from the date's last character: a date pattern may take the full stop after a month ("mars.")
    if SENTENCE_END.search(text, previous.end - 1, mention.start) or not is_valid_date(
        year + 1, mention.month, mention.day
    ):
        return False
    return year < previous.value.year and previous.value < date(year + 1, mention.month, mention.day)


def find_dates(text: str, reference: date, lowered: str | None = None) -> list[DateMention]:
    """All dates in text, in order, each resolved to a calendar date. `lowered` is the text
    lower-cased with offsets kept (see phrases.lower_keeping_offsets)."""
    if lowered is None:
        lowered = lower_keeping_offsets(text)
    mentions = with_other_forms(text, lowered, reference, _find_mentions(text, lowered, date_patterns()))
    # Link the two ends of ranges; a year-less start takes the year of its end.
    for first, second in zip(mentions, mentions[1:], strict=False):
        if second.range_start is None and _closes_range(text, first, second):
            second.range_start = first
        if second.range_start is first and first.year is None and second.year is not None:
            first.year = second.year - (1 if first.month > second.month else 0)
    # "4 March and 9 September 2026": the year written at the end of a list dates its items
    # (lists run in date order, so an item after the next one's month lies in the year before).
    for first, second in reversed(list(zip(mentions, mentions[1:], strict=False))):
        if (
            first.year is None
            and second.year is not None
            and second.range_start is None
            and LIST_GAP.fullmatch(text, first.end, second.start)
        ):
            first.year = second.year - (1 if (first.month, first.day) > (second.month, second.day) else 0)
    for mention in mentions:
        if mention.year is not None and is_valid_date(mention.year, mention.month, mention.day):
            mention.value = date(mention.year, mention.month, mention.day)
    dated = [m for m in mentions if m.value is not None and m.anchors]
    previous: DateMention | None = None
    for mention in mentions:
        year = mention.year
        if year is None:
            anchor = _anchor(text, mention, dated)
            if anchor is not None:
                # the page's own context: the nearest such date, leaning the way the page goes on
                # in time ("börjar den 4 mars 2019 ... utgår den 30 september" is 2019; "den 14
                # april stängde vi ... Nästa period är 1 september till 15 oktober 2026" is April 2026)
                value, before = anchor
                lean = {"past_weight": 2} if before else {"future_weight": 2}
                year = _nearest_year(mention.day, mention.month, mention.weekday, value, **lean)
            else:
                year = _nearest_year(mention.day, mention.month, mention.weekday, reference)
                mention.guessed_year = True
                if _follows_in_sentence(text, previous, mention, year):
                    year += 1
        if is_valid_date(year, mention.month, mention.day):
            mention.value = date(year, mention.month, mention.day)
            previous = mention
    # "1 februari–15 mars" with no year at all: the start is in the year that ends before its end
    for mention in mentions:
        first = mention.range_start
        if first is not None and first.year is None and mention.value is not None:
            year = mention.value.year - (1 if (first.month, first.day) > (mention.month, mention.day) else 0)
            if is_valid_date(year, first.month, first.day):
                first.value = date(year, first.month, first.day)
    return settle_month_ends([m for m in mentions if m.value is not None])
