"""How far a registry mention reaches past the registry's name, read from the tokens after it:
- an umbrella and a programme period's numeral name one of its programmes that the registry does
  not list ("INTERREG IIIC", "Interreg IV A Nord"), reported as written;
- a body that exists once per county names which one by the place after it ("Länsstyrelsen i
  Norrbotten", "Länsstyrelsen Jämtlands län"): the text keeps the place, the name stays the
  registry's (forms in funder_cues.toml, `place_qualified`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Span

from pipeline.nlp.funder_names import is_line_break
from pipeline.nlp.funder_registry import FunderEntry

# The Roman numeral of a programme period after an umbrella's name ("IIIA", "IV", "V"), and how
# many tokens of the programme's name may follow it ("IV A Nord", "V A Sverige-Norge").
_PERIOD_NUMERAL = re.compile(r"(?:I{1,3}|IV|V|VI)[ABC]?")
MEMBER_TOKENS = 5
_MEMBER_STOP = {"Steering", "Monitoring", "Committee", "Secretariat", "Programme", "Program", "Project", "Projects",
                "Call", "Calls", "Joint", "Managing"}
PLACE_TOKENS = 2  # "Västra Götalands län": at most two words of a place's name
COUNTY_WORD = "län"


def named_member(span: Span, entry: FunderEntry) -> tuple[Span, FunderEntry]:
    """"INTERREG IIIC", "Interreg IV A Nord": a programme of an umbrella that the registry does not
    know, named by the umbrella and a period's numeral; reported as written."""
    doc, end = span.doc, span.end
    if end >= len(doc) or not _PERIOD_NUMERAL.fullmatch(doc[end].text):
        return span, entry
    end += 1
    while end < len(doc) and end - span.end < MEMBER_TOKENS and not is_line_break(doc[end]):
        token = doc[end]
        if token.text in _MEMBER_STOP:
            break  # "INTERREG IIIC West Steering Committee": the programme's bodies are not its name
        if token.text in "-–" and end + 1 < len(doc) and doc[end + 1].text[:1].isupper() \
                and not doc[end - 1].whitespace_:  # "Sverige-Norge", not "Sverige-Norge - Inre Skandinavien"
            end += 2
        elif token.text[:1].isupper() and token.is_alpha:
            end += 1
        else:
            break
    member = doc[span.start:end]
    return member, replace(entry, name=member.text, umbrella_of=())


def with_place(span: Span, taken: set[int]) -> Span:
    """The mention with the county it names after it on the same line: "i Norrbotten", "i Stockholms
    län", "Västernorrland", "Jämtlands län" (not a place that is another mention: tokens in `taken`)."""
    doc, end = span.doc, span.end
    if end < len(doc) and doc[end].lower_ == "i":
        end += 1
    first = end
    while (end < len(doc) and end - first < PLACE_TOKENS and end not in taken and doc[end].is_alpha
           and doc[end].text[0].isupper() and not doc[end].is_upper):
        end += 1
    if end == first:
        return span
    if end < len(doc) and doc[end].text == COUNTY_WORD:
        end += 1
    return doc[span.start:end]
