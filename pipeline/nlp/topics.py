"""Topics: taxonomy keys from term evidence, so that a single passing mention does not tag a page.

Terms come from the product taxonomy (models/taxonomy.toml) and from models/topic_terms.toml.
Single words are looked up per word (with Swedish endings and compounds through prefix/suffix
terms); multi-word terms ("små och medelstora företag*", "e-hälsa") are one compiled phrase
expression, where a trailing * lets the last word go on ("regionala utvecklingsfond*" finds
"regionala utvecklingsfonden"). Each topic sums the weights of its terms found (more in the
title); a stretch of text counts once per topic, by its longest term, so "European Regional
Development Fund" is one piece of evidence (a fund's name), not three.

A topic's rule strength is its sum over the page's floor (`rule_strengths`): a floor that grows
with the length of the text (evidence piles up on long pages), and with the strongest topic on
the page (a page's main subjects win over its asides), and a little more for each further topic
(a page has a few subjects, not all of them). These constants were set on the real pages of
eval/corpus/train.jsonl and checked on eval/corpus/dev.jsonl and the project's own sets.

Term lists miss topics named in other words, so the decision is shared with a classifier learned
from the annotated corpus (topic_model.py): a topic is assigned when the classifier's probability
plus RULE_WEIGHT times its rule strength (counted up to RULE_CAP) reaches THRESHOLD, or when a
decisive name settles it (`combine_topics`). Strong rule evidence (RULE_CAP floors) is enough
alone; a topic the rules barely found needs the classifier to agree; one the rules did not find
needs the classifier to be sure. The component classifies a batch of pages at a time.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from pipeline.model_files import load_model_toml
from pipeline.nlp.extensions import doc_lower, doc_lowered, doc_text
from pipeline.nlp.language import SAMPLE_CHARS, SAMPLE_WORDS
from pipeline.nlp.phrases import compile_phrases, lower_keeping_offsets
from pipeline.nlp.topic_model import predict_topics

# The floor a topic's score must reach (see `topic_floor`):
MIN_SCORE = 1.5  # on a short text: one strong term, or two plain ones
SCORE_PER_1000_CHARS = 1.5  # longer texts need more: 3 on a 2000-character page...
MAX_LENGTH_FLOOR = 4.0  # ...and no more than 4 however long the page (not measured past 2000)
RELATIVE_SCORE = 0.3  # at least this share of the best topic's score...
BEST_CAP = 15.0  # ...counting the best score up to this (a page naming one programme on every
#                  line still has other subjects)
RANK_STEP = 0.2  # the third topic needs 20 % more than the floor, the fourth 40 %, ...
# The shared decision (see the module docstring), chosen by 5-fold cross-validation on train+dev
# with the classifier retrained on each fold: topics F1 0.765 (rules alone) -> 0.797 (precision
# 0.77 -> 0.82, recall 0.76 -> 0.78). 0.35/0.7 scored 0.799 but cost the project's own pages
# (eval/holdout.jsonl) 0.03 more recall; the classifier alone reached 0.70, rules or a sure
# classifier 0.78.
RULE_WEIGHT = 0.4
RULE_CAP = 2.0
THRESHOLD = 0.65
TITLE_WEIGHT = 3.0
INFLECTION_CHARS = 5  # "klimat" matches "klimatet", "klimatets"; not "klimatanpassningsåtgärderna"
MIN_INFLECTED_TERM = 5
WEIGHTS = {"decisive": 4.0, "strong": 2.0, "terms": 1.0, "weak": 0.5}
_WORD = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")
MEMO_SIZE = 200_000  # distinct words remembered; bounds memory on very long runs

Evidence = list[tuple[str, float]]  # (topic key, weight)
Found = tuple[int, int, float]  # (start, end, weight) of one piece of evidence for a topic
# What is known of a word: its evidence, and the phrases starting with it (their expression and
# evidence), or NOTHING (no evidence, no phrase): the one check most words need.
WordKnowledge = tuple[Evidence, "tuple[re.Pattern[str], dict[str, Evidence]] | None"]
NOTHING: WordKnowledge = ([], None)
DECISIVE = WEIGHTS["decisive"]
DECISIVE_SCORE = WEIGHTS["strong"]  # what a decisive name adds to its topic's score


def load_topic_terms() -> dict[str, dict[str, float]]:
    """topic -> {term: weight}: the taxonomy's seed terms weigh "terms"; the extra term file sets
    the weight of the terms it lists, seed terms included (a seed word that real pages use about
    anything, like "sustainability", can be made weak). A term listed in two sections of a topic
    keeps the higher weight."""
    topics: dict[str, dict[str, float]] = defaultdict(dict)
    for key, topic in load_model_toml("taxonomy.toml")["topics"].items():
        for term in topic.get("sv", []) + topic.get("en", []):
            topics[key][term.lower()] = WEIGHTS["terms"]
    for key, topic in load_model_toml("topic_terms.toml")["topics"].items():
        listed: dict[str, float] = {}
        for section, weight in WEIGHTS.items():
            for term in topic.get(section, []):
                term = term.lower()
                listed[term] = max(weight, listed.get(term, 0.0))
        topics[key].update(listed)
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
        # Phrases are tried only where a word that starts one is found: one small expression per
        # first word instead of one alternation of hundreds of phrases tried at every word.
        by_first_word: dict[str, list[str]] = defaultdict(list)
        for phrase in phrases:
            first = _WORD.match(phrase)
            by_first_word[first.group() if first else ""].append(phrase)
        self.phrase_starts: dict[str, tuple[re.Pattern[str], dict[str, Evidence]]] = {}
        for first, group in by_first_word.items():
            pattern, names = compile_phrases({phrase: [phrase] for phrase in group})
            self.phrase_starts[first] = (pattern, {name: phrases[p] for name, p in names.items()})
        # phrases starting with a digit ("5g") are looked for everywhere: tried where one of their
        # first characters stands, found by a character class (`re` searching the phrases' own
        # expression tries every position, as it opens on the word-start check)
        self.other_phrases = self.phrase_starts.pop("", None)
        first_characters = sorted({phrase.lower()[0] for phrase in by_first_word.get("", [])})
        self.other_starts = re.compile("[" + "".join(map(re.escape, first_characters)) + "]")
        self.longest_stem = max((len(s) for s in (*self.prefix, *self.inflected, *self.suffix)), default=0)
        self._memo: dict[str, WordKnowledge] = {}  # words repeat across pages

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            for doc, probabilities in zip(batch, predict_topics(batch, batch[0].lang_), strict=True):
                scores, settled = self.scores(doc)
                doc._.topics = combine_topics(rule_strengths(scores, len(doc_text(doc))), settled, probabilities)
                yield doc

    def scores(self, doc: Doc) -> tuple[dict[str, float], set[str]]:
        """Each topic's score on the page, and the topics a decisive name settled."""
        text = doc_text(doc)
        title_end = self._title_end(text)
        found: dict[str, list[Found]] = defaultdict(list)
        settled: set[str] = set()
        # the words language detection found are the lower-cased text's, unless it is longer than
        # the sample or lower-casing changed its length (see `lower_keeping_offsets`)
        sample = doc.user_data.get(SAMPLE_WORDS)
        same_length = len(doc_lower(doc)) == len(text)
        words = sample if sample is not None and len(text) <= SAMPLE_CHARS and same_length else None
        self._collect(doc_lowered(doc), title_end, found, settled, words)
        title = doc._.title
        if title and not text.lstrip().startswith(title.strip()):
            # A page title given apart from the text (crawled pages) counts like a title line.
            self._collect(lower_keeping_offsets(title), len(title), found, settled)
        return {topic: _score(items) for topic, items in found.items()}, settled

    def _collect(self, lowered: str, title_end: int, found: dict[str, list[Found]], settled: set[str],
                 words: list[str] | None = None) -> None:
        """Evidence per topic in one text: words (straight from the text, cheaper than Token
        objects) and phrases, as (start, end, weight) with the title weighing TITLE_WEIGHT. A decisive
        name settles its topic and counts in the score as a strong term, so that a programme
        named on every line does not push the page's other topics under the relative floor.
        `words`: the text's words (`_WORD.findall(lowered)`), when known."""
        phrase_end = 0  # phrases do not overlap: the next is looked for after the last one found
        for word, start, (evidence, starting) in self._known_words(lowered, words):
            if evidence:
                self._add(found, settled, evidence, start, start + len(word), title_end)
            if starting is not None and start >= phrase_end:
                pattern, phrase_evidence = starting
                phrase = pattern.match(lowered, start)
                if phrase is not None:
                    phrase_end = phrase.end()
                    self._add(found, settled, phrase_evidence[phrase.lastgroup], start, phrase_end, title_end)
        if self.other_phrases is not None:
            pattern, phrase_evidence = self.other_phrases
            phrase_end = 0
            for start in self.other_starts.finditer(lowered):  # what pattern.finditer finds
                phrase = pattern.match(lowered, start.start()) if start.start() >= phrase_end else None
                if phrase is not None:
                    phrase_end = phrase.end()
                    self._add(found, settled, phrase_evidence[phrase.lastgroup], phrase.start(), phrase_end, title_end)

    def _known_words(self, lowered: str, words: list[str] | None) -> Iterator[tuple[str, int, WordKnowledge]]:
        """(word, offset, knowledge) of the words of `lowered` that are evidence or start a phrase.
        From `words` when given: only those words' offsets are looked for (`_offset_of`), instead
        of a match object for every word of the text."""
        memo = self._memo
        if words is None:
            for match in _WORD.finditer(lowered):
                word = match.group()
                known = memo.get(word)  # most words are known: no call for them
                if known is None:
                    known = self._word_knowledge(word)
                if known is not NOTHING:  # most words: no evidence, no phrase starting with them
                    yield word, match.start(), known
            return
        end = 0
        for word in words:
            known = memo.get(word)
            if known is None:
                known = self._word_knowledge(word)
            if known is not NOTHING:
                start = _offset_of(lowered, word, end)
                end = start + len(word)
                yield word, start, known

    @staticmethod
    def _add(found: dict[str, list[Found]], settled: set[str], evidence: Evidence, start: int, end: int,
             title_end: int) -> None:
        factor = TITLE_WEIGHT if start < title_end else 1.0
        for topic, weight in evidence:
            if weight >= DECISIVE:
                settled.add(topic)
            found[topic].append((start, end, min(weight, DECISIVE_SCORE) * factor))

    def _word_knowledge(self, word: str) -> WordKnowledge:
        """The word's evidence and the phrases starting with it, remembered (NOTHING if neither)."""
        evidence, starting = self._token_evidence(word), self.phrase_starts.get(word)
        known = (evidence, starting) if evidence or starting is not None else NOTHING
        if len(self._memo) < MEMO_SIZE:
            self._memo[word] = known
        return known

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


