"""A programme named aside, not as the money of what the page describes: the one before or after
the programme the page is about ("the programme that succeeds Horizon 2020"), a country's right to
take part ("a Horizon Europe Associated Country"), where an application goes ("research
applications, including applications for Horizon Europe", "en ansökan som riktar sig mot
Socialfondsprogrammet"), or one of several programmes offered as alternatives ("om du ansöker om
EU-finansiering från ERUF, ESF+ eller Interreg"). The cue patterns are the registry's
(models/funders.toml [context])."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.nlp.funder_registry import TextSearch

NEAR = 40  # how far before a name its cue may start
APPLICATION_NEAR = 90  # "ta fram en ansökan som riktar sig mot X": a longer phrase


def named_aside(search: TextSearch, before: tuple[int, int], after: tuple[int, int], programmes: int) -> bool:
    """Whether a programme's mention, with its sentence's text from `before` (start, mention start)
    and `after` it (mention end, sentence end), names the programme aside; `programmes`: distinct
    programmes in the sentence."""
    start, end = before
    near = (max(start, end - NEAR), end)
    if (search.found_in("superseded_before", *near) or search.opens("superseded_after", *after)
            or search.opens("eligibility_after", *after, spaces=False)):
        return True
    if search.found_in("application_before", max(start, end - APPLICATION_NEAR), end):
        return True
    # alternatives: programmes offered side by side, "X or Y" (not "X or its partners"), where one
    # may apply
    if programmes < 2:
        return False
    alternative = (search.found_in("alternative_before", *near)
                   or search.opens("alternative_after", *after, spaces=False))
    return alternative and search.search("hypothetical", start, end)
