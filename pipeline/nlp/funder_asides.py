"""A programme named aside, not as the money of what the page describes: the one before or after
the programme the page is about ("the programme that succeeds Horizon 2020"), a country's right to
take part ("a Horizon Europe Associated Country"), where an application goes ("research
applications, including applications for Horizon Europe", "en ansökan som riktar sig mot
Socialfondsprogrammet"), or one of several programmes offered as alternatives ("om du ansöker om
EU-finansiering från ERUF, ESF+ eller Interreg"). The cue patterns are the registry's
(models/funders.toml [context])."""

from __future__ import annotations

import re

NEAR = 40  # how far before a name its cue may start
APPLICATION_NEAR = 90  # "ta fram en ansökan som riktar sig mot X": a longer phrase


def named_aside(cues: dict[str, re.Pattern[str]], text: str, before: tuple[int, int], after: str,
                programmes: int) -> bool:
    """Whether a programme's mention, with its sentence's text from `before` (start, mention start)
    and `after` it, names the programme aside; `programmes`: distinct programmes in the sentence."""
    start, end = before
    near = text[max(start, end - NEAR):end]
    if (cues["superseded_before"].search(near) or cues["superseded_after"].match(after.lstrip(" "))
            or cues["eligibility_after"].match(after)):
        return True
    if cues["application_before"].search(text[max(start, end - APPLICATION_NEAR):end]):
        return True
    # alternatives: programmes offered side by side, "X or Y" (not "X or its partners"), where one
    # may apply
    return (programmes >= 2 and bool(cues["alternative_before"].search(near) or cues["alternative_after"].match(after))
            and bool(cues["hypothetical"].search(text, start, end)))
