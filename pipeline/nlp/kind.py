"""Kind of page (funding-call, partner-search, event, news, project, info): a trained text
classifier (kind_model.py) over the page's opening and what the other components found in it,
with the cue rules (kind_cues.py) as a second opinion added to its probabilities.

The component runs last in the pipeline, so the dates, amounts and identifiers it reads as
evidence are set; it classifies a batch of pages at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from pipeline.nlp.extensions import doc_text
from pipeline.nlp.kind_cues import PageFacts, kind_cues
from pipeline.nlp.kind_model import predict_kinds
from pipeline.vocabulary import PAGE_KINDS

# How much one point of cue score weighs against the classifier's probabilities (which sum to 1),
# and a handicap on funding-call: a page read as a call is an alert in the digest, so a call must
# win by a margin. Both chosen by 5-fold cross-validation on train+dev (the classifier retrained
# on each fold): accuracy and funding-call precision both rose, recall stayed about 0.90.
CUE_WEIGHT = 0.1
KIND_BIAS = {"funding-call": -0.2}


@Language.factory("callwatch_kind", assigns=["doc._.kind"],
                  requires=["doc._.deadline", "doc._.opening", "doc._.call_status", "doc._.events", "doc._.amounts",
                            "doc._.identifiers", "doc._.funders", "doc._.topics", "doc._.date_counts"])
def make_kind_classifier(nlp: Language, name: str) -> KindClassifier:
    return KindClassifier()


class KindClassifier:
    def __init__(self, cue_weight: float = CUE_WEIGHT) -> None:
        self.cues = kind_cues()
        self.cue_weight = cue_weight

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            for doc, probabilities in zip(batch, predict_kinds(batch, batch[0].lang_), strict=True):
                doc._.kind = self.decide(doc, probabilities)
                yield doc

    def decide(self, doc: Doc, probabilities: dict[str, float]) -> str:
        cue_scores = self.cues.scores(doc_text(doc), doc._.title, PageFacts.of(doc)) if self.cue_weight else {}
        return max(PAGE_KINDS, key=lambda kind: probabilities.get(kind, 0.0) + KIND_BIAS.get(kind, 0.0)
                   + self.cue_weight * cue_scores.get(kind, 0.0))
