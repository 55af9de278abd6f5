"""Small helpers shared by tests: free ports, a service subprocess, reading feeds back."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from icalendar import Calendar


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(config: Path, command: str = "serve", port: int | None = None) -> Iterator[subprocess.Popen[str]]:
    """Start `events <command>` and wait until its web server answers /healthz."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "events.cli", "--config", str(config), command],
        cwd=config.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        if port is not None:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except httpx.HTTPError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        out = proc.stdout.read() if proc.stdout else ""
                        raise AssertionError(f"events {command} did not start:\n{out}") from None
                    time.sleep(0.1)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout:
            proc.stdout.close()


def first_fetch(port: int, timeout: float = 30) -> dict:
    """Wait until the service on ``port`` has fetched its first source; its /healthz then."""
    deadline = time.monotonic() + timeout
    while True:
        health = httpx.get(f"http://127.0.0.1:{port}/healthz?sources=all").json()
        if health["sources"][0]["last_fetch"]:
            return health
        assert time.monotonic() < deadline, "no fetch within the time allowed"
        time.sleep(0.2)


def vevents(ics: bytes) -> dict[str, dict]:
    """SUMMARY → the VEVENT's properties as plain values."""
    out = {}
    for ve in Calendar.from_ical(ics).walk("VEVENT"):
        out[str(ve["SUMMARY"])] = {
            "start": ve.decoded("DTSTART"),
            "end": ve.decoded("DTEND") if "DTEND" in ve else None,
            "location": str(ve.get("LOCATION", "")),
            "description": str(ve.get("DESCRIPTION", "")),
            "status": str(ve.get("STATUS", "")),
            "uid": str(ve["UID"]),
            "sequence": int(ve.get("SEQUENCE", 0)),
            "url": str(ve.get("URL", "")),
        }
    return out
