"""Exactly-once Slack messages: record the intent, send, confirm.

``enqueue`` turns new change records into notification rows (one per change and route, or one
summary for a source's first fetch, or one digest for a busy cycle); the row's unique key makes this
safe to run twice or in two instances at once. ``deliver`` claims pending rows one at a time
(``pending → sending`` by a conditional UPDATE, so two instances never claim the same row), sends,
and marks them ``sent``; per route only the oldest unsent row can be claimed, so order holds across
senders, and a 429 holds the route until its ``retry_at`` instead of putting a thread to sleep.
A row left in ``sending`` by a crash is never blindly re-sent: for bot messages Slack is asked
whether it arrived (our key travels in the message metadata); for webhooks, which cannot be asked,
it is marked ``unknown`` and logged, because one lost message is better than a duplicate in every
member's channel. When Slack is down, rows stay pending and go out later, in order.

Past 400 lines on purpose: enqueueing, claiming and confirming share one row life cycle, and its
invariants (once, in order per route) are easier to check in one place.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from events.config.models import Config, SlackRoute
from events.record import Event
from events.store import Store, aware_row, changes_lock
from events.store.schema import changes, events, meta, notifications, sources
from feeds.sending import Confirmer, Sender
from feeds.slack import messages

log = logging.getLogger("eventfeed.slack")
CURSOR = "slack_cursor"
STALE_CLAIM = timedelta(minutes=2)


REFUSED_TRIES = 3  # a message Slack refuses is given up after this many tries, and its route moves on
REFUSED_WAIT = timedelta(seconds=30)  # between those tries, times the tries so far


def _insert_ignore(conn: Any, row: dict[str, Any]) -> int:
    """Insert a notification unless its key is already there; 1 if it was added, 0 if not."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql as dialect
    else:
        from sqlalchemy.dialects import sqlite as dialect  # type: ignore[no-redef]
    statement = dialect.insert(notifications).values(**row).on_conflict_do_nothing(index_elements=["key"])
    return int(conn.execute(statement).rowcount)


def _matches(route: SlackRoute, kind: str, event: Event) -> bool:
    if route.kinds and kind not in route.kinds and not (kind == "booking_opened" and "booking" in route.kinds):
        return False  # a route taking booking changes takes the day booking opens too
    if route.sources and event.source not in route.sources:
        return False
    folded = {c.casefold() for c in event.categories}
    return not route.categories or any(c.casefold() in folded for c in route.categories)


ROUTE_START = "slack_route_start:"  # meta key prefix: the last change before a route existed


def start_routes(config: Config, store: Store) -> None:
    """A route starts from now: the changes stored before it was configured are its history, not its
    news. Each route seen for the first time records the last change id; ``enqueue`` takes only later
    ones for it. Turning Slack on for a store with a year of changes sends nothing until the next one.
    Run where a service or a command starts, before it reads any page."""
    slack = config.slack
    if slack is None:
        return
    with store.begin(write=True) as conn:
        last = int(conn.execute(select(func.coalesce(func.max(changes.c.id), 0))).scalar_one())
        known = {
            str(key).removeprefix(ROUTE_START)
            for (key,) in conn.execute(select(meta.c.key).where(meta.c.key.like(f"{ROUTE_START}%")))
        }
        for route in slack.every_route:
            if route.id not in known:
                conn.execute(meta.insert().values(key=ROUTE_START + route.id, value=str(last)))


def _route_starts(conn: Any) -> dict[str, int]:
    return {
        str(key).removeprefix(ROUTE_START): int(value)
        for key, value in conn.execute(select(meta.c.key, meta.c.value).where(meta.c.key.like(f"{ROUTE_START}%")))
    }


