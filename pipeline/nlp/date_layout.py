"""Where a date's label stands when no sentence says what the date is for: the short line above it
("Deadline\\n28.02.2024"), the line below it ("April 5, 2022\\nApplication deadline"), or the heading
of the bulleted list it is an item of ("Submission deadlines:\\n- Standard projects: 16 September").

Pages lay out "important dates" blocks both ways round, so a block of alternating date lines and
label lines is read as a whole: a block that opens on a date line and ends on a label line has
its labels below the dates, otherwise above. Functions return (start, end) offsets of the label's text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

LABEL_CHARS = 30  # a field label above a date is short ("Utlysningen stänger", "Deadline")
HEADING_CHARS = 80  # a heading above a date labels it only when the date line reads like an appointment
LABEL_BELOW_CHARS = 40  # "Opens for applications", "Application deadline"
SECTION_LINES = 12  # how many short labels and date lines a section's heading may stand over
STACKED_ROWS = 20  # how many rows of a table flattened one cell a line are read up to its header
DATE_LINE_TAIL = 30  # what may follow the date on a date line: ", 12:00 at noon", " kl. 16.00 (steg 1)"

BULLETS = re.compile(r"[\s•·*\-–—:|>]*")
# Bullets, then a time of day the date's line may open with ("Applicant Deadline\n16.00 (Irish
# time) 03 February 2016"); the space runs are possessive, so a wide blank stretch costs linear time
BULLETS_THEN_TIME = re.compile(
    r"[\s•·*\-–—:|>]*+(?:[0-2]?\d[:.][0-5]\d(?:[ \t]*+(?:h|hrs|cet|cest|[ap]\.?m\.?))?+"
    r"(?:[ \t]*+\([^()\n]{1,20}\))?+[ \t]*+,?+[ \t]*+)?+",
    re.IGNORECASE,
)
LIST_ITEM = re.compile(r"[ \t]*[•·*\-–—][ \t]")  # a line opening with a bullet
BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
# A time on the date's line ("18 juni 09:00-12:00 Teams", "3 June 2025, 10:00 CET").
TIME_ON_LINE = re.compile(r"[^\n]*?\b(?:kl\.?\s*)?[0-2]?\d[:.][0-5]\d\b")

# (lo, hi) -> whether a cue stands in text[lo:hi]
HasCue = Callable[[int, int], bool]


def line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def opens_line(text: str, start: int) -> bool:
    """Whether only bullets and spaces stand between the line's start and `start`."""
    return bool(BULLETS.fullmatch(text, text.rfind("\n", 0, start) + 1, start))


# The rest of a date's line when it is a time on the hour or the half hour ("1 October at 4 pm.",
# "19.09.2024 17:00", "15 mars kl. 12.00") or a minute to midnight ("05.06.2025 23:59"): a page's
# own stamp is to the minute ("11 dec 2015 16:48").
CLOSING_TIME_REST = re.compile(
    # (no two runs of spaces side by side with only optional parts between them: `re` would try
    # every split of a long run, a cubic time on a page with a wide blank stretch)
    r"[ \t]*(?:,[ \t]*)?(?:(?:at|kl\.?|klockan|@)[ \t]*)?"
    r"(?:(?:[0-2]?\d[:.](?:00|30)|23[:.]59)(?:[ \t]*(?:h|hrs|hours|cet|cest|[ap]\.?m\.?))?"
    r"|(?:1[0-2]|0?\d)[ \t]*[ap]\.?m\.?)"
    r"[ \t]*(?:\.[ \t]*)?(?:\n|$)",
    re.IGNORECASE,
)


def closing_time_line(text: str, start: int, end: int) -> bool:
    """Whether the date at [start, end) stands alone on its line with a time on the hour or half
    hour: how a call sheet shows its closing time when its label went missing from the stored
    text ("Call number\n19.09.2024 17:00\nCall budget")."""
    return opens_line(text, start) and CLOSING_TIME_REST.match(text, end) is not None


def label_line(text: str, start: int) -> tuple[int, int] | None:
    """The line just above a date that opens its own line (blank lines skipped), without its
    indentation, when it is short enough to be a label or heading."""
    line_start = text.rfind("\n", 0, start) + 1
    if line_start == 0 or not BULLETS_THEN_TIME.fullmatch(text, line_start, start):
        return None
    prev_end = line_start - 1
    while prev_end > 0 and text[prev_end - 1] in " \t\r\n":
        prev_end -= 1
    prev_start = text.rfind("\n", 0, prev_end) + 1
    while prev_start < prev_end and text[prev_start] in " \t":
        prev_start += 1
    return (prev_start, prev_end) if 0 < prev_end - prev_start <= HEADING_CHARS else None


