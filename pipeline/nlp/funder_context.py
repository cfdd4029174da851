"""Funders named in no registry, found from how a page introduces its money: "funded by X",
"finansieras av X", "med stöd från X", a "Funder: X" field, "X beviljar / delar ut / awards".
Reported with the name as written.

The cue phrases are data (models/funder_cues.toml), matched by spaCy PhraseMatchers on lower-cased
tokens; the name is the run of capitalised tokens right after the cue, or, before a paying verb,
the name read backwards (capitalised tokens, or a Swedish name's lower-case head: "Lunds kommun").
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from pipeline.model_files import load_model_toml
from pipeline.nlp.date_mentions import load_date_words
from pipeline.nlp.funder_names import is_line_break

CUES_FILE = "funder_cues.toml"
# Between two names ("Region Stockholm och Regionalfonden", "X, Y"). English "and" stays inside a
# name, where it is more often part of it ("Structural and Investment Funds").
SEPARATORS = {"och", ","}
# the match keys of the three kinds of cue phrase
CUE, LABEL, VERB = "context_cue", "context_label", "context_verb"


@dataclass(frozen=True)
class NamedFunder:
    text: str  # as written
    start: int  # character offsets of `text`
    end: int
    bare: str = ""  # the name without a bracketed abbreviation, when it had one

    @property
    def name(self) -> str:
        return self.bare or self.text


class ContextFunders:
    def __init__(self, nlp: Language, matcher: PhraseMatcher | None = None) -> None:
        """`matcher`: a PhraseMatcher on LOWER that the cue phrases join (under keys of their
        own), so that one pass of it over a page finds them and its other phrases (the funder
        registry's names): each PhraseMatcher call walks every token of the page."""
        data = load_model_toml(CUES_FILE)
        self.max_tokens = int(data.get("max_tokens", 8))
        self.connectors = {w.lower() for w in data["connectors"]}
        self.not_names = {w.lower() for w in data["not_names"]}
        self.openers = {w.lower() for w in data.get("openers", [])}
        # a date is no name ("Funding: Oktober 2024"): the month names the dates component reads
        self.months = set(load_date_words()["months"])
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER") if matcher is None else matcher
        self.matcher.add(CUE, list(nlp.tokenizer.pipe(data["before_name"])))
        # a field's label alone on its line ("Medfinansiärer", "Funders"): the names are on the next
        self.matcher.add(LABEL, list(nlp.tokenizer.pipe(data["label_lines"])))
        self.matcher.add(VERB, list(nlp.tokenizer.pipe(data.get("after_name", []))))
        self.cue, self.label, self.verb = (nlp.vocab.strings[key] for key in (CUE, LABEL, VERB))
        self.keys = frozenset((self.cue, self.label, self.verb))  # what other phrases' matches are told apart by
        self.heads = tuple(w.lower() for w in data.get("name_heads", []))

    def find(self, doc: Doc, matches: list[tuple[int, int, int]] | None = None) -> list[NamedFunder]:
        """`matches`: those of `self.matcher` on the doc, when the caller has them."""
        matches = self.matcher(doc) if matches is None else matches
        found: list[NamedFunder] = []
        for _, _, end in (match for match in matches if match[0] == self.cue):
            found.extend(self._names_from(doc, end))
        for _, start, end in (match for match in matches if match[0] == self.label):
            if (start == 0 or is_line_break(doc[start - 1])) and end + 1 < len(doc) and is_line_break(doc[end]):
                found.extend(self._names_from(doc, end + 1))
        for _, start, _ in (match for match in matches if match[0] == self.verb):
            named = self._name_before(doc, start)
            if named is not None:
                found.append(named)
        return found

    def _name_before(self, doc: Doc, i: int) -> NamedFunder | None:
        """The body named right before the paying verb at token i, read backwards."""
        start = i
        while start > 0 and i - start < self.max_tokens:
            token = doc[start - 1]
            if is_line_break(token):
                break
            if _capitalised(token) or self._is_head(token):
                start -= 1
            elif token.lower_ in self.connectors and start < i and start > 1 and _capitalised(doc[start - 2]):
                start -= 1
            else:
                break
        # (a conjunction or adverb opening the sentence is no part of the name: "Although the Foundation")
        while start < i and (doc[start].lower_ in self.connectors or doc[start].lower_ in self.openers):
            start += 1
        span = doc[start:i]
        if not len(span) or not any(_capitalised(t) for t in span) or span.text.lower() in self.not_names:
            return None
        if len(span) == 1:
            word = span[0].text
            compound = any(word.lower().endswith(h) and len(word) > len(h) + 2 for h in self.heads)
            if not (compound or (word.isupper() and len(word) >= 2)):
                return None  # "Kommunen beviljar", "Projektet finansierar": no body named
        if any(t.like_num or t.lower_ in self.months for t in span):
            return None
        return NamedFunder(span.text, span.start_char, span.end_char)

    def _is_head(self, token: Token) -> bool:
        return token.is_lower and token.lower_.endswith(self.heads)

    def _names_from(self, doc: Doc, i: int) -> list[NamedFunder]:
        """The names starting at token i: "X", or "X och Y" / "X, Y and Z"."""
        names: list[NamedFunder] = []
        while i < len(doc) and doc[i].lower_ in ("the", "den", "det"):
            i += 1
        while i < len(doc):
            name = self._name_at(doc, i)
            if name is None:
                break
            start, end = name
            span = doc[start:end]
            bare = doc[start:end - 3] if len(span) > 3 and span[-1].text == ")" and span[-3].text == "(" else span
            # (a year joins the text, not the name: "Landsbygdspotten 2017" is the pot's call of that year)
            bare = bare[:-1] if len(bare) > 1 and _is_year(bare[-1]) else bare
            if bare.text.lower() not in self.not_names and not any(t.like_num or t.lower_ in self.months for t in bare):
                names.append(NamedFunder(span.text, span.start_char, span.end_char, bare.text))
            if end < len(doc) - 1 and doc[end].lower_ in SEPARATORS:
                i = end + 1
                while i < len(doc) and doc[i].lower_ in ("the", "den", "det", "and", "och"):
                    i += 1
                continue
            break
        return names

    def _name_at(self, doc: Doc, i: int) -> tuple[int, int] | None:
        if not _capitalised(doc[i]):
            return None
        end = i + 1
        last_capital = end
        while end < len(doc) and end - i < self.max_tokens:
            token = doc[end]
            if is_line_break(token):
                break
            if _capitalised(token):
                end += 1
                last_capital = end
            elif token.lower_ in self.connectors and token.lower_ not in SEPARATORS:
                end += 1
            else:
                break
        end = last_capital
        # "Project Ireland 2040", "Landsbygdspotten 2017": a year that ends a name is written with it
        if end < len(doc) and _is_year(doc[end]) and not is_line_break(doc[end]):
            end += 1
        # "Esbo stad", "Lunds kommun": a Swedish name's lower-case head belongs to it
        if end < len(doc) and doc[end].lower_.removesuffix("s") in self.heads:
            end += 1
        # "CSO-anslaget", "VT/Styrelse": the first part of a compound is no name, unless the compound
        # ends in a body's head word ("EU-kommissionen", "ESF-rådet")
        if end + 1 < len(doc) and doc[end].text in ("-", "/") and not doc[end - 1].whitespace_:
            if doc[end].text == "-" and not doc[end].whitespace_ and doc[end + 1].lower_ in self.heads:
                return i, end + 2
            return None
        # "Sydöstra Skånes Samarbetskommitté (SÖSK)": keep the abbreviation with the name
        if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 1].is_upper and doc[end + 2].text == ")":
            end += 3
        return i, end


def _is_year(token: Token) -> bool:
    return len(token.text) == 4 and token.text.isdigit() and token.text[:2] in ("19", "20")


def _capitalised(token: Token) -> bool:
    text = token.text
    return bool(text) and text[0].isupper() and any(c.isalpha() for c in text)
