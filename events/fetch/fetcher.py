"""Fetch pages politely. Every outcome is a value (Page, NotModified or Failure), never an exception,
because one dead site must never stop the scheduler or the other sources.

Polite means: robots.txt honoured on every host visited (cached per host), a real User-Agent, a few
requests per host at a time and spaced apart, conditional GETs, capped size and time, and retries with
exponential back-off and jitter on timeouts, 429 and 5xx, waiting as long as ``Retry-After`` asks
(within reason).

Safe means: redirects are followed here, hop by hop, so each hop's host is checked (robots.txt, and
for hosts the caller does not trust, a public address: ``events.fetch.addresses``); every body, robots.txt
included, is streamed and capped after its content encodings are undone (``events.fetch.bodies``), within
one total time limit; and an answer that is not a page (a PDF, an image) is a failure that says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import hashlib
import random
import time
import zlib
from collections import defaultdict
from collections.abc import Collection
from contextlib import nullcontext
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from events.fetch.addresses import host_of, refusal
from events.fetch.bodies import TooLarge, Unpacker, UnsupportedEncoding, decode, not_readable
from events.fetch.network_words import connection_problem

MB = 1024 * 1024
ROBOTS_LIMIT = 512 * 1024  # robots.txt beyond this is ignored, as RFC 9309 allows


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    text: str
    size: int
    body_hash: str
    etag: str | None = None
    last_modified: str | None = None
    encoding: str = "utf-8"


@dataclass(frozen=True)
class NotModified:
    url: str
    status: int = 304
    reason: str = "not modified since the last fetch"


@dataclass(frozen=True)
class Failure:
    url: str
    reason: str
    status: int | None = None


FetchOutcome = Page | NotModified | Failure


@dataclass
class FetchPolicy:
    user_agent: str = "eventfeed/0.1"
    max_bytes: int = 5 * MB
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 1.0  # seconds; doubled each retry, plus up to as much again in jitter
    max_retry_after: float = 120.0  # a longer Retry-After is reported, not waited for
    per_host: int = 2
    overall: int = 10
    host_delay: float = 1.0  # seconds between two requests to one host
    robots_ttl: float = 24 * 3600


@dataclass
class _Host:
    lock: asyncio.Semaphore
    last: float = 0.0
    spacing: asyncio.Lock = field(default_factory=asyncio.Lock)


class Fetcher:
    def __init__(self, policy: FetchPolicy | None = None, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.policy = policy or FetchPolicy()
        p = self.policy
        self.client = httpx.AsyncClient(
            headers={
                "User-Agent": p.user_agent,
                "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                "Accept-Encoding": "gzip, deflate",  # the encodings events.fetch.bodies undoes within limits
            },
            timeout=httpx.Timeout(p.read_timeout, connect=p.connect_timeout),
            follow_redirects=False,  # followed in _request, hop by hop
            transport=transport,
        )
        self._overall = asyncio.Semaphore(p.overall)
        self._hosts: dict[str, _Host] = defaultdict(lambda: _Host(asyncio.Semaphore(self.policy.per_host)))
        self._robots: dict[str, tuple[float, RobotFileParser | None]] = {}
        self._robots_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        trusted: Collection[str] | None = None,
        expect: str = "html",
    ) -> FetchOutcome:
        """One page (``expect="html"``) or calendar (``"calendar"``). ``trusted`` are the hosts (or
        host:port) that may be reached whatever their address; by default the URL's own host. Any
        other host the fetch leads to must be public."""
        hosts = frozenset(trusted) if trusted is not None else frozenset({host_of(url)})
        try:
            if reason := await refusal(url, hosts):
                return Failure(url, reason)
            if not await self.allowed(url):
                return Failure(url, self._robots_refusal(url))
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            return await self._with_retries(url, headers, hosts, expect)
        except Exception as exc:  # the promise is "never raises": anything unforeseen becomes a value
            return Failure(url, f"unexpected error: {type(exc).__name__}: {exc}")

    async def _with_retries(
        self, url: str, headers: dict[str, str], hosts: frozenset[str], expect: str
    ) -> FetchOutcome:
        p = self.policy
        outcome: FetchOutcome = Failure(url, "not fetched")
        for attempt in range(p.retries + 1):
            outcome, retry_after = await self._once(url, headers, hosts, expect)
            if not isinstance(outcome, Failure) or retry_after is None or attempt == p.retries:
                return outcome
            if retry_after > p.max_retry_after:
                return Failure(url, f"{outcome.reason}; the server asks to wait {retry_after:.0f} s", outcome.status)
            delay = max(retry_after, p.backoff * (2**attempt) + random.uniform(0, p.backoff * (2**attempt)))
            await asyncio.sleep(delay)
        return outcome

    async def _once(
        self, url: str, headers: dict[str, str], hosts: frozenset[str], expect: str
    ) -> tuple[FetchOutcome, float | None]:
        """One request and its redirects. The float is how long to wait before retrying, or None for
        'do not retry'."""
        p = self.policy
        host = self._hosts[urlsplit(url).netloc]
        async with self._overall, host.lock:
            async with host.spacing:
                wait = host.last + p.host_delay - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                host.last = time.monotonic()
            try:
                async with asyncio.timeout(p.total_timeout):
                    return await self._request(url, headers, hosts, expect)
            except TimeoutError:
                return Failure(url, f"no complete answer within {p.total_timeout:.0f} s"), 0.0
            except httpx.ConnectTimeout:
                return Failure(url, f"no answer in {p.connect_timeout:.0f} s (could not connect)"), 0.0
            except httpx.TimeoutException:
                return Failure(url, f"no answer in {p.read_timeout:.0f} s"), 0.0
            except httpx.HTTPError as exc:
                return Failure(url, connection_problem(exc, url)), 0.0

    async def _request(
        self, url: str, headers: dict[str, str], hosts: frozenset[str], expect: str
    ) -> tuple[FetchOutcome, float | None]:
        p = self.policy
        current = url
        for hop in range(p.max_redirects + 1):
            if hop:
                if reason := await refusal(current, hosts):
                    return Failure(url, f"redirected to {current}: {reason}"), None
                if not await self.allowed(current, overall=False):
                    return Failure(url, f"redirected to {current}: {self._robots_refusal(current)}"), None
            async with self.client.stream("GET", current, headers=headers) as response:
                target = redirect_target(response, current)
                if target is not None:  # the redirect's body is never read
                    current = target
                    if urlsplit(current).scheme not in ("http", "https"):
                        return Failure(url, f"redirected to {current}, which is not http(s)"), None
                    continue
                return await self._answer(url, response, expect)
        return Failure(url, f"more than {p.max_redirects} redirects (a redirect loop?)"), None

    async def _answer(self, url: str, response: httpx.Response, expect: str) -> tuple[FetchOutcome, float | None]:
        p = self.policy
        status = response.status_code
        if status == 304:
            # a 304 has no body, but reading its end is what lets httpx keep the connection for the
            # next request; unread, it is closed, and every 304 of a cycle pays a new TCP connection
            with contextlib.suppress(httpx.HTTPError, TooLarge, UnsupportedEncoding, zlib.error):
                await read_body(response, 64 * 1024)
            return NotModified(str(response.url)), None
        if status == 429 or status >= 500:
            wait = _retry_after(response.headers.get("Retry-After"))
            label = "rate-limited (429)" if status == 429 else f"server error {status}"
            return Failure(url, label, status), (wait if wait is not None else 0.0)
        if status >= 400:
            return Failure(url, f"HTTP {status} {response.reason_phrase}".strip(), status), None
        if status >= 300:
            return Failure(url, f"HTTP {status} without a usable Location", status), None
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > p.max_bytes:
            return Failure(url, f"page is {int(declared) // MB} MB, over the {_mb(p.max_bytes)} limit", status), None
        content_type = response.headers.get("Content-Type")
        try:
            raw = await read_body(response, p.max_bytes)
        except TooLarge:
            return Failure(url, f"page is over the {_mb(p.max_bytes)} limit once decompressed", status), None
        except UnsupportedEncoding as exc:
            return Failure(url, f"the server sent an encoding that was not asked for ({exc})", status), None
        except zlib.error as exc:
            return Failure(url, f"the page's compression is broken ({exc})", status), None
        if reason := not_readable(raw[:2048], content_type, expect):
            return Failure(url, reason, status), None
        text, encoding = decode(raw, content_type)
        return Page(
            url=str(response.url),
            status=status,
            text=text,
            size=len(raw),
            body_hash=hashlib.sha256(raw).hexdigest(),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            encoding=encoding,
        ), None

    async def allowed(self, url: str, *, overall: bool = True) -> bool:
        """robots.txt says yes. One download per host, however many of its pages are fetched at once:
        concurrent callers wait on the same lock and then read the cache. ``overall=False`` when the
        caller already holds a slot of the overall limit (a redirect in flight)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        async with self._robots_locks[origin]:
            cached = self._robots.get(origin)
            ttl = UNREACHABLE_TTL if cached and isinstance(cached[1], _Unreachable) else self.policy.robots_ttl
            if cached is None or time.monotonic() - cached[0] > ttl:
                async with self._overall if overall else nullcontext():
                    cached = (time.monotonic(), await self._load_robots(origin))
                self._robots[origin] = cached
        parser = cached[1]
        return True if parser is None else parser.can_fetch(self.policy.user_agent, url)

    def _robots_refusal(self, url: str) -> str:
        """Why robots.txt keeps a page from being fetched, in words."""
        parts = urlsplit(url)
        cached = self._robots.get(f"{parts.scheme}://{parts.netloc}")
        parser = cached[1] if cached else None
        if isinstance(parser, _Unreachable):
            if parser.down:
                return parser.why
            return f"robots.txt could not be read ({parser.why}), and a site whose rules are unknown is not fetched"
        return "robots.txt forbids fetching this page"

    async def _load_robots(self, origin: str) -> RobotFileParser | None:
        """RFC 9309: a missing robots.txt (4xx) allows everything; an unreachable one (5xx, a timeout,
        a broken connection) nothing, until it is asked again (``UNREACHABLE_TTL``).
        Redirects on the same site are followed; the body is capped like any other."""
        parser = RobotFileParser()
        url = origin + "/robots.txt"
        try:
            async with asyncio.timeout(self.policy.total_timeout):
                for _hop in range(self.policy.max_redirects + 1):
                    async with self.client.stream("GET", url) as response:
                        target = redirect_target(response, url)
                        if target is not None:
                            url = target
                            if host_of(url) != host_of(origin):
                                return None  # another site's rules are not this site's
                            continue
                        if 400 <= response.status_code < 500 or response.status_code < 200:
                            return None
                        if response.status_code >= 300:
                            return _Unreachable(f"it answered {response.status_code}")
                        try:
                            raw = await read_body(response, ROBOTS_LIMIT)
                        except TooLarge:
                            raw = b""  # an oversized robots.txt is read as empty: everything allowed
                        break
                else:
                    return None
        except TimeoutError:
            return _Unreachable("it timed out")
        except httpx.TimeoutException:
            return _Unreachable("it timed out")
        except httpx.HTTPError as exc:  # the site is down: say so as a page's fetch would
            return _Unreachable(connection_problem(exc, url), down=True)
        except (UnsupportedEncoding, zlib.error):
            return None  # sent, but in an encoding nobody can read: no rules were said
        text, _ = decode(raw, response.headers.get("Content-Type"))
        parser.parse(text.splitlines())
        return parser


