r"""Funder context rules, one at a time: funders P/R/F1 on train and dev with each drop rule switched
off (a cue list emptied, a rule bypassed, a threshold moved one step), against the rules as they are.

Each page is read once (language, tokens, registry mentions, named bodies, bodies introduced as
paying: none of these depend on the context rules); then only the funder selection is run again per
variant, and scored as `callwatch eval` scores funders. Never run on the sealed test.

    .venv/bin/python scripts/funder_ablation.py eval/corpus/train.jsonl eval/corpus/dev.jsonl

Variants: a cue list of models/funders.toml [context] emptied, or saying "maybe" where it said "no"
(the mention alone no longer shows the body does not pay; the body may still be the page's funder);
each single pattern of those lists left out; a threshold of pipeline/nlp/funders.py moved a step or
switched off; regions judged as agencies; "maybe" kept as "yes"; the generic-EU (ERDF) conditions
lifted one by one. Funders F1 per split, and its change against the baseline of the same run.

A. Against main (175d7ab; baseline P/R/F1 train 0.831/0.779/0.8043, dev 0.865/0.768/0.8133).
Single patterns left out are shown only where they changed anything.

variant                                                                 train F1 (d)     dev F1 (d)
baseline                                                                0.8043 +0.0000  0.8133 +0.0000
cue list 'host' emptied                                                 0.8020 -0.0023  0.8132 -0.0001
cue list 'host_after' emptied                                           0.8032 -0.0011  0.8137 +0.0004
cue list 'portal_after' emptied                                         0.8045 +0.0002  0.8109 -0.0024
cue list 'affiliation_before' emptied                                   0.8029 -0.0014  0.8101 -0.0032
cue list 'affiliation_after' emptied                                    0.8043 +0.0000  0.8117 -0.0016
cue list 'recipient_after' emptied                                      0.8036 -0.0007  0.8133 +0.0000
cue list 'recipient_before' emptied                                     0.8036 -0.0007  0.8133 +0.0000
cue list 'superseded_before' emptied                                    0.8036 -0.0007  0.8125 -0.0008
cue list 'superseded_after' emptied                                     0.8041 -0.0002  0.8133 +0.0000
cue list 'eligibility_after' emptied                                    0.8041 -0.0002  0.8133 +0.0000
cue list 'host' says maybe, not no                                      0.8043 +0.0000  0.8133 +0.0000
cue list 'host_after' says maybe, not no                                0.8038 -0.0005  0.8137 +0.0004
cue list 'portal_after' says maybe, not no                              0.8043 +0.0000  0.8133 +0.0000
cue list 'affiliation_before' says maybe, not no                        0.8032 -0.0011  0.8113 -0.0020
cue list 'affiliation_after' says maybe, not no                         0.8043 +0.0000  0.8125 -0.0008
cue list 'recipient_after' says maybe, not no                           0.8043 +0.0000  0.8133 +0.0000
cue list 'recipient_before' says maybe, not no                          0.8041 -0.0002  0.8133 +0.0000
cue list 'superseded_before' says maybe, not no                         0.8041 -0.0002  0.8133 +0.0000
cue list 'superseded_after' says maybe, not no                          0.8043 +0.0000  0.8133 +0.0000
cue list 'eligibility_after' says maybe, not no                         0.8041 -0.0002  0.8133 +0.0000
catalogue says maybe, not no                                            0.8032 -0.0011  0.8125 -0.0008
agency list says maybe, not no                                          0.8043 +0.0000  0.8125 -0.0008
catalogue off (CATALOGUE_SIZE 4 -> inf)                                 0.8025 -0.0018  0.8125 -0.0008
catalogue 4 -> 5                                                        0.8043 -0.0000  0.8125 -0.0008
catalogue 4 -> 3                                                        0.8016 -0.0027  0.8087 -0.0046
agency list off (LIST_SIZE 3 -> inf)                                    0.8060 +0.0017  0.8125 -0.0008
agency list 3 -> 4                                                      0.8053 +0.0010  0.8133 +0.0000
agency list 3 -> 5                                                      0.8056 +0.0013  0.8125 -0.0008
regions judged as agencies                                              0.7966 -0.0077  0.8034 -0.0099
region verb reach 45 -> 60                                              0.8045 +0.0002  0.8137 +0.0004
region verb reach 45 -> 80                                              0.8043 -0.0000  0.8129 -0.0004
region verb reach 45 -> 120                                             0.8046 +0.0003  0.8129 -0.0004
region call reach 60 -> 80                                              0.8043 +0.0000  0.8133 +0.0000
region cue before 20 -> 30                                              0.8047 +0.0004  0.8125 -0.0008
registered 'maybe' always kept                                          0.8045 +0.0002  0.8041 -0.0092
named bodies: 'maybe' kept                                              0.7926 -0.0117  0.8154 +0.0021
no verdict 'no' for registry mentions                                   0.7912 -0.0131  0.7962 -0.0171
generic EU: no money wording needed                                     0.8034 -0.0009  0.8117 -0.0016
generic EU: no structural wording needed                                0.7992 -0.0051  0.8069 -0.0063
generic EU: counted beside an EU programme                              0.8043 +0.0000  0.8133 +0.0000
host without `i samarbete med`                                          0.8042 -0.0001  0.8133 +0.0000
host without `tillsammans med`                                          0.8043 +0.0000  0.8156 +0.0023
host without `together with`                                            0.8044 +0.0001  0.8133 +0.0000
host without `kontakta`                                                 0.8041 -0.0002  0.8133 +0.0000
host without `arrangeras av`                                            0.8043 +0.0000  0.8125 -0.0008
host without `värd`                                                     0.8041 -0.0002  0.8133 +0.0000
host without `organi[sz]ed by`                                          0.8036 -0.0007  0.8133 +0.0000
host without `hosted by`                                                0.8038 -0.0005  0.8133 +0.0000
host without `beneficiar`                                               0.8041 -0.0002  0.8133 +0.0000
host without `recipients?`                                              0.8041 -0.0002  0.8133 +0.0000
host without `enligt`                                                   0.8041 -0.0002  0.8133 +0.0000
host without `managing authorit`                                        0.8043 +0.0000  0.8117 -0.0016
host_after without `^(is|are|will be) (organi[sz]ing|hosting|arran...`  0.8043 +0.0000  0.8145 +0.0012
host_after without `^(arrangerar|anordnar|bjuder in)`                   0.8041 -0.0002  0.8133 +0.0000
host_after without `^(är|var|is|was|acts as)( the| den)? (förvalta...`  0.8043 +0.0000  0.8125 -0.0008
host_after without `^[^.,\n]{0,60}\b(hanterar|handlägger|granskar|...`  0.8034 -0.0009  0.8133 +0.0000
portal_after without `^(e-tjänst|webb|webbplats|hemsida|website|we...`  0.8045 +0.0002  0.8109 -0.0024
affiliation_before without `\b(vd|ordförande|ledamot|styrelseledam...`  0.8041 -0.0002  0.8125 -0.0008
affiliation_before without `\b[\wåäö]*(chef|direktör|analytiker|rå...`  0.8034 -0.0009  0.8125 -0.0008
affiliation_before without `\b(en |ett )?(representant|representan...`  0.8041 -0.0002  0.8113 -0.0020
affiliation_before without `\b[\wåäö]*(analytiker|rådgivare|strate...`  0.8041 -0.0002  0.8133 +0.0000
affiliation_before without `\b(head|director|ceo|chair|chairman|ch...`  0.8045 +0.0002  0.8145 +0.0012
affiliation_after without `^(generaldirektör|gd|vd|ordförande|styr...`  0.8043 +0.0000  0.8125 -0.0008
affiliation_after without `^(’s|'s)? ?(director[ -]general|directo...`  0.8043 +0.0000  0.8125 -0.0008
recipient_after without `^(har |hade )?(nu |också |även )?(bevilja...`  0.8043 +0.0000  0.8121 -0.0012
recipient_after without `^(beviljas|får|erhåller|tilldelas|ansöker...`  0.8038 -0.0005  0.8145 +0.0012
recipient_after without `^, (har )?(beviljats|beviljades|tilldelad...`  0.8041 -0.0002  0.8133 +0.0000
recipient_before without `(\b(kronor|kr|sek|euro|eur|€|miljoner|mi...`  0.8036 -0.0007  0.8133 +0.0000
superseded_before without `\b(succeeds|succeeded|follows|followed|...`  0.8036 -0.0007  0.8125 -0.0008
superseded_after without `^\)?,? ?((which|that) (was|has been) )?(...`  0.8041 -0.0002  0.8133 +0.0000
eligibility_after without `^(-| )?(associated|associate) countr(y|...`  0.8041 -0.0002  0.8133 +0.0000

B. Against the ablation branch after its three changes (REGION_VERB_REACH 45 -> 60; host cues
without 'tillsammans med' / 'together with'; affiliation_before without the English posts
pattern). Main took the last two only: the longer region reach found as many wrong funders as
right ones, so main keeps 45;
baseline P/R/F1 train 0.829/0.782/0.8048, dev 0.864/0.775/0.8171.

variant                                                                 train F1 (d)     dev F1 (d)
baseline                                                                0.8048 +0.0000  0.8171 +0.0000
cue list 'host' emptied                                                 0.8025 -0.0024  0.8140 -0.0032
cue list 'host_after' emptied                                           0.8037 -0.0011  0.8175 +0.0004
cue list 'portal_after' emptied                                         0.8051 +0.0002  0.8147 -0.0024
cue list 'affiliation_before' emptied                                   0.8033 -0.0016  0.8128 -0.0043
cue list 'affiliation_after' emptied                                    0.8048 +0.0000  0.8155 -0.0016
cue list 'recipient_after' emptied                                      0.8042 -0.0007  0.8171 +0.0000
cue list 'recipient_before' emptied                                     0.8042 -0.0007  0.8171 +0.0000
cue list 'superseded_before' emptied                                    0.8042 -0.0007  0.8163 -0.0008
cue list 'superseded_after' emptied                                     0.8046 -0.0002  0.8171 +0.0000
cue list 'eligibility_after' emptied                                    0.8046 -0.0002  0.8171 +0.0000
cue list 'host' says maybe, not no                                      0.8048 +0.0000  0.8171 +0.0000
cue list 'host_after' says maybe, not no                                0.8044 -0.0005  0.8175 +0.0004
cue list 'portal_after' says maybe, not no                              0.8048 +0.0000  0.8171 +0.0000
cue list 'affiliation_before' says maybe, not no                        0.8035 -0.0014  0.8152 -0.0019
cue list 'affiliation_after' says maybe, not no                         0.8048 +0.0000  0.8163 -0.0008
cue list 'recipient_after' says maybe, not no                           0.8048 +0.0000  0.8171 +0.0000
cue list 'recipient_before' says maybe, not no                          0.8046 -0.0002  0.8171 +0.0000
cue list 'superseded_before' says maybe, not no                         0.8046 -0.0002  0.8171 +0.0000
cue list 'superseded_after' says maybe, not no                          0.8048 +0.0000  0.8171 +0.0000
cue list 'eligibility_after' says maybe, not no                         0.8046 -0.0002  0.8171 +0.0000
catalogue says maybe, not no                                            0.8037 -0.0011  0.8163 -0.0008
agency list says maybe, not no                                          0.8043 -0.0006  0.8163 -0.0008
CATALOGUE_SIZE 4 -> 3                                                   0.8022 -0.0027  0.8126 -0.0046
CATALOGUE_SIZE 4 -> 5                                                   0.8048 -0.0000  0.8163 -0.0008
CATALOGUE_SIZE 4 -> off                                                 0.8030 -0.0018  0.8163 -0.0008
LIST_SIZE 3 -> 2                                                        0.8011 -0.0037  0.8129 -0.0042
LIST_SIZE 3 -> 4                                                        0.8059 +0.0010  0.8171 +0.0000
LIST_SIZE 3 -> 5                                                        0.8062 +0.0013  0.8163 -0.0008
LIST_SIZE 3 -> off                                                      0.8056 +0.0008  0.8163 -0.0008
REGION_VERB_REACH 60 -> 45                                              0.8046 -0.0002  0.8168 -0.0004
REGION_VERB_REACH 60 -> 80                                              0.8046 -0.0002  0.8163 -0.0008
REGION_VERB_REACH 60 -> 120                                             0.8050 +0.0001  0.8163 -0.0008
REGION_CALL_REACH 60 -> 45                                              0.8042 -0.0007  0.8171 +0.0000
REGION_CALL_REACH 60 -> 80                                              0.8048 +0.0000  0.8171 +0.0000
REGION_CUE_BEFORE 20 -> 10                                              0.8039 -0.0009  0.8168 -0.0004
REGION_CUE_BEFORE 20 -> 30                                              0.8053 +0.0004  0.8163 -0.0008
regions judged as agencies                                              0.7969 -0.0079  0.8046 -0.0125
registered 'maybe' always kept                                          0.8041 -0.0007  0.8078 -0.0093
named bodies: 'maybe' kept                                              0.7929 -0.0119  0.8184 +0.0012
no verdict 'no' for registry mentions                                   0.7909 -0.0140  0.8008 -0.0164
generic EU: no money wording needed                                     0.8039 -0.0009  0.8155 -0.0016
generic EU: no structural wording needed                                0.7998 -0.0051  0.8108 -0.0064
generic EU: counted beside an EU programme                              0.8048 +0.0000  0.8171 +0.0000
host without `i samarbete med`                                          0.8047 -0.0001  0.8171 +0.0000
host without `kontakta`                                                 0.8046 -0.0002  0.8171 +0.0000
host without `arrangeras av`                                            0.8048 +0.0000  0.8163 -0.0008
host without `värd`                                                     0.8046 -0.0002  0.8171 +0.0000
host without `organi[sz]ed by`                                          0.8042 -0.0007  0.8171 +0.0000
host without `hosted by`                                                0.8044 -0.0005  0.8171 +0.0000
host without `stödmottagare`                                            0.8048 +0.0000  0.8163 -0.0008
host without `beneficiar`                                               0.8046 -0.0002  0.8171 +0.0000
host without `recipients?`                                              0.8046 -0.0002  0.8171 +0.0000
host without `enligt`                                                   0.8046 -0.0002  0.8171 +0.0000
host without `managing authorit`                                        0.8048 +0.0000  0.8155 -0.0016
host_after without `^(is|are|will be) (organi[sz]ing|hosting|arran...`  0.8048 +0.0000  0.8183 +0.0011
host_after without `^(arrangerar|anordnar|bjuder in)`                   0.8046 -0.0002  0.8171 +0.0000
host_after without `^(är|var|is|was|acts as)( the| den)? (förvalta...`  0.8048 +0.0000  0.8163 -0.0008
host_after without `^[^.,\n]{0,60}\b(hanterar|handlägger|granskar|...`  0.8039 -0.0009  0.8171 +0.0000
portal_after without `^(e-tjänst|webb|webbplats|hemsida|website|we...`  0.8051 +0.0002  0.8147 -0.0024
affiliation_before without `\b(vd|ordförande|ledamot|styrelseledam...`  0.8046 -0.0002  0.8163 -0.0008
affiliation_before without `\b[\wåäö]*(chef|direktör|analytiker|rå...`  0.8039 -0.0009  0.8163 -0.0008
affiliation_before without `\b(en |ett )?(representant|representan...`  0.8046 -0.0002  0.8152 -0.0019
affiliation_before without `\b[\wåäö]*(analytiker|rådgivare|strate...`  0.8046 -0.0002  0.8171 +0.0000
affiliation_after without `^(generaldirektör|gd|vd|ordförande|styr...`  0.8048 +0.0000  0.8163 -0.0008
affiliation_after without `^(’s|'s)? ?(director[ -]general|directo...`  0.8048 +0.0000  0.8163 -0.0008
recipient_after without `^(har |hade )?(nu |också |även )?(bevilja...`  0.8048 +0.0000  0.8160 -0.0012
recipient_after without `^(beviljas|får|erhåller|tilldelas|ansöker...`  0.8044 -0.0005  0.8183 +0.0011
recipient_after without `^, (har )?(beviljats|beviljades|tilldelad...`  0.8046 -0.0002  0.8171 +0.0000
recipient_before without `(\b(kronor|kr|sek|euro|eur|€|miljoner|mi...`  0.8042 -0.0007  0.8171 +0.0000
superseded_before without `\b(succeeds|succeeded|follows|followed|...`  0.8042 -0.0007  0.8163 -0.0008
superseded_after without `^\)?,? ?((which|that) (was|has been) )?(...`  0.8046 -0.0002  0.8171 +0.0000
eligibility_after without `^(-| )?(associated|associate) countr(y|...`  0.8046 -0.0002  0.8171 +0.0000

Read: a rule was loosened where F1 rises on both splits (A: REGION_VERB_REACH 45 -> 60, not
merged, see B; the English posts pattern of affiliation_before; and host's "tillsammans med" / "together with",
one cue in two languages, +0.0000/+0.0023 and +0.0001/+0.0000 alone, +0.0001/+0.0023 together).
Left as they are, one split gaining and the other losing or unchanged: LIST_SIZE 3 -> 4 (train
+0.0010, dev 0), 5 or off; REGION_CUE_BEFORE 20 -> 30; "named bodies: 'maybe' kept"; portal_after;
host_after "is/are organising" and recipient_after "beviljas/får/ansöker" (dev only). Neutral on
both (no data for or against): host saying "maybe", REGION_CALL_REACH 60 -> 80, the generic-EU
condition "no EU programme found".
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from pipeline.evaluate import Report, _score_funders, read_gold
from pipeline.extract import bounded_text
from pipeline.model_files import load_model_toml
from pipeline.nlp import funders as funders_module
from pipeline.nlp.build import load_nlp
from pipeline.nlp.extensions import doc_text
from pipeline.nlp.funder_registry import REGISTRY_FILE
from pipeline.nlp.funders import FunderFinder, Mention
from pipeline.nlp.language import SAMPLE_WORDS, detect_language, pipeline_language, sample_words

# the context cue lists (models/funders.toml [context]) that make a mention "no" (or "maybe")
DROP_CUES = ("host", "host_after", "portal_after", "affiliation_before", "affiliation_after", "recipient_after",
             "recipient_before", "superseded_before", "superseded_after", "eligibility_after")
NEVER = re.compile(r"(?!x)x")
ALWAYS = re.compile(r"")


class Page:
    """What the funder finder reads of one page before its context rules."""

    def __init__(self, finder: FunderFinder, doc: Any) -> None:
        self.finder = finder
        self.text = doc_text(doc)
        self.mentions, self.confirmed, self.introduced = finder.candidates(doc)

    def funders(self, mentions: list[Mention] | None = None) -> list[dict[str, str]]:
        found = self.finder.select_funders(self.text, self.mentions if mentions is None else mentions, self.confirmed,
                                           others_pay=bool(self.introduced))
        return found + self.finder.unregistered_funders(self.introduced, found)


def read_pages(path: str) -> list[tuple[dict[str, Any], Page]]:
    pages = []
    for record in read_gold(path):
        text = bounded_text(record.get("text") or "", record["id"])
        words = sample_words(text)
        lang = detect_language(text, words)
        nlp = load_nlp(pipeline_language(lang))
        doc = nlp.make_doc(text)
        doc.user_data["callwatch_text"] = text
        doc.user_data[SAMPLE_WORDS] = words
        doc._.lang = lang
        pages.append((record, Page(nlp.get_pipe("callwatch_funders"), doc)))
    return pages


MentionChange = Callable[[Mention], Mention] | None


def region_as_agency(m: Mention) -> Mention:
    return replace(m, entry=replace(m.entry, role="agency")) if m.entry.role == "region" else m


def eu_not_eu(m: Mention) -> Mention:
    """The groups "eu" and "cohesion" are read only where an EU programme found keeps generic "EU
    funding" from counting as the ERDF: renamed, that rule is off."""
    if m.entry.group not in ("eu", "cohesion"):
        return m
    return replace(m, entry=replace(m.entry, group=f"{m.entry.group}-programme"))


