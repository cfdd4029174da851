"""A local HTTP server on 127.0.0.1 that misbehaves on purpose, one behaviour per path.

    with FaultServer({"/": Page("<html>…</html>"), "/slow": Hang()}) as server:
        ... crawl server.url ...
        assert server.paths() == ["/robots.txt", "/", "/slow"]

Behaviours: `Page` (raw bytes with exactly the given headers), `StatusSequence` (fail with the
given statuses, then answer), `Hang` (accept, read the request, never answer), `Reset` (close
the socket with a TCP RST), `Redirect`, `HugeBody` (a declared Content-Length, streamed lazily)
`EndlessRedirect` and `EndlessStream` (chunked, never ends). Unknown paths, `/robots.txt` included, answer 404
(which robots.txt rules read as "allow everything"). Every request is logged in `requests`.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import urlsplit

CHUNK = 64 * 1024


class Behaviour(Protocol):
    def respond(self, handler: _Handler) -> None: ...


@dataclass
class Page:
    """Answer `body` as is; `content_type=None` sends no Content-Type header at all."""

    body: bytes | str
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    def respond(self, handler: _Handler) -> None:
        body = self.body.encode("utf-8") if isinstance(self.body, str) else self.body
        headers = dict(self.headers)
        if self.content_type is not None:
            headers["Content-Type"] = self.content_type
        handler.send_head(self.status, {**headers, "Content-Length": str(len(body))})
        handler.wfile.write(body)


@dataclass
class StatusSequence:
    """Answer the statuses in turn (one per request), then `then` for every later request."""

    statuses: list[int]
    then: Behaviour
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def respond(self, handler: _Handler) -> None:
        with self._lock:
            status = self.statuses.pop(0) if self.statuses else None
        if status is None:
            self.then.respond(handler)
        else:
            Page(f"status {status}\n", "text/plain", status=status).respond(handler)


class Hang:
    """Accept the connection and read the request, then say nothing until the server stops."""

    def respond(self, handler: _Handler) -> None:
        handler.server.stopping.wait()


@dataclass
class Reset:
    """Read the request, send `first` (by default nothing), then drop the connection with a TCP
    RST (SO_LINGER 0) instead of a clean close."""

    first: bytes = b""

    def respond(self, handler: _Handler) -> None:
        if self.first:
            handler.wfile.write(self.first)
            handler.wfile.flush()
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
        handler.close_connection = True


@dataclass
class Redirect:
    location: str
    status: int = 302

    def respond(self, handler: _Handler) -> None:
        handler.send_head(self.status, {"Location": self.location, "Content-Length": "0"})


@dataclass
class EndlessRedirect:
    """Redirect to the same path with a new query every time: a loop no duplicate filter sees."""

    status: int = 302
    count: int = 0

    def respond(self, handler: _Handler) -> None:
        self.count += 1
        path = urlsplit(handler.path).path
        handler.send_head(self.status, {"Location": f"{path}?hop={self.count}", "Content-Length": "0"})


@dataclass
class HugeBody:
    """A page of `size` bytes written chunk by chunk (the server holds one chunk at a time),
    its length announced in Content-Length or, with `announce=False`, only ended by closing
    the connection. `sent` counts what the client accepted before hanging up."""

    size: int
    announce: bool = True
    content_type: str = "text/html; charset=utf-8"
    sent: int = 0

    def respond(self, handler: _Handler) -> None:
        headers = {"Content-Type": self.content_type}
        if self.announce:
            headers["Content-Length"] = str(self.size)
        handler.send_head(200, headers)
        chunk = b"<p>" + b"x" * (CHUNK - 8) + b"</p>\n"
        try:
            handler.wfile.write(b"<html><body>")
            while self.sent < self.size and not handler.server.stopping.is_set():
                piece = chunk[: self.size - self.sent]
                handler.wfile.write(piece)
                self.sent += len(piece)
        except OSError:  # the client hung up: that is what a size cap should do
            pass


@dataclass
class EndlessStream:
    """A chunked body that never ends; stops when the client hangs up (or the server stops)."""

    content_type: str = "text/html; charset=utf-8"
    sent: int = 0

    def respond(self, handler: _Handler) -> None:
        handler.send_head(200, {"Content-Type": self.content_type, "Transfer-Encoding": "chunked"})
        data = b"<p>" + b"y" * (CHUNK - 8) + b"</p>\n"
        try:
            handler.wfile.write(_chunk(b"<html><body><h1>Live</h1>"))
            while not handler.server.stopping.is_set():
                handler.wfile.write(_chunk(data))
                self.sent += len(data)
        except OSError:
            pass


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hanging handler must not keep the test process alive
    routes: dict[str, Behaviour]
    default: Behaviour | None
    requests: list[tuple[str, str]]
    stopping: threading.Event

    def handle_error(self, request: object, client_address: object) -> None:
        # A client hanging up on a stream, a timeout or a reset is what these tests provoke:
        # not worth a traceback. Anything else is a bug in a behaviour, so keep it loud.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 so chunked bodies are legal; every answer closes its connection so Twisted does
    # not pool one this server is about to drop.
    protocol_version = "HTTP/1.1"
    server: _Server

    def send_head(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def _serve(self) -> None:
        path = urlsplit(self.path).path
        self.server.requests.append((self.command, self.path))
        behaviour = self.server.routes.get(path, self.server.default)
        if behaviour is None:
            Page("not found\n", "text/plain", status=404).respond(self)
        else:
            behaviour.respond(self)

    def do_GET(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        self._serve()

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._serve()

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


class FaultServer:
    """Serve `routes` (path -> behaviour; other paths get `default`, else 404) on 127.0.0.1 in
    a background thread."""

    def __init__(self, routes: dict[str, Behaviour], default: Behaviour | None = None) -> None:
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.routes = routes
        self.httpd.default = default
        self.httpd.requests = []
        self.httpd.stopping = threading.Event()
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def routes(self) -> dict[str, Behaviour]:
        return self.httpd.routes

    @property
    def requests(self) -> list[tuple[str, str]]:
        """(method, path with query) of every request, in arrival order."""
        return self.httpd.requests

    def paths(self) -> list[str]:
        return [path for _, path in self.requests]

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
