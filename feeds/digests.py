"""E-mail digests (``[[digests]]``): what changed since the last one and what is coming, as one message with
a plain-text and an HTML part, sent through an SMTP server (the standard library's ``email`` and
``smtplib``) when it is due, daily or weekly at a time of day in the service's zone.

Each digest is sent once per occurrence, whoever publishes (``events run``, ``events fetch`` from cron, a
second instance): the occurrence is claimed in the store before the message goes, and given back when the
server cannot take it, so the next publish tries again. A digest configured today starts with its next
occurrence: turning one on never mails a month of history.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from events.config.models import Config, Feed
from events.config.sending import WEEKDAYS, Digest
from events.record import Event
from events.store import Store
from events.store.schema import changes, events, meta
from feeds.build import feed_events, feed_items
from feeds.html import render
from feeds.selection import Query, in_categories
from feeds.text import headline, one_line, organisation, where
from feeds.wording import booking_words, change_sentences, heading, when_in_zone

log = logging.getLogger("eventfeed.digests")
LAST_SENT = "digest_sent:"  # meta key prefix: the occurrence last sent (or, at first, the one it started after)
MAX_CHANGES = 100  # lines of "what changed"; a busier period says how many more

Mailer = Callable[[Digest, EmailMessage], None]


@dataclass(frozen=True)
class Line:
    """One line of a digest: words, and the event's page."""

    text: str
    page: str
    detail: str = ""


def occurrence(digest: Digest, now: datetime, zone: ZoneInfo) -> datetime:
    """The latest time the digest was due at or before ``now``."""
    local = now.astimezone(zone)
    hour, minute = (int(x) for x in digest.at.split(":"))
    due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if due > local:
        due -= timedelta(days=1)
    if digest.every == "weekly":
        due -= timedelta(days=(due.weekday() - WEEKDAYS.index(digest.weekday)) % 7)
    # the wall-clock time in the zone on that day (a DST change in between keeps 08:00 at 08:00)
    return due.replace(tzinfo=None).replace(tzinfo=zone).astimezone(UTC)


def send_due(config: Config, store: Store, now: datetime | None = None, mail: Mailer | None = None) -> list[str]:
    """Send each digest whose occurrence has come and was not sent; returns the ids sent."""
    now = now or datetime.now(UTC)
    mail = mail or send_mail
    zone = ZoneInfo(config.service.timezone)
    sent = []
    for digest in config.digests:
        due = occurrence(digest, now, zone)
        since = _claim(store, digest, due)
        if since is None:
            continue
        try:
            mail(digest, compose(config, store, digest, since=since, until=due, now=now))
        except (OSError, smtplib.SMTPException) as exc:  # refused, unreachable: given back, tried again
            _give_back(store, digest, due, since)
            log.error("digest %s: %s: %s; tried again at the next publish", digest.id, digest.smtp_host, exc)
            continue
        sent.append(digest.id)
    return sent


def _claim(store: Store, digest: Digest, due: datetime) -> datetime | None:
    """Take this occurrence (one conditional write, so one of several publishers wins); the previous
    occurrence's time, or None when there is nothing to send (done already, or just configured)."""
    key = LAST_SENT + digest.id
    with store.begin() as conn:  # every publish asks (each 15 s in ``events run``): a read, not a write lock
        row = conn.execute(select(meta.c.value).where(meta.c.key == key)).first()
    if row is not None and datetime.fromisoformat(row[0]) >= due:
        return None
    with store.begin(write=True) as conn:
        row = conn.execute(select(meta.c.value).where(meta.c.key == key)).first()
        if row is None:  # first seen: starts from this occurrence, sends the next
            conn.execute(meta.insert().values(key=key, value=due.isoformat()))
            return None
        last = datetime.fromisoformat(row[0])
        if last >= due:
            return None
        taken = conn.execute(
            update(meta).where(meta.c.key == key, meta.c.value == row[0]).values(value=due.isoformat())
        ).rowcount
        return last if taken else None


def _give_back(store: Store, digest: Digest, due: datetime, since: datetime) -> None:
    with store.begin(write=True) as conn:
        key = LAST_SENT + digest.id
        conn.execute(
            update(meta).where(meta.c.key == key, meta.c.value == due.isoformat()).values(value=since.isoformat())
        )


