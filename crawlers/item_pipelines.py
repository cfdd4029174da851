"""Item pipelines: turn fetched HTML into main text, then save each page to the store.

Each crawler (one per source) has its own pipeline instances, so the counters here are the
source's counts for this run; `close_spider` records the source's row in `source_runs`.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawlers.maintext import extract_main_text
from pipeline.events import PageStored, ProgressEvent, SourceFinished, to_json
from pipeline.store import now_iso, open_db, save_page, save_source_run, touch_page

log = logging.getLogger(__name__)


def emit_progress(event: ProgressEvent) -> None:
    """One JSON line on stdout for the parent process's progress display."""
    sys.stdout.write(to_json(event) + "\n")
    sys.stdout.flush()


class MainTextPipeline:
    """HTML -> title, main text, publication date, language, canonical URL.

    A page whose raw body is byte-identical to the stored one (typically a 304 served from the
    HTTP cache) is not extracted again: it is passed on as `unchanged`.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.db = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MainTextPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.db = open_db(self.crawler.settings["CALLWATCH_DB"])

    def close_spider(self) -> None:
        if self.db is not None:
            self.db.close()

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        html = item.pop("html", None)
        if html is None:  # API records arrive with their text already
            return item
        body_hash = hashlib.sha256(html.encode("utf-8", "surrogatepass")).hexdigest()
        stored = self.db.execute("select body_hash from pages where url = ?", [item["url"]]).fetchone()
        if stored is not None and stored[0] == body_hash:
            return {**item, "unchanged_body": True, "body_hash": body_hash}
        spider = self.crawler.spider
        main = extract_main_text(html, item["url"], default_lang=spider.source.lang)
        if main is None:
            spider.note_page_error(f"no main text in {item['url']}")
            raise DropItem(f"no main text in {item['url']}")
        return {
            **item,
            "title": main.title,
            "text": main.text,
            "published": main.published,
            "lang": main.lang,
            "canonical_url": main.canonical_url,
            "body_hash": body_hash,
        }


class StorePipeline:
    """Save pages; count seen/new/changed; record the source's run row when it closes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run_id = int(crawler.settings["CALLWATCH_RUN_ID"])
        self.counts = {"pages_seen": 0, "pages_new": 0, "pages_changed": 0}
        self.started_at = now_iso()
        self.db = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.db = open_db(self.crawler.settings["CALLWATCH_DB"])
        save_source_run(self.db, self.run_id, self.crawler.spider.source.name,
                        status="running", started_at=self.started_at)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        if item.get("unchanged_body"):
            touch_page(self.db, item["url"], item["source"], self.run_id)
            outcome = "unchanged"
        else:
            outcome = save_page(self.db, item, self.run_id)
        visits = self.crawler.spider.visits
        if visits is not None:
            visits.stored(item.get("visit_url") or item["url"], item["url"], outcome)
        self.counts["pages_seen"] += 1
        if outcome == "new":
            self.counts["pages_new"] += 1
        elif outcome == "changed":
            self.counts["pages_changed"] += 1
        emit_progress(PageStored(item["source"], item["url"], outcome))
        return item

    def close_spider(self) -> None:
        spider = self.crawler.spider
        visits = spider.visits.counts() if spider.visits is not None else {}
        if spider.visits is not None:
            spider.visits.save(self.db)
        status, error = source_outcome(spider.start_error, spider.page_errors, spider.page_failures,
                                       self.counts["pages_seen"], spider.diagnosis, visits.get("pages_listed"))
        save_source_run(self.db, self.run_id, spider.source.name, status=status, error=error,
                        finished_at=now_iso(), **self.counts, **visits)
        emit_progress(SourceFinished(spider.source.name, status, error=error, **self.counts, **visits))
        self.db.close()


def source_outcome(start_error: str | None, page_errors: int, page_failures: list[str],
                   pages_seen: int, diagnosis: str | None = None,
                   pages_listed: int | None = None) -> tuple[str, str | None]:
    """(status, error) of a source: `failed` when nothing was stored because requests failed,
    `empty` when it answered but yielded nothing, else `ok`; the error names the reasons.

    For a listing, feed or sitemap (`pages_listed` given) what it named is what it yielded: a
    night when none of its articles was due is `ok`, and a listing naming nothing is `empty` even
    when the store's open calls were fetched.
    """
    pages_error = None
    if page_errors:
        pages_error = f"{page_errors} page(s) could not be read"
        if page_failures:
            more = ", …" if page_errors > len(page_failures) else ""
            pages_error += ": " + "; ".join(page_failures) + more
    yielded = pages_seen if pages_listed is None else pages_listed
    if (yielded == 0 and start_error) or (pages_seen == 0 and page_errors):
        # Every page failing (timeouts, size cap…) is a failure too, not a quiet "empty".
        return "failed", start_error or pages_error
    if yielded == 0:
        if diagnosis:  # e.g. the follow pattern matched nothing, and which one would
            return "empty", f"the source answered but yielded no page: {diagnosis}"
        return "empty", "the source answered but yielded no page"
    error = "; ".join(e for e in (start_error, pages_error) if e) or None
    return "ok", error
