"""Fetch pages politely. Every outcome is a value (Page, NotModified or Failure), never an exception,
because one dead site must never stop the scheduler or the other sources.

Polite means: robots.txt honoured (cached per host), a real User-Agent, a few requests per host at
a time and spaced apart, conditional GETs, capped size and time, and retries with exponential
back-off and jitter on timeouts, 429 and 5xx, waiting as long as ``Retry-After`` asks (within reason).
"""

from __future__ import annotations

import asyncio
import codecs
import email.utils
import hashlib
import random
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

MB = 1024 * 1024
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


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
            headers={"User-Agent": p.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
            timeout=httpx.Timeout(p.read_timeout, connect=p.connect_timeout),
            follow_redirects=True,
            max_redirects=p.max_redirects,
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
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, previous_hash: str | None = None
    ) -> FetchOutcome:
        try:
            if not await self.allowed(url):
                return Failure(url, "robots.txt forbids fetching this page")
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            return await self._with_retries(url, headers)
        except Exception as exc:  # the promise is "never raises": anything unforeseen becomes a value
            return Failure(url, f"unexpected error: {type(exc).__name__}: {exc}")

    async def _with_retries(self, url: str, headers: dict[str, str]) -> FetchOutcome:
        p = self.policy
        outcome: FetchOutcome = Failure(url, "not fetched")
        for attempt in range(p.retries + 1):
            outcome, retry_after = await self._once(url, headers)
            if not isinstance(outcome, Failure) or retry_after is None or attempt == p.retries:
                return outcome
            if retry_after > p.max_retry_after:
                return Failure(url, f"{outcome.reason}; the server asks to wait {retry_after:.0f} s", outcome.status)
            delay = max(retry_after, p.backoff * (2**attempt) + random.uniform(0, p.backoff * (2**attempt)))
            await asyncio.sleep(delay)
        return outcome

    async def _once(self, url: str, headers: dict[str, str]) -> tuple[FetchOutcome, float | None]:
        """One request. The float is how long to wait before retrying, or None for 'do not retry'."""
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
                    return await self._request(url, headers)
            except TimeoutError:
                return Failure(url, f"no complete answer within {p.total_timeout:.0f} s"), 0.0
            except httpx.TooManyRedirects:
                return Failure(url, f"more than {p.max_redirects} redirects (a redirect loop?)"), None
            except httpx.TimeoutException as exc:
                return Failure(url, f"timed out ({type(exc).__name__})"), 0.0
            except httpx.HTTPError as exc:
                return Failure(url, f"could not connect: {exc or type(exc).__name__}"), 0.0

    async def _request(self, url: str, headers: dict[str, str]) -> tuple[FetchOutcome, float | None]:
        p = self.policy
        async with self.client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            if status == 304:
                await response.aread()  # (empty) read to the end, so the connection goes back to the pool
                return NotModified(str(response.url)), None
            if status == 429 or status >= 500:
                wait = _retry_after(response.headers.get("Retry-After"))
                label = "rate-limited (429)" if status == 429 else f"server error {status}"
                return Failure(url, label, status), (wait if wait is not None else 0.0)
            if status >= 400:
                return Failure(url, f"HTTP {status} {response.reason_phrase}".strip(), status), None
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > p.max_bytes:
                return Failure(
                    url, f"page is {int(declared) // MB} MB, over the {p.max_bytes // MB} MB limit", status
                ), None
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body.extend(chunk)
                if len(body) > p.max_bytes:
                    return Failure(url, f"page is over the {p.max_bytes // MB} MB limit", status), None
            raw = bytes(body)
            text, encoding = decode(raw, response.headers.get("Content-Type"))
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

    async def allowed(self, url: str) -> bool:
        """robots.txt says yes. One download per host, however many of its pages are fetched at once:
        concurrent callers wait on the same lock and then read the cache."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        async with self._robots_locks[origin]:
            cached = self._robots.get(origin)
            if cached is None or time.monotonic() - cached[0] > self.policy.robots_ttl:
                async with self._overall:
                    cached = (time.monotonic(), await self._load_robots(origin))
                self._robots[origin] = cached
        parser = cached[1]
        return True if parser is None else parser.can_fetch(self.policy.user_agent, url)

    async def _load_robots(self, origin: str) -> RobotFileParser | None:
        """RFC 9309: a missing robots.txt (4xx) allows everything; an unreachable one (5xx) nothing."""
        parser = RobotFileParser()
        try:
            async with asyncio.timeout(self.policy.total_timeout):
                response = await self.client.get(origin + "/robots.txt")
        except (httpx.HTTPError, TimeoutError):
            return None
        if 400 <= response.status_code < 500:
            return None
        if response.status_code >= 500:
            parser.parse(["User-agent: *", "Disallow: /"])
            return parser
        text, _ = decode(response.content[: 512 * 1024], response.headers.get("Content-Type"))
        parser.parse(text.splitlines())
        return parser


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


def decode(raw: bytes, content_type: str | None) -> tuple[str, str]:
    """Bytes to text by the charset the headers or the page declare; never raises.

    ISO-8859-1 and US-ASCII are read as windows-1252, as browsers do, because pages that say
    Latin-1 routinely contain curly quotes from Windows.
    """
    candidates = []
    if content_type:
        m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
        if m:
            candidates.append(m.group(1))
    m = _META_CHARSET.search(raw[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    if raw.startswith(codecs.BOM_UTF8):
        candidates.insert(0, "utf-8-sig")
    for name in candidates:
        encoding = _known(name)
        if encoding:
            return raw.decode(encoding, errors="replace"), encoding
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("windows-1252", errors="replace"), "windows-1252"


def _known(name: str) -> str | None:
    try:
        encoding = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    return "cp1252" if encoding in ("latin-1", "iso8859-1", "ascii") else encoding
