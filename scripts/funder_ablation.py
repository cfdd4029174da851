"""Funder context rules, one at a time: funders P/R/F1 on train and dev with each drop rule switched
off (a cue list emptied, a rule bypassed, a threshold moved one step), against the rules as they are.

Each page is read once (language, tokens, registry mentions, named bodies, bodies introduced as
paying: none of these depend on the context rules); then only the funder selection is run again per
variant, and scored as `callwatch eval` scores funders. Never run on the sealed test.

    .venv/bin/python scripts/funder_ablation.py eval/corpus/train.jsonl eval/corpus/dev.jsonl

Results (RESULTS below, filled in from a run; F1 per split, delta against "baseline").
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
        registered = finder.find_mentions(doc)
        introduced, confirmed = [], []
        for named in finder.context_names.find(doc):
            known = any(m.start < named.end and named.start < m.end for m in registered)
            (confirmed if known else introduced).append((named.start, named.end) if known else named)
        mentions = list(registered)
        for body in finder._named_bodies(doc, registered):
            parts = [n for n in introduced if n.start < body.end and body.start < n.end]
            if parts and all(body.start <= n.start and n.end <= body.end and n.end - n.start < body.end - body.start
                             for n in parts):
                introduced = [n for n in introduced if n not in parts]
                confirmed.append((body.start, body.end))
            elif parts:
                continue
            mentions.append(body)
        self.finder = finder
        self.text = doc_text(doc)
        self.mentions, self.confirmed, self.introduced = mentions, confirmed, introduced

    def funders(self, mentions: list[Mention] | None = None) -> list[dict[str, str]]:
        found = self.finder.select_funders(self.text, self.mentions if mentions is None else mentions, self.confirmed)
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
    """The group "eu" is read only where an EU programme found keeps generic "EU funding" from
    counting as the ERDF: renamed, that rule is off."""
    return replace(m, entry=replace(m.entry, group="eu-programme")) if m.entry.group == "eu" else m


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
        ("catalogue off (CATALOGUE_SIZE 4 -> inf)", lambda: constant("CATALOGUE_SIZE", 10**6), None),
        ("catalogue 4 -> 5", lambda: constant("CATALOGUE_SIZE", 5), None),
        ("catalogue 4 -> 3", lambda: constant("CATALOGUE_SIZE", 3), None),
        ("agency list off (LIST_SIZE 3 -> inf)", lambda: constant("LIST_SIZE", 10**6), None),
        ("agency list 3 -> 4", lambda: constant("LIST_SIZE", 4), None),
        ("agency list 3 -> 5", lambda: constant("LIST_SIZE", 5), None),
        ("regions judged as agencies", nothing, region_as_agency),
        ("region verb reach 45 -> 60", lambda: constant("REGION_VERB_REACH", 60), None),
        ("region verb reach 45 -> 80", lambda: constant("REGION_VERB_REACH", 80), None),
        ("region verb reach 45 -> 120", lambda: constant("REGION_VERB_REACH", 120), None),
        ("region call reach 60 -> 80", lambda: constant("REGION_CALL_REACH", 80), None),
        ("region cue before 20 -> 30", lambda: constant("REGION_CUE_BEFORE", 30), None),
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
