"""A failed connection in words that say what to check: "host name not found (check the address, or
this server's internet access)" rather than "[Errno -2] Name or service not known", "connection
refused", "certificate not valid for …". The raw error is still in the chain for the logs."""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Iterator
from urllib.parse import urlsplit


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it was raised from, the members of exception groups included."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            todo.extend(current.exceptions)
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)


def connection_problem(exc: BaseException, url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or url
    where = f"{host}:{parts.port}" if parts.port else host
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            return f"host name not found: {host} (check the address, or this server's internet access)"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"certificate not valid for {host}: {cause.verify_message or cause.reason}"
        if isinstance(cause, ConnectionRefusedError):
            return f"connection refused by {where} (the site is down, or nothing listens there)"
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return f"{host} cannot be reached from here (check this server's internet access)"
        if isinstance(cause, ssl.SSLError):
            return f"secure connection to {host} failed: {cause.reason or cause}"
    text = str(exc) or type(exc).__name__
    if "certificate" in text.lower():
        return f"certificate not valid for {host}: {text}"
    return f"could not connect to {where}: {text}"
