"""The column label of a date in a table: a header line over rows of dates ("Deadline date
Trustee meeting date\\nMeeting 1 Friday 16th February 2024 Friday 8th March 2024"), or a table
flattened one cell a line, each row a title over its dates ("Opening date\\n\\nNext
deadline\\n\\nCall for proposals on ...\\n\\n15 September 2022\\n\\n16 March 2023"). Returns the
label's cue; what it makes the date is the caller's reading (pipeline.nlp.date_roles). Also
date ranges listed in a section headed by a deadline word."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.nlp.date_cues import Cue, CueReader
from pipeline.nlp.date_layout import LABEL_CHARS, DateBlocks, opens_line
from pipeline.nlp.date_mention import DateMention

# Cues that are no column label: words of applying ("Call"), and words that count only next to a date.
NOT_LABELS = ("window", "deadline_adjacent", "opening_adjacent")


def table_column_cue(
    blocks: DateBlocks, text: str, label_cues: Callable[[int, int], list[Cue]], date_start: int
) -> Cue | None:
    """The label of a date's column in a table whose header stands above its rows: the j-th
    cue of the header when it has one per column, else the header's first cue for the first
    column when the header opens with it ("Deadline date Trustee meeting date")."""
    found = blocks.table_column(date_start)
    if found is None:
        return None
    (lo, hi), column, columns = found
    labels = label_cues(lo, hi)
    opening = lo + len(text[lo:hi]) - len(text[lo:hi].lstrip())
    if len(labels) == columns:
        return labels[column]
    if column == 0 and labels and labels[0].start == opening:
        return labels[0]
    return None


def stacked_column_cue(blocks: DateBlocks, text: str, lowered: str, reader: CueReader, date_start: int) -> Cue | None:
    """The label of a date's column in a table flattened one cell a line: the k-th date under a
    row's title takes the k-th column label of the header above the first row, written on
    one line ("Call Priorities Opening date Closing date") or one label a line ("Opening
    date\\n\\nNext deadline\\n\\nDeadline model")."""
    found = blocks.stacked_cell(date_start)
    if found is None:
        return None
    title_start, place, cells = found
    labels = _column_labels(blocks, text, lowered, reader, title_start)
    return labels[place] if len(labels) >= cells else None


def _column_labels(blocks: DateBlocks, text: str, lowered: str, reader: CueReader, title_start: int) -> list[Cue]:
    """The column labels over a table's first row title: the cues of the line above it when
    it has two or more, else the short one-cue lines stacked above it, top first."""

    def header_cues(line: tuple[int, int] | None) -> list[Cue]:
        # read here: a header may stand further above its dates than the cues read for them
        if line is None:
            return []
        return [c for c in reader.find_cues(text, lowered, [line]) if c.role not in NOT_LABELS]

    line = blocks.line_above(title_start)
    cues = header_cues(line)
    if len(cues) >= 2:
        return cues
    labels: list[Cue] = []
    while line is not None and len(cues) == 1 and len(text[line[0] : line[1]].strip()) <= LABEL_CHARS:
        labels.insert(0, cues[0])
        line = blocks.line_above(line[0])
        cues = header_cues(line)
    return labels


def in_deadline_section(
    blocks: DateBlocks,
    text: str,
    mentions: list[DateMention],
    mention: DateMention,
    cues_between: Callable[[int, int], list[Cue]],
) -> bool:
    """Whether a date range on its own line stands in a section headed by a deadline word, under
    labels that say whose it is ("Application deadlines\n\nNetwork funding\n\n18.01.2018 to
    20.02.2018"): then it is the window of a call."""
    i = next(j for j, m in enumerate(mentions) if m is mention)
    following = mentions[i + 1] if i + 1 < len(mentions) else None
    if following is None or following.range_start is not mention or not opens_line(text, mention.start):
        return False
    heading = blocks.section_heading(mention.start)
    cues = cues_between(*heading) if heading else []
    return bool(cues) and cues[0].role == "deadline"
