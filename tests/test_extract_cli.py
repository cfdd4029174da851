"""`callwatch extract` on a file with bad lines: each reported by number, the good ones extracted."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli

CALL = "Utlysning för innovation. Sista ansökningsdag är den 14 mars 2025. Vinnova finansierar projekten."
EVENT = "Välkommen till informationsdag om Interreg den 3 april 2025 i Malmö. Anmäl dig senast 1 april."


def run_extract(tmp_path: Path, lines: list[str], bom: bool = False) -> tuple[int, list[dict], list[str]]:
    source = tmp_path / "in.jsonl"
    target = tmp_path / "out.jsonl"
    source.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\n".join(lines) + "\n").encode("utf-8"))
    result = CliRunner().invoke(cli, ["extract", "--input", str(source), "--output", str(target)])
    written = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    return result.exit_code, written, result.stderr.splitlines()


def test_every_bad_line_is_reported_with_its_number_and_the_good_lines_are_all_extracted(tmp_path):
    lines = [
        json.dumps({"id": "a", "text": CALL}),
        '{"id": "b", "text": "unterminated}',                     # 2: broken JSON
        json.dumps({"text": CALL}),                                # 3: no id
        json.dumps(["not", "an", "object"]),                       # 4
        json.dumps({"id": "e", "title": "Only a title"}),          # 5: no text
        json.dumps({"id": "f", "text": "   "}),                    # 6: blank text
        json.dumps({"id": "g", "text": 42}),                       # 7: text not a string
        json.dumps({"id": "h", "text": EVENT}, ensure_ascii=False),
    ]
    code, written, errors = run_extract(tmp_path, lines)

    assert code == 1
    assert [r["id"] for r in written] == ["a", "h"]
    assert written[0]["kind"] == "funding-call" and written[0]["deadline"] == "2025-03-14"
    reported = [e for e in errors if e.startswith(f"{tmp_path / 'in.jsonl'}:")]
    assert [int(e.split(":")[1]) for e in reported] == [2, 3, 4, 5, 6, 7]
    by_line = {int(e.split(":")[1]): e for e in reported}
    assert "Unterminated string" in by_line[2] and "column" in by_line[2]  # the whole JSON message
    assert 'no "id"' in by_line[3]
    assert "object" in by_line[4]
    assert "'e'" in by_line[5] and "text" in by_line[5]  # reported, not extracted as kind "info"
    assert "'f'" in by_line[6]
    assert "string" in by_line[7]
    assert "6 line(s)" in errors[-1] and "2 record(s) extracted" in errors[-1]


def test_a_file_starting_with_a_utf8_byte_order_mark_is_read(tmp_path):
    code, written, errors = run_extract(tmp_path, [json.dumps({"id": "a", "text": CALL}, ensure_ascii=False)],
                                        bom=True)
    assert code == 0, errors
    assert [r["id"] for r in written] == ["a"] and written[0]["deadline"] == "2025-03-14"


def test_a_clean_file_exits_zero_and_says_nothing_on_stderr(tmp_path):
    code, written, errors = run_extract(tmp_path, [json.dumps({"id": 1, "text": CALL})])
    assert code == 0 and errors == [] and [r["id"] for r in written] == [1]
