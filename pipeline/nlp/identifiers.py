"""Identifiers: official call/topic ids (EU portal ids, Swedish case numbers) found by pattern."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp import extensions  # noqa: F401  (registers Doc._ attributes)
from pipeline.nlp.data import load_model_toml


def load_identifier_patterns() -> list[re.Pattern[str]]:
    return [re.compile(pattern) for pattern in load_model_toml("identifiers.toml").values()]


@Language.factory("callwatch_identifiers", assigns=["doc._.identifiers"])
def make_identifier_finder(nlp: Language, name: str) -> IdentifierFinder:
    return IdentifierFinder()


class IdentifierFinder:
    def __init__(self) -> None:
        self.patterns = load_identifier_patterns()

    def __call__(self, doc: Doc) -> Doc:
        found: dict[str, None] = {}  # ordered set
        for pattern in self.patterns:
            for match in pattern.finditer(doc.text):
                identifier = match.group("id") if "id" in pattern.groupindex else match.group(0)
                found.setdefault(identifier.replace(" ", ""))
        doc._.identifiers = list(found)
        return doc