def is_label(line: str) -> bool:
    """Whether a line (without its line break) reads as a label over what follows: a heading
    ending in a colon, or a field label as short as one ("Ansökningsdatum")."""
    stripped = line.strip()
    return (stripped.endswith(":") and len(stripped) <= HEADING_CHARS) or len(stripped) <= LABEL_CHARS


def list_heading(text: str, start: int) -> tuple[int, int] | None:
    """The heading of the bulleted list a date's line belongs to ("Submission deadlines:" over
    "- Standard projects: 16 September 2026", "Ansökningsdatum" over "• 15 februari"): the short
    line ending in a colon, or a label's length, above the run of bullet lines."""
    line_start = text.rfind("\n", 0, start) + 1
    if not LIST_ITEM.match(text, line_start):
        return None
    blank_lines = 0
    while line_start > 0:
        prev_start = text.rfind("\n", 0, line_start - 1) + 1
        line = text[prev_start : line_start - 1]
        if not line.strip():  # one blank line may part the heading from its list, not two items
            blank_lines += 1
            if blank_lines > 1:
                return None
            line_start = prev_start
            continue
        if blank_lines and LIST_ITEM.match(line):
            return None
        if not LIST_ITEM.match(line):
            line = line.rstrip()
            return (prev_start, prev_start + len(line)) if is_label(line) else None
        if line.rstrip().endswith(":") and not blank_lines:
            # an item ending in a colon heads the items right under it, a nested list flattened
            # ("- Beslut: ... Sista inlämningsdagar för varje beslutsomgång är:" over "- 28 februari 2025")
            return prev_start, prev_start + len(line.rstrip())
        line_start = prev_start
    return None


# A line that is a short field and its value ("vår: 20 mars", "Stage 2: 10 September").
FIELD_LINE = re.compile(r"[ \t•·*\-–—]*[^\n:]{1,20}:[ \t]*\S")


def field_list_heading(text: str, start: int) -> tuple[int, int] | None:
    """The label over a run of short fields with dates ("Sista ansökningsdatum\nvår: 20
    mars\nhöst: 20 september"): the first line above the run that is no such field, maybe
    across one blank line."""
    line_start = text.rfind("\n", 0, start) + 1
    field = FIELD_LINE.match(text, line_start)
    if field is None or field.end() - 1 != start:
        return None  # the date is not the field's value
    blank_lines = 0
    while line_start > 0:
        prev_start = text.rfind("\n", 0, line_start - 1) + 1
        line = text[prev_start : line_start - 1]
        if not FIELD_LINE.match(line):
            stripped = line.strip()
            if not stripped and blank_lines == 0:  # one blank line may part the label from its fields
                blank_lines += 1
                line_start = prev_start
                continue
            if not stripped or not is_label(stripped):  # "Deadline for submission to FFG via eCall
                return None  # and to CAS:\n\nFFG: May 6th 2020"
            lead = len(line) - len(line.lstrip())
            return prev_start + lead, prev_start + lead + len(stripped)
        if blank_lines:
            return None  # fields above a blank line are another run
        line_start = prev_start
    return None


