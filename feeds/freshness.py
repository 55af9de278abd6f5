"""Every instance serves what the store holds, whoever fetched it.

An instance rebuilds its feed files after its own fetches; another instance (on another host, with its
own feed folder) would otherwise serve its old files until its own next change. Each feed's files are
followed by a note of what they were built from (``feeds.build``: the sources' content tokens, the
settings, the day); before a feed file is served, at most every ``check_every`` seconds, the tokens are
read from the store (one small query, off the event loop) and the feeds that are behind are rebuilt.
A request waits for that rebuild at most ``wait`` seconds from its start, then gets the file as it is;
so what is served is never more than ``check_every`` + one rebuild behind the store.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from functools import partial

from events.config.models import Config
from events.errors import EventfeedError
from events.store import Store
from events.workers.threads import in_daemon_thread
from feeds.build import build_feeds

log = logging.getLogger("eventfeed.feeds")


class Freshness:
    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        check_every: float = 2.0,
        wait: float = 2.0,
        rebuild: Callable[[], object] | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.rebuild = rebuild or partial(build_feeds, config, store)  # only the feeds that are behind
        self.check_every = check_every
        self.wait = wait
        self._checked = float("-inf")
        self._task: asyncio.Future[object] | None = None
        self._started = 0.0

    async def ensure(self) -> None:
        """Called before a feed file is served."""
        now = time.monotonic()
        if self._task is None and now - self._checked >= self.check_every:
            self._checked, self._started = now, now
            self._task = asyncio.ensure_future(in_daemon_thread(self.rebuild))
        task = self._task
        if task is None:
            return
        remaining = self.wait - (now - self._started)
        if remaining > 0 and not task.done():
            await asyncio.wait({task}, timeout=remaining)
        if task.done():
            self._task = None
            error = task.exception()
            if isinstance(error, EventfeedError):
                log.error("refreshing the feeds from the store: %s", error)
            elif error is not None:
                log.error("refreshing the feeds from the store failed", exc_info=error)
