"""A real HTTP server on localhost for the calendar tests and the benchmark:
it serves .ics bodies with ETag / Last-Modified (and answers 304 to a
matching conditional request), errors, redirects, slow and endless bodies.

    with CalendarServer() as server:
        server.serve("/work.ics", body, etag='"v1"')
        url = server.url("/work.ics")
"""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "calendars"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    etag: str = ""
    last_modified: str = ""
    content_type: str = "text/calendar; charset=utf-8"
    location: str = ""
    delay: float = 0.0  # seconds before the answer starts
    endless: bool = False  # no length, chunks until the client hangs up
    headers: dict[str, str] = field(default_factory=dict)


class CalendarServer:
    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        """`tls`: (certificate, key) files to serve https instead of http."""
        self.routes: dict[str, Route] = {}
        self.hits: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> CalendarServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes = b"", **kwargs: object) -> Route:
        route = Route(body=body, **kwargs)  # type: ignore[arg-type]
        self.routes[path] = route
        return route

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = Route(status=status, location=location)

    def hits_of(self, path: str) -> list[dict[str, str]]:
        with self._lock:
            return [headers for hit, headers in self.hits if hit == path]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.hits.append((handler.path, {k.lower(): v for k, v in handler.headers.items()}))
        route = self.routes.get(handler.path.split("?", 1)[0])  # any query string
        if route is None:
            handler.send_error(404)
            return
        if route.delay:
            time.sleep(route.delay)
        if route.location:
            handler.send_response(route.status)
            handler.send_header("Location", route.location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if route.etag and handler.headers.get("If-None-Match") == route.etag:
            handler.send_response(304)
            handler.send_header("ETag", route.etag)
            handler.end_headers()
            return
        handler.send_response(route.status)
        handler.send_header("Content-Type", route.content_type)
        if route.etag:
            handler.send_header("ETag", route.etag)
        if route.last_modified:
            handler.send_header("Last-Modified", route.last_modified)
        for name, value in route.headers.items():
            handler.send_header(name, value)
        if route.endless:
            handler.end_headers()
            chunk = b"X" * 65536
            try:
                for _ in range(1000):  # 64 MB at most, then give up
                    handler.wfile.write(chunk)
            except OSError:
                pass  # the client hung up: what the size limit should do
            return
        handler.send_header("Content-Length", str(len(route.body)))
        handler.end_headers()
        with contextlib.suppress(OSError):
            handler.wfile.write(route.body)
