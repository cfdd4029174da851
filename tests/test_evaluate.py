"""`callwatch extract` and `callwatch eval` as a user runs them, on small made-up files."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.evaluate import evaluate, format_confusion

CALL = "Utlysning för innovation. Sista ansökningsdag är den 14 mars 2025. Vinnova finansierar projekten."
NEWS = "Fem projekt har beviljats stöd. Styrelsen har fattat beslut om 3 miljoner kronor, säger Anna Berg."


def test_extract_round_trips_jsonl(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    target = tmp_path / "out.jsonl"
    records = [
        {"id": "a", "text": CALL, "reference_date": "2025-01-10", "url": "https://example.org/a"},
        {"id": "b", "text": NEWS, "reference_date": "2025-01-10", "title": "Nya projekt"},
    ]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")

    result = CliRunner().invoke(cli, ["extract", "--input", str(source), "--output", str(target)])

    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert lines[0]["kind"] == "funding-call" and lines[0]["deadline"] == "2025-03-14"
    assert lines[0]["funders"] == [{"name": "Vinnova", "text": "Vinnova"}]
    assert lines[1]["kind"] == "news"


def test_extract_reads_stdin_and_writes_stdout() -> None:
    result = CliRunner().invoke(cli, ["extract"], input=json.dumps({"id": 7, "text": CALL}) + "\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["id"] == 7


def test_extract_reports_a_bad_line_by_number(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": CALL}) + "\n{not json\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", "--input", str(source)])
    assert result.exit_code != 0
    assert "in.jsonl:2" in result.output


def write_gold(path: Path) -> Path:
    gold = [
        {"id": "g1", "text": CALL, "reference_date": "2025-01-10", "kind": "funding-call", "call_status": "open",
         "deadline": "2025-03-14", "opening": None, "events": [],
         "funders": [["Vinnova", "Sweden's Innovation Agency"]], "topics": ["innovation-smes"], "amounts": []},
        {"id": "g2", "text": NEWS, "reference_date": "2025-01-10", "kind": "news", "call_status": None,
         "deadline": None, "opening": None, "events": [], "funders": [["Formas"]], "topics": [],
         "amounts": [{"value": 3000000, "currency": "SEK"}]},
    ]
    path.write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in gold) + "\n", encoding="utf-8")
    return path


def test_eval_prints_metrics_and_errors(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold.jsonl")
    result = CliRunner().invoke(cli, ["eval", "--gold", str(gold), "--errors"])
    assert result.exit_code == 0, result.output
    for label in ("kind accuracy", "kind macro-F1", "funding-call", "deadline accuracy", "funders", "topics",
                  "amounts"):
        assert label in result.output
    assert "kind accuracy        1.000" in result.output
    assert "g2: funder missed: Formas" in result.output  # gold names a funder the text does not


def test_eval_without_errors_prints_only_metrics(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold.jsonl")
    result = CliRunner().invoke(cli, ["eval", "--gold", str(gold)])
    assert result.exit_code == 0
    assert "errors" not in result.output


def test_kind_confusion_matrix_counts_gold_against_predicted() -> None:
    gold = [{"id": str(i), "kind": k} for i, k in enumerate(["funding-call", "funding-call", "news", "event"])]
    predicted = [{"id": str(i), "kind": k} for i, k in enumerate(["funding-call", "news", "news", "info"])]
    report = evaluate(gold, predicted)
    assert report.confusion == {("funding-call", "funding-call"): 1, ("funding-call", "news"): 1,
                                ("news", "news"): 1, ("event", "info"): 1}
    rows = {line.split()[0]: line.split()[1:] for line in format_confusion(report)[2:]}
    # columns: call, event, news, info (kinds seen, in vocabulary order)
    assert rows["funding-call"] == ["1", ".", "1", "."]
    assert rows["event"] == [".", ".", ".", "1"]


def test_funder_matches_any_alias_case_insensitively() -> None:
    gold = [{"id": "1", "kind": "info", "funders": [["European Regional Development Fund", "Eruf"]]}]
    by_text = [{"id": "1", "kind": "info", "funders": [{"name": "Something else", "text": "ERUF"}]}]
    wrong = [{"id": "1", "kind": "info", "funders": [{"name": "Vinnova", "text": "Vinnova"}]}]
    assert evaluate(gold, by_text).funders.f1 == 1.0
    report = evaluate(gold, wrong)
    assert (report.funders.tp, report.funders.fp, report.funders.fn) == (0, 1, 1)


def test_missing_deadline_is_right_only_when_gold_has_none() -> None:
    gold = [{"id": "1", "kind": "info", "deadline": None}, {"id": "2", "kind": "info", "deadline": "2025-03-01"}]
    predictions = [{"id": "1", "kind": "info", "deadline": None}, {"id": "2", "kind": "info", "deadline": None}]
    assert evaluate(gold, predictions).deadline_accuracy == 0.5


def test_eval_names_the_bad_gold_line(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "1", "text": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "--gold", str(gold)])
    assert result.exit_code != 0
    assert "gold.jsonl:1" in result.output and "kind" in result.output
