"""Facts of call documents (PDF, DOCX linked from an article) completing their article's facts.

A document is never a call of its own: what it states fills in what its article leaves out (a
deadline given only in the call text becomes the call's deadline); where both state a fact, the
article's own statement wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from pipeline.matching import PageFacts


def complete_with_documents(page: PageFacts, documents: Iterable[PageFacts]) -> PageFacts:
    """`page` with the facts it lacks taken from its documents (in URL order, first one stating it)."""
    documents = sorted(documents, key=lambda d: d.url)
    if not documents:
        return page
    stated = next((d for d in documents if d.identifier), None)
    filled = {
        "cutoffs": page.cutoffs or next((d.cutoffs for d in documents if d.cutoffs), []),
        "opening": page.opening or next((d.opening for d in documents if d.opening), None),
        "amounts": page.amounts or next((d.amounts for d in documents if d.amounts), []),
        "funders": page.funders or next((d.funders for d in documents if d.funders), []),
        "events": page.events or next((d.events for d in documents if d.events), []),
    }
    if not page.identifier and stated is not None:
        filled.update(identifier=stated.identifier, identifier_label=stated.identifier_label,
                      identifiers=sorted({*page.identifiers, *stated.identifiers}))
    return replace(page, **filled)
