"""A small HTTP server on loopback that serves pages and feeds from a dict of routes, for tests and demos.

    with NewsServer(news_site) as server:          # news_site(base_url) -> {path: Route}
        feed = server.url("/feed.xml")

Routes answer conditional requests (ETag / Last-Modified -> 304), can redirect, fail a few times first, stall, or
stream a large body; every request is counted in `hits` and its headers kept in `requests`.
`python -m testkit.news_server [--port N]` serves the invented news site of testkit.news_site until interrupted.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    redirect: str | None = None  # Location of a 302
    fail_first: int = 0  # answer 503 this many times before the body
    delay: float = 0.0  # seconds to wait before answering
    stream_bytes: int = 0  # send this many filler bytes after body, without a Content-Length


Site = Callable[[str], dict[str, Route]]


class NewsServer:
    """Serve routes on 127.0.0.1 from a background thread."""

    def __init__(self, site: Site | dict[str, Route] | None = None, port: int = 0) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._site = site
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """Return http://127.0.0.1:<port>."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        """Return the full URL of a path."""
        return self.base_url + path

    def start(self) -> NewsServer:
        """Start serving (the site's routes are made now, knowing the port)."""
        if callable(self._site):
            self.routes.update(self._site(self.base_url))
        elif self._site:
            self.routes.update(self._site)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="news-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> NewsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def record(self, path: str, headers: dict[str, str]) -> int:
        """Count a request and return how many this path had before it."""
        with self._lock:
            before = self.hits[path]
            self.hits[path] += 1
            self.requests.append((path, headers))
            return before


def _handler(server: NewsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            before = server.record(self.path, headers)
            route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
            if route is None:
                self._send(404, b"<html><body><h1>Not found</h1></body></html>", {"Content-Type": "text/html"})
                return
            if route.delay:
                time.sleep(route.delay)
            if before < route.fail_first:
                self._send(503, b"busy", {"Content-Type": "text/plain", "Retry-After": "0"})
                return
            if route.redirect is not None:
                self._send(302, b"", {"Location": route.redirect})
                return
            extra = dict(route.headers)
            if route.etag:
                extra["ETag"] = route.etag
            if route.last_modified:
                extra["Last-Modified"] = route.last_modified
            fresh = (route.etag and headers.get("if-none-match") == route.etag) or (
                route.last_modified and headers.get("if-modified-since") == route.last_modified
            )
            if fresh:
                self._send(304, b"", extra)
                return
            extra["Content-Type"] = route.content_type
            if route.stream_bytes:
                self._stream(route, extra)
                return
            self._send(route.status, route.body, extra)

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client stopped reading (e.g. at its size cap)

        def _stream(self, route: Route, headers: dict[str, str]) -> None:
            self.send_response(route.status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                self.wfile.write(route.body)
                chunk = b"<p>" + b"filler " * 1000 + b"</p>\n"
                sent = 0
                while sent < route.stream_bytes:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading at its size cap

    return Handler


def main() -> None:
    """Serve the invented news site until interrupted."""
    from .news_site import news_site

    parser = argparse.ArgumentParser(description="Serve the invented news site of testkit.news_site on loopback.")
    parser.add_argument("--port", type=int, default=8765)
    port = parser.parse_args().port
    with NewsServer(news_site, port=port) as server:
        print(f"Serving the invented news site at {server.base_url}", flush=True)
        for path in sorted(server.routes):
            print(f"  {server.url(path)}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