def _offset_of(lowered: str, word: str, after: int) -> int:
    """Where `word`, the next of the text's words to be looked for, stands: its first occurrence
    from `after` on as a whole word. The words between were not looked for, and none of them is
    the same word (the same word would have been), so no earlier whole-word occurrence is skipped."""
    start = lowered.find(word, after)
    while (start > 0 and _LETTER.match(lowered, start - 1)) or _LETTER.match(lowered, start + len(word)):
        start = lowered.find(word, start + 1)
    return start


def topic_floor(scores: dict[str, float], text_chars: int) -> float:
    """The score a topic needs on a page of `text_chars` characters where topics scored `scores`
    (before the rank step of `rule_strengths`)."""
    length_floor = min(max(MIN_SCORE, SCORE_PER_1000_CHARS * text_chars / 1000), MAX_LENGTH_FLOOR)
    best = max(scores.values(), default=0.0)
    return max(length_floor, RELATIVE_SCORE * min(best, BEST_CAP))


def rule_strengths(scores: dict[str, float], text_chars: int = 0) -> dict[str, float]:
    """Each topic's score over the floor it needs on the page (the third strongest and later ones
    a floor raised by RANK_STEP each): 1 or more is what the rules alone would assign."""
    floor = topic_floor(scores, text_chars)
    ranked = sorted(scores, key=lambda topic: (-scores[topic], topic))
    return {topic: scores[topic] / (floor * (1 + RANK_STEP * max(0, rank - 1))) for rank, topic in enumerate(ranked)}


def combine_topics(strengths: dict[str, float], settled: set[str] | frozenset[str],
                   probabilities: dict[str, float]) -> list[str]:
    """The topics whose classifier probability plus RULE_WEIGHT x rule strength (up to RULE_CAP)
    reaches THRESHOLD, and those a decisive name settled; strongest first."""
    combined = {topic: probabilities.get(topic, 0.0) + RULE_WEIGHT * min(strengths.get(topic, 0.0), RULE_CAP)
                for topic in {*strengths, *probabilities}}
    ranked = sorted(combined, key=lambda topic: (-combined[topic], topic))
    return [topic for topic in ranked if topic in settled or combined[topic] >= THRESHOLD]


def _score(items: list[Found]) -> float:
    """A topic's score: overlapping pieces of evidence ("regional development fund", "regional
    development", "regional") count once, by the longest, since the longest says what the words
    mean together: a fund's name says who pays, not what the page is about (ties: the strongest)."""
    total, cluster_end, best = 0.0, -1, (0, 0.0)
    for start, end, weight in sorted(items):
        if start >= cluster_end:
            total += best[1]
            cluster_end, best = end, (end - start, weight)
        else:
            cluster_end, best = max(cluster_end, end), max(best, (end - start, weight))
    return total + best[1]
