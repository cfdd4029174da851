"""Local HTTP servers on 127.0.0.1 that behave like the EU portal search API and Vinnova's API.

Both are built on the real captures in ../shared/fixtures (tests may read it) and reproduce
the quirks the spiders must survive:

- portal: `query`/`languages`/`sort` accepted only as multipart *file* parts of type
  application/json (HTTP 500 for plain form fields, silently ignored in the URL); only
  bool/must/terms/term queries (HTTP 400 otherwise); `pageSize` silently capped (the cap is
  configurable so a test can force many pages); `pageNumber` counts from 1; the rows of the
  captured page, including its duplicate `reference` and its stale status codes, plus a legacy
  `SEDIA_PRD_CENTRICITY` copy of a current topic and an EU4Health topic derived from a captured
  row (so programme filters and legacy preference can be tested).
- Vinnova: rounds and calls (by date, or by a comma-separated list of numbers), as JSON with a
  UTF-8 BOM, gzip-compressed when the client accepts it, and its HTML documentation page (the
  real captured one) for a wrong path.

Also `run_spider`: runs one spider through the real Scrapy engine in a child process (the
Twisted reactor cannot restart in one process) and returns the items it yielded.
"""

from __future__ import annotations

import copy
import dataclasses
import email.parser
import email.policy
import functools
import gzip
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response


def _shared_fixtures() -> Path:
    """shared/fixtures beside the project root (in CI too, beside the fresh clone), or beside
    one of its parents (a git worktree placed one level deeper)."""
    for parent in Path(__file__).resolve().parents[2:]:
        if (parent / "shared" / "fixtures").is_dir():
            return parent / "shared" / "fixtures"
    return Path(__file__).resolve().parents[2] / "shared" / "fixtures"


SHARED_FIXTURES = _shared_fixtures()
PORTAL_CAPTURE = SHARED_FIXTURES / "sedia_search_page.json"
VINNOVA_DOC_PAGE = SHARED_FIXTURES / "vinnova_api_docpage.html"
VINNOVA_ROUNDS = Path(__file__).parent / "fixtures" / "vinnova_rounds.json"
# Calls in the shape public clients of /api/utlysningar read (Diarienummer, Titel, Beskrivning,
# Publiceringsdatum, AnsokningsomgangDnrLista); no capture of that endpoint is at hand.
VINNOVA_CALLS = Path(__file__).parent / "fixtures" / "vinnova_calls.json"
REPO = Path(__file__).resolve().parents[1]

JSON_PARTS = ("query", "languages", "sort", "displayFields")
LEGACY_COPY_OF = "HORIZON-CL4-2027-04-DIGITAL-EMERGING-10"
EU4HEALTH_ID = "EU4H-2026-PJ-03"


def portal_rows() -> list[dict[str, Any]]:
    """The captured rows, with a stale legacy copy of one current topic placed first (so a
    spider that keeps the first row it sees gets it wrong) and an EU4Health topic at the end."""
    capture = json.loads(PORTAL_CAPTURE.read_text(encoding="utf-8"))
    rows = capture["results"]
    current = next(r for r in rows if r["metadata"]["identifier"] == [LEGACY_COPY_OF])
    legacy = copy.deepcopy(current)
    legacy["reference"] = "46000001HORIZONCoordinationandSupportActions1700000000000"
    legacy["url"] = f"https://ec.europa.eu/info/funding-tenders/opportunities/data/topicDetails/{LEGACY_COPY_OF}.json"
    legacy["databaseLabel"] = ""
    metadata = legacy["metadata"]
    metadata["DATASOURCE"] = metadata["datasource"] = ["SEDIA_PRD_CENTRICITY"]
    metadata["url"] = [legacy["url"]]
    metadata["deadlineDate"] = ["2024-03-18T17:00:00.000+0000"]
    metadata["startDate"] = ["2023-11-17T00:00:00.000+0000"]
    for key in ("descriptionByte", "budgetOverview", "actions"):
        metadata.pop(key, None)
    health = copy.deepcopy(next(r for r in rows if r["metadata"]["DATASOURCE"] == ["SEDIA"]))
    health["reference"] = "51999999TOPICSen"
    hm = health["metadata"]
    hm["identifier"] = [EU4HEALTH_ID]
    hm["callIdentifier"] = ["EU4H-2026-PJ"]
    hm["frameworkProgramme"] = ["43332642"]
    hm["title"] = ["Support to cancer screening programmes in Member States"]
    hm["keywords"] = [EU4HEALTH_ID, "Cancer screening"]
    hm["url"] = [f"https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/"
                 f"topic-details/{EU4HEALTH_ID}"]
    hm.pop("budgetOverview", None)
    return [legacy, *rows, health]


