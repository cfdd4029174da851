"""The funder registry (models/funders.toml): its entries, its context cues compiled once per
process, and the Swedish genitive forms its aliases are matched in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.model_files import load_model_toml
from pipeline.nlp.phrases import folds_safely, literal_trie, lower_keeping_offsets, without_ignorecase
from pipeline.nlp.required_texts import required_any

REGISTRY_FILE = "funders.toml"


@dataclass(frozen=True)
class FunderEntry:
    key: str
    name: str
    role: str  # programme | agency | region | generic
    group: str  # eu | cohesion | national | nordic | region
    names: tuple[str, ...]
    abbr: tuple[str, ...]
    umbrella_of: tuple[str, ...] = ()  # name prefixes of its own programmes, which it gives way to
    no_genitive: tuple[str, ...] = ()  # aliases whose "s" form is another word ("Leaders")
    fund: str = ""  # the fund a country's programme is paid from: named together, one programme in a catalogue


def load_registry() -> tuple[list[FunderEntry], dict[str, re.Pattern[str]]]:
    """Registry entries and compiled context-cue patterns from models/funders.toml."""
    data = load_model_toml(REGISTRY_FILE)
    entries = [
        FunderEntry(
            key=f"funder{index}",
            name=item["name"],
            role=item.get("role", "programme"),
            group=item.get("group", "eu"),
            names=tuple(item.get("names", ())),
            abbr=tuple(item.get("abbr", ())),
            umbrella_of=tuple(item.get("umbrella_of", ())),
            no_genitive=tuple(item.get("no_genitive", ())),
            fund=item.get("fund", ""),
        )
        for index, item in enumerate(data["funder"])
    ]
    return entries, context_patterns()


@cache
def context_patterns() -> dict[str, re.Pattern[str]]:
    """The context cues of the registry, one alternation per kind of cue (compiled once per process)."""
    return {
        kind: re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE | re.MULTILINE)
        for kind, patterns in load_model_toml(REGISTRY_FILE)["context"].items()
    }


@cache
def lowered_context_searches() -> dict[str, tuple[re.Pattern[str], ...]]:
    """The cues of each kind for lower-cased text (`without_ignorecase`: much faster in `re`), as
    the expressions `searchable` makes of them; kinds of cue with a pattern that `re` would fold its
    own way are left out."""
    found: dict[str, tuple[re.Pattern[str], ...]] = {}
    for kind, patterns in load_model_toml(REGISTRY_FILE)["context"].items():
        lowered = [without_ignorecase(pattern, re.MULTILINE) for pattern in patterns]
        if all(pattern is not None for pattern in lowered):
            found[kind] = searchable([pattern for pattern in lowered if pattern is not None])
    return found


@cache
def lowered_context_openings() -> dict[str, re.Pattern[str]]:
    """The cues of each kind of `lowered_context_searches` as one alternation, for `TextSearch.opens`:
    a match is tried at one position only, where the alternation tries what the expressions one by
    one would (recipient_after: 6 expressions, host_after: 9), in one call."""
    return {kind: re.compile("|".join(f"(?:{search.pattern})" for search in searches), re.MULTILINE)
            for kind, searches in lowered_context_searches().items()}


@cache
def lowered_context_prechecks() -> dict[str, CueTexts]:
    """For the kinds of `lowered_context_searches` each of whose cues contains one of a few plain
    texts (`required_any`), those texts (`CueTexts`): a stretch without any holds no cue of that
    kind. Most stretches asked about have none, and searching a trie of the texts costs less than
    searching the cues' expressions (the funding cues: 11 of them). Texts of two letters count
    where a cue has no longer ones ("vd" of "\\b(vd|ordförande|...) (för|i|på) $", the posts
    before a name that every mention is asked about: a third of those asks' time)."""
    found: dict[str, CueTexts] = {}
    for kind, patterns in load_model_toml(REGISTRY_FILE)["context"].items():
        lowered = [without_ignorecase(pattern, re.MULTILINE) for pattern in patterns]
        required = [required_any(pattern.pattern) or required_any(pattern.pattern, least=2)
                    for pattern in lowered if pattern is not None]
        if kind in lowered_context_searches() and all(required):
            found[kind] = CueTexts([pattern for pattern in lowered if pattern is not None], required)
    return found


class CueTexts:
    """The plain texts the cues of one kind contain (each cue one of its own `required_any`)."""

    MEMO_SIZE = 10_000  # sets of texts found together, each with the expressions they call for

    def __init__(self, patterns: list[re.Pattern[str]], required: list[tuple[str, ...]]) -> None:
        self.patterns, self.required = patterns, [frozenset(texts) for texts in required]
        self.texts = sorted(set().union(*self.required))
        trie = literal_trie(self.texts)
        self.search = re.compile(trie).search  # whether one of the texts occurs
        # At each position, the longest text starting there (the trie tries longer ones first). The
        # texts a stretch contains are those inside the ones found so: a shorter one starting at the
        # same position is the start of the longer one.
        self._each = re.compile(f"(?=({trie}))")
        # Where the cues make several expressions (the funding cues), those of a stretch are picked
        # by the texts found in it: one holding "bevilja" is searched with that cue's expression
        # alone, not with the ten others, each tried at every position.
        self.picks = len(searchable(patterns)) > 2
        self._memo: dict[frozenset[str], tuple[re.Pattern[str], ...]] = {}

    def searches_in(self, stretch: str, first: int) -> tuple[re.Pattern[str], ...]:
        """The expressions of the cues that may occur in `stretch`: those of the cues containing a
        text found in it (`first`: where the first text found starts)."""
        found = frozenset(self._each.findall(stretch, first))
        searches = self._memo.get(found)
        if searches is None:
            present = {text for text in self.texts if any(text in longest for longest in found)}
            searches = searchable([pattern for pattern, texts in zip(self.patterns, self.required, strict=True)
                                   if not texts.isdisjoint(present)])
            if len(self._memo) < self.MEMO_SIZE:
                self._memo[found] = searches
        return searches


def searchable(patterns: list[re.Pattern[str]]) -> tuple[re.Pattern[str], ...]:
    """Expressions that together find whether any of `patterns` occurs: those starting with a
    letter joined into one alternation, those starting with a word boundary into another, the
    others (starting with a group or a line start) alone. `re` skips ahead to the letters that can
    start an alternation whose patterns all start with one, but tries every pattern at every
    character once one starts otherwise: the funding cues (51, of which 6 start with a group or
    "^") took twice as long as one alternation. A word boundary is tried at every character
    anyway, and fails at most: one search for all the patterns opening on one, not one each."""
    lettered = [pattern for pattern in patterns if pattern.pattern[:1].isalpha()]
    bounded = [pattern for pattern in patterns if pattern.pattern.startswith("\\b")]
    others = tuple(pattern for pattern in patterns if pattern not in lettered and pattern not in bounded)
    joined = tuple(re.compile("|".join(f"(?:{pattern.pattern})" for pattern in group), group[0].flags)
                   for group in (lettered, bounded) if group)
    return joined + others


# a kind of context cue: its expressions, one expression of them all (for a match at a stretch's
# start), whether they are searched in the lower-cased text, and its plain texts (a pre-check) if any
KindOfCue = tuple[tuple[re.Pattern[str], ...], re.Pattern[str], bool, CueTexts | None]


def as_written(patterns: dict[str, re.Pattern[str]]) -> dict[str, KindOfCue]:
    return {name: ((pattern,), pattern, False, None) for name, pattern in patterns.items()}


@cache
def lowered_context_kinds() -> dict[str, KindOfCue]:
    """The registry's kinds of context cue for a text that folds safely (the same for every page,
    so built once, not once per page): those of `lowered_context_searches` in the lower-cased text."""
    kinds = as_written(context_patterns())
    openings, prechecks = lowered_context_openings(), lowered_context_prechecks()
    kinds.update((name, (searches, openings[name], True, prechecks.get(name)))
                 for name, searches in lowered_context_searches().items())
    return kinds


class TextSearch:
    """Whether a kind of context cue occurs in a stretch of one text, remembered: the same
    sentence is asked about for every body named in it. Searched in the lower-cased text where
    that finds the same (`folds_safely`)."""

    def __init__(self, patterns: dict[str, re.Pattern[str]], text: str, folded: str | None = None) -> None:
        """`folded`: the text lower-cased, when the caller knows that it folds safely."""
        self.text = self.lowered = text
        self.kinds = as_written(patterns)
        if patterns is context_patterns() and (folded is not None or folds_safely(text)):
            self.lowered = lower_keeping_offsets(text) if folded is None else folded
            self.kinds = lowered_context_kinds()
        self._memo: dict[tuple[str, int, int], bool] = {}

    def search(self, name: str, lo: int, hi: int) -> bool:
        key = (name, lo, hi)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = lo < hi and self.found_in(name, lo, hi)
        return found

    def found_in(self, name: str, lo: int, hi: int) -> bool:
        """Whether a cue of that kind occurs in text[lo:hi], not remembered: for the stretches
        around one mention ("ordförande för " before it), asked once. In the lower-cased text,
        these searches took a third of the time of the case-insensitive ones."""
        searches, _, lowered, texts = self.kinds[name]
        searched = self.lowered if lowered else self.text
        if texts is not None:
            # (a trie of plain texts finds in text[lo:hi] what it finds in that slice: the slice is
            # made only for the stretches that pass, a minority)
            first = texts.search(searched, lo, hi)
            if first is None:
                return False  # none of the texts its cues contain (lowered_context_prechecks)
            if texts.picks:
                searches = texts.searches_in(searched[lo:hi], first.start() - lo)
        stretch = searched[lo:hi]
        for search in searches:  # (a loop, not any() of a generator: asked ~50 times a page)
            if search.search(stretch):
                return True
        return False

    def opens(self, name: str, lo: int, hi: int, spaces: bool = True) -> bool:
        """Whether text[lo:hi] starts with a cue of that kind (after its leading spaces, unless
        `spaces` is False): what follows a mention ("har beviljats", "’s director")."""
        _, opening, lowered, texts = self.kinds[name]
        searched = self.lowered if lowered else self.text
        if texts is not None and texts.search(searched, lo, hi) is None:
            return False  # (the leading spaces searched too: a text found there only lets one more stretch through)
        stretch = searched[lo:hi].lstrip(" ") if spaces else searched[lo:hi]
        return opening.match(stretch) is not None


def genitive_forms(alias: str, abbreviation: bool) -> list[str]:
    """Swedish genitives: "Vinnovas", "Horisont Europas", "THCS:s"; none after s, x, z."""
    forms = [alias]
    if alias[-1].isalnum() and alias[-1].lower() not in "sxz":
        forms.append(alias + "s")
        if abbreviation:
            forms.append(alias + ":s")
    return forms


def without_genitive(text: str, entry: FunderEntry) -> str:
    """The name as written, without the Swedish genitive the registry derives ("Vinnovas" -> "Vinnova",
    "THCS:s" -> "THCS"): the text reports the body's name, not the case of the sentence."""
    for suffix in (":s", "s"):
        base = text[: -len(suffix)]
        if text.endswith(suffix) and base and any(base.casefold() == alias.casefold()
                                                   for alias in entry.names + entry.abbr):
            return base
    return text


class RegistryCompounds:
    """Swedish compounds that start with a registry programme's name: "Leaderprojekt",
    "socialfondsprojektet", "interregprojektet", "Life-projekt" (tails: data in funder_cues.toml).
    One `re` pass finds words ending in a tail; their first part is looked up among the names."""

    def __init__(self, entries: list[FunderEntry], tails: list[str]) -> None:
        self.stems: dict[str, str] = {}  # lower-cased name (or its indefinite form) -> entry key
        # names of several words, by their last word: joined to a tail by a hyphen only
        # ("Horizon 2020-programmet", "Interreg Sverige-Norge-projektet")
        self.phrases: dict[str, list[tuple[str, str]]] = {}
        for entry in entries:
            if entry.role != "programme":
                continue
            for alias in entry.names + entry.abbr:
                words = re.findall(r"\w+", alias)
                if len(words) > 1:
                    self.phrases.setdefault(words[-1].casefold(), []).append((alias.casefold(), entry.key))
                if " " in alias:
                    continue
                if len(alias) < 4:
                    continue
                self.stems.setdefault(alias.casefold(), entry.key)
                if alias.casefold().endswith(("fonden", "programmet")):  # "socialfond-s-projekt"
                    self.stems.setdefault(alias.casefold()[:-2], entry.key)
        tail = "|".join(re.escape(t) for t in sorted(tails, key=len, reverse=True))
        # the tail searched for on its own, in the lower-cased text where that finds the same (much
        # faster in `re` than a stem before it, or than IGNORECASE); its word is then read back.
        # Written as a trie, which `re` tries only along the next character's branch: the same
        # matches as the longest-first alternation (tests/test_scan_rewrites.py), in 40% less time.
        self._tails = re.compile(r"(?:" + literal_trie([t.lower() for t in tails]) + r")\b")
        self._tails_any_case = re.compile(r"(?:" + tail.lower() + r")\b", re.IGNORECASE)

    def find(self, text: str, folded: str | None = None) -> list[tuple[str, int, int]]:
        """(entry key, start, end) of each compound in `text` (`folded`: the text lower-cased, when
        the caller knows that it folds safely)."""
        found = []
        if folded is not None or folds_safely(text):
            matches = self._tails.finditer(lower_keeping_offsets(text) if folded is None else folded)
        else:
            matches = self._tails_any_case.finditer(text)
        for match in matches:
            stem_end = match.start()
            hyphen = stem_end > 1 and text[stem_end - 1] == "-" and (text[stem_end - 2].isalnum()
                                                                     or text[stem_end - 2] == "+")
            if hyphen:
                stem_end -= 1  # "Life-projekt"
            # "Erasmus+programmet": the name's own "+" ends the stem
            plus = stem_end > 1 and text[stem_end - 1] == "+" and text[stem_end - 2].isalnum()
            start = word_start(text, stem_end - 1 if plus else stem_end)
            if start == stem_end:
                continue  # the tail is a word of its own
            stem = text[start:stem_end].casefold()
            key = self.stems.get(stem) or (self.stems.get(stem[:-1]) if stem.endswith("s") else None)
            if key is None and hyphen:
                key, start = self._phrase_before(text, text[word_start(text, stem_end):stem_end].casefold(),
                                                 start, stem_end)
            if key is not None:
                found.append((key, start, match.end()))
        return found

    def _phrase_before(self, text: str, last_word: str, start: int, end: int) -> tuple[str | None, int]:
        """The registry name of several words that ends at `end` with `last_word`, and where it starts."""
        for alias, key in self.phrases.get(last_word, ()):
            begin = end - len(alias)
            if begin >= 0 and text[begin:end].casefold() == alias and (begin == 0 or not text[begin - 1].isalnum()):
                return key, begin
        return None, start


def word_start(text: str, end: int) -> int:
    """Where the word that ends at `end` starts."""
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return start
