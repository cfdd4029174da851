"""Compare extraction output with hand-annotated gold records (format: shared eval dev.jsonl).

Metrics, as the extraction issue defines them:
- kind: accuracy and macro-F1 over the kinds present in gold or predictions;
- funding-call: precision/recall/F1 of kind == "funding-call";
- deadline: accuracy of the exact date (a missing deadline is right only when gold has none);
- funders: micro P/R/F1; a prediction matches a gold funder when its name or its surface text
  equals one of that funder's aliases, case-insensitively (each gold funder matches once);
- topics: micro P/R/F1 over taxonomy keys;
- amounts: micro F1 over (value, currency) pairs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import CallwatchError
from pipeline.vocabulary import PAGE_KINDS


class GoldFileError(CallwatchError):
    """The gold file cannot be read or a record lacks a required field."""


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    documents: int = 0
    kind_correct: int = 0
    kinds: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in PAGE_KINDS})
    deadline_correct: int = 0
    funders: Counts = field(default_factory=Counts)
    topics: Counts = field(default_factory=Counts)
    amounts: Counts = field(default_factory=Counts)
    deadlines_stated: int = 0  # gold records with a deadline
    deadlines_found: int = 0  # ... whose deadline was extracted exactly
    confusion: dict[tuple[str, str], int] = field(default_factory=dict)  # (gold kind, predicted kind) -> n
    errors: list[str] = field(default_factory=list)

    @property
    def kind_accuracy(self) -> float:
        return self.kind_correct / self.documents if self.documents else 0.0

    @property
    def kind_macro_f1(self) -> float:
        seen = [c for c in self.kinds.values() if c.tp + c.fp + c.fn]
        return sum(c.f1 for c in seen) / len(seen) if seen else 0.0

    @property
    def funding_call(self) -> Counts:
        return self.kinds["funding-call"]

    @property
    def deadline_accuracy(self) -> float:
        return self.deadline_correct / self.documents if self.documents else 0.0

    @property
    def deadline_recall(self) -> float:
        return self.deadlines_found / self.deadlines_stated if self.deadlines_stated else 0.0

    def metrics(self) -> dict[str, float]:
        return {
            "kind_accuracy": self.kind_accuracy,
            "kind_macro_f1": self.kind_macro_f1,
            "funding_call_precision": self.funding_call.precision,
            "funding_call_recall": self.funding_call.recall,
            "funding_call_f1": self.funding_call.f1,
            "deadline_accuracy": self.deadline_accuracy,
            "deadline_recall": self.deadline_recall,
            "funder_precision": self.funders.precision,
            "funder_recall": self.funders.recall,
            "funder_f1": self.funders.f1,
            "topic_precision": self.topics.precision,
            "topic_recall": self.topics.recall,
            "topic_f1": self.topics.f1,
            "amount_precision": self.amounts.precision,
            "amount_recall": self.amounts.recall,
            "amount_f1": self.amounts.f1,
        }


def read_gold(path: str | Path) -> list[dict[str, Any]]:
    """Annotated records from a JSON Lines file (for evaluation and for training), each checked
    for an id, a text and a known kind."""
    records = []
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise GoldFileError(f"{path}: cannot read gold file: {exc.strerror}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFileError(f"{path}:{number}: not valid JSON: {exc.msg}") from exc
        for name in ("id", "text", "kind"):
            if name not in record:
                raise GoldFileError(f"{path}:{number}: gold record lacks '{name}'")
        if record["kind"] not in PAGE_KINDS:
            raise GoldFileError(f"{path}:{number}: unknown kind {record['kind']!r} (one of {', '.join(PAGE_KINDS)})")
        records.append(record)
    return records


def evaluate(gold: Iterable[dict[str, Any]], predictions: Iterable[dict[str, Any]]) -> Report:
    """Score predictions (extract_records output) against gold records, matched by id."""
    predicted = {p["id"]: p for p in predictions}
    report = Report()
    for g in gold:
        p = predicted.get(g["id"])
        if p is None:
            raise GoldFileError(f"no prediction for gold record {g['id']!r}")
        report.documents += 1
        _score_kind(report, g, p)
        _score_deadline(report, g, p)
        _score_funders(report, g, p)
        _score_sets(report.topics, report.errors, g["id"], "topic", set(g.get("topics") or []),
                    set(p.get("topics") or []))
        _score_sets(report.amounts, report.errors, g["id"], "amount", _amount_set(g.get("amounts")),
                    _amount_set(p.get("amounts")))
    return report


def _score_kind(report: Report, g: dict[str, Any], p: dict[str, Any]) -> None:
    gold_kind, pred_kind = g["kind"], p.get("kind")
    report.confusion[gold_kind, pred_kind] = report.confusion.get((gold_kind, pred_kind), 0) + 1
    if gold_kind == pred_kind:
        report.kind_correct += 1
        report.kinds.setdefault(gold_kind, Counts()).tp += 1
        return
    report.kinds.setdefault(gold_kind, Counts()).fn += 1
    report.kinds.setdefault(pred_kind, Counts()).fp += 1
    report.errors.append(f"{g['id']}: kind {pred_kind} (gold {gold_kind})")


def _score_deadline(report: Report, g: dict[str, Any], p: dict[str, Any]) -> None:
    if g.get("deadline"):
        report.deadlines_stated += 1
        report.deadlines_found += g["deadline"] == p.get("deadline")
    if g.get("deadline") == p.get("deadline"):
        report.deadline_correct += 1
    else:
        report.errors.append(f"{g['id']}: deadline {p.get('deadline')} (gold {g.get('deadline')})")


def _score_funders(report: Report, g: dict[str, Any], p: dict[str, Any]) -> None:
    gold_aliases = [{alias.casefold() for alias in aliases} for aliases in g.get("funders") or []]
    unmatched = list(range(len(gold_aliases)))
    for funder in p.get("funders") or []:
        forms = {str(funder.get("name", "")).casefold(), str(funder.get("text", "")).casefold()}
        hit = next((i for i in unmatched if forms & gold_aliases[i]), None)
        if hit is None:
            report.funders.fp += 1
            report.errors.append(f"{g['id']}: funder not in gold: {funder.get('name')} ({funder.get('text')!r})")
        else:
            unmatched.remove(hit)
            report.funders.tp += 1
    for i in unmatched:
        report.funders.fn += 1
        report.errors.append(f"{g['id']}: funder missed: {g['funders'][i][0]}")


def _amount_set(amounts: list[dict[str, Any]] | None) -> set[tuple[float, str]]:
    return {(round(float(a["value"]), 2), str(a.get("currency"))) for a in amounts or []}


def _score_sets(counts: Counts, errors: list[str], doc_id: str, label: str, gold: set[Any],
                pred: set[Any]) -> None:
    counts.tp += len(gold & pred)
    counts.fp += len(pred - gold)
    counts.fn += len(gold - pred)
    for item in sorted(pred - gold, key=str):
        errors.append(f"{doc_id}: {label} not in gold: {_show(item)}")
    for item in sorted(gold - pred, key=str):
        errors.append(f"{doc_id}: {label} missed: {_show(item)}")


def _show(item: Any) -> str:
    if isinstance(item, tuple):
        value, currency = item
        return f"{value:g} {currency}"
    return str(item)


def format_report(report: Report, with_errors: bool = True) -> str:
    """Human-readable metrics (and error list) as printed by `callwatch eval`."""
    fc, fu, to, am = report.funding_call, report.funders, report.topics, report.amounts
    lines = [
        f"documents            {report.documents}",
        f"kind accuracy        {report.kind_accuracy:.3f}",
        f"kind macro-F1        {report.kind_macro_f1:.3f}",
        f"funding-call         P {fc.precision:.3f}  R {fc.recall:.3f}  F1 {fc.f1:.3f}",
        f"deadline accuracy    {report.deadline_accuracy:.3f}  (recall of stated deadlines "
        f"{report.deadline_recall:.3f}, {report.deadlines_stated} stated)",
        f"funders              P {fu.precision:.3f}  R {fu.recall:.3f}  F1 {fu.f1:.3f}",
        f"topics               P {to.precision:.3f}  R {to.recall:.3f}  F1 {to.f1:.3f}",
        f"amounts              P {am.precision:.3f}  R {am.recall:.3f}  F1 {am.f1:.3f}",
    ]
    lines += ["", *format_confusion(report)]
    if with_errors:
        lines.append(f"\nerrors ({len(report.errors)}):")
        lines.extend(f"  {error}" for error in report.errors)
    return "\n".join(lines)


def format_confusion(report: Report) -> list[str]:
    """The kind confusion matrix: a row per gold kind, a column per predicted kind."""
    kinds = [k for k in PAGE_KINDS if any(k in pair for pair in report.confusion)]
    kinds += sorted({str(k) for pair in report.confusion for k in pair} - set(kinds))
    short = {k: k.replace("funding-call", "call").replace("partner-search", "partner")[:8] for k in kinds}
    lines = ["kind confusion (rows: gold, columns: predicted)",
             " " * 16 + "".join(f"{short[k]:>9}" for k in kinds)]
    for gold in kinds:
        row = [report.confusion.get((gold, pred), 0) for pred in kinds]
        if any(row):
            lines.append(f"{gold:<16}" + "".join(f"{n or '.':>9}" for n in row))
    return lines
