"""How the role of each date on a page is read: what a date is for (deadline, opening, event,
other, window) from the cue words around it (pipeline.nlp.date_cues), read the way an officer
reads a call page: the nearest cue before the date in the same sentence, else the nearest cue
after it, else its label in the page's layout (pipeline.nlp.date_layout), else a word of applying
or of a call before a date range, which makes the range the call's window.
"""

from __future__ import annotations

import bisect
from datetime import date

from pipeline.nlp.date_clauses import (
    ADJACENT_GAP,
    ATTACHED_LABEL,
    CLAUSE_BREAK,
    CLAUSE_JOIN,
    CLOCK_BEFORE_DATE,
    COPULA,
    FIELD_VALUE,
    LINE_END,
    PRONOUN_SUBJECT,
    STAMP_AFTER,
    UNTIL_BEFORE,
    closes_a_call,
    sentence_end,
    sentence_start,
)
from pipeline.nlp.date_cues import Cue, CueReader
from pipeline.nlp.date_layout import (
    LABEL_CHARS,
    TIME_ON_LINE,
    DateBlocks,
    cue_spans,
    field_list_heading,
    label_line,
    list_heading,
    opens_line,
)
from pipeline.nlp.date_mention import DateMention
from pipeline.nlp.date_mentions import LIST_GAP, find_dates
from pipeline.nlp.date_tables import in_deadline_section, stacked_column_cue, table_column_cue
from pipeline.nlp.phrases import lower_keeping_offsets

ADJACENT_ROLES = {"deadline_adjacent": "deadline", "opening_adjacent": "opening"}
OTHER_ROLES = {"continues": "other"}  # "runs until" away from a window's opening
ROLE_NAMES = ADJACENT_ROLES | OTHER_ROLES
BEFORE_CHARS = 120  # how far back a cue may stand from its date
AFTER_CHARS = 80
NOT_CALL_REACH = 80  # "anmälan ... sista dag": a qualifier this close before a deadline cue
ATTACHED_QUALIFIER_CHARS = 30  # "15 May deadline for registration": what qualifies a cue right after its date
ADJACENT_CHARS = 20  # "senast kl. 14.00 den 6 mars": how far an adjacent-only cue may stand
WINDOW_CHARS = 60  # how far before a date range a word of applying makes it the call's window
CALL_WORD_GAP = 15  # "Open Call #1 starts", "pågår den tredje omgången": a call word next to a verb
# "Ansökningsperioden för 2023 års bidrag pågår": how far back in its clause the window's name may
# stand from a word of going on
WINDOW_NAME_GAP = 50
WINDOW_NAME_CHARS = 25  # the longest window name ("ansökningsomgångarna", "submission windows")
# "The application period for Business Finland's funding for business development in disruptive
# circumstances ended yesterday on 8 June": how far back the window named as the subject of an end
# word may stand in its clause
WINDOW_SUBJECT_CHARS = 130

