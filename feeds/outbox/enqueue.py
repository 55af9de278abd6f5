"""Turning change records into messages: one row per message and route, keyed so that enqueueing twice, or
in two instances at once, adds it once; a route starts from the changes after it was configured."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from events.config.models import Config
from events.config.sending import SlackRoute, Webhook
from events.record import Event
from events.store import Store, StoredEvent, aware_row, changes_lock
from events.store.rows import stored_event
from events.store.schema import changes, events, meta, notifications, sources
from feeds.selection import in_categories
from feeds.slack import messages

log = logging.getLogger("eventfeed.slack")


CURSOR = "slack_cursor"


def _insert_ignore(conn: Any, row: dict[str, Any]) -> int:
    """Insert a notification unless its key is already there; 1 if it was added, 0 if not."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql as dialect
    else:
        from sqlalchemy.dialects import sqlite as dialect  # type: ignore[no-redef]
    statement = dialect.insert(notifications).values(**row).on_conflict_do_nothing(index_elements=["key"])
    return int(conn.execute(statement).rowcount)


def _matches(route: SlackRoute | Webhook, kind: str, event: Event) -> bool:
    if route.kinds and kind not in route.kinds and not (kind == "booking_opened" and "booking" in route.kinds):
        return False  # a route taking booking changes takes the day booking opens too
    if route.sources and event.source not in route.sources:
        return False
    return not route.categories or in_categories(route.categories, event.categories)


ROUTE_START = "slack_route_start:"  # meta key prefix: the last change before a route existed


def start_routes(config: Config, store: Store) -> None:
    """A route starts from now: the changes stored before it was configured are its history, not its
    news. Each route seen for the first time records the last change id; ``enqueue`` takes only later
    ones for it. Turning Slack on for a store with a year of changes sends nothing until the next one.
    Run where a service or a command starts, before it reads any page."""
    ids = [r.id for r in config.slack.every_route] if config.slack is not None else []
    ids += [hook.route for hook in config.webhooks]
    if not ids:
        return
    with store.begin(write=True) as conn:
        last = int(conn.execute(select(func.coalesce(func.max(changes.c.id), 0))).scalar_one())
        known = {
            str(key).removeprefix(ROUTE_START)
            for (key,) in conn.execute(select(meta.c.key).where(meta.c.key.like(f"{ROUTE_START}%")))
        }
        for route_id in ids:
            if route_id not in known:
                conn.execute(meta.insert().values(key=ROUTE_START + route_id, value=str(last)))


def _route_starts(conn: Any) -> dict[str, int]:
    return {
        str(key).removeprefix(ROUTE_START): int(value)
        for key, value in conn.execute(select(meta.c.key, meta.c.value).where(meta.c.key.like(f"{ROUTE_START}%")))
    }


def enqueue(config: Config, store: Store, now: datetime | None = None) -> int:
    """Turn change records not yet seen into notification rows (Slack's routes and the webhooks); returns
    how many rows were added."""
    slack = config.slack
    if slack is None and not config.webhooks:
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
        rows_now = {r["id"]: r for r in conn.execute(select(events).where(events.c.id.in_(ids))).mappings()}
        current = {event_id: Event.from_dict(r["data"]) for event_id, r in rows_now.items()}
        cycles: dict[tuple[str, Any], list[Any]] = defaultdict(list)
        for r in new_rows:
            cycles[(r["source_id"], r["at"])].append(r)
        starts = _route_starts(conn)
        for (source_id, _at), rows in cycles.items():
            added += _enqueue_webhooks(config, conn, rows, rows_now, starts, now)
            if slack is None:
                continue  # webhooks only: one message per change, no summary to decide on
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


def _enqueue_webhooks(
    config: Config,
    conn: Any,
    rows: list[Any],
    rows_now: dict[str, Any],
    starts: dict[str, int],
    now: datetime,
) -> int:
    """One message per change for each webhook it concerns (no summary, no digest: a receiver's code
    takes changes one by one), with the event as the store holds it now."""
    from feeds.webhooks import change_payload

    names = {s.id: s.name for s in config.sources}
    today = now.astimezone(ZoneInfo(config.service.timezone)).date()
    added = 0
    for hook in config.webhooks:
        start = starts.get(hook.route, 0)
        for r in rows:
            if r["id"] <= start:
                continue  # stored before the webhook existed
            held = rows_now.get(r["event_id"])
            if held is not None:
                item = stored_event(held)
            else:  # pruned since: the change carries the event as it was
                item = StoredEvent(Event.from_dict(r["detail"]["event"]), r["at"], r["at"], 0, None, r["at"])
            if not _matches(hook, r["kind"], item.event):
                continue
            source_name = names.get(r["source_id"], r["source_id"])
            payload = change_payload(config, r, item, source_name=source_name, today=today)
            row = {
                "key": f"change:{r['id']}:{hook.route}",
                "route": hook.route,
                "kind": r["kind"],
                "payload": payload,
                "status": "pending",
                "attempts": 0,
                "created_at": now,
            }
            added += _insert_ignore(conn, row)
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
