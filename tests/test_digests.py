"""E-mail digests, sent to a real SMTP server (aiosmtpd) started by the test: what changed and what is
coming, plain text and HTML, once per occurrence, and again later when the server could not take it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from events.config.loading import load_config
from events.config.sending import Digest
from events.store import Store
from feeds.digests import occurrence, send_due
from tests.conftest import run_events, write_config
from tests.helpers import free_port
from tests.site import TestSite

DAY = date.today() + timedelta(days=5)


def page(booking: str) -> str:
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Pay & conditions AGM",
        "startDate": f"{DAY.isoformat()}T18:00:00+00:00",
        "url": "https://union.example/events/agm",
        "location": {"@type": "Place", "name": "Unity House", "address": "Leeds"},
        "offers": {"@type": "Offer", "availability": booking},
    }
    return f"<html><head><script type='application/ld+json'>{json.dumps(event)}</script></head><body></body></html>"


class Inbox:
    """What the SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_a_digest_tells_what_changed_and_what_is_coming_once(
    tmp_path: Path, site: TestSite, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    site.set("/events", page("https://schema.org/PreOrder"))
    config_path = write_config(
        tmp_path,
        f"""
        [site]
        name = "Union of Testers"

        [[sources]]
        id = "union"
        name = "The Union"
        url = "{site.url}/events"

        [[digests]]
        id = "staff"
        to = ["events@union.example", "chair@union.example"]
        from_address = "calendar@union.example"
        smtp_host = "127.0.0.1"
        smtp_port = {port}
        tls = "none"
        every = "daily"
        at = "07:30"
    """,
    )
    config = load_config(config_path)
    store = Store(config.service.database_url)
    now = datetime.now(UTC)
    # first seen now: it starts from this occurrence, and sends nothing for what came before
    assert send_due(config, store, now=now) == []
    run_events("fetch", config=config_path)  # a publish before the next occurrence sends nothing
    site.set("/events", page("https://schema.org/InStock"))
    run_events("fetch", config=config_path)
    assert inbox.messages == []

    tomorrow = now + timedelta(days=1)
    assert send_due(config, store, now=tomorrow) == ["staff"]
    assert send_due(config, store, now=tomorrow) == []  # once per occurrence
    (sender, recipients, message), *_ = inbox.messages
    assert len(inbox.messages) == 1
    assert sender == "calendar@union.example" and recipients == ["events@union.example", "chair@union.example"]
    assert message["Subject"] == "Union of Testers: events today"
    plain = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "What changed since" in plain and "New event: Pay & conditions AGM" in plain
    assert "Booking is now open: Pay & conditions AGM" in plain
    assert "Coming up in the next 14 days" in plain and "Unity House, Leeds" in plain and "Booking open" in plain
    assert "/events/" in plain and plain.rstrip().endswith("/")
    assert "Pay &amp; conditions AGM" in html and "Pay & conditions" not in html  # page text is never markup


def test_a_digest_the_server_could_not_take_is_sent_at_the_next_publish(
    tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    config_path = write_config(
        tmp_path,
        f"""
        [[sources]]
        id = "union"
        url = "https://union.example/events"

        [[digests]]
        id = "weekly"
        to = ["events@union.example"]
        from_address = "calendar@union.example"
        smtp_host = "127.0.0.1"
        smtp_port = {free_port()}
        tls = "none"
    """,
    )
    down = load_config(config_path)
    store = Store(down.service.database_url)
    now = datetime.now(UTC)
    assert send_due(down, store, now=now - timedelta(days=8)) == []
    assert send_due(down, store, now=now) == []  # nothing listens on that port: given back, said in the log
    up = replace(down, digests=(replace(down.digests[0], smtp_port=port),))
    assert send_due(up, store, now=now) == ["weekly"]
    assert len(inbox.messages) == 1 and "Nothing changed." in inbox.messages[0][2].get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_occurrences_keep_their_wall_clock_time_and_weekday() -> None:
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    weekly = Digest(
        id="w", to=("a@b.example",), from_address="c@d.example", smtp_host="h", weekday="monday", at="08:00"
    )
    # Wednesday 2 April 2025, after the clocks went forward: the Monday before at 08:00 BST
    due = occurrence(weekly, datetime(2025, 4, 2, 12, tzinfo=UTC), london)
    assert due == datetime(2025, 3, 31, 7, tzinfo=UTC)
    daily = replace(weekly, every="daily")
    assert occurrence(daily, datetime(2025, 3, 30, 6, 59, tzinfo=UTC), london) == datetime(2025, 3, 29, 8, tzinfo=UTC)
    assert occurrence(daily, datetime(2025, 3, 30, 7, 0, tzinfo=UTC), london) == datetime(2025, 3, 30, 7, tzinfo=UTC)
