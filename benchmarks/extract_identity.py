"""Same output before and after a speed change: `callwatch extract` over every annotated text
(eval/corpus/*.jsonl, eval/*.jsonl and the shared eval/dev.jsonl, found in a `shared` folder beside
the checkout or beside its parent) and the benchmark's synthesised texts (as given and varied),
saved once and compared byte for byte afterwards (the inputs too, so that a changed input is not
taken for a changed output).

Usage: python benchmarks/extract_identity.py --save DIR     (before changing anything)
       python benchmarks/extract_identity.py --compare DIR  (after each change; exit 1 on a difference)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DEV = next((path for path in (ROOT.parent / "shared" / "eval" / "dev.jsonl",
                                     ROOT.parent.parent / "shared" / "eval" / "dev.jsonl") if path.exists()), None)


def annotated_inputs() -> list[dict]:
    paths = [*sorted(ROOT.glob("eval/corpus/*.jsonl")), *sorted(ROOT.glob("eval/*.jsonl"))]
    paths += [SHARED_DEV] if SHARED_DEV else []
    return [
        {"id": f"{path.name}:{record['id']}", "text": record["text"], "reference_date": record.get("reference_date")}
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
        for record in [json.loads(line)] if record.get("text")  # not review notes
    ]


def synthesised_inputs(count: int = 600) -> list[dict]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from extract_bench import synthesise, vary

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bs4 on the fixture pages that are XML
        records = synthesise(count)
    return records + vary(records)


def extract(records: list[dict], work: Path, name: str) -> tuple[bytes, bytes]:
    """(inputs, outputs) as JSON Lines."""
    source = work / f"{name}_inputs.jsonl"
    target = work / f"{name}_output.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    executable = Path(sys.executable).with_name("callwatch")
    subprocess.run([str(executable), "extract", "--input", str(source), "--output", str(target)], check=True)
    return source.read_bytes(), target.read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", type=Path, metavar="DIR", help="write the reference outputs here")
    mode.add_argument("--compare", type=Path, metavar="DIR", help="compare with the reference outputs here")
    args = parser.parse_args()
    folder = args.save or args.compare
    folder.mkdir(parents=True, exist_ok=True)
    differs = False
    for name, records in (("annotated", annotated_inputs()), ("synthesised", synthesised_inputs())):
        inputs, output = extract(records, folder, name)
        reference = folder / f"{name}_reference.jsonl"
        reference_inputs = folder / f"{name}_reference_inputs.jsonl"
        if args.save:
            reference.write_bytes(output)
            reference_inputs.write_bytes(inputs)
            print(f"{name}: {len(records)} records saved to {reference}")
        elif reference_inputs.read_bytes() != inputs:
            differs = True
            print(f"{name}: the inputs differ from {reference_inputs}: nothing to compare")
        elif reference.read_bytes() == output:
            print(f"{name}: {len(records)} records, output identical")
        else:
            differs = True
            print(f"{name}: output differs from {reference} (see {folder / (name + '_output.jsonl')})")
    sys.exit(1 if differs else 0)


if __name__ == "__main__":
    main()