def portal_rows_with_sibling_topics() -> list[dict[str, Any]]:
    """portal_rows() plus further topics of three captured calls (same `callIdentifier`, their own
    topic identifiers), made the way a replay makes them: by copying a captured row, so each copy
    still carries the copied topic's `url`. One sibling has its own title and a later deadline, one
    stays open after its sibling closed, and one looks exactly like its sibling (title, dates,
    programme) but for its identifier."""
    rows = portal_rows()

    def sibling(of: str, identifier: str, reference: str, **fields: list[str]) -> dict[str, Any]:
        row = copy.deepcopy(next(r for r in rows if r["metadata"]["identifier"] == [of]
                                 and r["metadata"]["DATASOURCE"] == ["SEDIA"]))
        row["reference"] = reference
        row["metadata"]["identifier"] = [identifier]
        row["metadata"].update(fields)
        return row

    return [
        *rows,
        sibling("HORIZON-CL4-2027-04-DIGITAL-EMERGING-10", "HORIZON-CL4-2027-04-DIGITAL-EMERGING-11",
                "50131804TOPICSen", title=["Quantum-safe digital infrastructures (RIA)"],
                deadlineDate=["2027-05-18T00:00:00.000+0000"]),
        sibling("HORIZON-CL6-2026-04-GOVERNANCE-01", "HORIZON-CL6-2026-04-GOVERNANCE-02", "50127692TOPICSen",
                title=["Farm advisory services for agroecology"], deadlineDate=["2027-01-20T00:00:00.000+0000"]),
        sibling("HORIZON-CL3-2026-02-CS-ECCC-01", "HORIZON-CL3-2026-02-CS-ECCC-02", "50147305TOPICSen"),
    ]


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class PortalApi:
    rows: list[dict[str, Any]] = field(default_factory=portal_rows)
    page_cap: int = 100
    requests: list[dict[str, Any]] = field(default_factory=list)

    def search(self, url: str, content_type: str, body: bytes) -> dict[str, Any]:
        params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        record: dict[str, Any] = {"params": params, "content_type": content_type, "parts": {}}
        self.requests.append(record)
        if params.get("apiKey") != "SEDIA" or "text" not in params:
            raise BadRequest(400, "apiKey and text are required")
        parts = parse_multipart(content_type, body) if body else {}
        record["parts"] = {name: (ctype, filename) for name, (ctype, filename, _) in parts.items()}
        if body and not content_type.startswith("multipart/form-data"):
            raise BadRequest(500, "Internal Server Error")  # what the API does with form fields
        decoded: dict[str, Any] = {}
        for name, (ctype, filename, data) in parts.items():
            if name in JSON_PARTS:
                if filename is None or ctype != "application/json":
                    raise BadRequest(500, "Internal Server Error")
                try:
                    decoded[name] = json.loads(data)
                except ValueError:
                    raise BadRequest(400, f"invalid JSON in part {name}") from None
        rows = [r for r in self.rows if matches(decoded.get("query"), r["metadata"])]
        if "languages" in decoded:
            rows = [r for r in rows if set(r["metadata"].get("language", ["en"])) & set(decoded["languages"])]
        if params["text"] != "***":
            needle = params["text"].lower()
            rows = [r for r in rows if needle in json.dumps(r["metadata"]).lower()]
        size = min(int(params.get("pageSize", 50)), self.page_cap)
        number = int(params.get("pageNumber", 1))
        start = (number - 1) * size
        capture = json.loads(PORTAL_CAPTURE.read_text(encoding="utf-8"))
        return {**{k: v for k, v in capture.items() if k != "results"}, "terms": params["text"],
                "totalResults": len(rows), "pageNumber": number, "pageSize": size,
                "results": rows[start:start + size]}