def score(pages: list[tuple[dict[str, Any], Page]], change: MentionChange = None) -> tuple[float, float, float]:
    report = Report()
    for record, page in pages:
        mentions = None if change is None else [change(m) for m in page.mentions]
        _score_funders(report, record, {"funders": page.funders(mentions)})
    c = report.funders
    return c.precision, c.recall, c.f1


def _finders(pages_by_split: dict[str, list]) -> set[FunderFinder]:
    return {page.finder for pages in pages_by_split.values() for _, page in pages}


@contextmanager
def cue(finders: set[FunderFinder], kind: str, pattern: re.Pattern[str] = NEVER) -> Iterator[None]:
    saved = {f: f.cues for f in finders}
    for f in finders:
        f.cues = {**f.cues, kind: pattern}
    try:
        yield
    finally:
        for f, cues in saved.items():
            f.cues = cues


@contextmanager
def constant(name: str, value: Any) -> Iterator[None]:
    saved = getattr(funders_module, name)
    setattr(funders_module, name, value)
    try:
        yield
    finally:
        setattr(funders_module, name, saved)


@contextmanager
def verdict_wrapped(change: Callable[[Mention, str], str]) -> Iterator[None]:
    original = FunderFinder._verdict

    def wrapped(self: FunderFinder, mention: Mention, context: Any, search: Any) -> str:
        return change(mention, original(self, mention, context, search))

    FunderFinder._verdict = wrapped  # type: ignore[method-assign]
    try:
        yield
    finally:
        FunderFinder._verdict = original  # type: ignore[method-assign]


