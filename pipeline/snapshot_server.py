"""A small HTTP server on 127.0.0.1 that serves a saved site from a folder.

Saved pages may write absolute links to their own site as `http://snapshot.invalid/...`; the
server rewrites that origin to its own address, since its port is chosen at start.
It answers conditional requests (ETag / If-None-Match, Last-Modified / If-Modified-Since) with
304 like a real CMS, logs every request, and can be told to fail given paths. The offline demo
serves the bundled snapshot site with it; the tests serve their fixture sites with it.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

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


class _Handler(BaseHTTPRequestHandler):
    site: SnapshotSite
    server_version = "snapshot/1.0"

    def do_GET(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        site = self.site
        parts = urlsplit(self.path)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        site.requests.append(("GET", path, dict(self.headers.items())))
        status = site.status_overrides.get(path) or site.status_overrides.get(parts.path)
        if status:
            self._send_plain(status, f"status {status}\n")
            return
        file = site.resolve(_file_name(parts.path, parts.query))
        if file is None:
            self._send_plain(404, "not found\n")
            return
        body = file.read_bytes().replace(PLACEHOLDER_ORIGIN, site.base_url.encode())
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("xml"):
            content_type += "; charset=utf-8"
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(site.last_modified, usegmt=True))
        self.end_headers()
        self.wfile.write(body)

    def _send_plain(self, status: int, text: str) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test and demo output clean
        pass


def _file_name(path: str, query: str) -> str:
    """A listing page `/news/?page=2` is saved as `news/index-page-2.html`."""
    if not query:
        return path
    stem = path + "index" if path.endswith("/") else path
    return f"{stem}-{query.replace('=', '-').replace('&', '-')}.html"


class SnapshotServer:
    """Serve a `SnapshotSite` on 127.0.0.1 in a background thread (a context manager)."""

    def __init__(self, site: SnapshotSite, port: int = 0) -> None:
        handler = type("Handler", (_Handler,), {"site": site})
        self.site = site
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        site.base_url = self.url
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> SnapshotServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
