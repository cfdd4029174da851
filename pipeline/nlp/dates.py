"""The `callwatch_dates` component: a page's deadline, opening, upcoming events and call status.

Each date found in the text (pipeline.nlp.date_mentions) gets a role from the cue words around
it (pipeline.nlp.date_cues), read the way an officer reads a call page: the nearest cue before
the date in the same sentence ("ansök senast den 6 mars", "Deadline: 17 September 2025"), else
the nearest cue after it ("8 december öppnar utlysningen"), else its label in the page's layout
(pipeline.nlp.date_layout: "Opening\\n10.01.2024", "April 5, 2022\\nApplication deadline"), else a
word of applying or of a call before a date range ("Du kunde söka stödet mellan 15 september och
31 december"), which makes the range the call's window. A window, or a period that opens, closes
on its last day ("Utlysningens tid: 2022-06-09 – 2022-08-31"). The deadline is the first closing
date still to come or just passed (two-stage calls close first for the intent to apply; a round
closed months before is mentioned in passing; of yearly cut-offs the next one counts), else, when
all passed long before, the first; registration, reporting and survey deadlines are not the
call's deadline. A year-less date told of in the past tense lies in the past; a year-less yearly
deadline told in the present that passed over a week before the page's date is next year's.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.date_cues import CueReader, cue_reader, stated_labels
from pipeline.nlp.date_layout import closing_time_line
from pipeline.nlp.date_roles import Page
from pipeline.nlp.extensions import doc_lowered, doc_text  # importing it registers the Doc attributes
from pipeline.vocabulary import CLOSED, FORTHCOMING, OPEN, derive_status, today_in_stockholm

logger = logging.getLogger(__name__)

# How long after a year-less deadline a page may still mean that one: a closed call's page is
# dated the day after closing when it shows no date of its own.
YEARLY_GRACE_DAYS = 7
# How long a passed deadline stays the page's own: a page written just after a round closed is
# about that round; one that passed months before is superseded by the rounds still to come.
RECENT_DAYS = 31


# Words saying a page's dates come round every year
RECURS = re.compile(
    r"\b(?:every year|each year|a year\b|per year|annually|varje år|per år|om året|årligen|gånger (?:om|per) år)"
)


def _year_before(day: date) -> date | None:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return None


def _year_after(day: date) -> date | None:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return None


def _yearly_deadline_passed(page: Page, i: int, reference: date) -> bool:
    """Whether the i-th date, a deadline with no year written near it, fell more than
    YEARLY_GRACE_DAYS before the page's date and is not told of in the past tense: then it is a
    yearly deadline whose next occurrence the page means (a page just after a deadline may still
    speak of it, so a few weeks back it stays in its year)."""
    mention = page.mentions[i]
    if not mention.guessed_year or (reference - mention.value).days <= YEARLY_GRACE_DAYS:
        return False
    return not page.in_past_clause(i)


def _chosen_deadline(page: Page, deadline_indices: list[int], reference: date) -> str | None:
    """The deadline of a page with several closing dates: when some are still to come, the first
    of them, unless one passed within RECENT_DAYS (a page written just after a round closed is
    about that round; a round closed months before is mentioned in passing, and a page listing
    yearly cut-offs without a year is read for the next one unless it tells of the passed one in
    the past); when all have passed, the first (a closed two-stage call closed first for its first
    stage)."""
    if not deadline_indices:
        return None
    mentions = page.mentions
    first = min(mentions[i].value for i in deadline_indices)
    upcoming = [mentions[i].value for i in deadline_indices if mentions[i].value >= reference]
    # "four times a year with deadlines March 1, June 1, September 1 and December 1", read in
    # November: a list without a year takes the years that make it run in order, but each cut-off
    # of a yearly round comes again, so the next one may stand later in the list
    again = [d for i in deadline_indices if mentions[i].guessed_year
             and (d := _year_before(mentions[i].value)) is not None and d >= reference]
    if upcoming and again and RECURS.search(page.lowered):
        upcoming += again
    if not upcoming:
        return first.isoformat()
    recent = [
        mentions[i].value
        for i in deadline_indices
        if 0 < (reference - mentions[i].value).days <= RECENT_DAYS
        and (not mentions[i].guessed_year or page.in_past_clause(i))
    ]
    return min(recent or upcoming).isoformat()


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
    # how many dates the page names after and before its own date: a call or an event looks
    # ahead, a report looks back (read by the kind classifier)
    date_counts: tuple[int, int] = (0, 0)


def extract_dates(text: str, reference: date, lowered: str | None = None) -> PageDates:
    """Deadline, opening, upcoming events and call status of one page's text (`lowered`: its
    `lower_keeping_offsets`, when known)."""
    page = Page(text, reference, cue_reader(), lowered)
    mentions = page.mentions
    roles: dict[int, tuple[str | None, str]] = {}  # id(mention) -> role, where it was read
    speaks_of_event: bool | None = None
    for i, mention in enumerate(mentions):
        role, source = page.role_of(i)
        if role is None and closing_time_line(page.text, mention.start, mention.end):
            # "Call number\n19.09.2024 17:00\nCall budget": a call sheet's closing time whose label
            # went missing; on a page that speaks of a meeting it may be the meeting's, so nothing
            if speaks_of_event is None:
                speaks_of_event = page.reader.mentions_event(page.lowered)
            if not speaks_of_event:
                role, source = "deadline", "label"
        if mention.guessed_year and mention.value > reference and page.told_in_past(i):
            # said in the past tense, so last time round, not next ("stängde sin utlysning den 10 juni")
            for told in (mention, mention.range_start):
                if told is not None and told.guessed_year and told.value > reference:
                    told.value = _year_before(told.value) or told.value
        start = mention.range_start
        if start is not None:
            start_role, start_source = roles.get(id(start), (None, ""))  # None: no such date (29 February)
            if start_role in ("deadline", "window"):
                # "submit between 1 March and 15 April": a window, so it opens on its first day
                roles[id(start)], role = ("opening", start_source), "deadline"
            elif start_role == "opening" and start_source != "after":
                role = "deadline"  # "open from 10 February to 31 March": the end closes it
            elif start_role is not None:
                # an event's last day, the end of a period, or a range something happens over
                # ("5-13 maj öppnar projekten sina dörrar"): not a new date
                role = "range-end"
        roles[id(mention)] = (role, source)
    for i, mention in enumerate(mentions):
        if roles[id(mention)][0] == "window":  # "ansök ... 5 mars": an apply word alone does not say what the date is
            roles[id(mention)] = (None, "")
        elif roles[id(mention)][0] == "deadline" and _yearly_deadline_passed(page, i, reference):
            # "Ansökan ska vara inne senast 31 december" on a page read in March: a yearly
            # deadline written without a year is the coming one, not the one that has passed
            for told in (mention, mention.range_start):
                if told is not None and told.guessed_year:
                    told.value = _year_after(told.value) or told.value
    by_role: dict[str | None, list[date]] = {}
    for mention in mentions:
        by_role.setdefault(roles[id(mention)][0], []).append(mention.value)
    deadlines = sorted(set(by_role.get("deadline", [])))
    openings = sorted(set(by_role.get("opening", [])))
    events = sorted({d for d in by_role.get("event", []) if d >= reference})
    deadline = _chosen_deadline(page, [i for i, m in enumerate(mentions) if roles[id(m)][0] == "deadline"], reference)
    opening = openings[0].isoformat() if openings else None
    registration = min((m.value for m in mentions if roles[id(m)][0] == "other" and m.value >= reference
                        and page.is_registration(m)), default=None)
    return PageDates(
        deadline=deadline,
        opening=opening,
        events=[d.isoformat() for d in events],
        call_status=_call_status(page.lowered, page.reader, opening, [d.isoformat() for d in deadlines], reference),
        registration=registration.isoformat() if registration else None,
        date_counts=(sum(m.value > reference for m in mentions), sum(m.value < reference for m in mentions)),
    )


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
    assigns=["doc._.deadline", "doc._.opening", "doc._.events", "doc._.call_status", "doc._.registration",
             "doc._.date_counts"],
)
def make_dates_component(nlp: Language, name: str) -> DatesComponent:
    return DatesComponent()


class DatesComponent:
    """Sets doc._.deadline/opening/registration (ISO or None), doc._.events (ISO list),
    doc._.call_status and doc._.date_counts."""

    def __init__(self) -> None:
        cue_reader()  # compile the patterns once, at pipeline build time

    def __call__(self, doc: Doc) -> Doc:
        found = extract_dates(doc_text(doc), reference_of(doc), doc_lowered(doc))
        attributes = doc._  # (each `doc._` builds a new accessor object: one, not one per field)
        attributes.deadline = found.deadline
        attributes.opening = found.opening
        attributes.events = found.events
        attributes.call_status = found.call_status
        attributes.registration = found.registration
        attributes.date_counts = found.date_counts
        return doc
