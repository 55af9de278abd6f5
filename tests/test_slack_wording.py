"""What a person reads in Slack and on an event's page: every kind of change in words, dates as
people write them, no field names, ISO dates or ``None``, and page text that cannot format."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from events.reconcile.plan import change_kind, differences
from events.record import Event
from feeds.slack.messages import change_message, digest_message, summary_message
from feeds.wording import booking_words, change_sentences

BASE = "https://events.example.org"
LONDON = ZoneInfo("Europe/London")
CONFERENCE = Event(
    source="hcsa",
    title="HCSA Annual Conference",
    start=date(2024, 11, 13),
    end=date(2024, 11, 14),
    venue="Telford International Centre",
    locality="Telford",
    booking="soon",
    booking_label="On sale soon",
    url="https://hcsa.example/conference",
    id="conf",
)
FIELD_NAMES = re.compile(r"\b(event_status|booking_label|booking_opens|locality|all_day|start|end|None|null)\b")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def message_for(old: Event, new: Event) -> tuple[str, str]:
    diff = differences(old, new)
    kind = change_kind(diff)
    payload = change_message(kind, new, diff, source_name="HCSA", base_url=BASE)
    return kind, payload["blocks"][0]["text"]["text"] + "\n" + payload["text"]


def readable(text: str) -> None:
    without_links = re.sub(r"<https?://[^|>]*\|", "<", text)
    assert not FIELD_NAMES.search(without_links), text
    assert not ISO_DATE.search(without_links), text


CASES = [
    (
        "moved",
        replace(CONFERENCE, start=date(2024, 11, 20), end=date(2024, 11, 21)),
        "rescheduled",
        "Moved from Wednesday 13 November 2024 – Thursday 14 November 2024 to "
        "Wednesday 20 November 2024 – Thursday 21 November 2024",
    ),
    (
        "sold out",
        replace(CONFERENCE, booking="sold_out", booking_label="Sold out"),
        "booking",
        "Booking: On sale soon → Sold out",
    ),
    ("cancelled", replace(CONFERENCE, event_status="cancelled"), "cancelled", "Cancelled"),
    (
        "renamed",
        replace(CONFERENCE, title="HCSA Conference 2024"),
        "updated",
        "Renamed from “HCSA Annual Conference” to “HCSA Conference 2024”",
    ),
    (
        "venue cleared",
        replace(CONFERENCE, venue=None, locality=None),
        "updated",
        "Venue removed (was Telford International Centre)",
    ),
    (
        "venue changed",
        replace(CONFERENCE, venue="ICC Birmingham", locality="Birmingham"),
        "updated",
        "Venue: Telford International Centre → ICC Birmingham",
    ),
    (
        "timed",
        replace(CONFERENCE, start=datetime(2024, 11, 13, 9, 30, tzinfo=LONDON), end=None),
        "rescheduled",
        "to Wednesday 13 November 2024, 09:30",
    ),
]


@pytest.mark.parametrize(("name", "new", "kind", "said"), CASES, ids=[c[0] for c in CASES])
def test_each_change_in_words(name: str, new: Event, kind: str, said: str) -> None:
    got_kind, text = message_for(CONFERENCE, new)
    assert got_kind == kind
    assert said in text
    readable(text)
    assert "Sold out: “Sold out”" not in text  # no label said twice


def test_booking_opening_is_news_and_says_when_and_where() -> None:
    kind, text = message_for(CONFERENCE, replace(CONFERENCE, booking="open", booking_label="Book now"))
    assert kind == "booking"
    assert text.splitlines()[-1] == (
        "Booking is now open: HCSA Annual Conference, Wednesday 13 November 2024 – Thursday 14 November 2024, "
        "Telford International Centre"
    )
    readable(text)
    day = change_message("booking_opened", CONFERENCE, None, source_name="HCSA", base_url=BASE)
    assert day["text"].startswith("Booking is now open: HCSA Annual Conference")


def test_new_and_removed_and_buttons_add_this_event() -> None:
    new = change_message("new", CONFERENCE, None, source_name="HCSA", base_url=BASE)
    buttons = {b["action_id"]: b["url"] for b in new["blocks"][2]["elements"]}
    assert buttons["google"].startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert "text=HCSA%20Annual%20Conference" in buttons["google"] and "dates=20241113%2F20241115" in buttons["google"]
    assert buttons["ics"] == f"{BASE}/events/conf.ics"  # this event, not the whole feed
    removed = change_message("removed", CONFERENCE, None, source_name="HCSA", base_url=BASE)
    assert "No longer listed on the organiser's page" in removed["blocks"][0]["text"]["text"]
    readable(removed["text"])


def test_page_text_cannot_format_or_mention() -> None:
    hostile = replace(CONFERENCE, title="*Free* _beer_ ~today~ `rm` <!channel>", venue="A & B")
    payload = change_message("new", hostile, None, source_name="*bold* org", base_url=BASE)
    section = payload["blocks"][0]["text"]["text"]
    title_part = section.split("|", 1)[1].split(">", 1)[0]
    assert not any(ch in title_part for ch in "*_~`")
    assert "&lt;!channel&gt;" in section and "<!channel>" not in section
    assert "A &amp; B" in section
    context = payload["blocks"][1]["elements"][0]["text"]
    assert "*" not in context


def test_summary_lists_date_and_venue() -> None:
    text = summary_message("HCSA", [CONFERENCE], BASE)["blocks"][1]["text"]["text"]
    assert "Wednesday 13 November 2024" in text and "Telford International Centre" in text
    readable(text)


def test_digest_says_each_change() -> None:
    moved = replace(CONFERENCE, start=date(2024, 11, 20))
    text = str(digest_message([("rescheduled", moved, differences(CONFERENCE, moved))], BASE))
    assert "Event moved" in text
    readable(text)


def test_booking_said_once_in_the_sites_words() -> None:
    assert booking_words(replace(CONFERENCE, booking="sold_out", booking_label="Sold out")) == "Sold out"
    assert booking_words(replace(CONFERENCE, booking_opens="2024-04")) == "On sale soon"  # the site's words
    no_label = replace(CONFERENCE, booking_label=None)
    assert booking_words(replace(no_label, booking_opens="2024-04")) == "Booking opens in April 2024"
    assert booking_words(replace(no_label, booking_opens="2024-04-20")) == "Booking opens on Saturday 20 April 2024"
    assert booking_words(replace(CONFERENCE, booking="waitlist", booking_label=None)) == (
        "Sold out — join the waiting list"
    )


def test_history_sentences_for_status_back_and_cleared_link() -> None:
    back = change_sentences("updated", {"event_status": ["cancelled", "scheduled"]}, CONFERENCE)
    assert back == ["No longer cancelled"]
    link = change_sentences("updated", {"url": ["https://x.example/", None]}, replace(CONFERENCE, url=None))
    assert link == ["Link removed"]
