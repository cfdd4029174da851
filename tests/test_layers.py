"""The one-way house: orchestration on top (the job, the scheduler, the CLI), the stages in the
middle (crawl, extract, detect, digest), the store, the vocabulary and configuration at the
bottom. An import only goes down a floor, and a stage imports no other stage: each reads and
writes the store only. Checked over every module's imports, read from its source."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TOP = ("scheduler", "pipeline.cli", "pipeline.run", "pipeline.demo")
BOTTOM = ("pipeline.store", "pipeline.schema", "pipeline.views", "pipeline.search", "pipeline.vocabulary",
          "pipeline.config", "pipeline.config_file", "pipeline.errors", "pipeline.lock", "pipeline.safe_text",
          "pipeline.sources_table", "pipeline.call_queries", "pipeline.model_files", "pipeline.events",
          "pipeline.revisit", "pipeline.revisit_store")
STAGES = {
    "crawl": ("crawlers",),
    "extract": ("pipeline.extract", "pipeline.extract_parallel", "pipeline.analyse", "pipeline.nlp",
                "pipeline.evaluate"),
    "detect": ("pipeline.detect", "pipeline.matching", "pipeline.call_documents"),
    "digest": ("pipeline.digest", "pipeline.export"),
}


def module_names() -> dict[str, Path]:
    found = {"scheduler": ROOT / "scheduler.py"}
    for package in ("pipeline", "crawlers"):
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def place(name: str) -> tuple[int, str]:
    """(floor, stage): 2 top, 1 middle, 0 bottom."""
    if within(name, TOP):
        return 2, "top"
    if within(name, BOTTOM) or name == "pipeline":
        return 0, "bottom"
    for stage, prefixes in STAGES.items():
        if within(name, prefixes):
            return 1, stage
    raise AssertionError(f"{name} is on no floor: add it to tests/test_layers.py")


def imports_of(path: Path, modules: set[str]) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {n for n in names if n in modules}


def test_every_module_is_on_a_floor() -> None:
    for name in module_names():
        place(name)


def test_no_import_goes_up_and_no_stage_imports_another() -> None:
    modules = module_names()
    wrong = []
    for name, path in sorted(modules.items()):
        floor, stage = place(name)
        for imported in sorted(imports_of(path, set(modules))):
            to_floor, to_stage = place(imported)
            if to_floor > floor or (floor == to_floor == 1 and to_stage != stage):
                wrong.append(f"{name} ({stage}) imports {imported} ({to_stage})")
    assert wrong == []



def test_no_module_is_over_400_lines() -> None:
    long = {name: n for name, path in module_names().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
