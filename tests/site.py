"""A real HTTP server on 127.0.0.1 whose pages a test can change between requests.

Each route answers with a status, headers and body, optionally after a delay; or a function that
builds the answer from the request. Every request is recorded, so tests can assert what was asked.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "text/html; charset=utf-8"
    no_length: bool = False  # send no Content-Length and close the connection after the body


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    connection: int = 0  # the client's port: requests on one kept-alive connection share it


Handler = Callable[[Seen], Answer]


class TestSite:
    __test__ = False  # not a pytest class

    def __init__(self) -> None:
        self.routes: dict[str, Answer | Handler] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        site = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                    self.client_address[1],
                )
                with site._lock:
                    site.requests.append(seen)
                    route = site.routes.get(self.path.split("?")[0])
                if route is None:
                    answer = Answer(404, b"not found", content_type="text/plain")
                elif callable(route):
                    answer = route(seen)
                else:
                    answer = route
                if answer.delay:
                    time.sleep(answer.delay)
                body = answer.body.encode() if isinstance(answer.body, str) else answer.body
                try:
                    self.send_response(answer.status)
                    headers = {"Content-Type": answer.content_type, **answer.headers}
                    if answer.no_length:
                        headers["Connection"] = "close"
                        self.close_connection = True
                    elif "Content-Length" not in headers:
                        headers["Content-Length"] = str(len(body))
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    if self.command != "HEAD" and answer.status != 304:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = _serve
            do_POST = _serve
            do_HEAD = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> TestSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def set(self, path: str, answer: Answer | Handler | str) -> None:
        with self._lock:
            self.routes[path] = Answer(body=answer) if isinstance(answer, str) else answer

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path.split("?")[0] == path)
