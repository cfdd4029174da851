"""Topics: taxonomy keys from term evidence, so that a single passing mention does not tag a page.

Terms come from the product taxonomy (models/taxonomy.toml) and from models/topic_terms.toml.
Single words are looked up per word (with Swedish endings and compounds through prefix/suffix
terms); multi-word terms ("små och medelstora företag*", "e-hälsa") are one compiled phrase
expression, where a trailing * lets the last word go on ("regionala utvecklingsfond*" finds
"regionala utvecklingsfonden"). Each topic sums the weights of its terms found (double in the
title); a stretch of text counts once per topic, by its strongest term, so "European Regional
Development Fund" is one piece of evidence, not three. A topic is assigned when the sum reaches a
threshold that also grows with the strongest topic on the page, so that a page's main subjects
win over its asides.
"""

from __future__ import annotations

import re
from collections import defaultdict

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.data import load_model_toml
from pipeline.nlp.extensions import doc_text
from pipeline.nlp.phrases import compile_phrases, lower_keeping_offsets

MIN_SCORE = 4.0  # e.g. four plain mentions, a strong term twice, or a strong term in the title
RELATIVE_SCORE = 0.3  # ...and at least this share of the best topic's score
TITLE_WEIGHT = 2.0
INFLECTION_CHARS = 5  # "klimat" matches "klimatet", "klimatets"; not "klimatanpassningsåtgärderna"
MIN_INFLECTED_TERM = 5
WEIGHTS = {"decisive": 4.0, "strong": 2.0, "terms": 1.0, "weak": 0.5}
_WORD = re.compile(r"[^\W\d_]+")
MEMO_SIZE = 200_000  # distinct words remembered; bounds memory on very long runs

Evidence = list[tuple[str, float]]  # (topic key, weight)
Found = tuple[int, int, float]  # (start, end, weight) of one piece of evidence for a topic


def load_topic_terms() -> dict[str, dict[str, float]]:
    """topic -> {term: weight}, merging the taxonomy's seed terms with the extra term file."""
    topics: dict[str, dict[str, float]] = defaultdict(dict)
    for key, topic in load_model_toml("taxonomy.toml")["topics"].items():
        for term in topic.get("sv", []) + topic.get("en", []):
            topics[key][term.lower()] = WEIGHTS["terms"]
    for key, topic in load_model_toml("topic_terms.toml")["topics"].items():
        for section, weight in WEIGHTS.items():
            for term in topic.get(section, []):
                term = term.lower()
                topics[key][term] = max(weight, topics[key].get(term, 0.0))
    return dict(topics)


@Language.factory("callwatch_topics", assigns=["doc._.topics"])
def make_topic_tagger(nlp: Language, name: str) -> TopicTagger:
    return TopicTagger(nlp)


class TopicTagger:
    def __init__(self, nlp: Language) -> None:
        self.exact: dict[str, Evidence] = defaultdict(list)
        self.prefix: dict[str, Evidence] = defaultdict(list)  # any continuation
        self.inflected: dict[str, Evidence] = defaultdict(list)  # a few letters of ending
        self.suffix: dict[str, Evidence] = defaultdict(list)  # compounds ending in the term
        phrases: dict[str, Evidence] = defaultdict(list)
        for topic, terms in load_topic_terms().items():
            for term, weight in terms.items():
                bare = term.strip("*")
                if not _WORD.fullmatch(bare):
                    phrases[term.lstrip("*")].append((topic, weight))
                elif term.startswith("*"):
                    self.suffix[bare].append((topic, weight))
                elif term.endswith("*"):
                    self.prefix[bare].append((topic, weight))
                elif len(term) >= MIN_INFLECTED_TERM:
                    self.inflected[term].append((topic, weight))
                else:
                    self.exact[term].append((topic, weight))
        self.phrases, names = compile_phrases({phrase: [phrase] for phrase in phrases})
        self.phrase_evidence: dict[str, Evidence] = {name: phrases[group] for name, group in names.items()}
        self.longest_stem = max((len(s) for s in (*self.prefix, *self.inflected, *self.suffix)), default=0)
        self._memo: dict[str, Evidence] = {}  # word -> evidence; words repeat across pages

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        title_end = self._title_end(text)
        found: dict[str, list[Found]] = defaultdict(list)
        self._collect(lower_keeping_offsets(text), title_end, found)
        title = doc._.title
        if title and not text.lstrip().startswith(title.strip()):
            # A page title given apart from the text (crawled pages) counts like a title line.
            self._collect(lower_keeping_offsets(title), len(title), found)
        doc._.topics = self.choose({topic: _score(items) for topic, items in found.items()})
        return doc

    def _collect(self, lowered: str, title_end: int, found: dict[str, list[Found]]) -> None:
        """Evidence per topic in one text: words (straight from the text, cheaper than Token
        objects) and phrases, as (start, end, weight) with the title counted double."""
        memo = self._memo
        for match in _WORD.finditer(lowered):
            word = match.group()
            evidence = memo.get(word)  # most words are known: no call for them
            if evidence is None:
                evidence = self._word_evidence(word)
            if evidence:
                start = match.start()
                factor = TITLE_WEIGHT if start < title_end else 1.0
                for topic, weight in evidence:
                    found[topic].append((start, match.end(), weight * factor))
        for match in self.phrases.finditer(lowered):
            factor = TITLE_WEIGHT if match.start() < title_end else 1.0
            for topic, weight in self.phrase_evidence[match.lastgroup]:
                found[topic].append((match.start(), match.end(), weight * factor))

    @staticmethod
    def choose(scores: dict[str, float]) -> list[str]:
        if not scores:
            return []
        best = max(scores.values())
        floor = max(MIN_SCORE, RELATIVE_SCORE * best)
        chosen = [topic for topic, score in scores.items() if score >= floor]
        return sorted(chosen, key=lambda topic: -scores[topic])

    def _word_evidence(self, word: str) -> Evidence:
        evidence = self._memo.get(word)
        if evidence is None:
            evidence = self._token_evidence(word)
            if len(self._memo) < MEMO_SIZE:
                self._memo[word] = evidence
        return evidence

    def _token_evidence(self, word: str) -> Evidence:
        """Evidence of one token; a token counts once per topic even if several terms fit it."""
        found: dict[str, float] = {}

        def add(evidence: Evidence) -> None:
            for topic, weight in evidence:
                found[topic] = max(weight, found.get(topic, 0.0))

        if word in self.exact:
            add(self.exact[word])
        for length in range(3, min(len(word), self.longest_stem) + 1):
            stem = word[:length]
            if stem in self.prefix:
                add(self.prefix[stem])
            if stem in self.inflected and len(word) - length <= INFLECTION_CHARS:
                add(self.inflected[stem])
            ending = word[-length:]
            if ending in self.suffix:
                add(self.suffix[ending])
        return list(found.items())

    @staticmethod
    def _title_end(text: str) -> int:
        """Character offset where the title (the first line, when it looks like a heading) ends."""
        stripped = text.lstrip()
        first_line = stripped.split("\n", 1)[0]
        return len(text) - len(stripped) + len(first_line) if len(first_line) <= 150 else 0


def _score(items: list[Found]) -> float:
    """A topic's score: overlapping pieces of evidence ("regional development fund", "regional
    development", "regional") count once, by the strongest."""
    total, cluster_end, best = 0.0, -1, 0.0
    for start, end, weight in sorted(items):
        if start >= cluster_end:
            total += best
            cluster_end, best = end, weight
        else:
            cluster_end, best = max(cluster_end, end), max(best, weight)
    return total + best
