"""Custom Doc attributes, registered once; every callwatch component reads or writes these."""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.nlp.phrases import folds_safely, lower_keeping_offsets

# name -> default. Mutable defaults must be set per doc by the component that owns them.
DOC_ATTRIBUTES: dict[str, object] = {
    "reference_date": None,  # ISO date the page was published or crawled: resolves year-less dates
    "title": None,  # page title, when known
    "url": None,
    "lang": None,  # "sv" | "en" | other
    "kind": None,  # funding-call | partner-search | event | news | project | info
    "call_status": None,  # open | closed | forthcoming
    "deadline": None,  # ISO date
    "opening": None,  # ISO date
    "events": None,  # list of ISO dates
    "registration": None,  # ISO date: registration deadline for attending (kept on events)
    "date_counts": None,  # (dates named after, before reference_date): the kind classifier reads them
    "funders": None,  # list of {"name", "text"}
    "topics": None,  # list of taxonomy keys
    "amounts": None,  # list of {"value", "currency"}
    "identifiers": None,  # list of official call/topic identifiers
}


def register_extensions() -> None:
    for name, default in DOC_ATTRIBUTES.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register_extensions()


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed once per doc: spaCy rebuilds it from the tokens on every access, which
    costs more than most rule components when each reads it."""
    text = doc.user_data.get("callwatch_text")
    if text is None:
        text = doc.text
        doc.user_data["callwatch_text"] = text
    return text


def doc_lowered(doc: Doc) -> str:
    """`lower_keeping_offsets` of the doc's text, computed once per doc: the date, amount, funder
    and topic rules all read it."""
    lowered = doc.user_data.get("callwatch_lowered")
    if lowered is None:
        text = doc_text(doc)
        lowered = doc.user_data["callwatch_lower"] = text.lower()
        if len(lowered) != len(text):  # (else `lower_keeping_offsets` is text.lower())
            lowered = lower_keeping_offsets(text)
        doc.user_data["callwatch_lowered"] = lowered
    return lowered


def doc_lower(doc: Doc) -> str:
    """`doc_text(doc).lower()`, computed once per doc with `doc_lowered` (the same text, unless
    lower-casing changed the text's length): the identifier and topic rules read it."""
    doc_lowered(doc)
    return doc.user_data["callwatch_lower"]


def doc_folded(doc: Doc) -> str | None:
    """The doc's lower-cased text when its text `folds_safely` (a lower-case pattern finds in it
    what IGNORECASE finds in the text), else None; computed once per doc."""
    folds = doc.user_data.get("callwatch_folds")
    if folds is None:
        folds = doc.user_data["callwatch_folds"] = folds_safely(doc_text(doc))
    return doc_lowered(doc) if folds else None