def compose(
    config: Config, store: Store, digest: Digest, *, since: datetime, until: datetime, now: datetime
) -> EmailMessage:
    """The message: what changed between the two occurrences, then the coming ``days_ahead`` days."""
    feed = config.feed(digest.feed) or config.feeds[0]
    base = config.service.base_url
    zone = ZoneInfo(config.service.timezone)
    changed, more = _changes(config, store, feed, since, until)
    today = now.astimezone(zone).date()
    items = feed_events(config, feed, feed_items(store, feed, now), now=now, query=Query(upcoming=True))
    coming = [
        Line(
            f"{when_in_zone(i.event, config.service.timezone)}: {one_line(headline(i.event), 200)}",
            f"{base}/events/{i.event.id}",
            " · ".join(x for x in (where(i.event), booking_words(i.event)) if x),
        )
        for i in items
        if i.event.first_day <= today + timedelta(days=digest.days_ahead)
    ]
    who = organisation(config.site) or config.site.name
    period = "today" if digest.every == "daily" else "this week"
    context = {
        "site": config.site,
        "title": f"{who}: events {period}",
        "since": _local(since, zone),
        "changed": changed,
        "more": more,
        "coming": coming,
        "days": digest.days_ahead,
        "home": f"{base}/",
    }
    message = EmailMessage()
    message["Subject"] = context["title"]
    message["From"] = digest.from_address
    message["To"] = ", ".join(digest.to)
    message["Date"] = format_datetime(now.astimezone(UTC))
    message["Message-ID"] = make_msgid(domain=digest.from_address.rpartition("@")[2])
    message.set_content(_plain(context))
    message.add_alternative(render("digest.html", **context), subtype="html")
    return message


def _changes(config: Config, store: Store, feed: Feed, since: datetime, until: datetime) -> tuple[list[Line], int]:
    """The feed's sources' changes in the period, in words, oldest first."""
    base = config.service.base_url
    wanted = set(feed.sources) or {s.id for s in config.sources}
    with store.begin() as conn:
        rows = conn.execute(
            select(changes.c.kind, changes.c.detail, changes.c.event_id, events.c.data)
            .join(events, events.c.id == changes.c.event_id, isouter=True)
            .where(changes.c.at > since, changes.c.at <= until, changes.c.source_id.in_(sorted(wanted)))
            .order_by(changes.c.id)
        ).all()
    lines = []
    for kind, detail, event_id, data in rows:
        detail = detail or {}
        record = data or detail.get("event")
        if not record:
            continue
        e = Event.from_dict(record)
        if feed.categories and not in_categories(feed.categories, e.categories):
            continue
        fields = detail.get("fields")
        said: Sequence[str] = () if kind in ("new", "booking_opened") else change_sentences(kind, fields, e)
        text = f"{heading(kind, fields)}: {one_line(headline(e), 200)}"
        lines.append(Line(text, f"{base}/events/{event_id}", "; ".join(said)))
    return lines[:MAX_CHANGES], max(0, len(lines) - MAX_CHANGES)


def _local(moment: datetime, zone: ZoneInfo) -> str:
    at = moment.astimezone(zone)
    return f"{at:%A} {at.day} {at:%B %Y}, {at:%H:%M}"


def _plain(context: dict[str, object]) -> str:
    out = [str(context["title"]), ""]
    changed: list[Line] = context["changed"]  # type: ignore[assignment]
    out.append(f"What changed since {context['since']}")
    out += [f"- {line.text}{f' ({line.detail})' if line.detail else ''}\n  {line.page}" for line in changed]
    if context["more"]:
        out.append(f"- and {context['more']} more")
    if not changed:
        out.append("- Nothing changed.")
    coming: list[Line] = context["coming"]  # type: ignore[assignment]
    out += ["", f"Coming up in the next {context['days']} days"]
    out += [f"- {line.text}{f' — {line.detail}' if line.detail else ''}\n  {line.page}" for line in coming]
    if not coming:
        out.append("- Nothing in these days.")
    out += ["", f"All events and calendars: {context['home']}", ""]
    return "\n".join(out)


def send_mail(digest: Digest, message: EmailMessage, timeout: float = 30) -> None:
    """Through the digest's SMTP server: STARTTLS (587), TLS from the start (465), or plain (a local relay)."""
    context = ssl.create_default_context()
    server: smtplib.SMTP
    if digest.tls == "ssl":
        server = smtplib.SMTP_SSL(digest.smtp_host, digest.smtp_port, timeout=timeout, context=context)
    else:
        server = smtplib.SMTP(digest.smtp_host, digest.smtp_port, timeout=timeout)
    with server:
        if digest.tls == "starttls":
            server.starttls(context=context)
        if digest.smtp_user:
            server.login(digest.smtp_user, digest.smtp_password or "")
        server.send_message(message)
