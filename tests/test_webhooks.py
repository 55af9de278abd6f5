"""Changes sent beyond Slack: ``[[webhooks]]`` get one signed JSON object per change, through the outbox
(in order, once, retried), checked by a local receiver the way a receiver checks them."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date, timedelta
from pathlib import Path

from tests.conftest import run_events, write_config
from tests.site import Answer, Seen, TestSite

SECRET = "s3cret-for-tests"
DAY = date.today() + timedelta(days=20)


def page(booking: str = "https://schema.org/PreOrder", status: str = "https://schema.org/EventScheduled") -> str:
    events = [
        {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": name,
            "startDate": f"{(DAY + timedelta(days=i)).isoformat()}T18:00:00+00:00",
            "url": f"https://union.example/events/{i}",
            "location": {"@type": "Place", "name": "Unity House", "address": "Leeds"},
            "eventStatus": status if i == 1 else "https://schema.org/EventScheduled",
            "offers": {"@type": "Offer", "availability": booking, "url": f"https://union.example/book/{i}"},
        }
        for i, name in enumerate(("Branch meeting", "Annual conference"))
    ]
    return f"<html><head><script type='application/ld+json'>{json.dumps(events)}</script></head><body></body></html>"


class Receiver:
    """A webhook receiver: checks each request's signature as its own code would, and answers as told."""

    def __init__(self, site: TestSite, path: str, secret: str | None) -> None:
        self.secret = secret
        self.got: list[dict] = []
        self.refused = 0
        self.answers: list[int] = []  # statuses to give next (then 200)
        site.set(path, self.answer)

    def answer(self, seen: Seen) -> Answer:
        if self.secret is not None:
            expected = "sha256=" + hmac.new(self.secret.encode(), seen.body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(seen.headers.get("x-eventfeed-signature-256", ""), expected):
                self.refused += 1
                return Answer(401, "bad signature", content_type="text/plain")
        status = self.answers.pop(0) if self.answers else 200
        if status == 200:
            payload = json.loads(seen.body)
            payload["_delivery"] = seen.headers["x-eventfeed-delivery"]
            payload["_type"] = seen.headers["content-type"]
            self.got.append(payload)
        return Answer(status, "ok" if status == 200 else "try later", content_type="text/plain")


def setup(tmp_path: Path, site: TestSite) -> tuple[Path, Receiver, Receiver]:
    site.set("/events", page())
    everything = Receiver(site, "/hooks/all", SECRET)
    cancellations = Receiver(site, "/hooks/cancelled", None)
    config = write_config(
        tmp_path,
        f"""
        [[sources]]
        id = "union"
        name = "The Union"
        url = "{site.url}/events"

        [[webhooks]]
        id = "teams"
        url = "{site.url}/hooks/all"
        secret = "{SECRET}"

        [[webhooks]]
        id = "cancellations"
        url = "{site.url}/hooks/cancelled"
        kinds = ["cancelled"]
    """,
    )
    return config, everything, cancellations


def test_each_change_is_posted_signed_once_and_in_order(tmp_path: Path, site: TestSite) -> None:
    config, everything, cancellations = setup(tmp_path, site)
    run_events("fetch", config=config)
    assert [p["kind"] for p in everything.got] == ["new", "new"] and everything.refused == 0
    first = everything.got[0]
    assert first["_type"] == "application/json" and first["_delivery"] == f"change:{first['change_id']}:webhook:teams"
    assert first["heading"] == "New event" and first["text"].startswith("New event: Branch meeting\n")
    assert "Unity House, Leeds" in first["text"] and "From The Union" in first["text"]
    assert first["source"] == {"id": "union", "name": "The Union"}
    item = first["item"]  # the JSON Feed's item, as /feeds/all.json has it
    assert item["title"] == "Branch meeting" and item["_event"]["booking"] == "soon" and item["_event"]["id"]
    assert first["page"].endswith(f"/events/{item['_event']['id']}")
    assert cancellations.got == []

    # booking opens and a meeting is cancelled: the words Slack gets, one request per change
    site.set("/events", page(booking="https://schema.org/InStock", status="https://schema.org/EventCancelled"))
    run_events("fetch", config=config)
    later = everything.got[2:]
    assert sorted(p["kind"] for p in later) == ["booking", "cancelled"]
    ids = [p["change_id"] for p in everything.got]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)  # in order, once
    assert any("Booking: " in s or "booking" in s.lower() for p in later for s in p["sentences"])
    assert [p["kind"] for p in cancellations.got] == ["cancelled"]
    assert cancellations.got[0]["item"]["title"].startswith("Cancelled")

    # nothing changed: nothing sent again
    run_events("fetch", config=config)
    assert len(everything.got) == 4 and len(cancellations.got) == 1


def test_a_receiver_that_is_down_gets_the_changes_later_in_order(tmp_path: Path, site: TestSite) -> None:
    config, everything, _ = setup(tmp_path, site)
    everything.answers = [503]  # down for the first try
    run_events("fetch", config=config)
    assert everything.got == []  # the first is held back, and the second waits behind it
    run_events("fetch", config=config)  # the next publish sends what is pending, in order
    assert [p["item"]["title"] for p in everything.got] == ["Branch meeting", "Annual conference"]
    run_events("fetch", config=config)
    assert len(everything.got) == 2


def test_a_webhook_that_names_an_unknown_source_is_a_one_line_error(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        """
        [[sources]]
        id = "union"
        url = "https://union.example/events"

        [[webhooks]]
        id = "teams"
        url = "https://example.org/hook"
        sources = ["nosuch"]
    """,
    )
    said = run_events("sources", config=config, check=False)
    assert said.returncode == 1 and "webhooks[0].sources: no source with id 'nosuch'" in said.stderr
    assert said.stderr.strip().count("\n") == 0
