"""Commands that run extraction on their own: `extract` (JSON Lines in/out) and `eval`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import IO, Any

import click

from pipeline.cli.common import reports_errors


def read_records(handle: IO[str], name: str, problems: list[str]) -> Iterator[dict[str, Any]]:
    """The usable records of a JSON Lines input, in order. Each unusable line is reported on
    stderr as `name:line: what is wrong`, appended to `problems`, and skipped."""
    for number, line in enumerate(handle, start=1):
        if number == 1:
            line = line.removeprefix("\ufeff")  # a UTF-8 byte order mark (files saved on Windows)
        if not line.strip():
            continue
        problem = _parse_line(line)
        if isinstance(problem, str):
            problems.append(f"{name}:{number}: {problem}")
            click.echo(problems[-1], err=True)
            continue
        yield problem


def _parse_line(line: str) -> dict[str, Any] | str:
    """The record on this line, or what keeps it from being extracted."""
    try:
        record = json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        # exc.msg alone is cut ("Expecting ',' delimiter"): where it went wrong is the other half.
        return f"not valid JSON: {exc.msg}: column {exc.colno}"
    if not isinstance(record, dict):
        return f"expected a JSON object, got {type(record).__name__}"
    if record.get("id") is None:
        return 'the record has no "id"'
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        return f'record {record["id"]!r}: "text" must be a string, not {type(text).__name__}'
    if not text or not text.strip():
        return f'record {record["id"]!r} has no "text": nothing to extract'
    return record


@click.command()
@click.option("--input", "input_file", type=click.File("r", encoding="utf-8"), default="-", show_default=True,
              help='JSON Lines {"id", "text", "url"?, "title"?, "reference_date"?}; "-" is stdin.')
@click.option("--output", "output_file", type=click.File("w", encoding="utf-8"), default="-", show_default=True,
              help='Where to write one JSON line per input; "-" is stdout.')
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Processes extracting a large input (0: one per available CPU; 1: this process only).")
@reports_errors
def extract(input_file: IO[str], output_file: IO[str], workers: int) -> None:
    """Extract kind, dates, funders, topics and amounts from texts, as JSON Lines.

    A line that is not a JSON object with an "id" and a non-empty "text" is reported on stderr
    with its line number and skipped; the other lines are extracted, and the exit code is 1 at
    the end if any line was skipped. An input of several hundred records is shared out among
    worker processes (one per CPU); the output is the same, in the same order.

    Example: echo '{"id": "1", "text": "Sista ansökningsdag är 6 mars 2025."}' | callwatch extract
    """
    from pipeline.extract_parallel import extract_records_sharing_cpus  # spaCy loads only when this command runs

    name = getattr(input_file, "name", "-")
    problems: list[str] = []
    written = 0
    for result in extract_records_sharing_cpus(read_records(input_file, name, problems), workers):
        output_file.write(json.dumps(result, ensure_ascii=False) + "\n")
        written += 1
    output_file.flush()
    if problems:
        raise click.ClickException(f"{len(problems)} line(s) of {name} skipped (listed above); "
                                   f"{written} record(s) extracted")


@click.command(name="eval")
@click.option("--gold", "gold_path", type=click.Path(exists=True, dir_okay=False), required=True,
              help="Annotated JSON Lines file (format of the shared eval/dev.jsonl).")
@click.option("--errors/--no-errors", "with_errors", default=False, show_default=True,
              help="List every wrong field (kind, deadline, funder, topic, amount) after the metrics.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON instead.")
@reports_errors
def evaluate_command(gold_path: str, with_errors: bool, as_json: bool) -> None:
    """Run extraction over an annotated file and print per-field metrics and the kind confusion matrix.

    Example: callwatch eval --gold eval/corpus/dev.jsonl --errors
    """
    from pipeline.evaluate import evaluate, format_report, read_gold
    from pipeline.extract import extract_records

    gold = read_gold(gold_path)
    inputs = ({k: g.get(k) for k in ("id", "text", "url", "title", "reference_date")} for g in gold)
    report = evaluate(gold, extract_records(inputs))
    if as_json:
        click.echo(json.dumps(report.metrics(), indent=2))
    else:
        click.echo(format_report(report, with_errors=with_errors))
    sys.stdout.flush()


@click.command(name="train")
@click.option("--data", "data_paths", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Annotated JSON Lines to train on (repeatable). Default: eval/corpus/train.jsonl and dev.jsonl.")
@click.option("--only", type=click.Choice(["kind", "topics"]), default=None,
              help="Train only the page-kind or only the topic classifier (default: both).")
@click.option("--epochs", type=int, default=None, help="Passes over the data (default: each classifier's own).")
@click.option("--seed", type=int, default=None, help="Random seed (default: the fixed project seed).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Where to save the pipelines, as DIR/kind/<lang> and DIR/topics/<lang> "
                   "(default: models/, what extraction loads).")
@reports_errors
def train(data_paths: tuple[str, ...], only: str | None, epochs: int | None, seed: int | None,
          out_dir: str | None) -> None:
    """Train the page-kind and the topic classifiers (spaCy text classifiers, one per language)
    from annotated pages.

    Deterministic for a given seed and data; takes about a minute on two cores. Score the result
    with `callwatch eval --gold eval/corpus/dev.jsonl` (tune on train/dev only, never on the
    sealed test).

    Example: callwatch train --data eval/corpus/train.jsonl --only topics
    """
    from pathlib import Path

    from pipeline.nlp import train as training
    from pipeline.nlp import train_topics

    paths = data_paths or training.DEFAULT_TRAINING
    if only in (None, "kind"):
        summary = training.train_kind_models(
            paths,
            epochs=epochs if epochs is not None else training.EPOCHS,
            seed=seed if seed is not None else training.SEED,
            out_dir=Path(out_dir) / "kind" if out_dir else None,
        )
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(summary["kinds"].items()))
        click.echo(f"kind classifier: trained on {summary['records']} pages ({kinds}) in {summary['seconds']} s")
    if only in (None, "topics"):
        summary = train_topics.train_topic_models(
            paths,
            epochs=epochs if epochs is not None else train_topics.EPOCHS,
            seed=seed if seed is not None else train_topics.SEED,
            out_dir=Path(out_dir) / "topics" if out_dir else None,
        )
        topics = ", ".join(f"{k} {n}" for k, n in sorted(summary["topics"].items()))
        click.echo(f"topic classifier: trained on {summary['records']} pages ({topics}) in {summary['seconds']} s")