class _Unreachable(RobotFileParser):
    """The rules of a site whose robots.txt could not be read: fetch nothing (RFC 9309, 2.3.1.4)."""

    def __init__(self, why: str, down: bool = False) -> None:
        super().__init__()
        self.why = why
        self.down = down  # no connection at all: the site, not its rules, is the news
        self.parse(["User-agent: *", "Disallow: /"])


UNREACHABLE_TTL = 300.0  # seconds before an unreadable robots.txt is asked for again


def redirect_target(response: httpx.Response, url: str) -> str | None:
    """Where a redirect answer sends the request next, or None when the answer is not a redirect."""
    location = response.headers.get("Location")
    if response.status_code in (301, 302, 303, 307, 308) and location:
        return urljoin(url, str(location).strip())
    return None


async def read_body(response: httpx.Response, limit: int) -> bytes:
    """The body with its content encodings undone, stopping as soon as it passes ``limit``."""
    unpacker = Unpacker(response.headers.get("Content-Encoding"), limit)
    body = bytearray()
    async for chunk in response.aiter_raw():
        body += unpacker.feed(chunk)
    return bytes(body)


def _mb(size: int) -> str:
    return f"{size / MB:g} MB"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


__all__ = ["Failure", "FetchOutcome", "FetchPolicy", "Fetcher", "NotModified", "Page", "decode"]
