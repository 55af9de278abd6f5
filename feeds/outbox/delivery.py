"""Sending what is pending: per route only the oldest unsent message can be claimed, so order holds across
senders; a route told to wait keeps its place; a refused message is given up after bounded tries; a
message a crash left in flight is confirmed or marked unknown, never blindly sent again."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select, update

from events.config.models import Config
from events.config.sending import SlackRoute, Webhook
from events.store import Store
from events.store.schema import notifications
from feeds.sending import Confirmer, Sender

log = logging.getLogger("eventfeed.slack")


STALE_CLAIM = timedelta(minutes=2)


REFUSED_TRIES = 3  # a message Slack refuses is given up after this many tries, and its route moves on


DEFAULT_MAX_WAIT = 300  # seconds a route told to wait (429) waits at most, without [slack] to say


REFUSED_WAIT = timedelta(seconds=30)  # between those tries, times the tries so far


def all_routes(config: Config) -> dict[str, SlackRoute | Webhook]:
    """Every place a change can go, by its name in the outbox: Slack's routes, its admin route, the webhooks."""
    routes: dict[str, SlackRoute | Webhook] = {}
    if config.slack is not None:
        routes.update({r.id: r for r in config.slack.every_route})
        if config.slack.admin is not None:
            routes["admin"] = config.slack.admin
    routes.update({hook.route: hook for hook in config.webhooks})
    return routes


def deliver(config: Config, store: Store, send: Sender, confirm: Confirmer, limit: int = 100) -> dict[str, int]:
    """Send what is pending, oldest first. Per route, only the oldest unsent message may be claimed, by
    any sender in any instance, so a route's messages arrive in order; a route told to wait (429) keeps
    its place until ``retry_at`` and no sender sleeps: the delivery job comes back."""
    counts = {"sent": 0, "failed": 0, "unknown": 0, "given_up": 0}
    routes = all_routes(config)
    if not routes:
        return counts
    max_wait = config.slack.max_retry_after if config.slack is not None else DEFAULT_MAX_WAIT
    _recover_stale(store, routes, confirm, counts)
    blocked: set[str] = set()
    while True:  # again while it sends: a sender that found a route busy left its new messages to us
        sent = counts["sent"]
        _deliver_pending(store, routes, send, max_wait, limit, blocked, counts)
        if counts["sent"] == sent:
            return counts


def _deliver_pending(
    store: Store,
    routes: dict[str, SlackRoute | Webhook],
    send: Sender,
    max_wait: float,
    limit: int,
    blocked: set[str],
    counts: dict[str, int],
) -> None:
    with store.begin() as conn:
        pending = conn.execute(
            select(
                notifications.c.id,
                notifications.c.route,
                notifications.c.key,
                notifications.c.payload,
                notifications.c.attempts,
            )
            .where(notifications.c.status == "pending")
            .order_by(notifications.c.id)
            .limit(limit)
        ).all()
    for row in pending:
        route = routes.get(row.route)
        if route is None or row.route in blocked:
            continue
        if not _claim(store, row.id, row.route, datetime.now(UTC)):
            blocked.add(row.route)  # an earlier message of this route is in flight or waiting
            continue
        result = send(route, row.payload, row.key)
        with store.begin(write=True) as conn:
            if result.ok:
                conn.execute(
                    update(notifications)
                    .where(notifications.c.id == row.id)
                    .values(status="sent", sent_at=datetime.now(UTC), error=None, retry_at=None)
                )
                counts["sent"] += 1
                continue
            tries = row.attempts + 1
            if result.refused and tries >= REFUSED_TRIES:
                # refused again and again: given up, said, and no longer in its route's way
                conn.execute(
                    update(notifications)
                    .where(notifications.c.id == row.id)
                    .values(status="failed", error=f"refused {tries} times: {result.error}", claimed_at=None)
                )
                counts["failed"] += 1
                counts["given_up"] = counts.get("given_up", 0) + 1
                log.error("%s refused %s %d times (%s): given up", route_words(row.route), row.key, tries, result.error)
                continue
            wait = None if result.retry_after is None else min(result.retry_after, max_wait)
            if wait is None and result.refused:
                wait = (REFUSED_WAIT * tries).total_seconds()
            retry_at = None if wait is None else datetime.now(UTC) + timedelta(seconds=wait)
            conn.execute(
                update(notifications)
                .where(notifications.c.id == row.id)
                .values(status="pending", error=result.error, claimed_at=None, retry_at=retry_at)
            )
        counts["failed"] += 1
        blocked.add(row.route)
        asked = " as asked" if result.retry_after else ""
        later = f"; waiting {wait:.0f} s{asked}" if wait else "; will retry"
        log.warning("%s: %s%s", route_words(row.route), result.error, later)