def enqueue(config: Config, store: Store, now: datetime | None = None) -> int:
    """Turn change records not yet seen into notification rows; returns how many rows were added."""
    slack = config.slack
    if slack is None:
        return 0
    now = now or datetime.now(UTC)
    names = {s.id: s.name for s in config.sources}
    base = config.service.base_url
    added = 0
    with store.begin(write=True) as conn:
        # one enqueuer at a time across instances, and only once every lower change id is committed
        changes_lock(conn, exclusive=True)
        row = conn.execute(select(meta.c.value).where(meta.c.key == CURSOR)).first()
        cursor = int(row[0]) if row else 0
        new_rows = conn.execute(select(changes).where(changes.c.id > cursor).order_by(changes.c.id)).mappings().all()
        if not new_rows:
            return 0
        ids = {r["event_id"] for r in new_rows}
        current = {
            r.id: Event.from_dict(r.data)
            for r in conn.execute(select(events.c.id, events.c.data).where(events.c.id.in_(ids)))
        }
        cycles: dict[tuple[str, Any], list[Any]] = defaultdict(list)
        for r in new_rows:
            cycles[(r["source_id"], r["at"])].append(r)
        starts = _route_starts(conn)
        for (source_id, _at), rows in cycles.items():
            earlier = conn.execute(
                select(func.count())
                .select_from(changes)
                .where(changes.c.source_id == source_id, changes.c.id < rows[0]["id"])
            ).scalar_one()
            first_fetch = earlier == 0 and all(r["kind"] == "new" for r in rows)
            for route in slack.every_route:
                picked = []
                start = starts.get(route.id, 0)
                for r in rows:
                    if r["id"] <= start:
                        continue  # stored before the route existed
                    event = current.get(r["event_id"]) or Event.from_dict(r["detail"]["event"])
                    if _matches(route, r["kind"], event):
                        picked.append((r, event))
                if not picked:
                    continue
                source_name = names.get(source_id, source_id)
                if first_fetch:
                    items = [
                        (
                            "summary",
                            f"summary:{source_id}:{picked[0][0]['id']}:{route.id}",
                            messages.summary_message(source_name, [e for _, e in picked], base),
                        )
                    ]
                elif len(picked) > slack.digest_after:
                    items = [
                        (
                            "digest",
                            f"digest:{source_id}:{picked[0][0]['id']}:{route.id}",
                            messages.digest_message(
                                [(r["kind"], e, r["detail"].get("fields")) for r, e in picked], base
                            ),
                        )
                    ]
                else:
                    items = [
                        (
                            r["kind"],
                            f"change:{r['id']}:{route.id}",
                            messages.change_message(
                                r["kind"], e, r["detail"].get("fields"), source_name=source_name, base_url=base
                            ),
                        )
                        for r, e in picked
                    ]
                for kind, key, payload in items:
                    added += _insert_ignore(
                        conn,
                        {
                            "key": key,
                            "route": route.id,
                            "kind": kind,
                            "payload": payload,
                            "status": "pending",
                            "attempts": 0,
                            "created_at": now,
                        },
                    )
        last = str(new_rows[-1]["id"])
        if row is None:
            conn.execute(meta.insert().values(key=CURSOR, value=last))
        else:
            conn.execute(update(meta).where(meta.c.key == CURSOR).values(value=last))
    return added


def enqueue_health(config: Config, store: Store, now: datetime | None = None) -> int:
    """One admin message when a source has been failing too long, one when it recovers, and one at once
    when its page changes shape (its events are kept; someone should look)."""
    slack = config.slack
    if slack is None or slack.admin is None:
        return 0
    now = now or datetime.now(UTC)
    names = {s.id: s.name for s in config.sources}
    added = 0
    with store.begin(write=True) as conn:
        for row in conn.execute(select(sources)).mappings():
            s = aware_row(row)
            items: list[tuple[str, dict[str, Any]]] = []
            since = s["unhealthy_since"]
            if since is not None and (now - since).total_seconds() > config.service.unhealthy_after:
                key = f"health:{s['id']}:{since.isoformat()}:down"
                items.append((key, messages.health_message(names.get(s["id"], s["id"]), False, s["unhealthy_reason"])))
            elif (
                since is None
                and s["last_success_at"] is not None
                and (
                    down := conn.execute(
                        select(notifications.c.key)
                        .where(notifications.c.key.like(f"health:{s['id']}:%:down"))
                        .order_by(notifications.c.id.desc())
                    ).first()
                )
            ):
                key = down[0].removesuffix(":down") + ":up"
                items.append((key, messages.health_message(names.get(s["id"], s["id"]), True, None)))
            shape_since = s["shape_changed_since"]
            if shape_since is not None:  # told once, at once: nothing was lost, someone should look
                items.append(
                    (
                        f"shape:{s['id']}:{shape_since.isoformat()}",
                        messages.shape_message(names.get(s["id"], s["id"]), s["id"], s["shape_reason"]),
                    )
                )
            for key, payload in items:
                added += _insert_ignore(
                    conn,
                    {
                        "key": key,
                        "route": "admin",
                        "kind": "health",
                        "payload": payload,
                        "status": "pending",
                        "attempts": 0,
                        "created_at": now,
                    },
                )
    return added


def deliver(config: Config, store: Store, send: Sender, confirm: Confirmer, limit: int = 100) -> dict[str, int]:
    """Send what is pending, oldest first. Per route, only the oldest unsent message may be claimed, by
    any sender in any instance, so a route's messages arrive in order; a route told to wait (429) keeps
    its place until ``retry_at`` and no sender sleeps: the delivery job comes back."""
    slack = config.slack
    counts = {"sent": 0, "failed": 0, "unknown": 0, "given_up": 0}
    if slack is None:
        return counts
    routes = {r.id: r for r in slack.every_route}
    if slack.admin is not None:
        routes["admin"] = slack.admin
    _recover_stale(store, routes, confirm, counts)
    blocked: set[str] = set()
    while True:  # again while it sends: a sender that found a route busy left its new messages to us
        sent = counts["sent"]
        _deliver_pending(store, routes, send, slack.max_retry_after, limit, blocked, counts)
        if counts["sent"] == sent:
            return counts


def _deliver_pending(
    store: Store,
    routes: dict[str, SlackRoute],
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
                log.error("Slack route %s refused %s %d times (%s): given up", row.route, row.key, tries, result.error)
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
        asked = " as Slack asked" if result.retry_after else ""
        later = f"; waiting {wait:.0f} s{asked}" if wait else "; will retry"
        log.warning("Slack route %s: %s%s", row.route, result.error, later)


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


def _recover_stale(store: Store, routes: dict[str, SlackRoute], confirm: Confirmer, counts: dict[str, int]) -> None:
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
