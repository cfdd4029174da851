"""Extraction speed and memory: documents per second of the callwatch spaCy pipelines, peak memory,
the ratio to bare `spacy.blank` tokenization of the same texts, and `callwatch extract` end to end.

Texts (~2,000 characters, Swedish and English) are synthesised from the repository's own pages
(the offline demo site and the test fixture sites) plus template sentences built from the funder
registry, so the benchmark needs nothing outside the repository.

The ratio to bare tokenization is printed twice: on the texts as given, and on the same texts with
their tokens varied (see `vary`), which is the fairer one for synthesised texts.

Usage: python benchmarks/extract_bench.py [--docs 3000] [--cli-docs 2000] [--texts pages.jsonl] [--corpus]
(--texts: measure on your own JSON Lines {"id", "text"} instead, e.g. pages exported from the store;
--corpus: also measure on the real pages of eval/corpus/*.jsonl, after the synthesised figures.)
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import spacy
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extract import extract_records  # noqa: E402
from pipeline.nlp.build import load_nlp  # noqa: E402
from pipeline.nlp.funders import load_registry  # noqa: E402
from pipeline.nlp.language import detect_language, pipeline_language  # noqa: E402

TARGET_CHARS = 2000
ENGLISH_TEMPLATES = [
    "The {funder} call for proposals is open for applications until {date}.",
    "Projects can receive up to EUR {n} million from the {funder}.",
    "An online info day on the {funder} will take place on {date}, 10:00-12:00 CET.",
    "The {funder} supports research and innovation in health care, climate and digitalisation.",
    "Partners from at least three countries must work together in cross-border projects.",
    "The deadline for submission of full applications is {date} at 17:00 Brussels time.",
    "Small and medium-sized enterprises are encouraged to apply together with universities.",
    "The project was granted funding from the {funder} and runs from 2024 to 2027.",
]
SWEDISH_TEMPLATES = [
    "Utlysningen inom {funder} är öppen och sista ansökningsdag är den {date}.",
    "Projekt kan beviljas högst {n} miljoner kronor från {funder}.",
    "Välkommen till ett informationsmöte om {funder} den {date} klockan 10.00.",
    "Projektet finansieras av {funder} och pågår under 2024–2026.",
    "Små och medelstora företag i regionen kan söka stöd för innovation och kompetensutveckling.",
    "Ansökan ska vara inne senast {date}.",
]
DATES_EN = ["6 March 2026", "17 September 2025", "1 October 2026", "28 February 2026"]
DATES_SV = ["6 mars 2026", "17 september 2025", "1 oktober", "28 februari 2026"]


def repository_sentences() -> list[str]:
    """Sentences from the HTML pages shipped in the repository (demo site, test fixtures)."""
    sentences: list[str] = []
    for path in sorted([*ROOT.glob("pipeline/demo_site/**/*.html"), *ROOT.glob("tests/fixtures/**/*.html")]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)  # a test fixture is XML; its text is still wanted
            text = BeautifulSoup(path.read_text(encoding="utf-8", errors="replace"), "html.parser").get_text("\n")
        for part in re.split(r"(?<=[.!?])\s+|\n+", text):
            part = part.strip()
            if len(part) > 25:
                sentences.append(part)
    return sentences


def synthesise(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    funders = [alias for entry in load_registry()[0] for alias in entry.names[:2]]
    swedish_pool = repository_sentences()
    texts = []
    for index in range(count):
        english = index % 3 == 0
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < TARGET_CHARS:
            if english or rng.random() < 0.3:
                templates, dates = (ENGLISH_TEMPLATES, DATES_EN) if english else (SWEDISH_TEMPLATES, DATES_SV)
                parts.append(rng.choice(templates).format(funder=rng.choice(funders), date=rng.choice(dates),
                                                          n=rng.randint(1, 90)))
            else:
                parts.append(rng.choice(swedish_pool))
        text = " ".join(parts)[:TARGET_CHARS]
        texts.append({"id": f"bench-{index}", "text": text, "reference_date": "2025-06-01"})
    return texts


SUFFIXES = ["en", "et", "erna", "s", "ar", "ade", "ing", "ed", "ers", "ens"]


def vary(records: list[dict], seed: int = 5) -> list[dict]:
    """The same texts with their tokens made to vary the way real pages' do: every digit redrawn
    (dates, amounts, ids, phone numbers), some words inflected, joined into compounds or
    capitalised. The synthesised texts repeat a small pool of sentences, so nearly every word is
    already in spaCy's tokenizer cache, which makes bare tokenization unusually cheap. (Of the
    whitespace-separated words of the first 73 texts, 96% repeat an earlier one as synthesised,
    81% once varied, 64% in the 73 real pages of the evaluation sets: varied texts still repeat
    more than real ones.)"""
    rng = random.Random(seed)
    varied = []
    for record in records:
        words = record["text"].split(" ")
        out: list[str] = []
        i = 0
        while i < len(words):
            word = words[i]
            if any(c.isdigit() for c in word):
                word = "".join(str(rng.randint(0, 9)) if c.isdigit() else c for c in word)
            elif word.isalpha():
                roll = rng.random()
                if roll < 0.15:
                    word += rng.choice(SUFFIXES)
                elif roll < 0.25 and i + 1 < len(words) and words[i + 1].isalpha():
                    i += 1
                    word += words[i].lower()
                elif roll < 0.3:
                    word = word.capitalize()
            out.append(word)
            i += 1
        varied.append({**record, "id": record["id"] + "-varied", "text": " ".join(out)[:TARGET_CHARS]})
    return varied


def time_bare_tokenization(records: list[dict]) -> float:
    blank = {lang: spacy.blank(lang) for lang in ("sv", "en")}
    groups: dict[str, list[str]] = {"sv": [], "en": []}
    for record in records:
        groups[pipeline_language(detect_language(record["text"]))].append(record["text"])
    for record in records[:100]:  # warmed on the same first 100 texts as the pipeline (main)
        blank[pipeline_language(detect_language(record["text"]))](record["text"])
    start = time.perf_counter()
    for lang, texts in groups.items():
        for _doc in blank[lang].pipe(texts, batch_size=64):
            pass
    return time.perf_counter() - start


def time_pipeline(records: list[dict]) -> float:
    start = time.perf_counter()
    for _result in extract_records(records):
        pass
    return time.perf_counter() - start


def peak_pipeline_memory(records: list[dict]) -> int:
    tracemalloc.start()
    for _result in extract_records(records):
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def time_cli(records: list[dict], *options: str) -> tuple[float, float]:
    """Wall seconds of `callwatch extract` on the records, and the CPU seconds it and its worker
    processes used (user + system)."""
    executable = Path(sys.executable).with_name("callwatch")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.jsonl"
        target = Path(tmp) / "out.jsonl"
        source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([str(executable), "extract", "--input", str(source), "--output", str(target), *options],
                       check=True)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        lines = target.read_text(encoding="utf-8").count("\n")
    if lines != len(records):
        raise SystemExit(f"callwatch extract wrote {lines} lines for {len(records)} inputs")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cli_line(label: str, count: int, timing: tuple[float, float]) -> str:
    wall, cpu = timing
    return f"{label:25s} {count} docs in {wall:.2f} s incl. start-up ({count / wall:.0f} docs/s), CPU {cpu:.2f} s"


def corpus_records() -> list[dict]:
    """The real pages of the repository's evaluation corpus (eval/corpus/*.jsonl), as extraction input."""
    return [
        {"id": record["id"], "text": record["text"], "reference_date": record.get("reference_date")}
        for path in sorted(ROOT.glob("eval/corpus/*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
        for record in [json.loads(line)] if record.get("text")  # not review notes
    ]


def print_corpus_figures() -> None:
    records = corpus_records()
    mean_chars = sum(len(r["text"]) for r in records) / len(records)
    time_pipeline(records[:100])
    bare = time_bare_tokenization(records)
    full = time_pipeline(records)
    cli, single = time_cli(records), time_cli(records, "--workers", "1")
    print(f"real pages (eval/corpus)  {len(records)} (mean {mean_chars:.0f} chars)")
    print(f"  bare tokenization       {bare:.2f} s  ({len(records) / bare:.0f} docs/s)")
    print(f"  full pipeline           {full:.2f} s  ({len(records) / full:.0f} docs/s)")
    print(f"  ratio full / bare       {full / bare:.1f}x")
    print(cli_line("  callwatch extract", len(records), cli))
    print(cli_line("    --workers 1", len(records), single))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--cli-docs", type=int, default=2000)
    parser.add_argument("--texts", type=Path, help="JSON Lines of real texts to measure instead")
    parser.add_argument("--corpus", action="store_true", help="also measure on the real pages of eval/corpus")
    args = parser.parse_args()

    if args.texts:
        lines = args.texts.read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines if line.strip()][: args.docs]
    else:
        records = synthesise(args.docs)
    mean_chars = sum(len(r["text"]) for r in records) / len(records)
    build_start = time.perf_counter()
    load_nlp("sv"), load_nlp("en")
    build = time.perf_counter() - build_start
    time_pipeline(records[:100])  # warm up caches

    bare = time_bare_tokenization(records)
    full = time_pipeline(records)
    varied = vary(records)
    time_pipeline(varied[:100])
    bare_varied = time_bare_tokenization(varied)
    full_varied = time_pipeline(varied)
    peak = peak_pipeline_memory(records[:1000])
    cli_records = records[: args.cli_docs] if args.texts else synthesise(args.cli_docs, seed=11)
    # as run by default (worker processes for a large input), then in one process
    cli, single = time_cli(cli_records), time_cli(cli_records, "--workers", "1")

    print(f"documents                 {len(records)} (mean {mean_chars:.0f} chars)")
    print(f"pipeline build (sv+en)    {build:.2f} s")
    print(f"bare tokenization         {bare:.2f} s  ({len(records) / bare:.0f} docs/s)")
    print(f"full pipeline             {full:.2f} s  ({len(records) / full:.0f} docs/s)")
    print(f"ratio full / bare         {full / bare:.1f}x  (texts as given)")
    print(f"varied tokens: bare       {bare_varied:.2f} s  ({len(varied) / bare_varied:.0f} docs/s)")
    print(f"varied tokens: full       {full_varied:.2f} s  ({len(varied) / full_varied:.0f} docs/s)")
    print(f"ratio full / bare         {full_varied / bare_varied:.1f}x  (varied tokens: digits redrawn, words "
          "inflected/compounded, so the tokenizer cache helps as on real pages)")
    print(f"peak traced memory        {peak / 1e6:.1f} MB (1000 docs through extract_records)")
    print(f"max RSS of this process   {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(cli_line("callwatch extract", len(cli_records), cli))
    print(cli_line("  --workers 1", len(cli_records), single))
    if args.corpus:
        print_corpus_figures()


if __name__ == "__main__":
    main()