def route_words(route: str) -> str:
    """A route as people name it: "Slack route default", "webhook teams"."""
    return f"webhook {route.removeprefix('webhook:')}" if route.startswith("webhook:") else f"Slack route {route}"


def _claim(store: Store, row_id: int, route: str, now: datetime) -> bool:
    """``pending → sending`` only if no earlier message of the route is unsent and the route is not
    waiting: one conditional UPDATE, so of several senders at most one wins, and never out of order."""
    earlier = notifications.alias("earlier")
    unsent_before = (
        select(earlier.c.id)
        .where(
            earlier.c.route == route,
            earlier.c.id < row_id,
            earlier.c.status.in_(("pending", "sending")),
        )
        .exists()
    )
    with store.begin(write=True) as conn:
        return bool(
            conn.execute(
                update(notifications)
                .where(
                    notifications.c.id == row_id,
                    notifications.c.status == "pending",
                    or_(notifications.c.retry_at.is_(None), notifications.c.retry_at <= now),
                    ~unsent_before,
                )
                .values(status="sending", claimed_at=now, attempts=notifications.c.attempts + 1)
            ).rowcount
        )


def refused_messages(store: Store) -> list[tuple[str, int, str]]:
    """Per route, the messages Slack refused and that were given up, and the last one's reason."""
    with store.begin() as conn:
        rows = conn.execute(
            select(notifications.c.route, notifications.c.error)
            .where(notifications.c.status == "failed")
            .order_by(notifications.c.id)
        ).all()
    said: dict[str, tuple[int, str]] = {}
    for route, error in rows:
        said[route] = (said.get(route, (0, ""))[0] + 1, str(error or "?"))
    return [(route, count, error) for route, (count, error) in said.items()]


def pending_count(store: Store) -> dict[str, int]:
    """Messages by state, for /metrics."""
    with store.begin() as conn:
        rows = conn.execute(select(notifications.c.status, func.count()).group_by(notifications.c.status)).all()
        return {status: count for status, count in rows}


def _recover_stale(
    store: Store, routes: dict[str, SlackRoute | Webhook], confirm: Confirmer, counts: dict[str, int]
) -> None:
    cutoff = datetime.now(UTC) - STALE_CLAIM
    with store.begin() as conn:
        stale = conn.execute(
            select(notifications.c.id, notifications.c.route, notifications.c.key, notifications.c.claimed_at).where(
                notifications.c.status == "sending"
            )
        ).all()
    for row in stale:
        claimed_at = row.claimed_at.replace(tzinfo=UTC) if row.claimed_at.tzinfo is None else row.claimed_at
        if claimed_at > cutoff:
            continue  # still in flight somewhere
        route = routes.get(row.route)
        arrived = confirm(route, row.key) if route is not None else None
        status = {True: "sent", False: "pending", None: "unknown"}[arrived]
        with store.begin(write=True) as conn:
            conn.execute(
                update(notifications)
                .where(notifications.c.id == row.id, notifications.c.status == "sending")
                .values(status=status, claimed_at=None)
            )
        if status == "unknown":
            counts["unknown"] += 1
            log.warning("Slack message %s may or may not have been sent before a crash; not re-sending", row.key)
