"""`callwatch extract` on a large input shares it out among forked workers: the output is the one a
single process writes, byte for byte and in input order, and bad lines are still reported by number."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.extract import ExtractInputError, extract_records
from pipeline.extract_parallel import (
    PARALLEL_MIN_RECORDS,
    SLICE_RECORDS,
    can_fork,
    extract_records_in_parallel,
)

pytestmark = pytest.mark.skipif(not can_fork(), reason="worker processes are forked")

TEXTS = [
    "Utlysning för innovation. Sista ansökningsdag är den {day} mars 2027. Vinnova finansierar projekten med "
    "upp till {n} miljoner kronor.",
    "Välkommen till informationsdag om Interreg den {day} april 2027 i Malmö. Anmäl dig senast {day} mars.",
    "The call for proposals under Horizon Europe closes on {day} May 2027. Grants of up to EUR {n} million.",
    "News: the region granted {n} projects funding from the European Regional Development Fund in 2026.",
]


def large_input(count: int) -> list[dict]:
    return [{"id": f"r{i}", "text": TEXTS[i % len(TEXTS)].format(day=i % 28 + 1, n=i % 90 + 1),
             "reference_date": "2027-01-15"} for i in range(count)]


def run_extract(tmp_path: Path, lines: list[str], workers: int) -> tuple[int, bytes, list[str]]:
    source, target = tmp_path / "in.jsonl", tmp_path / f"out-{workers}.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", "--input", str(source), "--output", str(target),
                                      "--workers", str(workers)])
    return result.exit_code, target.read_bytes(), result.stderr.splitlines()


def test_workers_write_what_one_process_writes_in_order_and_bad_lines_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = large_input(PARALLEL_MIN_RECORDS + 2 * SLICE_RECORDS + 7)
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines[5] = '{"id": "broken'  # line 6
    lines[-3] = json.dumps({"id": "empty", "text": " "})  # reported, not extracted
    code, alone, errors_alone = run_extract(tmp_path, lines, workers=1)
    calls = []

    def counted(records, workers):  # the CLI really shares the input out
        calls.append(workers)
        return extract_records_in_parallel(records, workers)

    monkeypatch.setattr("pipeline.extract_parallel.extract_records_in_parallel", counted)
    code_shared, shared, errors_shared = run_extract(tmp_path, lines, workers=2)
    assert calls == [2]

    assert code == code_shared == 1
    assert shared == alone  # byte for byte, in input order
    ids = [json.loads(line)["id"] for line in shared.decode("utf-8").splitlines()]
    assert ids == [r["id"] for i, r in enumerate(records) if i not in (5, len(records) - 3)]
    assert errors_shared == errors_alone
    assert [int(e.split(":")[1]) for e in errors_shared[:2]] == [6, len(records) - 2]
    assert "2 line(s)" in errors_shared[-1] and f"{len(records) - 2} record(s) extracted" in errors_shared[-1]
    first = json.loads(shared.decode("utf-8").splitlines()[0])
    assert first["kind"] == "funding-call" and first["deadline"] == "2027-03-01"


def test_a_record_extraction_cannot_take_raises_the_same_error_through_the_workers() -> None:
    records = [*large_input(SLICE_RECORDS + 3), {"text": "A record without an id."}]
    with pytest.raises(ExtractInputError, match="no 'id'"):
        list(extract_records(records))
    with pytest.raises(ExtractInputError, match="no 'id'"):
        list(extract_records_in_parallel(records, workers=2))


def child_processes() -> set[int]:
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == os.getpid():  # the field after the state is the parent's id
            children.add(int(stat.parent.name))
    return children


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table in /proc")
def test_a_worker_that_dies_loses_no_record() -> None:
    records = large_input(SLICE_RECORDS * 12)
    before = child_processes()
    results = extract_records_in_parallel(records, workers=2)
    first = next(results)  # the workers are running
    workers = child_processes() - before
    assert workers
    os.kill(min(workers), signal.SIGKILL)
    # the slices the dead worker held, and everything after, are extracted in this process
    assert [first, *results] == list(extract_records(records))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table in /proc")
def test_a_worker_that_dies_while_the_next_slice_is_read_loses_no_record() -> None:
    """The pool is found broken when the slice just read is handed out: that slice is kept too."""
    records = large_input(SLICE_RECORDS * 12)
    before = child_processes()
    kill_at = SLICE_RECORDS * 4 + 5  # inside the slice read after four were handed out

    def input_killing_a_worker():
        for index, record in enumerate(records):
            if index == kill_at:
                os.kill(min(child_processes() - before), signal.SIGKILL)
                give_up = time.monotonic() + 30
                while child_processes() - before and time.monotonic() < give_up:
                    time.sleep(0.05)  # the pool, finding one dead, stops the others: it is broken
            yield record

    assert list(extract_records_in_parallel(input_killing_a_worker(), workers=2)) == list(extract_records(records))
