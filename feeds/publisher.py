"""What happens after a cycle: the feeds that are behind the store are rebuilt, then Slack and the webhooks are told.

``Publisher`` does it in this process (``events fetch``). ``PublisherProcess`` does it in a child
process (``events run``), so rendering a large feed never holds the GIL that the web server and the
fetches need (``events.workers.child_process``). Both are called from a worker thread.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from events import metrics
from events.config.models import Config
from events.config.sending import SlackRoute, Webhook
from events.errors import FeedError, StoreError
from events.store import Store
from events.workers.child_process import ChildProcess
from feeds.build import build_feeds
from feeds.sending import SendResult

log = logging.getLogger("eventfeed")


class Notifier:
    """Sends each message the outbox hands it the way its route takes: Slack's API or webhook, or a signed
    POST to a webhook of ``[[webhooks]]``."""

    def __init__(self, config: Config) -> None:
        from feeds.slack.client import SlackClient
        from feeds.webhooks import WebhookSender

        self.slack = SlackClient(config.slack) if config.slack is not None else None
        self.webhooks = WebhookSender(config.service.user_agent) if config.webhooks else None

    def send(self, route: SlackRoute | Webhook, payload: dict[str, Any], key: str) -> SendResult:
        if isinstance(route, Webhook):
            assert self.webhooks is not None
            return self.webhooks.send(route, payload, key)
        assert self.slack is not None
        return self.slack.send(route, payload, key)

    def confirm(self, route: SlackRoute | Webhook | None, key: str) -> bool | None:
        """Whether a message a crash interrupted arrived; a webhook cannot be asked."""
        if isinstance(route, Webhook) or self.slack is None:
            return None
        return self.slack.confirm(route, key)


class Publisher:
    """Feeds that cannot be written are logged, or collected in ``errors`` for a caller that reports
    them itself; either way Slack is still told, for the store has what was read."""

    def __init__(self, config: Config, store: Store, errors: list[str] | None = None) -> None:
        self.config = config
        self.store = store
        self.errors = errors
        self.notifier: Notifier | None = None
        if config.slack is not None or config.webhooks:
            from feeds import outbox

            self.notifier = Notifier(config)
            outbox.start_routes(config, store)  # a route configured now starts now: no history replayed
        self._checked_openings: set[date] = set()  # days this process looked for booking openings

    def __call__(self, sources: set[str] | None) -> dict[str, int]:
        """After a cycle (``sources``: the ones it changed, None: a scheduled rebuild, empty: only Slack's
        queue): the feeds that are behind the store are rebuilt (whoever changed it), the others cost a
        glance at their note. Booking openings (a scan of every stored event) are looked for on each
        scheduled rebuild and on the first publish of a day, not after every change."""
        counts: dict[str, int] = {}
        if sources is None or sources:
            today = datetime.now(ZoneInfo(self.config.service.timezone)).date()
            if sources is None or today not in self._checked_openings:
                try:
                    self.store.record_booking_openings(today)
                    self._checked_openings.add(today)
                except StoreError as exc:  # tried again at the next rebuild
                    log.error("booking milestones: %s", exc)
            try:
                counts = self.build()
            except FeedError as exc:  # the feeds catch up when this is fixed
                if self.errors is None:
                    log.error("%s (the events are stored; feeds not updated)", exc)
                else:
                    self.errors.append(str(exc))
        if self.notifier is not None:
            from feeds import outbox

            try:
                outbox.enqueue(self.config, self.store)
                outbox.enqueue_health(self.config, self.store)
                outbox.deliver(self.config, self.store, self.notifier.send, self.notifier.confirm)
            except Exception:  # trouble sending changes must never stop the feeds
                logging.getLogger("eventfeed.slack").exception("sending changes failed (Slack or webhooks)")
        if self.config.digests:
            from feeds.digests import send_due

            try:
                send_due(self.config, self.store)
            except Exception:  # nor must trouble with e-mail
                logging.getLogger("eventfeed.digests").exception("e-mail digests failed")
        return counts

    def build(self) -> dict[str, int]:
        """The feeds that are behind the store (``feeds.freshness``), nothing else."""
        return build_feeds(self.config, self.store)


class PublisherProcess:
    """A ``Publisher`` in a child process, called as one. The child keeps its own render cache, so a
    rebuild after one change renders one event there as it would here; feed build times measured
    there are counted in this process's metrics."""

    def __init__(self, config: Config, log_format: str = "text", log_level: str = "INFO") -> None:
        self._child = ChildProcess("publisher", _ChildPublisher, config, log_format, log_level)

    def __call__(self, sources: set[str] | None) -> dict[str, int]:
        return self._relay(self._child.call("publish", sources))

    def build(self) -> dict[str, int]:
        return self._relay(self._child.call("build"))

    def close(self) -> None:
        self._child.close()

    @staticmethod
    def _relay(answer: tuple[dict[str, int], list[tuple[str, float]]]) -> dict[str, int]:
        counts, built = answer
        for feed_id, seconds in built:
            metrics.FEED_BUILD_SECONDS.labels(feed_id).observe(seconds)
        return counts


class _ChildPublisher:
    """The child's side: its own logging, store connection and render cache."""

    def __init__(self, config: Config, log_format: str, log_level: str) -> None:
        from events.logs import configure

        configure(log_format, log_level)
        self.publisher = Publisher(config, Store(config.service.database_url, prepare=False))  # the parent prepared it
        metrics.relay_feed_builds()

    def publish(self, sources: set[str] | None) -> tuple[dict[str, int], list[tuple[str, float]]]:
        return self.publisher(sources), metrics.relayed_feed_builds()

    def build(self) -> tuple[dict[str, int], list[tuple[str, float]]]:
        return self.publisher.build(), metrics.relayed_feed_builds()
