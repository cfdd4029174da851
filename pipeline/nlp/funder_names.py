"""Bodies whose name says what they are: "King Baudouin Foundation", "Regional Enterprise Development
Fund", "Scottish Government", "Ministry of Education and Culture", "Crafoordska stiftelsen",
"Ljusdals kommun", "Södra Österbottens förbund", "Bildkonstnärsfonden".

A name is found around a head word (data: [body_names] in models/funder_cues.toml): the capitalised
words before a trailing head ("... Fund", "... kommun"), or after a leading one ("Ministry of ...",
"Stiftelsen ..."), or one capitalised compound ending in a head ("Kulturnämnden"). Whether the
body pays is not decided here: the funder finder reads its sentence as it does for a registry
agency. Names are reported as written; `name` drops a Swedish genitive and a bracketed abbreviation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from pipeline.model_files import load_model_toml
from pipeline.nlp.funder_registry import word_start

CUES_FILE = "funder_cues.toml"
MAX_NAME_TOKENS = 8
LEADING_NAME_TOKENS = 12  # "Ministry of the Economy and Innovation of the Republic of Lithuania"
CONTINUATION_JOINERS = frozenset({"-", "of", "och"})
# Swedish genitive endings of a head word that are dropped from the name ("kommuns" -> "kommun")
_GENITIVE = re.compile(r"(?<=\w)s$")


@dataclass(frozen=True)
class BodyName:
    name: str  # normalised: no genitive, no bracketed abbreviation
    text: str  # as written
    start: int  # character offsets of `text`
    end: int


class BodyNames:
    def __init__(self) -> None:
        data = load_model_toml(CUES_FILE)
        body = data["body_names"]
        self.trailing = set(body["trailing_heads"])  # case-sensitive: "Fund", not "fund"
        self.leading = set(body["leading_heads"])
        self.compound = tuple(w.lower() for w in body["compound_heads"])
        self.joiners = {w.lower() for w in body["joiners"]}
        self.continuations = {w.lower() for w in body["continuations"]}
        # (and the words that open a sentence before a name: "Although the X Trust")
        self.edge_words = {w.lower() for w in body["edge_words"]} | {w.lower() for w in data.get("openers", [])}
        self.generic_words = {w.lower() for w in body["generic_words"]}
        heads = sorted(self.trailing | self.leading, key=len, reverse=True)
        compound = "|".join(re.escape(h) for h in sorted(self.compound, key=len, reverse=True))
        # One pass of `re` over the text finds where a head may stand (a head word, or a compound's
        # last part inside a word); tokens are looked at only there.
        # (no leading \b: `re` then skips to a head's first letters; the word start is checked after)
        self._heads = re.compile(r"(?:" + "|".join(re.escape(h) for h in heads) + r")(?:s|:s)?\b")
        self._compounds = re.compile(r"(?:" + compound + "|" + compound.upper() + r")(?:s|S)?\b")

    def find(self, doc: Doc, text: str, known: Sequence[tuple[int, int]] = ()) -> list[BodyName]:
        """Names around each head word, except heads inside `known` spans (registry names such as
        "Knut and Alice Wallenberg Foundation", which are not read again)."""
        found: list[BodyName] = []
        last_end = -1
        candidates = [(m.start(), m.end()) for m in self._heads.finditer(text)
                      if m.start() == 0 or not text[m.start() - 1].isalnum()]
        candidates += [(word_start(text, m.start()), m.end()) for m in self._compounds.finditer(text)]
        for start, end in sorted(set(candidates)):
            if any(k_start <= start and end <= k_end for k_start, k_end in known):
                continue
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or len(span) != 1 or span.start_char < last_end:
                continue
            bounds = self._name_around(doc, span[0])
            if bounds is None:
                continue
            start, end = bounds
            named = self._body_name(doc, start, end)
            if named is not None:
                found.append(named)
                last_end = named.end
        return found

    def _name_around(self, doc: Doc, head: Token) -> tuple[int, int] | None:
        word = head.text
        base = _GENITIVE.sub("", word.removesuffix(":s"))
        i = head.i
        if word in self.leading or base in self.leading:
            if not head.text[0].isupper():
                return None
            end = self._extend_right(doc, i + 1, LEADING_NAME_TOKENS)
            return (i, end) if end > i + 1 else None
        if word in self.trailing or base in self.trailing:
            start = self._extend_left(doc, i)
            if start == i or all(t.lower_ in self.generic_words for t in doc[start:i]):
                return None  # "the Fund", "National Agency": no name
            if i + 1 < len(doc) and _capitalised(doc[i + 1]):
                return None  # the name goes on: "Welsh Local Government Association"
            return start, self._continuation(doc, i + 1)
        # a compound ending in a head: "Bildkonstnärsfonden", "Frans Henriksons testamentsfond"
        if not any(base.lower().endswith(h) and len(base) > len(h) + 2 for h in self.compound):
            return None
        start = self._extend_left(doc, i)
        if start == i and not head.text[0].isupper():
            return None
        return start, self._continuation(doc, i + 1)

    def _extend_left(self, doc: Doc, i: int) -> int:
        """The first token of the capitalised run ending right before token i ("Svenska Österbottens")."""
        start = i
        while start > 0 and i - start < MAX_NAME_TOKENS:
            token = doc[start - 1]
            if is_line_break(token):
                break
            if _capitalised(token) and not token.text.endswith(("'s", "’s")):
                start -= 1
                continue
            # a genitive apostrophe after a name ending in s ("Saga Waselius’ Stipendiefond")
            if token.text in ("’", "'") and start - 2 >= 0 and doc[start - 2].text.endswith(("s", "x", "z")) \
                    and _capitalised(doc[start - 2]) and not doc[start - 2].whitespace_:
                start -= 1
                continue
            # first names listed before the last one ("Ellen, Hjalmar och Saga Waselius’ fond")
            if token.text == "," and start - 2 >= 0 and _capitalised(doc[start - 2]) and start < i \
                    and any(t.lower_ in ("och", "and") for t in doc[start:i]):
                start -= 1
                continue
            # joining words between capitalised ones: "Heart of the Community Fund"
            before = start - 1
            while before > 0 and doc[before].lower_ in self.joiners and i - before < MAX_NAME_TOKENS:
                before -= 1
            if before < start - 1 and start < i and _capitalised(doc[before]):
                start = before
            else:
                break
        while start < i and (doc[start].lower_ in self.edge_words or doc[start].lower_ in self.joiners):
            start += 1
        return start

    def _extend_right(self, doc: Doc, i: int, reach: int, joiners: frozenset[str] | set[str] | None = None) -> int:
        """The end of the name after a leading head: "of Education and Culture", "för Sverige och Finland"."""
        joiners = self.joiners | self.continuations if joiners is None else joiners
        end, last_capital = i, i
        while end < len(doc) and end - i < reach:
            token = doc[end]
            if is_line_break(token):
                break
            if _capitalised(token):
                end += 1
                last_capital = end
            elif token.lower_ in joiners:
                end += 1
            else:
                break
        return last_capital

    def _continuation(self, doc: Doc, i: int) -> int:
        """ "Foundation for Ireland", "kulturfonden i Sverige", "Agency of the Czech Republic": a
        connector and a capitalised run (not "and the Community Foundation for Northern Ireland")."""
        if i + 1 < len(doc) and doc[i].lower_ in self.continuations:
            first = i + 2 if doc[i + 1].lower_ == "the" else i + 1
            end = self._extend_right(doc, first, MAX_NAME_TOKENS, CONTINUATION_JOINERS)
            if end > first:
                return end
        return i

    def _body_name(self, doc: Doc, start: int, end: int) -> BodyName | None:
        # "Sydöstra Skånes Samarbetskommitté (SÖSK)": the abbreviation joins the text, not the name
        text_end = end
        if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 1].is_upper and doc[end + 2].text == ")":
            text_end = end + 3
        span = doc[start:end]
        words = [t for t in span if not t.is_punct]
        if not words or span.text.lower() in self.edge_words:
            return None
        if any(t.like_num or "." in t.text.strip(".") for t in span):
            return None  # a number or an abbreviated word: a date or garbled text, no name
        last = span[-1]
        name = span.text
        if last.text.endswith("s") and not last.is_upper:  # a Swedish genitive: "Barndiabetesfondens"
            base = _GENITIVE.sub("", last.text.removesuffix(":s"))
            if base in self.trailing or base.lower().endswith(self.compound):
                name = doc[start:end - 1].text_with_ws + base if len(span) > 1 else base
        text_span = doc[start:text_end]
        return BodyName(name, text_span.text, text_span.start_char, text_span.end_char)


def _capitalised(token: Token) -> bool:
    text = token.text
    return bool(text) and text[0].isupper() and any(c.isalpha() for c in text)


def is_line_break(token: Token) -> bool:
    """Whether a token is a line break: spaCy makes a line break a whitespace token of its own
    (a token's trailing `whitespace_` is only ever "" or " ")."""
    return token.is_space and "\n" in token.text
