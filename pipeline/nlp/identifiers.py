"""Identifiers: official call/topic ids (EU portal ids, Swedish case numbers) found by pattern."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.model_files import load_model_toml
from pipeline.nlp.extensions import doc_lower, doc_text


def load_identifier_patterns() -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    """(pattern, strings one of which the lowercased text must contain) per identifier form."""
    return [
        (re.compile(spec["pattern"]), tuple(spec.get("requires", ("",))))
        for spec in load_model_toml("identifiers.toml").values()
    ]


@Language.factory("callwatch_identifiers", assigns=["doc._.identifiers"])
def make_identifier_finder(nlp: Language, name: str) -> IdentifierFinder:
    return IdentifierFinder()


class IdentifierFinder:
    def __init__(self) -> None:
        self.patterns = load_identifier_patterns()

    def __call__(self, doc: Doc) -> Doc:
        found: dict[str, None] = {}  # ordered set
        lowered = doc_lower(doc)
        for pattern, requires in self.patterns:
            if not any(needle in lowered for needle in requires):
                continue
            for match in pattern.finditer(doc_text(doc)):
                identifier = match.group("id") if "id" in pattern.groupindex else match.group(0)
                found.setdefault(identifier.replace(" ", ""))
        doc._.identifiers = list(found)
        return doc
