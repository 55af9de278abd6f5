"""Slack notifications against a local stand-in for Slack: one message per change (or one summary,
or one digest), nothing twice across a crash or between instances, no mention injection, delivery
after an outage; and the slash command's signature checks on a real server."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from events.config.loading import load_config
from events.store import Store
from events.store.schema import notifications
from feeds import outbox
from feeds.outbox import delivery
from feeds.slack.client import SlackClient
from tests.conftest import run_events
from tests.helpers import free_port, running
from tests.site import Answer, TestSite
from tests.slack_server import TOKEN, FakeSlack, block_problems
from tests.test_cycle import BASE, World, page

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    server = FakeSlack()
    yield server
    server.stop()


def with_slack(world: World, slack: FakeSlack, extra: str = "") -> World:
    world.path.write_text(
        world.path.read_text()
        + f"""
[slack]
token = "{TOKEN}"
api_url = "{slack.api}"
webhook_url = "{slack.webhook}"
admin_channel = "C0ADMIN"
signing_secret = "{SECRET}"
digest_after = 3

[[slack.routes]]
channel = "C0EVENTS"
kinds = ["booking", "cancelled", "rescheduled", "new"]
{extra}"""
    )
    world.config = load_config(world.path)
    return world


def notify(world: World) -> dict[str, int]:
    client = SlackClient(world.config.slack)
    outbox.enqueue(world.config, world.store)
    outbox.enqueue_health(world.config, world.store)
    return outbox.deliver(world.config, world.store, client.send, client.confirm)


@pytest.fixture
def sworld(tmp_path: Path, site: TestSite, slack: FakeSlack, database_url: str) -> Iterator[World]:
    world = with_slack(World(tmp_path, site, database_url), slack)
    yield world
    world.store.close()


def at_once(*calls: Callable[[], object]) -> None:
    """Each call in its own thread, all started before any is waited for (as several instances)."""
    threads = [threading.Thread(target=call) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def texts(slack: FakeSlack, via: str | None = None) -> list[str]:
    return [m["text"] for m in slack.messages if via is None or m["via"] == via]


def test_first_fetch_is_one_summary_then_one_message_per_change(sworld: World, slack: FakeSlack) -> None:
    events = dict(BASE)
    sworld.serve(page(events))
    sworld.cycle()
    notify(sworld)
    assert texts(slack) == ["3 events found on union"] * 2  # one per route, not one per event
    slack.messages.clear()

    events["a"] = ("Reps training day", "12 March 2030", "Unity House", "Book now")
    events["b"] = ("Regional conference", "27 April 2030", "Leeds Town Hall", "Book now")
    sworld.serve(page(events))
    sworld.cycle()
    assert notify(sworld)["sent"] == 4
    hook = sorted(texts(slack, "webhook"))
    assert hook[0].startswith("Booking is now open: Reps training day") and hook[1].startswith("Event moved: Regional")
    moved = next(m for m in slack.messages if m["text"].startswith("Event moved"))
    body = moved["blocks"][0]["text"]["text"]
    assert "Moved from Saturday 20 April 2030 to Saturday 27 April 2030" in body and "Leeds Town Hall" in body
    assert {b["type"] for b in moved["blocks"]} == {"section", "context", "actions"}
    assert notify(sworld)["sent"] == 0  # nothing twice


def test_a_busy_cycle_is_one_digest(sworld: World, slack: FakeSlack) -> None:
    sworld.serve(page(BASE))
    sworld.cycle()
    notify(sworld)
    slack.messages.clear()
    many = {f"n{i}": (f"Extra session {i}", f"{i + 1} June 2030", "Town Hall", "") for i in range(6)}
    sworld.serve(page({**BASE, **many}))
    sworld.cycle()
    notify(sworld)
    assert texts(slack) == ["6 event changes", "6 event changes"]


def test_page_text_cannot_mention_or_link(sworld: World, slack: FakeSlack) -> None:
    sworld.serve(page(BASE))
    sworld.cycle()
    notify(sworld)
    slack.messages.clear()
    from html import escape

    title = escape("<!channel> Free <https://evil.example|click> & <@U123> party")  # shown as text on the page
    evil = {**BASE, "x": (title, "3 July 2030", escape("<!here> Hall"), "")}
    sworld.serve(page(evil))
    sworld.cycle()
    notify(sworld)
    assert slack.messages
    for message in slack.messages:
        raw = message["text"] + str(message["blocks"])
        assert "<!channel>" not in raw and "<!here>" not in raw and "<@U123>" not in raw
        assert "<https://evil.example|" not in raw
        assert "&lt;@U123&gt;" in raw and "&lt;https://evil.example|click&gt;" in raw


def test_exactly_once_across_a_crash_between_sending_and_recording(sworld: World, slack: FakeSlack) -> None:
    sworld.serve(page(BASE))
    sworld.cycle()
    client = SlackClient(sworld.config.slack)

    class Crash(Exception):
        pass

    def send_then_die(route, payload, key):
        client.send(route, payload, key)  # it reaches Slack ...
        raise Crash  # ... and the process dies before recording it

    outbox.enqueue(sworld.config, sworld.store)
    with pytest.raises(Crash):
        outbox.deliver(sworld.config, sworld.store, send_then_die, client.confirm)
    assert len(slack.messages) == 1
    # restart: a new store connection and client; the claim is old enough to be looked at
    store = Store(sworld.config.service.database_url)
    with store.begin(write=True) as conn:
        conn.execute(
            update(notifications)
            .where(notifications.c.status == "sending")
            .values(claimed_at=datetime.now(UTC) - timedelta(minutes=10))
        )
    sworld.store.close()
    sworld.store = store
    notify(sworld)
    assert len(slack.messages) == 2  # the other route's summary; the crashed one was not re-sent
    assert len({m["text"] + m["via"] for m in slack.messages}) == 2


def test_two_instances_never_send_the_same_change(sworld: World, slack: FakeSlack) -> None:
    sworld.serve(page(BASE))
    sworld.cycle()
    stores = [Store(sworld.config.service.database_url) for _ in range(3)]
    clients = [SlackClient(sworld.config.slack) for _ in stores]
    barrier = threading.Barrier(3)

    def instance(i: int) -> None:
        barrier.wait()
        outbox.enqueue(sworld.config, stores[i])
        outbox.deliver(sworld.config, stores[i], clients[i].send, clients[i].confirm)

    at_once(*(partial(instance, i) for i in range(3)))
    for store in stores:
        store.close()
    assert sorted(m["via"] for m in slack.messages) == ["api", "webhook"]


def test_outage_keeps_messages_and_delivers_them_in_order_later(sworld: World, slack: FakeSlack) -> None:
    sworld.serve(page(BASE))
    sworld.cycle()
    notify(sworld)
    slack.messages.clear()
    events = dict(BASE)
    events["a"] = ("Reps training day", "12 March 2030", "Unity House", "Book now")
    events["c"] = ("Health and safety forum", "8 May 2030", "Conway Hall", "CANCELLED")
    sworld.serve(page(events))
    sworld.cycle()
    slack.fail(*[Answer(500, "down", content_type="text/plain")] * 2)  # each route fails once, then waits
    result = notify(sworld)
    assert result["sent"] == 0 and result["failed"] >= 1
    assert notify(sworld)["sent"] == 4  # back up: everything goes, oldest first
    hook = texts(slack, "webhook")
    assert hook[0].startswith("Booking is now open") and hook[1].startswith("Event cancelled")


def test_a_route_told_to_wait_keeps_its_order_across_senders_and_nobody_sleeps(sworld: World, slack: FakeSlack) -> None:
    sworld.serve(page(BASE))
    sworld.cycle()
    notify(sworld)
    slack.messages.clear()
    events = dict(BASE)
    events["a"] = ("Reps training day", "12 March 2030", "Unity House", "Book now")
    events["b"] = ("Regional conference", "27 April 2030", "Leeds Town Hall", "Book now")
    events["c"] = ("Health and safety forum", "8 May 2030", "Conway Hall", "CANCELLED")
    sworld.serve(page(events))
    sworld.cycle()
    outbox.enqueue(sworld.config, sworld.store)
    with sworld.store.begin() as conn:
        order = [
            r.payload["text"]
            for r in conn.execute(
                select(notifications.c.payload)
                .where(notifications.c.route == "default", notifications.c.status == "pending")
                .order_by(notifications.c.id)
            )
        ]
    assert len(order) == 3
    # Slack asks the first sender to wait an hour: the wait is capped (max_retry_after, 300 s) and kept
    # in the store, not slept; a second sender (another instance) sending now finds the route waiting
    slack.fail(Answer(429, "slow down", headers={"Retry-After": "3600"}, content_type="text/plain"))
    stores = [Store(sworld.config.service.database_url) for _ in range(2)]
    clients = [SlackClient(sworld.config.slack) for _ in stores]
    first = threading.Thread(
        target=outbox.deliver, args=(sworld.config, stores[0], clients[0].send, clients[0].confirm)
    )
    before = slack.site.hits("/hook")
    first.start()
    while slack.site.hits("/hook") == before:
        time.sleep(0.01)
    outbox.deliver(sworld.config, stores[1], clients[1].send, clients[1].confirm)
    first.join(timeout=10)
    assert not first.is_alive()  # it did not sleep out the hour
    assert texts(slack, "webhook") == [] and slack.site.hits("/hook") == before + 1
    with sworld.store.begin() as conn:
        waiting = conn.execute(
            select(notifications.c.retry_at).where(notifications.c.retry_at.is_not(None))
        ).scalar_one()
    waiting = waiting.replace(tzinfo=UTC) if waiting.tzinfo is None else waiting
    assert timedelta(seconds=250) < waiting - datetime.now(UTC) <= timedelta(seconds=300)

    # the wait is over: both senders at once deliver everything, in the order it happened, once
    with sworld.store.begin(write=True) as conn:
        conn.execute(update(notifications).values(retry_at=datetime.now(UTC) - timedelta(seconds=1)))
    at_once(
        *(
            partial(outbox.deliver, sworld.config, st, cl.send, cl.confirm)
            for st, cl in zip(stores, clients, strict=True)
        )
    )
    for store in stores:
        store.close()
    assert texts(slack, "webhook") == order


def test_unhealthy_source_is_reported_to_admin_once_and_recovery_once(sworld: World, slack: FakeSlack) -> None:
    sworld.serve(page(BASE))
    sworld.cycle()
    sworld.serve(Answer(500, "down"))
    sworld.cycle()
    with sworld.store.begin(write=True) as conn:
        from events.store.schema import sources

        conn.execute(update(sources).values(unhealthy_since=datetime.now(UTC) - timedelta(days=2)))
    notify(sworld)
    notify(sworld)
    admin = [m for m in slack.messages if m.get("channel") == "C0ADMIN"]
    assert len(admin) == 1 and "union has been failing: server error 500" in admin[0]["text"]
    sworld.serve(page(BASE) + " ")
    sworld.cycle()
    notify(sworld)
    notify(sworld)
    admin = [m for m in slack.messages if m.get("channel") == "C0ADMIN"]
    assert len(admin) == 2 and "fetching normally again" in admin[1]["text"]


def test_a_page_that_changed_shape_is_told_to_admin_once(sworld: World, slack: FakeSlack) -> None:
    sworld.serve(page(BASE))
    sworld.cycle()
    notify(sworld)
    for n in range(3):
        sworld.serve(f"<html><body><p>New site coming soon {n}</p></body></html>")
        assert sworld.cycle() == "changed_shape"
        notify(sworld)
    admin = [m for m in slack.messages if m.get("channel") == "C0ADMIN"]
    assert len(admin) == 1
    assert "union's page changed shape" in admin[0]["text"] and "events sources accept union" in admin[0]["text"]
    assert "kept" in admin[0]["text"]


def sign(body: bytes, timestamp: int, secret: str = SECRET) -> str:
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def test_slash_command_checks_signatures(sworld: World, slack: FakeSlack) -> None:
    sworld.serve(page(BASE))
    sworld.cycle()
    port = free_port()
    sworld.path.write_text(sworld.path.read_text().replace('listen = "127.0.0.1:8080"', f'listen = "127.0.0.1:{port}"'))
    run_events("build", config=sworld.path)
    url = f"http://127.0.0.1:{port}/slack/commands"
    with running(sworld.path, "serve", port):
        body = b"command=%2Fevents&text=leeds&user_id=U1"
        now = int(time.time())
        ok = httpx.post(
            url,
            content=body,
            headers={
                "X-Slack-Request-Timestamp": str(now),
                "X-Slack-Signature": sign(body, now),
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        assert ok.status_code == 200
        reply = ok.json()
        assert reply["response_type"] == "ephemeral" and "Regional conference" in str(reply["blocks"])
        assert "Reps training day" not in str(reply["blocks"])
        for headers in (
            {"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": sign(body, now, "wrong")},
            {"X-Slack-Request-Timestamp": str(now - 600), "X-Slack-Signature": sign(body, now - 600)},
            {},
        ):
            assert httpx.post(url, content=body, headers=headers).status_code == 401
        # hostile requests: answered 401 or 413 before anything is read, never a 500
        huge = b"text=" + b"a" * (1024 * 1024)
        assert httpx.post(url, content=huge, headers={"X-Slack-Request-Timestamp": str(now)}).status_code == 413
        for bad_body, stamp in ((body, "soon"), (body, "1" * 40), (b"text=\xff\xfe", str(now))):
            headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + "0" * 64}
            assert httpx.post(url, content=bad_body, headers=headers).status_code == 401
        long_body = b"command=%2Fevents&text=" + b"x" * 60_025  # said back to the user: capped as Slack caps it
        reply = httpx.post(
            url,
            content=long_body,
            headers={"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": sign(long_body, now)},
        ).json()
        assert block_problems(reply) == [] and len(reply["text"]) <= 3000
        feed_body = b"command=%2Fevents&text=feed"
        reply = httpx.post(
            url,
            content=feed_body,
            headers={"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": sign(feed_body, now)},
        ).json()
        assert "webcal" in str(reply) or "calendar.google.com" in str(reply)


def test_the_day_booking_opens_is_told_once(sworld: World, slack: FakeSlack) -> None:
    """A page saying "Booking opens 1 June" that still says so on 1 June: the day itself is news, told
    once however often the check runs, to routes that take booking changes too."""
    today = datetime.now(UTC).date()
    opens = f"Booking opens {today.day} {today:%B %Y}"
    events = {"a": ("Annual conference", f"13 November {today.year + 1}", "Telford International Centre", opens)}
    sworld.serve(page(events))
    sworld.cycle()
    notify(sworld)
    slack.messages.clear()
    assert sworld.store.record_booking_openings(today - timedelta(days=1)) == 0  # not yet
    assert sworld.store.record_booking_openings(today) == 1
    assert sworld.store.record_booking_openings(today) == 0  # once, however often it runs
    notify(sworld)
    day = date(today.year + 1, 11, 13)
    expected = f"Booking is now open: Annual conference, {day:%A} 13 November {day.year}, Telford International Centre"
    assert texts(slack, "webhook") == [expected]
    assert texts(slack, "api") == [expected]  # the channel route takes "booking": the day booking opens is one
    history = [c["kind"] for c in sworld.store.history(sworld.store.all_events()[0].event.id)]
    assert history == ["new", "booking_opened"]


def webhook_only(world: World, slack: FakeSlack) -> World:
    world.path.write_text(world.path.read_text() + f'\n[slack]\nwebhook_url = "{slack.webhook}"\n')
    world.config = load_config(world.path)
    return world


def test_a_message_slack_refuses_is_given_up_and_its_route_moves_on(
    tmp_path: Path, site: TestSite, slack: FakeSlack, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 400 is Slack saying no to this message: tried a bounded number of times, recorded as failed with
    the reason (and counted in /metrics), and the messages after it are sent."""
    monkeypatch.setattr(delivery, "REFUSED_WAIT", timedelta(0))  # no half-minute waits between tries here
    world = webhook_only(World(tmp_path, site, database_url), slack)
    try:
        events = dict(BASE)
        world.serve(page(events))
        world.cycle()
        slack.fail(*[Answer(400, "invalid_payload", content_type="text/plain")] * delivery.REFUSED_TRIES)
        for _ in range(delivery.REFUSED_TRIES):
            notify(world)
        assert texts(slack) == []  # the first fetch's summary, refused three times
        events["b"] = ("Regional conference", "20 April 2030", "Leeds Town Hall", "Sold out")
        world.serve(page(events))
        world.cycle()
        counts = notify(world)
        assert counts["sent"] == 1 and texts(slack) == [texts(slack)[0]] and "Regional conference" in texts(slack)[0]
        with world.store.begin() as conn:
            failed = conn.execute(select(notifications.c.error).where(notifications.c.status == "failed")).all()
        assert len(failed) == 1 and "refused 3 times" in failed[0][0] and "400" in failed[0][0]
        assert outbox.pending_count(world.store).get("failed") == 1
        listed = run_events("sources", config=world.path).stdout
        assert "Slack route default: 1 message(s) refused and given up" in listed and "400" in listed
    finally:
        world.store.close()


def test_turning_slack_on_for_a_store_with_history_sends_only_what_is_new(
    tmp_path: Path, site: TestSite, slack: FakeSlack, database_url: str
) -> None:
    from feeds.publisher import Publisher

    world = World(tmp_path, site, database_url)
    try:
        events = dict(BASE)
        world.serve(page(events))
        world.cycle()
        events["c"] = ("Health and safety forum", "8 May 2030", "Conway Hall", "Sold out")
        world.serve(page(events))
        world.cycle()  # a store with history, and Slack not yet configured
        webhook_only(world, slack)
        Publisher(world.config, world.store)  # where a service or a command starts
        notify(world)
        assert texts(slack) == []
        events["a"] = ("Reps training day", "12 March 2030", "Unity House", "Book now")
        world.serve(page(events))
        world.cycle()
        notify(world)
        assert len(texts(slack)) == 1 and "Reps training day" in texts(slack)[0]
    finally:
        world.store.close()