@contextmanager
def softened(finders: set[FunderFinder], off: Callable[[], Any]) -> Iterator[None]:
    """A rule that says "no" says "maybe" instead (the mention alone no longer shows the body pays,
    but the body may still be the page's funder): where the verdict is "no" with the rule and not
    without it (`off`), it becomes "maybe"."""
    original = FunderFinder._verdict

    def wrapped(self: FunderFinder, mention: Mention, context: Any, search: Any) -> str:
        verdict = original(self, mention, context, search)
        if verdict != "no":
            return verdict
        with off():
            without = original(self, mention, context, search)
        return "maybe" if without != "no" else verdict

    FunderFinder._verdict = wrapped  # type: ignore[method-assign]
    try:
        yield
    finally:
        FunderFinder._verdict = original  # type: ignore[method-assign]


@contextmanager
def attribute(owner: type, name: str, value: Any) -> Iterator[None]:
    saved = owner.__dict__[name]  # (a staticmethod as such, not the function it gives)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, saved)


@contextmanager
def nothing() -> Iterator[None]:
    yield


# (constant in pipeline/nlp/funders.py, values tried besides its own; 10**6: the rule off)
THRESHOLDS = {
    "CATALOGUE_SIZE": (3, 5, 10**6),
    "LIST_SIZE": (2, 4, 5, 10**6),
    "REGION_VERB_REACH": (45, 80, 120),
    "REGION_CALL_REACH": (45, 80),
    "REGION_CUE_BEFORE": (10, 30),
}