class Page:
    """One page's text, dates and cues, as the role of each date is read from them."""

    def __init__(self, text: str, reference: date, reader: CueReader, lowered: str | None = None) -> None:
        self.text, self.reader = text, reader
        self.lowered = lower_keeping_offsets(text) if lowered is None else lowered
        self.mentions = find_dates(text, reference, self.lowered)
        spans = cue_spans(text, [(m.start, m.end) for m in self.mentions], BEFORE_CHARS, AFTER_CHARS)
        found = reader.find_cues(text, self.lowered, spans)
        # apply and call words are read apart: only when no other cue says what a date is for
        self.cues = [c for c in found if c.role != "window"]
        self.starts = [c.start for c in self.cues]
        self.window_cues = [c for c in found if c.role == "window"]
        self.blocks = DateBlocks(text, [(m.start, m.end) for m in self.mentions], self.has_label_cue)

    def cues_between(self, lo: int, hi: int) -> list[Cue]:
        i = bisect.bisect_left(self.starts, lo)
        j = bisect.bisect_left(self.starts, hi)
        return [c for c in self.cues[i:j] if c.end <= hi]

    def label_cues(self, lo: int, hi: int) -> list[Cue]:
        """Cues of a label line below a date; a word that counts only next to its date counts
        there when it opens the label ("Öppen utlysning: ..."), not at a headline's end ("Call
        3 open")."""
        opening = lo + len(self.text[lo:hi]) - len(self.text[lo:hi].lstrip(" \t•·*-–—"))
        return [c for c in self.cues_between(lo, hi) if c.role not in ADJACENT_ROLES or c.start == opening]

    def has_label_cue(self, lo: int, hi: int) -> bool:
        return bool(self.label_cues(lo, hi))

    def _label_role(self, span: tuple[int, int], nearest: int) -> str | None:
        label = self.cues_between(*span)
        if not label:
            return None
        cue = label[nearest]
        if cue.role == "deadline" and self._not_call_word_in(
                max(span[0], sentence_start(self.text, cue.start, NOT_CALL_REACH)), cue.start):
            return "other"  # "FAQ Deadline", "Reporting deadline": someone else's
        return ROLE_NAMES.get(cue.role, cue.role)

    def _not_the_calls(self, lo: int, cue: Cue, mention: DateMention) -> bool:
        """A registration, reporting or decision date: qualifiers around the cue ("anmälan ...
        sista dag"), or, for a short cue opening its sentence or a clause joined by "och"/"and",
        the clause after the date ("By 22 September, applicants will be notified", "Senast den 1
        april beslutar vi", "... var 31 december 2021 och senast 30 april 2022 skulle projekten
        lämna in slutredovisning")."""
        if self._not_call_word_in(max(lo, cue.start - NOT_CALL_REACH), cue.start):
            return True
        if self._not_call_word_in(cue.end, mention.start):
            return True
        if cue.role in ADJACENT_ROLES and (
            not self.lowered[lo : cue.start].strip(" \t•·*-–—") or CLAUSE_JOIN.search(self.lowered, lo, cue.start)
        ):
            # from the date's last character: a date may take the full stop after its month ("31 december.")
            return self._not_call_word_in(mention.end, sentence_end(self.text, mention.end - 1, NOT_CALL_REACH))
        return False

    def _not_call_word_in(self, lo: int, hi: int) -> bool:
        """Whether a not-the-call word stands in [lo, hi), other than a word of going on or
        starting said of the call itself ("the Open Call #1 starts today and will remain open
        until ...", "Nu pågår den tredje omgången, vars sista ansökningsdag är ...", "Utlysningen
        pågår från den 1 april")."""
        reader, text = self.reader, self.text
        return any(
            not (reader.is_progress(m) and self._said_of_the_call(m.start(), m.end()))
            and text[m.start() : m.end()] not in reader.not_call_names
            for m in reader.not_call.finditer(self.lowered, lo, hi)
        )

    def _said_of_the_call(self, start: int, end: int) -> bool:
        """Whether the word of going on or starting at [start, end) is said of the call: a call
        word next to it, the window named before it in its clause, or a window cue it is part of
        ("utlysningen pågår")."""
        if self._call_word_before(start) or self._call_word_after(end) or self._window_named_before(start):
            return True
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and self.cues[i].end >= end and self.cues[i].role in ("opening", "deadline")

    def _window_goes_on(self, cue: Cue) -> bool:
        """Whether an `other` cue is a word of going on said of the window named before it
        ("Ansökningsperioden för 2023 års bidrag pågår")."""
        progress = self.reader.not_call.fullmatch(self.lowered, cue.start, cue.end)
        return bool(progress and self.reader.is_progress(progress) and self._window_named_before(cue.start))

    def _call_word_before(self, pos: int) -> bool:
        """Whether a word of applying or of a call ends right before pos ("the call for applications ends")."""
        return any(0 <= pos - c.end <= CALL_WORD_GAP for c in self.window_cues)

    def _window_named_before(self, pos: int, reach: int = WINDOW_NAME_GAP) -> bool:
        """Whether the application window is named earlier in the clause that ends at pos, ending
        at most `reach` characters back ("Ansökningsperioden för 2023 års bidrag pågår")."""
        lo = max(0, pos - reach - WINDOW_NAME_CHARS)
        return any(
            pos - m.end() <= reach and not CLAUSE_BREAK.search(self.lowered, m.end(), pos)
            for m in self.reader.window_names.finditer(self.lowered, lo, pos)
        )

    def _window_in_sentence_before(self, lo: int, pos: int) -> bool:
        """Whether a pronoun is all that stands before pos in its sentence and the sentence before
        names the window or the call ("Just nu pågår den sista sökomgången. Den avslutas den 27
        september", "The second round is open. It ends on 5 May")."""
        if lo == 0 or not PRONOUN_SUBJECT.fullmatch(self.lowered, lo, pos):
            return False
        before = sentence_start(self.text, lo - 1, BEFORE_CHARS)
        return any(before <= c.start and c.end <= lo for c in self.window_cues) or any(
            self.reader.window_names.finditer(self.lowered, before, lo))

    def _call_word_after(self, pos: int) -> bool:
        return any(0 <= c.start - pos <= CALL_WORD_GAP for c in self.window_cues)

    def role_of(self, i: int) -> tuple[str | None, str]:
        """What the i-th date is for (deadline, opening, event, other, window, or None when
        nothing says) and where that was read: "before", "after", "label", "stamp" or "" (nowhere)."""
        mention = self.mentions[i]
        if STAMP_AFTER.match(self.text, mention.end):
            return "other", "stamp"  # a log entry's timestamp, a cited document's date
        lo = sentence_start(self.text, mention.start, BEFORE_CHARS)
        hi = sentence_end(self.text, mention.end, AFTER_CHARS)
        return (
            self._role_in_sentence(i, lo, hi)
            or self._role_from_layout(mention)
            or self._role_from_window(i, lo, hi)
            or (None, "")
        )

    def _next_to(self, cue: Cue, mention: DateMention) -> bool:
        """Whether a cue that counts only next to its date stands next to this one."""
        if closes_a_call(self.lowered, cue.start, cue.end, mention.start):
            return True  # "closed this round of the ... call on Tuesday 23 April"
        clock = CLOCK_BEFORE_DATE.match(self.lowered, cue.end, mention.start)
        gap_start = clock.end() if clock else cue.end
        if mention.start - gap_start > ADJACENT_CHARS or "|" in self.text[cue.end : mention.start]:
            return False  # too far, or in another field ("by Amy Murphy | Oct 25, 2023": a byline)
        return cue.role == "deadline_adjacent" or bool(ADJACENT_GAP.fullmatch(self.lowered, cue.end, mention.start))

    def _role_in_sentence(self, i: int, lo: int, hi: int) -> tuple[str, str] | None:
        """The nearest cue before the date in its sentence, else the first one after it."""
        text, mention = self.text, self.mentions[i]
        before = [
            c
            for c in self.cues_between(lo, mention.start)
            if c.role not in ADJACENT_ROLES or self._next_to(c, mention)
        ]
        if before:
            cue = before[-1]
            if cue.role == "byline":  # "Submitted by Lee on 16 November" / "submitted by 17 March"
                if not self._next_to(cue, mention):
                    return "other", "before"
                cue = Cue(cue.start, cue.end, "deadline")
            if cue.role == "other" and self._window_goes_on(cue):
                # "Ansökningsperioden för bidraget pågår mellan 1 april och 15 maj": the window's period
                cue = Cue(cue.start, cue.end, "opening")
            if (cue.role == "opening" and mention.range_start is None
                    and UNTIL_BEFORE.search(self.lowered, cue.end, mention.start)
                    and self.reader.window_names.fullmatch(self.lowered, cue.start, cue.end)):
                # "förkortas utlysningstiden med en månad till 11 februari": the window runs to it
                return "deadline", "before"
            if cue.role == "continues":  # "opened on 1 July and will run until 30 September"
                opened = any(c.role in ("opening", "opening_adjacent") for c in self.cues_between(lo, cue.start))
                # "the call for applications ends on the 4th of November", "the application period
                # for ... ended yesterday on 8 June"
                window = (
                    opened
                    or self._call_word_before(cue.start)
                    or self._window_named_before(cue.start, WINDOW_SUBJECT_CHARS)
                    or self._window_in_sentence_before(lo, cue.start)
                )
                return ("deadline" if window else "other"), "before"
            if cue.role in ("deadline", "opening", *ADJACENT_ROLES) and self._not_the_calls(lo, cue, mention):
                return "other", "before"  # a registration or reporting deadline, not the call's
            if cue.role == "opening_adjacent" and self._event_follows(self._range_end(i)):
                return "event", "before"  # "From 20 to 21 September a seminar on ... was held"
            if cue.role in ADJACENT_ROLES and len(before) > 1 and before[-2].role == "event":
                # "Info Days from 28 June", "the event took place in Tampere from 21-23 May",
                # "webbinariet innan 5 maj"; but "papers for the conference should be sent ... by
                # 30 November" is a deadline, and so is "två månader efter årsmöte, dock senast 15
                # december" (a comma ends what the event word speaks of)
                if cue.role == "opening_adjacent" or (
                    cue.start - before[-2].end <= ADJACENT_CHARS and "," not in text[before[-2].end : cue.start]
                ):
                    return "event", "before"
            return ADJACENT_ROLES.get(cue.role, cue.role), "before"
        after = [c for c in self.cues_between(mention.end, hi) if c.role not in ADJACENT_ROLES]
        if not after or FIELD_VALUE.search(text, text.rfind("\n", 0, mention.start) + 1, mention.start):
            return None  # "Call announcement: 30 June 2016 Deadline ...": a field's value has its own label
        following = self.mentions[i + 1] if i + 1 < len(self.mentions) else None
        if (
            following is not None
            and following.start < after[0].start
            and following.range_start is not mention
            and not LIST_GAP.fullmatch(text, mention.end, following.start)
        ):
            return None  # "(10 March 2009) Friday, March 13 is the deadline": the cue is the next date's
        if following is not None and following.start < hi and after[0].end <= following.start:
            if not self.cues_between(after[0].end, following.start):
                return None  # "öppnades den 11/3 och stänger den 1/4": the cue just before a date is its
        cue = after[0]
        if ATTACHED_LABEL.fullmatch(text, mention.end, cue.start):
            # "after the 7 October 2025 deadline, allowing applicants to be notified": the cue names
            # its date; only what qualifies the cue itself ("15 May deadline for registration") counts
            hi = min(hi, cue.end + ATTACHED_QUALIFIER_CHARS)
        if cue.role in ("deadline", "opening") and self._not_call_word_in(mention.end, hi):
            # "31 January: Deadline for submission of ideas for feedback", "met 9-10 November to
            # decide on expressions of interest"
            return "other", "after"
        return OTHER_ROLES.get(cue.role, cue.role), "after"

    def _range_end(self, i: int) -> DateMention:
        """The last date of the range the i-th date opens ("From October 4th until October 7th"),
        or the date itself."""
        following = self.mentions[i + 1] if i + 1 < len(self.mentions) else None
        return following if following is not None and following.range_start is self.mentions[i] else self.mentions[i]

    def _event_follows(self, mention: DateMention) -> bool:
        """Whether an event word follows the date (or its range) in its sentence ("From 4 until 7
        October in Brussels the week of regions will be held")."""
        hi = sentence_end(self.text, mention.end, AFTER_CHARS)
        after = [c for c in self.cues_between(mention.end, hi) if c.role not in ADJACENT_ROLES]
        return bool(after) and after[0].role == "event"

    def _role_from_layout(self, mention: DateMention) -> tuple[str, str] | None:
        """The label of a date standing on its own line (below it or above it), or the heading
        of the bulleted list it is an item of."""
        text = self.text
        if opens_line(text, mention.start):
            below = self.blocks.label_below(mention.start)
            if below:
                cue = self.label_cues(*below)[0]
                return ROLE_NAMES.get(cue.role, cue.role), "label"
        line = label_line(text, mention.start)
        if line and not self.blocks.claimed_from_above(line, mention.start):
            label = self.cues_between(*line)
            # a short field label ("Deadline\n28.02.2024"), a line ending in its cue and a colon ("...
            # no later than:\n15th January"), or a heading over an appointment ("Informationsmöte om
            # LIFE\n18 juni 09:00-12:00"); a headline over a bare date is just the page's dateline
            if label and (
                line[1] - line[0] <= LABEL_CHARS
                or TIME_ON_LINE.match(text, mention.end)
                or LINE_END.fullmatch(text, label[-1].end, line[1])
            ):
                return self._label_role(line, -1), "label"
        heading = list_heading(text, mention.start) or field_list_heading(text, mention.start)
        role = self._label_role(heading, -1) if heading else None
        if role:
            return role, "label"
        if in_deadline_section(self.blocks, self.text, self.mentions, mention, self.cues_between):
            return "deadline", "label"  # "Application deadlines\n\nNetwork funding\n\n18.01.2018 to 20.02.2018"
        return self._role_from_table(mention)

    def _role_from_table(self, mention: DateMention) -> tuple[str, str] | None:
        """The label of a date's column in a table (pipeline.nlp.date_tables)."""
        cue = table_column_cue(self.blocks, self.text, self.label_cues, mention.start) or stacked_column_cue(
            self.blocks, self.text, self.lowered, self.reader, mention.start
        )
        return (ROLE_NAMES.get(cue.role, cue.role), "label") if cue else None

    def _role_from_window(self, i: int, lo: int, hi: int) -> tuple[str, str] | None:
        """ "window" when a word of applying or of a call stands shortly before the date in its
        sentence ("Du kunde söka stödet mellan den 15 september och den 31 december",
        "Ansökningsomgång 1: 24 februari-29 mars") or right after it or its range ("3 juni - 23
        augusti går det att ansöka"); not past words saying what the range is for ("ansök om stöd
        för aktiviteter mellan ...", "utlysningen gäller resor 1 mars–30 juni")."""
        mention = self.mentions[i]
        window = [c for c in self.window_cues if max(lo, mention.start - WINDOW_CHARS) <= c.start]
        window = [c for c in window if c.end <= mention.start]
        if window and not self.reader.not_window.search(self.lowered, window[-1].end, mention.start):
            return "window", "before"
        end = self._range_end(i).end
        if end != mention.end and COPULA.search(self.lowered, lo, mention.start):
            # "Nästa ansökningsomgång för aktivitetsbidrag ... är 7 januari - 1 februari 2021": the
            # round is the range, whatever words about what it funds stand between
            if any(lo <= c.start and c.end <= mention.start for c in self.window_cues):
                return "window", "before"
        if end != mention.end:  # a range: a word of applying after it in its sentence ("Under perioden
            # den 1 november – 31 december varje år finns det möjlighet att ansöka")
            reach = sentence_end(self.text, end, WINDOW_CHARS)
            after = [
                c
                for c in self.window_cues
                if end <= c.start and c.end <= reach and self.reader.apply_verbs.fullmatch(self.lowered, c.start, c.end)
            ]
            if after and not self.reader.not_window.search(self.lowered, end, after[0].start):
                return "window", "after"
        if any(end <= c.start <= end + ADJACENT_CHARS and c.end <= hi for c in self.window_cues):
            return "window", "after"
        # a range opening its line under a heading that opens with a word of applying ("Apply
        # for project funding in 2024\n\n9.-30. April 2024 (first step):"), not under a title or
        # a sentence that speaks of a call ("Europe: Third call for projects")
        heading = label_line(self.text, mention.start) if end != mention.end else None
        if heading and any(c.start == heading[0] for c in self.window_cues):
            return "window", "label"
        return None

    def is_registration(self, mention: DateMention) -> bool:
        """Whether a registration word stands before this (`other`) date in its sentence ("Anmäl dig
        senast den 4 december", "Sista dag för anmälan är 20 maj", "Registration closes 6 February")."""
        lo = sentence_start(self.text, mention.start, BEFORE_CHARS)
        return self.reader.registration.search(self.lowered, lo, mention.start) is not None

    def told_in_past(self, i: int) -> bool:
        """Whether the cue that speaks of the i-th date is in the past tense ("stängde", "hölls")."""
        mention = self.mentions[i]
        lo = sentence_start(self.text, mention.start, BEFORE_CHARS)
        before = self.cues_between(lo, mention.start)
        if before:
            cue = before[-1]
            if cue.role == "opening_adjacent" and len(before) > 1:
                # "The call was opened in ETIS from 1 March to 2 April": the verb before "from"
                # tells the tense
                verb = before[-2]
                if not CLAUSE_BREAK.search(self.lowered, verb.end, cue.start):
                    cue = verb
        else:
            after = self.cues_between(mention.end, sentence_end(self.text, mention.end, AFTER_CHARS))
            if not after:
                return False
            cue = after[0]
        return bool(self.reader.past_tense.fullmatch(self.lowered, cue.start, cue.end))

    def in_past_clause(self, i: int) -> bool:
        """Whether the i-th date's sentence is told in the past ("At close of deadline on October
        10th, 34 proposals had been received", "Sista dag var 6 augusti")."""
        mention = self.mentions[i]
        lo = sentence_start(self.text, mention.start, BEFORE_CHARS)
        hi = sentence_end(self.text, mention.end, AFTER_CHARS)
        return self.reader.past_clause.search(self.lowered, lo, hi) is not None