def parse_multipart(content_type: str, body: bytes) -> dict[str, tuple[str, str | None, bytes]]:
    """name -> (content type, filename, data) of each part; form fields and url-encoded bodies
    come back as parts without a filename and of type text/plain."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {k: ("text/plain", None, v[0].encode()) for k, v in parse_qs(body.decode()).items()}
    if not content_type.startswith("multipart/form-data"):
        raise BadRequest(415, f"unsupported content type {content_type}")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    parts = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        parts[name] = (part.get_content_type() if part.get("Content-Type") else "text/plain",
                       part.get_filename(), part.get_payload(decode=True))
    return parts


def matches(query: dict[str, Any] | None, metadata: dict[str, Any]) -> bool:
    """Evaluate the subset of the query language the API accepts; anything else is a 400."""
    if query is None:
        return True
    if set(query) != {"bool"} or set(query["bool"]) - {"must"}:
        raise BadRequest(400, "only bool/must queries are supported")
    for clause in query["bool"].get("must", []):
        ((kind, condition),) = clause.items()
        ((name, wanted),) = condition.items()
        if kind == "terms":
            values = set(map(str, wanted))
        elif kind == "term":
            values = {str(wanted)}
        else:
            raise BadRequest(400, f"unsupported query clause {kind}")
        if not values & set(metadata.get(name, [])):
            return False
    return True


@dataclass
class VinnovaApi:
    """`/api/<endpoint>/<date>` answers every record of that endpoint (as if all changed since);
    `/api/<endpoint>/<dnr>,<dnr>` answers those records, including `older_rounds`, which only
    come by number (rounds that did not change since the date asked)."""

    rounds_json: bytes = dataclasses.field(default_factory=lambda: VINNOVA_ROUNDS.read_bytes())
    calls_json: bytes = dataclasses.field(default_factory=lambda: VINNOVA_CALLS.read_bytes())
    older_rounds: list[dict[str, Any]] = field(default_factory=list)
    broken: bool = False  # answer cut-short JSON
    requests: list[dict[str, str]] = field(default_factory=list)

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.requests.append({"path": path, **{k.lower(): v for k, v in headers.items()}})
        match = re.fullmatch(r"/api/(ansokningsomgangar|utlysningar)/(\d{4}-\d{2}-\d{2}|[\d,-]+)", path)
        if not match:  # the real API answers its documentation page for a wrong path
            return 200, {"Content-Type": "text/html; charset=utf-8"}, VINNOVA_DOC_PAGE.read_bytes()
        data = self.rounds_json if match[1] == "ansokningsomgangar" else self.calls_json
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", match[2]):  # numbers, not a date
            wanted = set(match[2].split(","))
            records = json.loads(data) + (self.older_rounds if match[1] == "ansokningsomgangar" else [])
            data = json.dumps([r for r in records if r.get("Diarienummer") in wanted]).encode()
        body = b"\xef\xbb\xbf" + data  # the API's BOM
        if self.broken:
            body = body[: len(body) // 2]
        out = {"Content-Type": "application/json; charset=utf-8"}
        if "gzip" in headers.get("Accept-Encoding", ""):
            body, out["Content-Encoding"] = gzip.compress(body), "gzip"
        return 200, out, body


def _answer(portal: PortalApi | None, vinnova: VinnovaApi | None, request: Request) -> Response:
    """Route one request to the fake API it is for. Every answer closes its connection: without
    saying so, Twisted would pool the connection and the next request could fail (ConnectionDone)."""
    close = {"Connection": "close"}
    if request.method == "POST" and portal is not None and request.path.endswith("/search"):
        try:
            data = portal.search(request.full_path, request.headers.get("Content-Type", ""), request.get_data())
        except BadRequest as exc:
            return Response(json.dumps({"error": str(exc)}), status=exc.status, headers=close,
                            content_type="application/json")
        return Response(json.dumps(data), status=200, headers=close, content_type="application/json")
    if request.method == "GET" and vinnova is not None and request.path != "/robots.txt":
        status, headers, body = vinnova.answer(request.path, dict(request.headers.items()))
        return Response(body, status=status, headers={**headers, **close})
    return Response(b"not found", status=404, headers=close, content_type="text/plain")


@contextmanager
def serve(portal: PortalApi | None = None, vinnova: VinnovaApi | None = None) -> Iterator[str]:
    """Serve the given fake APIs on 127.0.0.1 (pytest-httpserver); yields the base URL."""
    server = HTTPServer("127.0.0.1", 0, threaded=True)
    server.expect_request(re.compile(".*")).respond_with_handler(functools.partial(_answer, portal, vinnova))
    server.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.clear()
        server.stop()


_CHILD = """
import json, sys
from scrapy.crawler import CrawlerProcess
from crawlers.settings import build_settings
from crawlers.sources import Source
from crawlers.spiders import SPIDER_KINDS

args = json.loads(sys.argv[1])
source = Source(**args["source"])
overrides = {"ITEM_PIPELINES": {}, "FEEDS": {args["items"]: {"format": "jsonlines"}},
             "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RETRY_TIMES": 0, "LOG_LEVEL": "INFO"}
process = CrawlerProcess(build_settings(args["db"], overrides))
crawler = process.create_crawler(SPIDER_KINDS[source.kind])
process.crawl(crawler, source=source, last_ok_at=args["last_ok_at"])
process.start()
with open(args["report"], "w") as report:
    json.dump({"start_error": crawler.spider.start_error,
               "finish_reason": crawler.stats.get_value("finish_reason")}, report)
"""


@dataclass
class SpiderRun:
    items: list[dict[str, Any]]
    start_error: str | None
    finish_reason: str | None
    log: str


def run_spider(source: Any, tmp_path: Path, last_ok_at: str | None = None) -> SpiderRun:
    """Run the spider of `source.kind` for `source` through the real Scrapy engine in a child
    process with the production settings (item pipelines replaced by a JSON-lines feed)."""
    items_path, report_path = tmp_path / "items.jsonl", tmp_path / "report.json"
    args = {"source": source.model_dump(), "items": str(items_path), "report": str(report_path),
            "db": str(tmp_path / "spider.db"), "last_ok_at": last_ok_at}
    child = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(args)], cwd=REPO,
                           capture_output=True, text=True, timeout=120)
    if child.returncode != 0 or not report_path.exists():
        raise AssertionError(f"spider process failed ({child.returncode}):\n{child.stderr[-4000:]}")
    report = json.loads(report_path.read_text())
    items = [json.loads(line) for line in items_path.read_text().splitlines()] if items_path.exists() else []
    return SpiderRun(items, report["start_error"], report["finish_reason"], child.stderr)