def thresholds() -> list[tuple[str, Callable[[], Any], MentionChange]]:
    found: list[tuple[str, Callable[[], Any], MentionChange]] = []
    for name, values in THRESHOLDS.items():
        current = getattr(funders_module, name)
        for value in values:
            shown = "off" if value == 10**6 else value
            found.append((f"{name} {current} -> {shown}", lambda name=name, value=value: constant(name, value), None))
    return found


def variants(finders: set[FunderFinder]) -> list[tuple[str, Callable[[], Any], MentionChange]]:
    """(label, context manager factory, change made to every mention)."""
    found: list[tuple[str, Callable[[], Any], MentionChange]] = [("baseline", nothing, None)]
    for kind in DROP_CUES:
        found.append((f"cue list '{kind}' emptied", lambda kind=kind: cue(finders, kind), None))
    found += [
        *[(f"cue list '{kind}' says maybe, not no", lambda kind=kind: softened(finders, lambda: cue(finders, kind)),
            None) for kind in DROP_CUES],
        ("catalogue says maybe, not no", lambda: softened(finders, lambda: constant("CATALOGUE_SIZE", 10**6)), None),
        ("agency list says maybe, not no", lambda: softened(finders, lambda: constant("LIST_SIZE", 10**6)), None),
        *thresholds(),
        ("regions judged as agencies", nothing, region_as_agency),
        ("registered 'maybe' always kept", lambda: verdict_wrapped(
            lambda m, v: "yes" if v == "maybe" and m.entry.group != funders_module.NAMED_GROUP else v), None),
        ("named bodies: 'maybe' kept", lambda: verdict_wrapped(
            lambda m, v: "yes" if v == "maybe" and m.entry.group == funders_module.NAMED_GROUP else v), None),
        ("no verdict 'no' for registry mentions", lambda: verdict_wrapped(
            lambda m, v: "maybe" if v == "no" and m.entry.group != funders_module.NAMED_GROUP else v), None),
        ("generic EU: no money wording needed", lambda: attribute(
            FunderFinder, "_generic_pays", staticmethod(lambda *a: True)), None),
        ("generic EU: no structural wording needed", lambda: cue(finders, "structural", ALWAYS), None),
        ("generic EU: counted beside an EU programme", nothing, eu_not_eu),
    ]
    found = [(label, manager, change or None) for label, manager, change in found]
    # each pattern of the drop cue lists left out alone
    context = load_model_toml(REGISTRY_FILE)["context"]
    for kind in DROP_CUES:
        patterns = context[kind]
        for i, left_out in enumerate(patterns):
            rest = patterns[:i] + patterns[i + 1:]
            pattern = re.compile("|".join(f"(?:{p})" for p in rest), re.IGNORECASE | re.MULTILINE) if rest else NEVER
            found.append((f"{kind} without `{left_out}`",
                          lambda kind=kind, pattern=pattern: cue(finders, kind, pattern), None))
    return found


def main(paths: list[str]) -> None:
    pages_by_split = {path: read_pages(path) for path in paths}
    finders = _finders(pages_by_split)
    rows = []
    for label, manager, change in variants(finders):
        with manager():
            rows.append((label, [score(pages, change) for pages in pages_by_split.values()]))
    base = rows[0][1]
    names = [p.rsplit("/", 1)[-1].removesuffix(".jsonl") for p in paths]
    print("| variant | " + " | ".join(f"{n} P / R / F1 (dF1)" for n in names) + " |")
    print("|---|" + "---|" * len(names))
    for label, scores in rows:
        cells = [f"{p:.3f} / {r:.3f} / {f:.4f} ({f - b[2]:+.4f})" for (p, r, f), b in zip(scores, base, strict=True)]
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
