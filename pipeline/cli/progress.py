"""Show a run's progress and summary in the terminal (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from pipeline.events import PagesExtracted, PageStored, ProgressEvent, SourceFinished, StageStarted
from pipeline.safe_text import one_line

STATUS_STYLE = {"ok": "green", "failed": "red", "empty": "yellow", "running": "yellow"}


class RunProgress:
    """A live progress display fed by the job's events (`pipeline.events`, from pipeline.run.run_job)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} pages"),
            TimeElapsedColumn(), console=console, transient=True,
        )
        self.task = self.progress.add_task("crawling", total=None)
        self.sources_done = 0

    def __enter__(self) -> RunProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)

    def __call__(self, event: ProgressEvent) -> None:
        match event:
            case PageStored():
                self.progress.update(self.task, advance=1, description=f"crawling {event.source}")
            case SourceFinished():
                self.sources_done += 1
                self._print_source(event)
            case StageStarted(stage="extract"):
                self.progress.update(self.task, description="extracting", completed=0)
            case PagesExtracted():
                self.progress.update(self.task, completed=event.count)
            case StageStarted(stage="detect"):
                self.progress.update(self.task, description="detecting new and changed calls")
            case StageStarted(stage="digest"):
                self.progress.update(self.task, description="sending the digest")

    def _print_source(self, event: SourceFinished) -> None:
        style = STATUS_STYLE.get(event.status, "")
        # Error texts quote servers and pages: escaped, so a "[...]" in them is not rich markup;
        # one line per source, never wrapped, so a log of a failing night reads line by line.
        error = one_line(event.error)
        skipped = f", {event.pages_skipped} not due" if event.pages_skipped else ""
        self.console.print(f"[{style}]{event.status:>6}[/] {event.source}: {event.pages_seen} pages"
                           + skipped + (f" ({escape(error)})" if error else ""), highlight=False, soft_wrap=True)


def render_summary(summary: dict[str, Any]) -> Table:
    table = Table(title=f"Run {summary['id']}: {summary['status']}")
    for column in ("source", "status", "seen", "new", "changed", "not due", "error"):
        table.add_column(column, overflow="fold")
    for row in summary["sources"]:
        style = STATUS_STYLE.get(row["status"], "")
        table.add_row(row["source"], f"[{style}]{row['status']}[/]", str(row["pages_seen"] or 0),
                      str(row["pages_new"] or 0), str(row["pages_changed"] or 0),
                      str(row.get("pages_skipped") or 0), Text(row["error"] or ""))
    detected = summary.get("detect")
    if detected:
        table.caption = (f"register: {detected['calls']} opportunities, {detected['new']} new, "
                         f"{detected['updated']} changed, {detected['events']} history events")
    return table
