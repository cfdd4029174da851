"""A saved site served on 127.0.0.1 for the tests (pytest-httpserver), the way a real CMS serves it.

Saved pages may write absolute links to their own site as `http://snapshot.invalid/...`; the
server rewrites that origin to its own address, since its port is chosen at start. It answers
conditional requests (ETag / If-None-Match) with 304, keeps a log of every request (method, path,
headers) and can be told to answer given paths with an error status.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

PLACEHOLDER_ORIGIN = b"http://snapshot.invalid"


@dataclass
class SnapshotSite:
    """What the server serves: files under `root`, plus per-path overrides."""

    root: Path
    status_overrides: dict[str, int] = field(default_factory=dict)  # path -> HTTP status
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # (method, path, headers)
    last_modified: float = 1_700_000_000.0
    base_url: str = ""  # set by SnapshotServer

    def resolve(self, path: str) -> Path | None:
        relative = path.lstrip("/") or "index.html"
        candidate = (self.root / relative).resolve()
        if self.root.resolve() not in candidate.parents and candidate != self.root.resolve():
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def answer(self, request: Request) -> Response:
        query = request.query_string.decode("latin-1")
        path = request.path + (f"?{query}" if query else "")
        self.requests.append((request.method, path, dict(request.headers.items())))
        status = self.status_overrides.get(path) or self.status_overrides.get(request.path)
        if status:
            return Response(f"status {status}\n", status=status, content_type="text/plain; charset=utf-8")
        file = self.resolve(_file_name(request.path, query))
        if file is None:
            return Response("not found\n", status=404, content_type="text/plain; charset=utf-8")
        body = file.read_bytes().replace(PLACEHOLDER_ORIGIN, self.base_url.encode())
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("xml"):
            content_type += "; charset=utf-8"
        return Response(body, status=200, content_type=content_type,
                        headers={"ETag": etag, "Last-Modified": formatdate(self.last_modified, usegmt=True)})


def _file_name(path: str, query: str) -> str:
    """A listing page `/news/?page=2` is saved as `news/index-page-2.html`."""
    if not query:
        return path
    stem = path + "index" if path.endswith("/") else path
    return f"{stem}-{query.replace('=', '-').replace('&', '-')}.html"


class SnapshotServer:
    """Serve a `SnapshotSite` on 127.0.0.1 in a background thread (a context manager)."""

    def __init__(self, site: SnapshotSite, port: int = 0) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request in test output
        self.site = site
        self.httpd = HTTPServer("127.0.0.1", port, threaded=True)
        self.httpd.expect_request(re.compile(".*")).respond_with_handler(site.answer)  # every method

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.port}"

    def __enter__(self) -> SnapshotServer:
        self.httpd.start()
        self.site.base_url = self.url
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.clear()
        self.httpd.stop()