class DateBlocks:
    """Date lines and label lines of one page, to find labels written below their dates."""

    def __init__(self, text: str, date_spans: Sequence[tuple[int, int]], has_cue: HasCue) -> None:
        self.text = text
        self.has_cue = has_cue
        self.dates_on_line: dict[int, list[tuple[int, int]]] = {}  # line start -> date spans on it
        for lo, hi in date_spans:
            self.dates_on_line.setdefault(text.rfind("\n", 0, lo) + 1, []).append((lo, hi))

    def _is_date_line(self, start: int, end: int) -> bool:
        """A line that is a date (or a range) and little else: "8 April 2021, 12:00 at noon"."""
        spans = self.dates_on_line.get(start)
        return bool(
            spans
            and BULLETS.fullmatch(self.text, start, spans[0][0])
            and len(self.text[spans[-1][1] : end].strip()) <= DATE_LINE_TAIL
        )

    def _label_text(self, start: int, end: int) -> tuple[int, int] | None:
        """The label part of a line with no date: the whole short line, or what stands before its
        colon ("Öppen utlysning: projektidé och budget ...")."""
        if start in self.dates_on_line:
            return None
        line = self.text[start:end]
        if len(line.strip()) <= LABEL_BELOW_CHARS and self.has_cue(start, end):
            return start, end
        colon = line.find(":")
        if 0 < colon <= LABEL_CHARS and self.has_cue(start, start + colon):
            return start, start + colon
        return None

    def _kind(self, start: int, end: int) -> str | None:
        if not self.text[start:end].strip():
            return None
        if self._is_date_line(start, end):
            return "date"
        return "label" if self._label_text(start, end) else None

    def _next_line(self, end: int, spaced: bool | None = None) -> tuple[int, int] | None:
        """The first non-blank line after the line ending at `end`. Blocks may have blank lines
        between all their lines ("15 Sep 2021\n\nApplication submission deadline\n\n01 Feb
        2022"), or between items only ("5 January 2027\nDeadline extended\n\n2 January 2027"):
        with `spaced` given, only a line parted by blank lines (True) or not (False)."""
        text = self.text
        skipped = False
        while end < len(text):
            start, end = line_bounds(text, end + 1)
            if text[start:end].strip():
                return (start, end) if spaced is None or spaced == skipped else None
            skipped = True
        return None

    def _previous_line(self, start: int, spaced: bool) -> tuple[int, int] | None:
        text = self.text
        skipped = False
        while start > 0:
            start, end = line_bounds(text, start - 1)
            if text[start:end].strip():
                return (start, end) if spaced == skipped else None
            skipped = True
        return None

    def label_below(self, date_start: int) -> tuple[int, int] | None:
        """The label on the line right below a date line, when its block has labels below dates:
        "February 1, 2022\nOpens for applications\nApril 5, 2022\nApplication deadline"."""
        text = self.text
        start, end = line_bounds(text, date_start)
        below = self._next_line(end) if self._is_date_line(start, end) else None
        label = self._label_text(*below) if below else None
        if label is None:
            return None
        spaced = text.count("\n", end, below[0]) > 1  # blank lines between the block's lines
        kinds = ["date", "label"]
        lo, hi = start, below[1]
        while (prev := self._previous_line(lo, spaced)) is not None:  # walk up while lines alternate label, date ...
            if self._kind(*prev) != ("label" if kinds[0] == "date" else "date"):
                break
            kinds.insert(0, "label" if kinds[0] == "date" else "date")
            lo = prev[0]
        while (nxt := self._next_line(hi, spaced)) is not None:  # ... and down
            if self._kind(*nxt) != ("label" if kinds[-1] == "date" else "date"):
                break
            kinds.append("label" if kinds[-1] == "date" else "date")
            hi = nxt[1]
        # a block that opens on a label ("Opening Date\nJune 21\nDeadline\nOctober 5\nDeadline
        # Model") reads labels above, as most pages write them; a lone date line over a line is
        # a news listing's date and headline ("5 May 2027\nDeadline extended") unless it gives a
        # time, as a cut-off does ("30 September 2027 kl. 16.00\nÖppen utlysning: projektidé")
        if kinds[0] != "date" or (kinds[-1] != "label" and not self._short_line_after(hi, spaced)):
            return None
        if kinds.count("date") == 1 and not TIME_ON_LINE.match(text, self.dates_on_line[start][-1][1], end):
            return None
        return label

    def _short_line_after(self, end: int, spaced: bool) -> bool:
        """Whether a short line without a date follows the block's last date: its label, though
        no cue word says what it is ("31 Mar 2029\nLatest permitted project completion date")."""
        nxt = self._next_line(end, spaced)
        if nxt is None or nxt[0] in self.dates_on_line:
            return False
        return len(self.text[nxt[0] : nxt[1]].strip()) <= LABEL_BELOW_CHARS

    def table_column(self, date_start: int) -> tuple[tuple[int, int], int, int] | None:
        """For a date in a row of a table that has its column labels in a header line above the
        rows ("Deadline date Trustee meeting date\nMeeting 1 Friday 16th February 2024 Friday 8th
        March 2024"): the header's span, the date's column and the number of columns. Rows are
        consecutive lines with the same number (two or more) of dates."""
        text = self.text
        start, _ = line_bounds(text, date_start)
        spans = self.dates_on_line.get(start, [])
        columns = len(spans)
        if columns < 2:
            return None
        while start > 0:
            above = line_bounds(text, start - 1)
            if len(self.dates_on_line.get(above[0], [])) != columns:
                break
            start = above[0]
        if start == 0:
            return None
        header = line_bounds(text, start - 1)
        if header[0] in self.dates_on_line or not 0 < len(text[header[0] : header[1]].strip()) <= HEADING_CHARS:
            return None
        return header, [lo for lo, _ in spans].index(date_start), columns

    def line_above(self, start: int) -> tuple[int, int] | None:
        """The first non-blank line above the line starting at `start`."""
        text = self.text
        while start > 0:
            start, end = line_bounds(text, start - 1)
            if text[start:end].strip():
                return start, end
        return None

    def stacked_cell(self, date_start: int) -> tuple[int, int, int] | None:
        """For a date line in a table flattened one cell a line, each row a title line over its
        dates ("Opening date\n\nNext deadline\n\nCall for proposals on ...\n\n15 September
        2022\n\n16 March 2023\n\nCall for ..."): where the first row's title starts (the column
        labels stand above it), the date's place in its row and the row's number of dates (two or more)."""
        start, end = line_bounds(self.text, date_start)
        if not self._is_date_line(start, end):
            return None
        place, top = 0, start
        while (above := self.line_above(top)) is not None and self._is_date_line(*above):
            place, top = place + 1, above[0]
        cells, bottom = place + 1, end
        while (below := self._next_line(bottom)) is not None and self._is_date_line(*below):
            cells, bottom = cells + 1, below[1]
        if cells < 2:
            return None
        title = self.line_above(top)
        for _ in range(STACKED_ROWS):
            if title is None or self._is_date_line(*title):
                return None
            above = self.line_above(title[0])
            if above is None or not self._is_date_line(*above):
                return title[0], place, cells
            while above is not None and self._is_date_line(*above):  # the row above: its dates, then its title
                above = self.line_above(above[0])
            title = above
        return None

    def section_heading(self, date_start: int) -> tuple[int, int] | None:
        """For a date line under short labels without a cue ("Application deadlines\n\nMobility
        programme\n\nSupport for artist residencies\n\n15.01.2018 to 15.02.2018\n\nNetwork
        funding\n\n18.01.2018 to 20.02.2018"): the first line above, over such labels and other
        date lines, that has a cue, when it is short enough to be the section's heading."""
        start, end = line_bounds(self.text, date_start)
        if not self._is_date_line(start, end):
            return None
        for _ in range(SECTION_LINES):
            above = self.line_above(start)
            if above is None:
                return None
            start, end = above
            if self._is_date_line(start, end):
                continue
            if self.has_cue(start, end):
                return above if len(self.text[start:end].strip()) <= LABEL_CHARS else None
            if len(self.text[start:end].strip()) > LABEL_CHARS:
                return None
        return None

    def claimed_from_above(self, label: tuple[int, int], date_start: int) -> bool:
        """A label glued under a date line and parted by a blank line from the date below it
        belongs to the date above ("15 november – 9 december\\nÖppen utlysning: ...\\n\\n1 mars")."""
        text = self.text
        line_start = text.rfind("\n", 0, label[0]) + 1
        if line_start == 0 or not BLANK_LINE.search(text, label[1], date_start):
            return False
        return self._is_date_line(*line_bounds(text, line_start - 1))


def cue_spans(text: str, dates: Sequence[tuple[int, int]], before: int, after: int) -> list[tuple[int, int]]:
    """Where cues for the dates at these (start, end) spans can stand: `before` characters before each,
    `after` after it, the label lines above and below; merged, in order."""
    length = len(text)
    spans: list[tuple[int, int]] = []
    for start, end in dates:
        lo, hi = max(0, start - before), min(length, end + after)
        line = label_line(text, start) or list_heading(text, start) or field_list_heading(text, start)
        if line:
            lo = min(lo, line[0])
            line_end = text.find("\n", end)
            if line_end >= 0:  # the line below, where "April 5, 2022\\nApplication deadline" has its label
                below_end = text.find("\n", line_end + 1)
                hi = max(hi, min(length if below_end < 0 else below_end, line_end + 1 + HEADING_CHARS))
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return spans
