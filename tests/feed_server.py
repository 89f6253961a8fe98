"""A real HTTP server on 127.0.0.1 serving the collection fixture corpus, with conditional GET.

``/feeds/NAME`` and ``/pages/NAME`` serve files of ``tests/fixtures/collect`` (``{base}`` replaced
by the server's address) with an ETag and Last-Modified, answering 304 to a matching
If-None-Match. A route in ``broken`` answers 500. Other routes make the bad cases: ``/status/404``, ``/status/500``, ``/flaky`` (500
on the first request, then a feed), ``/slow`` (answers after ``SLOW_SECONDS``), ``/loop`` (redirects
to itself), ``/big`` (a body of ``BIG_BYTES``), ``/moved`` (a redirect to ``/feeds/atom.xml``).
``/trickle-body`` and ``/trickle-head`` send a body or the status line one byte every
``TRICKLE_SECONDS`` (issue 17 case 4); ``extra`` maps more routes to (status, body, type, headers)
(``{base}`` replaced). ``host`` binds another loopback address (127.0.0.2: an "internal" server).
Every request is logged as (path, status, user agent) so tests can count what was fetched.
"""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "collect"
SLOW_SECONDS = 1.5
BIG_BYTES = 256 * 1024
TRICKLE_SECONDS = 0.1
LAST_MODIFIED = "Fri, 18 Jul 2025 12:00:00 GMT"
_TYPES = {".xml": "application/rss+xml", ".rdf": "application/rdf+xml", ".json": "application/feed+json",
          ".html": "text/html; charset=utf-8"}


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client that timed out hung up: expected here
        pass


class FeedServer:
    def __init__(self, host: str = "127.0.0.1"):
        self.log: list[tuple[str, int, str]] = []
        self.flaky_hits = 0
        self.broken: set[str] = set()  # routes that answer 500 until a test takes them out
        self.extra: dict[str, tuple[int, bytes, str | None, dict]] = {}
        self.trickled = 0  # bytes sent by the trickle routes
        self.httpd = _QuietServer((host, 0), _handler(self))
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def requests(self, prefix: str = "/") -> list[tuple[str, int]]:
        return [(path, status) for path, status, _ in self.log if path.startswith(prefix)]


def _handler(server: FeedServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            route = self.path.split("?")[0]
            if route in server.broken:
                return self._send(500, b"broken for this test", "text/plain")
            if route in server.extra:
                status, body, kind, headers = server.extra[route]
                return self._send(status, body.replace(b"{base}", server.base.encode()), kind, headers)
            if route in ("/trickle-body", "/trickle-head"):
                return self._trickle(route)
            if route.startswith(("/feeds/", "/pages/")):
                return self._file(route)
            if route.startswith("/status/"):
                return self._send(int(route.rsplit("/", 1)[1]), b"error page", "text/html")
            if route == "/flaky":
                server.flaky_hits += 1
                if server.flaky_hits == 1:
                    return self._send(503, b"busy", "text/plain")
                return self._file("/feeds/atom.xml")
            if route == "/slow":
                time.sleep(SLOW_SECONDS)
                return self._send(200, b"<rss/>", "application/rss+xml")
            if route in ("/loop", "/moved"):
                return self._redirect("/loop" if route == "/loop" else "/feeds/atom.xml")
            if route == "/big":
                return self._send(200, b"<rss>" + b" " * BIG_BYTES + b"</rss>", "application/rss+xml")
            return self._send(404, b"not found", "text/plain")

        def _file(self, route: str):
            path = FIXTURES / route.lstrip("/")
            if not path.is_file():
                return self._send(404, b"not found", "text/plain")
            body = path.read_bytes().replace(b"{base}", server.base.encode())
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, b"", None, {"ETag": etag})
            return self._send(200, body, _TYPES.get(path.suffix, "application/xml"),
                              {"ETag": etag, "Last-Modified": LAST_MODIFIED})

        def _trickle(self, route: str):
            server.log.append((self.path, 200, self.headers.get("User-Agent", "")))
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n"
            if route == "/trickle-body":
                self.wfile.write(head)
            try:
                for n in range(100_000):
                    self.wfile.write(b"<" if route == "/trickle-body" else head[n % len(head):][:1])
                    self.wfile.flush()
                    server.trickled += 1
                    time.sleep(TRICKLE_SECONDS)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _redirect(self, target: str):
            return self._send(302, b"", None, {"Location": target})

        def _send(self, status: int, body: bytes, content_type: str | None, headers: dict | None = None):
            server.log.append((self.path, status, self.headers.get("User-Agent", "")))
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    return Handler
