"""The `sources` table: per source slug, what the runs that crawled it knew about it.

The crawl writes one row per source it was given (title, the site a person browses, region, kind,
language), from the sources file of that run; later stages (the digest's region filters and its
"found on" links) read them here, so no stage parses a sources file another stage already read,
and a run made with `--sources other.toml` is reported with that file's regions and titles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import sqlite_utils


@dataclass(frozen=True)
class SourceInfo:
    slug: str
    title: str | None = None
    url: str | None = None  # what the crawl reads (listing page, feed, API endpoint)
    site: str | None = None  # where a person browses it
    region: str | None = None
    kind: str | None = None
    lang: str | None = None

    @property
    def label(self) -> str:
        """What a person is shown: the title, else the slug."""
        return self.title or self.slug


def save_sources(db: sqlite_utils.Database, sources: Iterable[SourceInfo], run_id: int | None) -> None:
    """Record the sources a run crawls; a source crawled again takes this run's settings."""
    rows = [{**asdict(source), "run_id": run_id} for source in sources]
    if rows:
        with db.conn:
            db["sources"].upsert_all(rows, pk="slug")


def load_sources_info(db: sqlite_utils.Database) -> dict[str, SourceInfo]:
    """slug -> what the latest run that crawled it recorded."""
    return {
        row[0]: SourceInfo(*row)
        for row in db.execute("select slug, title, url, site, region, kind, lang from sources").fetchall()
    }
