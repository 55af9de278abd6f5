"""What the benches share to run things on this machine."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# (status, headers, body) for a GET of path with these request headers
Answer = Callable[[str, Mapping[str, str]], tuple[int, dict[str, str], bytes]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_serving(port: int, timeout: float = 60) -> None:
    """Until ``events run``/``serve`` on ``port`` answers /healthz."""
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise SystemExit(f"nothing answered on port {port} within {timeout:.0f} s") from None
            time.sleep(0.2)


def serve_pages(port: int, answer: Answer) -> None:
    """A threaded HTTP/1.1 site on 127.0.0.1 that allows every robot and answers every other GET with
    ``answer(path, headers)``; it runs until its process ends (benches start it in a child process)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                status, headers, body = 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
            else:
                status, headers, body = answer(self.path, self.headers)
            self.send_response(status)
            for key, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client that gave up on a slow page: nothing to report

    Server(("127.0.0.1", port), Handler).serve_forever()
