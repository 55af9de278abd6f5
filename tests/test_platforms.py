"""Sites whose events live in a platform's data: detected on the page, read from the platform's own public
data through the fetcher, each event with its title, zone-right start, end, place, status and picture."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from events.extract import parse_html
from events.extract.context import PageContext
from events.extract.platforms import detect, google_calendar, platforms
from tests.conftest import run_events, write_config
from tests.site import Answer, TestSite

YEAR = date.today().year + 1  # inside the feeds' window whatever the day the tests run

TEC_PAGE = """<!doctype html><html lang="en-GB"><head><title>Events – Test Union</title>
<link rel="https://api.w.org/" href="{base}/wp-json/" />
<link rel="alternate" href="{base}/wp-json/tribe/events/v1/" />
<link rel="stylesheet" href="{base}/wp-content/plugins/the-events-calendar/src/resources/css/views.min.css" />
</head><body class="post-type-archive post-type-archive-tribe_events tribe-events-page-template">
<div class="tribe-common tribe-events tribe-events-view tribe-events-view--list" data-js="tribe-events-view">
<p>Loading events…</p></div></body></html>"""


def feed_events(tmp_path: Path) -> list[dict]:
    """The events of the feed of every source, as the JSON feed publishes them."""
    return [item["_event"] for item in json.loads((tmp_path / "data" / "feeds" / "all.json").read_text())["items"]]


def fetched(tmp_path: Path, url: str) -> dict[str, dict]:
    """The events ``events fetch`` publishes for one source at ``url``, by title."""
    run_events("fetch", config=write_config(tmp_path, f'[[sources]]\nid = "union"\nurl = "{url}"\n'))
    return {e["title"]: e for e in feed_events(tmp_path)}


def tec_answers(base: str) -> tuple[dict, dict]:
    """Two pages of the plugin's API, as its REST documentation describes them."""
    first = {
        "events": [
            {
                "id": 101,
                "url": f"{base}/event/regional-council/",
                "title": "Regional Council Meeting",
                "description": '<p>All members welcome. <a href="https://zoom.us/j/1">Join on Zoom</a></p>',
                "all_day": False,
                "start_date": f"{YEAR}-03-10 18:30:00",
                "end_date": f"{YEAR}-03-10 20:00:00",
                "utc_start_date": f"{YEAR}-03-10 18:30:00",
                "utc_end_date": f"{YEAR}-03-10 20:00:00",
                "timezone": "Europe/London",
                "cost": "Free",
                "image": {"url": f"{base}/wp-content/uploads/council.jpg", "alt": "The council chamber"},
                "categories": [{"name": "Branch", "slug": "branch"}],
                "venue": {
                    "venue": "Unity House",
                    "address": "128 Theobald&#8217;s Road",
                    "city": "London",
                    "zip": "WC1X 8TN",
                    "country": "United Kingdom",
                },
            },
            {
                "id": 102,
                "url": f"{base}/event/summer-school/",
                "title": "Summer School",
                "all_day": True,
                "start_date": f"{YEAR}-07-14 00:00:00",
                "end_date": f"{YEAR}-07-16 23:59:59",
                "timezone": "Europe/London",
                "image": False,
                "venue": [],
                "categories": [],
            },
        ],
        "total": 3,
        "total_pages": 2,
        "rest_url": f"{base}/wp-json/tribe/events/v1/events?per_page=50",
        "next_rest_url": f"{base}/wp-json/tribe/events/v1/events?per_page=50&page=2",
    }
    second = {
        "events": [
            {
                "id": 103,
                "url": f"{base}/event/reps-training/",
                "title": "Reps&#8217; Training: Negotiating Skills",
                "all_day": False,
                "start_date": f"{YEAR}-06-02 09:00:00",
                "end_date": f"{YEAR}-06-02 12:00:00",
                "utc_start_date": f"{YEAR}-06-02 13:00:00",
                "utc_end_date": f"{YEAR}-06-02 16:00:00",
                "timezone": "America/New_York",
                "event_status": "canceled",
                "venue": {"venue": "Union Hall", "city": "New York"},
            }
        ],
        "total": 3,
        "total_pages": 2,
        "previous_rest_url": f"{base}/wp-json/tribe/events/v1/events?per_page=50",
    }
    return first, second


def serve_tec(site: TestSite, second: Answer | None = None) -> None:
    first, later = tec_answers(site.url)
    site.set("/events/", TEC_PAGE.format(base=site.url))

    def api(seen: object) -> Answer:
        paged = "page=2" in getattr(seen, "path", "")
        if paged and second is not None:
            return second
        return Answer(body=json.dumps(later if paged else first), content_type="application/json; charset=UTF-8")

    site.set("/wp-json/tribe/events/v1/events", api)


def test_the_events_calendar_is_read_from_its_api_over_every_page(tmp_path: Path, site: TestSite) -> None:
    serve_tec(site)
    config = write_config(tmp_path, f'[[sources]]\nid = "union"\nurl = "{site.url}/events/"\n')
    said = run_events("fetch", config=config)
    assert "union" in said.stdout and site.hits("/wp-json/tribe/events/v1/events") == 2
    feed = json.loads((tmp_path / "data" / "feeds" / "all.json").read_text())
    events = {item["_event"]["title"]: item["_event"] for item in feed["items"]}
    assert set(events) == {"Regional Council Meeting", "Summer School", "Reps’ Training: Negotiating Skills"}
    council = events["Regional Council Meeting"]
    assert council["start"] == f"{YEAR}-03-10T18:30:00+00:00" and council["end"] == f"{YEAR}-03-10T20:00:00+00:00"
    assert (council["venue"], council["locality"]) == ("Unity House", "London")
    assert "Theobald’s Road" in council["address"] and "Branch" in council["categories"]
    assert council["image"].endswith("/council.jpg") and council["image_alt"] == "The council chamber"
    assert "https://zoom.us/j/1" in council["description"]
    school = events["Summer School"]
    assert (school["start"], school["end"], school["all_day"]) == (f"{YEAR}-07-14", f"{YEAR}-07-16", True)
    training = events["Reps’ Training: Negotiating Skills"]
    assert datetime.fromisoformat(training["start"]) == datetime(YEAR, 6, 2, 9, tzinfo=ZoneInfo("America/New_York"))
    assert training["event_status"] == "cancelled"


def test_a_platform_request_that_fails_fails_the_reading_and_keeps_the_events(tmp_path: Path, site: TestSite) -> None:
    serve_tec(site)
    config = write_config(tmp_path, f'[[sources]]\nid = "union"\nurl = "{site.url}/events/"\n')
    run_events("fetch", config=config)
    serve_tec(site, second=Answer(500, b"busy", content_type="text/plain"))
    failed = run_events("fetch", config=config, check=False)
    assert failed.returncode == 2 and "The Events Calendar (WordPress): its data at" in failed.stdout
    assert len(json.loads((tmp_path / "data" / "feeds" / "all.json").read_text())["items"]) == 3


def test_the_next_fetch_asks_the_platform_changed_since_and_keeps_its_events(tmp_path: Path, site: TestSite) -> None:
    """Each `events fetch` is a new process: the answers the first kept in the store are asked "changed
    since?" by the second, and answers of 304 read the kept ones, whose events stay."""
    serve_tec(site)
    first, later = tec_answers(site.url)

    def api(seen: object) -> Answer:
        paged = "page=2" in getattr(seen, "path", "")
        tag = '"p2"' if paged else '"p1"'
        if getattr(seen, "headers", {}).get("if-none-match") == tag:
            return Answer(304, b"", headers={"ETag": tag}, content_type="application/json")
        body = json.dumps(later if paged else first)
        return Answer(body=body, headers={"ETag": tag}, content_type="application/json")

    site.set("/wp-json/tribe/events/v1/events", api)
    assert len(fetched(tmp_path, f"{site.url}/events/")) == 3
    assert len(fetched(tmp_path, f"{site.url}/events/")) == 3
    asked = [r.headers.get("if-none-match") for r in site.requests if r.path.startswith("/wp-json/")]
    assert asked == [None, None, '"p1"', '"p2"']


def test_a_platform_host_that_refuses_us_is_read_without_until_events_came_from_it() -> None:
    """Some platforms' hosts refuse what is not a browser: such a refusal (and only a refusal, only by
    another host than the page's) lets a page whose events never came from there be read without it."""
    from events.fetch.fetcher import Failure
    from events.service.platform_data import _refused

    widget = "https://www.tickettailor.com/events/testunion/"
    assert _refused(Failure(widget, "HTTP 403", 403), widget, "https://union.example/tickets")
    assert not _refused(Failure(widget, "HTTP 500", 500), widget, "https://union.example/tickets")
    own = "https://union.example/wp-json/tribe/events/v1/events"
    assert not _refused(Failure(own, "HTTP 403", 403), own, "https://union.example/events/")


def test_extract_and_sources_add_say_the_platform_and_read_it(tmp_path: Path, site: TestSite) -> None:
    serve_tec(site)
    config = write_config(tmp_path, f'[[sources]]\nid = "other"\nurl = "{site.url}/other/"\n')
    found = json.loads(run_events("extract", f"{site.url}/events/", config=config).stdout)
    assert len(found) == 3
    explained = run_events("extract", f"{site.url}/events/", "--explain", config=config).stdout
    assert "The Events Calendar (WordPress): its events are read from" in explained
    assert explained.count("found by     platform:events-calendar") == 3
    added = run_events("sources", "add", f"{site.url}/events/", "--yes", config=config).stdout
    assert "The Events Calendar (WordPress): its events are read from" in added and "Summer School" in added


GOOGLE_PAGE = """<html><body><h1>Branch calendar</h1>
<iframe src="https://calendar.google.com/calendar/embed?height=600&wkst=2&ctz=Europe%2FLondon&src=branch%40group.calendar.google.com&src=en.uk%23holiday%40group.v.calendar.google.com&color=%23039BE5"
 style="border:solid 1px #777" width="800" height="600"></iframe></body></html>"""

MONDAY = date(YEAR, 1, 1) + timedelta(days=(7 - date(YEAR, 1, 1).weekday()) % 7)


def on(days: int, clock: str = "") -> str:
    """An iCalendar date (or date-time, with ``clock``) ``days`` after the first Monday of the year."""
    return f"{MONDAY + timedelta(days=days):%Y%m%d}" + (f"T{clock}" if clock else "")


GOOGLE_ICS = f"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
X-WR-TIMEZONE:Europe/London\r
BEGIN:VEVENT\r
DTSTART;TZID=Europe/London:{on(0, "190000")}\r
DTEND;TZID=Europe/London:{on(0, "203000")}\r
RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=MO\r
EXDATE;TZID=Europe/London:{on(14, "190000")}\r
UID:weekly@google.com\r
SUMMARY:Branch surgery\r
LOCATION:Unity House\\, London\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;TZID=Europe/London:{on(23, "180000")}\r
DTEND;TZID=Europe/London:{on(23, "193000")}\r
RECURRENCE-ID;TZID=Europe/London:{on(21, "190000")}\r
UID:weekly@google.com\r
SUMMARY:Branch surgery (moved to Wednesday)\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;TZID=Europe/London:{on(28, "190000")}\r
DTEND;TZID=Europe/London:{on(28, "203000")}\r
RECURRENCE-ID;TZID=Europe/London:{on(28, "190000")}\r
UID:weekly@google.com\r
STATUS:CANCELLED\r
SUMMARY:Branch surgery\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:{on(50)}\r
DTEND;VALUE=DATE:{on(51)}\r
UID:agm@google.com\r
SUMMARY:Annual General Meeting\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_an_embedded_google_calendar_is_read_from_its_public_file_with_repeats_expanded() -> None:
    [found] = detect(parse_html(GOOGLE_PAGE), "https://branch.example.org/calendar")
    assert found.platform.name == "google-calendar" and found.addresses == (
        "https://calendar.google.com/calendar/ical/branch@group.calendar.google.com/public/basic.ics",
        "https://calendar.google.com/calendar/ical/en.uk%23holiday@group.v.calendar.google.com/public/basic.ics",
    )
    ctx = PageContext(url="https://branch.example.org/calendar", today=date(YEAR, 1, 1), source="branch")
    events = google_calendar.read(ctx, GOOGLE_ICS, found.addresses[0])
    by_start = {e.start: e for e in events}
    london = ZoneInfo("Europe/London")
    mondays = [datetime.combine(MONDAY + timedelta(weeks=n), time(19), london) for n in range(6)]
    assert mondays[2] not in by_start  # the occurrence taken out (EXDATE)
    moved = by_start[datetime.combine(MONDAY + timedelta(days=23), time(18), london)]
    assert mondays[3] not in by_start and moved.title == "Branch surgery (moved to Wednesday)"
    assert by_start[mondays[4]].event_status == "cancelled"  # a cancelled occurrence stays, said cancelled
    assert {mondays[0], mondays[1], mondays[5], MONDAY + timedelta(days=50)} <= set(by_start)
    assert len(events) == 6 and by_start[mondays[0]].venue == "Unity House, London"
    assert all(e.found_by == "platform:google-calendar" for e in events)


def test_detectors_find_nothing_on_pages_that_show_no_platform_s_view() -> None:
    """A site that has an events plugin announces it on every page: its other pages and one event's own
    page are not the site's list of events."""
    other = TEC_PAGE.replace("post-type-archive-tribe_events ", "").replace("tribe-events-view ", "")
    single = TEC_PAGE.replace("post-type-archive-tribe_events", "single-tribe_events")
    assert detect(parse_html(other.format(base="https://u.example")), "https://u.example/about/") == []
    assert detect(parse_html(single.format(base="https://u.example")), "https://u.example/event/x/") == []
    youtube = '<iframe src="https://www.youtube.com/embed?src=a@b.c"></iframe>'
    assert detect(parse_html(youtube), "https://u.example/") == []


SQUARESPACE_PAGE = """<!doctype html><html lang="en-GB"><head><!-- This is Squarespace. -->
<script src="https://static1.squarespace.com/static/vta/5c5a519771c10ba3470d8101/scripts/site-bundle.js"></script>
<title>Events — Test Union</title></head>
<body class="collection-type-events view-list" id="collection-5c5a">
<div class="eventlist eventlist--upcoming"></div></body></html>"""


CLOCKS_BACK = max(date(YEAR, 10, day) for day in range(25, 32) if date(YEAR, 10, day).weekday() == 6)


def squarespace_answer() -> dict:
    """The collection's JSON, as Squarespace serves an events collection with ``?format=json``."""
    start = datetime.combine(CLOCKS_BACK, time(1, 30), ZoneInfo("Europe/London"))  # said twice that night
    millis = int(start.timestamp() * 1000)
    return {
        "website": {"timeZone": "Europe/London", "siteTitle": "Test Union"},
        "collection": {"title": "Events", "typeName": "events"},
        "upcoming": [
            {
                "id": "65a1",
                "title": "Night Shift Members' Forum",
                "startDate": millis,
                "endDate": millis + 2 * 3600 * 1000,
                "fullUrl": "/events/night-shift-forum",
                "assetUrl": "https://images.squarespace-cdn.com/content/forum.jpg",
                "excerpt": "<p>For members on nights. Sold out.</p>",
                "location": {
                    "addressTitle": "Unity House",
                    "addressLine1": "128 Theobalds Road",
                    "addressLine2": "London, WC1X 8TN",
                    "addressCountry": "United Kingdom",
                    "mapLat": 51.5226,
                    "mapLng": -0.1196,
                },
            }
        ],
        "past": [],
        "pagination": {"nextPage": False},
    }


def test_a_squarespace_events_collection_is_read_from_its_json(tmp_path: Path, site: TestSite) -> None:
    def page(seen: object) -> Answer:
        if "format=json" in getattr(seen, "path", ""):
            return Answer(body=json.dumps(squarespace_answer()), content_type="application/json")
        return Answer(body=SQUARESPACE_PAGE)

    site.set("/events", page)
    config = write_config(tmp_path, f'[[sources]]\nid = "union"\nurl = "{site.url}/events"\n')
    run_events("fetch", config=config)
    [item] = json.loads((tmp_path / "data" / "feeds" / "all.json").read_text())["items"]
    event = item["_event"]
    # 01:30 on the night the clocks go back is said twice: the data's instant says which (the first, BST)
    assert datetime.fromisoformat(event["start"]) == datetime(YEAR, 10, 31, 0, 30, tzinfo=ZoneInfo("UTC"))
    assert (event["title"], event["venue"], event["booking"]) == (
        "Night Shift Members' Forum",
        "Unity House",
        "sold_out",
    )
    assert "128 Theobalds Road" in event["address"] and event["url"] == f"{site.url}/events/night-shift-forum"
    assert (event["latitude"], event["longitude"]) == (51.5226, -0.1196) and event["image"].endswith("forum.jpg")


def test_a_trumba_calendar_is_read_from_its_public_feed() -> None:
    page = """<html><body><h1>What's on</h1><script src="https://www.trumba.com/scripts/spuds.js"></script>
    <script>$Trumba.addSpud({ webName: "test-union-events", spudType: "main", teaserBase: "" });</script>
    </body></html>"""
    [found] = detect(parse_html(page), "https://union.example/whats-on")
    assert (found.platform.name, found.addresses) == (
        "trumba",
        ("https://www.trumba.com/calendars/test-union-events.ics",),
    )
    ctx = PageContext(url="https://union.example/whats-on", today=date(YEAR, 1, 1), source="union")
    events = found.platform.read(ctx, GOOGLE_ICS, found.addresses[0])
    assert len(events) == 6 and {e.found_by for e in events} == {"platform:trumba"}
    assert detect(parse_html(page.replace("trumba.com/scripts", "example.com/scripts")), "https://u.example/") == []


EM_PAGE = """<!doctype html><html><head><link rel="https://api.w.org/" href="{base}/wp-json/" />
<link rel="stylesheet" href="{base}/wp-content/plugins/events-manager/includes/css/events-manager.min.css" />
</head><body class="page"><div class="em em-view-container" id="em-view-6" data-view="list">
<div class="em pixelbones em-list em-events-list"><p>Loading…</p></div></div></body></html>"""


def test_events_manager_is_read_from_the_site_s_calendar_feed(tmp_path: Path, site: TestSite) -> None:
    site.set("/events/", EM_PAGE.format(base=site.url))
    site.set("/events.ics", Answer(body=GOOGLE_ICS, content_type="text/calendar; charset=UTF-8"))
    config = write_config(tmp_path, f'[[sources]]\nid = "branch"\nurl = "{site.url}/events/"\n')
    run_events("fetch", config=config)
    items = json.loads((tmp_path / "data" / "feeds" / "all.json").read_text())["items"]
    titles = sorted(item["_event"]["title"] for item in items)
    assert titles.count("Branch surgery") == 4 and "Annual General Meeting" in titles and site.hits("/events.ics") == 1


def test_a_meetup_group_is_read_from_its_public_feed() -> None:
    page = parse_html("<html><body><div id='__next'></div><a href='https://www.meetup.com/'>Meetup</a></body></html>")
    for url in ("https://www.meetup.com/test-union-branch/", "https://www.meetup.com/test-union-branch/events/"):
        [found] = detect(page, url)
        assert found.addresses == ("https://www.meetup.com/test-union-branch/events/ical/",)
    for url in ("https://www.meetup.com/find/", "https://www.meetup.com/test-union-branch/events/301/"):
        assert detect(page, url) == []
    assert detect(page, "https://union.example/test-union-branch/events/") == []
    ctx = PageContext(url="https://www.meetup.com/test-union-branch/", today=date(YEAR, 1, 1), source="branch")
    assert {e.found_by for e in found.platform.read(ctx, GOOGLE_ICS, found.addresses[0])} == {"platform:meetup"}


MODERNGOV_PAGE = """<html><head><title>Calendar - Test Borough Council</title></head><body>
<h1>Monthly meetings calendar</h1><p>Loading…</p>
<a href="mgCalendarMonthView.aspx?M=2&amp;Y={year}">Next month</a>
<a href="ieListDocuments.aspx?CId=1&amp;MId=1">An old meeting</a></body></html>"""

MODERNGOV_XML = """<?xml version="1.0" encoding="utf-8"?>
<getmeetingsbydate><meetings>
<meeting><meetingid>5123</meetingid><meetingdate>14/01/{year}</meetingdate><meetingtime>6.30 pm</meetingtime>
<committeeid>133</committeeid><committeetitle>Planning Applications Committee</committeetitle>
<meetingstatus>Confirmed</meetingstatus><iswebcast>False</iswebcast></meeting>
<meeting><meetingid>5124</meetingid><meetingdate>20/01/{year}</meetingdate><meetingtime>10.00 am</meetingtime>
<committeeid>140</committeeid><committeetitle>Children&amp;#39;s Services Scrutiny Panel</committeetitle>
<meetingstatus>Cancelled</meetingstatus><iswebcast>False</iswebcast></meeting>
<meeting><meetingid>5125</meetingid><meetingdate>21/01/{year}</meetingdate><meetingtime>7.00 pm</meetingtime>
<committeeid>150</committeeid><committeetitle>Licensing Committee</committeetitle>
<meetingstatus>Confirmed</meetingstatus><iswebcast>False</iswebcast></meeting>
</meetings></getmeetingsbydate>"""

MODERNGOV_MEETING = """<?xml version="1.0" encoding="utf-8"?>
<meeting><meetingid>5123</meetingid><meetingdate>14/01/{year}</meetingdate>
<meetinglocation>Council Chamber, Town Hall, Kings Road</meetinglocation><meetingstatus>Confirmed</meetingstatus>
<agendaitems><agendaitem><agendaitemtitle>Minutes</agendaitemtitle></agendaitem></agendaitems></meeting>"""


def test_a_moderngov_calendar_is_read_from_its_web_service(tmp_path: Path, site: TestSite) -> None:
    site.set("/mgCalendarMonthView.aspx", MODERNGOV_PAGE.format(year=YEAR))
    site.set(
        "/mgWebService.asmx/GetAllMeetingsByDate",
        Answer(body=MODERNGOV_XML.format(year=YEAR), content_type="text/xml; charset=utf-8"),
    )

    def meeting(seen: object) -> Answer:
        if "lMeetingId=5123" in getattr(seen, "path", ""):
            return Answer(body=MODERNGOV_MEETING.format(year=YEAR), content_type="text/xml; charset=utf-8")
        return Answer(500, b"Server Error", content_type="text/html")

    site.set("/mgWebService.asmx/GetMeeting", meeting)
    config = write_config(tmp_path, f'[[sources]]\nid = "council"\nurl = "{site.url}/mgCalendarMonthView.aspx"\n')
    run_events("fetch", config=config)
    asked = next(r.path for r in site.requests if "GetAllMeetingsByDate" in r.path)
    assert "lCommitteeId=0" in asked and "bIsAscendingDateOrder=true" in asked
    items = json.loads((tmp_path / "data" / "feeds" / "all.json").read_text())["items"]
    events = {item["_event"]["title"]: item["_event"] for item in items}
    planning = events["Planning Applications Committee"]
    assert datetime.fromisoformat(planning["start"]) == datetime(YEAR, 1, 14, 18, 30, tzinfo=ZoneInfo("Europe/London"))
    assert planning["url"] == f"{site.url}/ieListDocuments.aspx?CId=133&MId=5123"
    assert events["Children's Services Scrutiny Panel"]["event_status"] == "cancelled"
    assert planning["venue"] == "Council Chamber, Town Hall, Kings Road"
    asked = sorted({r.path.split("=")[-1] for r in site.requests if "GetMeeting?" in r.path})
    assert asked == ["5123", "5125"]  # the coming meetings' own records, not the cancelled one's
    assert events["Licensing Committee"]["venue"] is None  # its record failed: only its venue is lost


LOCALIST_PAGE = """<html><head><title>Events Calendar | Test City</title></head><body>
<div id="event_results" class="em-card-group"><p>Loading events…</p></div>
<footer><a href="https://www.localist.com">Powered by Localist</a></footer></body></html>"""


def localist_answer(page: int) -> dict:
    """A page of Localist's API, as its public API documents it: each event with its occurrences."""
    events = [
        {
            "event": {
                "id": 41,
                "title": "City Council Regular Meeting",
                "localist_url": "https://calendar.example.gov/event/city-council",
                "location_name": "City Hall Chambers",
                "address": "100 Main St",
                "geo": {"latitude": "40.71", "longitude": "-74.00", "city": "Springfield"},
                "status": "live",
                "photo_url": "https://images.example.net/council.jpg",
                "description_text": "Open to the public.",
                "event_instances": [
                    {
                        "event_instance": {
                            "id": 1,
                            "start": f"{YEAR}-02-03T19:00:00-05:00",
                            "end": None,
                            "all_day": False,
                        }
                    },
                    {
                        "event_instance": {
                            "id": 2,
                            "start": f"{YEAR}-02-17T19:00:00-05:00",
                            "end": None,
                            "all_day": False,
                        }
                    },
                ],
            }
        }
    ]
    if page == 2:
        events = [
            {
                "event": {
                    "id": 42,
                    "title": "Arbor Day Planting",
                    "status": "canceled",
                    "event_instances": [{"event_instance": {"start": f"{YEAR}-04-24T00:00:00-04:00", "all_day": True}}],
                }
            }
        ]
    return {"events": events, "page": {"current": page, "size": 100, "total": 2}, "date": {}}


def test_a_localist_calendar_is_read_from_its_api_over_every_page(tmp_path: Path, site: TestSite) -> None:
    site.set("/calendar", LOCALIST_PAGE)

    def api(seen: object) -> Answer:
        page = 2 if "page=2" in getattr(seen, "path", "") else 1
        return Answer(body=json.dumps(localist_answer(page)), content_type="application/json")

    site.set("/api/2/events", api)
    config = write_config(
        tmp_path, f'[[sources]]\nid = "city"\nurl = "{site.url}/calendar"\ntimezone = "America/New_York"\n'
    )
    run_events("fetch", config=config)
    items = feed_events(tmp_path)
    council = [e for e in items if e["title"] == "City Council Regular Meeting"]
    new_york = ZoneInfo("America/New_York")
    assert [datetime.fromisoformat(e["start"]) for e in council] == [
        datetime(YEAR, 2, 3, 19, tzinfo=new_york),
        datetime(YEAR, 2, 17, 19, tzinfo=new_york),
    ]
    assert (council[0]["venue"], council[0]["latitude"]) == ("City Hall Chambers", 40.71)
    [arbor] = [e for e in items if e["title"] == "Arbor Day Planting"]
    assert (arbor["start"], arbor["all_day"], arbor["event_status"]) == (f"{YEAR}-04-24", True, "cancelled")
    assert site.hits("/api/2/events") == 2


def test_an_eventbrite_organiser_is_read_from_its_listing_data() -> None:
    page = parse_html(
        "<html><body><div id='root'></div><script src='https://cdn.evbstatic.com/app.js'></script></body></html>"
    )
    [found] = detect(page, "https://www.eventbrite.co.uk/o/test-union-london-region-34315560147")
    first = "https://www.eventbrite.co.uk/org/34315560147/showmore/?page_size=50&type=future&page=1"
    assert found.addresses == (first,)
    assert detect(page, "https://www.eventbrite.co.uk/e/reps-training-tickets-123456789") == []
    answer = {
        "success": True,
        "data": {
            "has_next_page": True,
            "events": [
                {
                    "name": {"text": "Reps' Induction Day"},
                    "url": "https://www.eventbrite.co.uk/e/reps-induction-day-tickets-1",
                    "start": {
                        "timezone": "Europe/London",
                        "local": f"{YEAR}-07-01T10:00:00",
                        "utc": f"{YEAR}-07-01T09:00:00Z",
                    },
                    "end": {
                        "timezone": "Europe/London",
                        "local": f"{YEAR}-07-01T16:00:00",
                        "utc": f"{YEAR}-07-01T15:00:00Z",
                    },
                    "venue": {
                        "name": "Unity House",
                        "address": {"city": "London", "localized_address_display": "128 Theobalds Road, London"},
                    },
                    "logo": {"url": "https://img.evbuc.com/induction.jpg"},
                    "is_sold_out": True,
                }
            ],
        },
    }
    assert found.platform.next_address(json.dumps(answer), first) == first.replace("page=1", "page=2")
    ctx = PageContext(url=found.addresses[0], today=date(YEAR, 1, 1), source="union")
    [event] = found.platform.read(ctx, json.dumps(answer), first)
    assert event.start == datetime(YEAR, 7, 1, 10, tzinfo=ZoneInfo("Europe/London"))
    assert event.end == datetime(YEAR, 7, 1, 16, tzinfo=ZoneInfo("Europe/London"))
    assert (event.title, event.venue, event.locality, event.booking) == (
        "Reps' Induction Day",
        "Unity House",
        "London",
        "sold_out",
    )


def test_an_answer_that_is_not_the_platform_s_data_yields_nothing_and_breaks_nothing() -> None:
    from events.extract.platforms import Answer, read_answers

    ctx = PageContext(url="https://union.example/events/", today=date(YEAR, 1, 1), source="union")
    broken = ["<html><body>Please log in</body></html>", '{"events": [1, "x", {"title": null}]', "\x00" * 10, ""]
    for name in (p.name for p in platforms()):
        assert read_answers(ctx, [Answer(name, "https://union.example/data", text) for text in broken]) == []


def wix_page() -> str:
    """A Wix page whose events widget keeps its data in the page, as Wix Events writes it."""
    widget = {
        "events": {
            "events": [
                {
                    "id": "b4c4",
                    "title": "Branch Quiz Night",
                    "slug": "branch-quiz-night",
                    "description": "Teams of four. Sold out.",
                    "location": {
                        "name": "The Crown",
                        "address": "1 High Street, Leeds",
                        "fullAddress": {"city": "Leeds"},
                    },
                    "scheduling": {
                        "config": {"startDate": f"{YEAR}-05-14T18:00:00.000Z", "timeZoneId": "Europe/London"}
                    },
                    "mainImage": {"url": "https://static.wixstatic.com/media/quiz.jpg"},
                    "status": "SCHEDULED",
                },
                {
                    "id": "c9d0",
                    "title": "Summer Social",
                    "slug": "summer-social",
                    "location": {"name": "Roundhay Park"},
                    "scheduling": {
                        "config": {"startDate": f"{YEAR}-07-04T11:00:00.000Z", "timeZoneId": "Europe/London"}
                    },
                    "status": "CANCELED",
                },
                {"id": "tbd", "title": "Winter Party", "scheduling": {"config": {"scheduleTbd": True}}},
            ],
            "hasMore": False,
        },
        "dates": {
            "events": {"b4c4": {"startDateISOFormatNotUTC": f"{YEAR}-05-14T19:00:00+01:00", "startTime": "7:00 PM"}}
        },
    }
    warm = {"appsWarmupData": {"140603ad-af8d-84a5-2c80-a0f60cb47351": {"widgetcomp-jdvq49ls": widget}}}
    return (
        '<html><head><meta name="generator" content="Wix.com Website Builder"></head><body><div id="SITE_CONTAINER">'
        '</div><script type="application/json" id="wix-warmup-data">' + json.dumps(warm) + "</script></body></html>"
    )


def test_wix_events_are_read_from_the_data_the_page_keeps_for_its_widget(tmp_path: Path, site: TestSite) -> None:
    site.set("/events", wix_page())
    events = fetched(tmp_path, f"{site.url}/events")
    assert set(events) == {"Branch Quiz Night", "Summer Social"}  # no day for the one to be announced
    quiz = events["Branch Quiz Night"]
    assert datetime.fromisoformat(quiz["start"]) == datetime(YEAR, 5, 14, 19, tzinfo=ZoneInfo("Europe/London"))
    assert (quiz["venue"], quiz["locality"], quiz["url"]) == (
        "The Crown",
        "Leeds",
        f"{site.url}/event-details/branch-quiz-night",
    )
    summer = events["Summer Social"]
    assert datetime.fromisoformat(summer["start"]) == datetime(YEAR, 7, 4, 12, tzinfo=ZoneInfo("Europe/London"))
    assert summer["event_status"] == "cancelled"
    explained = run_events("extract", f"{site.url}/events", "--explain", config=tmp_path / "config.toml").stdout
    assert "Wix events: its events are read from the data the page keeps for its widget" in explained


def test_platform_data_is_kept_and_asked_changed_since_after_a_restart(tmp_path: Path, site: TestSite) -> None:
    """The answers a reading read are kept in the store: the next reading, by a new process with a new
    store object on the same database, asks with their ETag, and a 304 reads the answer kept."""
    import asyncio

    from events.fetch.fetcher import Fetcher
    from events.service.platform_data import KeptAnswers, platform_answers
    from events.store import Store
    from tests.test_fetch import FAST

    first, _ = tec_answers(site.url)
    first.pop("next_rest_url")
    body = json.dumps(first)

    def api(seen: object) -> Answer:
        if getattr(seen, "headers", {}).get("if-none-match") == '"v1"':
            return Answer(304, b"", headers={"ETag": '"v1"'}, content_type="application/json")
        return Answer(body=body, headers={"ETag": '"v1"'}, content_type="application/json")

    site.set("/wp-json/tribe/events/v1/events", api)
    tree = parse_html(TEC_PAGE.format(base=site.url))
    hosts = frozenset({site.url.removeprefix("http://")})
    database = f"sqlite:///{tmp_path / 'events.db'}"

    async def read() -> object:
        store = Store(database)  # a new process: nothing in memory
        try:
            async with Fetcher(FAST) as fetcher:
                kept = KeptAnswers(store, "union")
                return await platform_answers(fetcher, f"{site.url}/events/", tree, hosts, [], kept)
        finally:
            store.close()

    once, again = asyncio.run(read()), asyncio.run(read())
    assert once == again and [a.text for a in once] == [body]  # type: ignore[union-attr]
    asked = [r.headers.get("if-none-match") for r in site.requests if r.path.startswith("/wp-json/")]
    assert asked == [None, '"v1"']

    async def preview() -> object:
        async with Fetcher(FAST) as fetcher:
            return await platform_answers(fetcher, f"{site.url}/events/", tree, hosts, [])

    assert asyncio.run(preview()) == once  # a preview keeps nothing and asks in full
    assert [r.headers.get("if-none-match") for r in site.requests if r.path.startswith("/wp-json/")][-1] is None


MEC_PAGE = """<!doctype html><html><head><link rel="https://api.w.org/" href="{base}/wp-json/" />
<link rel="stylesheet" href="{base}/wp-content/plugins/modern-events-calendar-lite/assets/css/frontend.min.css" />
</head><body class="page"><div class="mec-wrap mec-skin-list-container" id="mec_skin_512">
<div class="mec-skin-list-events-container" id="mec_skin_events_512"><p>Loading…</p></div></div></body></html>"""


def test_modern_events_calendar_is_read_from_the_site_s_calendar_feed(tmp_path: Path, site: TestSite) -> None:
    site.set("/events/", MEC_PAGE.format(base=site.url))

    def root(seen: object) -> Answer:
        if "mec-ical-feed=1" in getattr(seen, "path", ""):
            return Answer(body=GOOGLE_ICS, content_type="text/calendar; charset=UTF-8")
        return Answer(body="<html><body>Home</body></html>")

    site.set("/", root)
    config = write_config(tmp_path, f'[[sources]]\nid = "branch"\nurl = "{site.url}/events/"\n')
    run_events("fetch", config=config)
    items = feed_events(tmp_path)
    assert sorted(e["title"] for e in items).count("Branch surgery") == 4 and site.hits("/") == 1
    single = MEC_PAGE.replace('class="page"', 'class="single single-mec-events"').format(base="https://u.example")
    assert detect(parse_html(single), "https://u.example/events/agm/") == []
    plain = MEC_PAGE.replace("modern-events-calendar-lite", "other-plugin").format(base="https://u.example")
    assert detect(parse_html(plain), "https://u.example/events/") == []


def bookwhen_row(n: int, extra: str = "") -> str:
    day = date(YEAR, 2, 1) + timedelta(days=n)
    return (
        f'<tr class="agenda_list_item" data-hook="agenda_list_item" data-event="ev-s{n:03d}-{day:%Y%m%d}183000">'
        f'<td class="date">{day:%a %d %b}</td>'
        f'<td class="summary"><a href="/testunion/e/ev-s{n:03d}-{day:%Y%m%d}183000">'
        f'<button type="button">Reps Workshop {n}</button></a></td>'
        f'<td class="duration">6:30 PM – 8:00 PM GMT</td><td class="location">Unity House</td>{extra}</tr>'
    )


def bookwhen_page(rows: int) -> str:
    body = "".join(bookwhen_row(n, '<td class="availability">Fully booked</td>' if n == 1 else "") for n in range(rows))
    return (
        "<html><head><title>Test Union | Bookwhen</title></head><body>"
        '<div id="agenda" data-options=\'{"calendar":"k3x9q","view":"list"}\'>'
        f'<table id="agenda_list"><tbody>{body}</tbody></table>'
        '<a class="show_more" href="#">Show more…</a></div></body></html>'
    )


def test_a_bookwhen_account_is_read_from_its_page_and_what_show_more_asks(tmp_path: Path, site: TestSite) -> None:
    site.set("/testunion", bookwhen_page(20))
    more = "".join(bookwhen_row(n) for n in range(20, 23))
    script = f'$("#agenda_list tbody").append({json.dumps(more)});\n$(".show_more").hide();'
    site.set("/testunion/calendar_items", Answer(body=script, content_type="text/javascript; charset=utf-8"))
    config = write_config(tmp_path, f'[[sources]]\nid = "union"\nurl = "{site.url}/testunion"\n')
    run_events("fetch", config=config)
    asked = next(r.path for r in site.requests if "calendar_items" in r.path)
    assert "offset=20" in asked and "calendar=k3x9q" in asked and "limit=50" in asked
    items = feed_events(tmp_path)
    events = {e["title"]: e for e in items}
    assert len(events) == len(items) == 23
    first = events["Reps Workshop 0"]
    assert datetime.fromisoformat(first["start"]) == datetime(YEAR, 2, 1, 18, 30, tzinfo=ZoneInfo("Europe/London"))
    assert datetime.fromisoformat(first["end"]) == datetime(YEAR, 2, 1, 20, tzinfo=ZoneInfo("Europe/London"))
    assert (first["venue"], first["url"]) == ("Unity House", f"{site.url}/testunion/e/ev-s000-{YEAR}0201183000")
    assert events["Reps Workshop 1"]["booking"] == "sold_out" and "Reps Workshop 22" in events
    explained = run_events("extract", f"{site.url}/testunion", "--explain", config=config).stdout
    assert "Bookwhen: its events are read from the page's agenda rows" in explained
    assert f"Bookwhen: its events are read from {site.url}/testunion/calendar_items?offset=20" in explained
    assert explained.count("found by     platform:bookwhen") == 23


def test_a_page_linking_its_public_bookwhen_feed_is_read_from_the_feed() -> None:
    page = """<html><body><h1>Classes</h1>
    <a href="webcal://feeds.bookwhen.com/ical/k3x9q/p7d2/public.ics">Subscribe to our classes</a>
    <a href="https://feeds.bookwhen.com/ical/k3x9q/secret/private.ics">Staff feed</a></body></html>"""
    [found] = detect(parse_html(page), "https://union.example/classes")
    assert (found.platform.name, found.addresses) == (
        "bookwhen",
        ("https://feeds.bookwhen.com/ical/k3x9q/p7d2/public.ics",),
    )
    ctx = PageContext(url="https://union.example/classes", today=date(YEAR, 1, 1), source="union")
    assert len(found.platform.read(ctx, GOOGLE_ICS, found.addresses[0])) == 6
    assert detect(parse_html(bookwhen_page(3)), "https://bookwhen.com/testunion") == []  # all on the page


def ticket_tailor_listing(base: str) -> str:
    def card(n: int, when: str, title: str, extra: str = "") -> str:
        return (
            f'<li class="main-events-listing__event"><div class="event__image">'
            f'<img src="https://uploads.tickettailorassets.com/c_scale,w_250/v1/{n}.jpg" alt="{title}"></div>'
            f'<a class="event__link" href="/events/testunion/{n}">{title}</a>'
            f'<div class="event-meta__date">{when}</div>'
            f'<div class="event-meta__location">The Crown, 1 High Street, Leeds</div>{extra}</li>'
        )

    saturday = date(YEAR, 7, 4) + timedelta(days=(5 - date(YEAR, 7, 4).weekday()) % 7)
    cards = [
        card(101, f"{saturday:%a %d %b %Y} 9:30 PM - 1:00 AM", "Summer Social"),
        card(102, f"{saturday + timedelta(days=7):%a %d %b %Y} 7:00 PM", "Quiz Night", "<span>Sold out</span>"),
        card(103, "Multiple dates and times", "Walking Tours"),
    ]
    return f'<html><body><ul class="main-events-listing">{"".join(cards)}</ul></body></html>'


def test_a_ticket_tailor_box_office_is_read_from_its_listing(tmp_path: Path, site: TestSite) -> None:
    site.set("/events/testunion/", ticket_tailor_listing(site.url))
    events = fetched(tmp_path, f"{site.url}/events/testunion/")
    assert set(events) == {"Summer Social", "Quiz Night"}  # no day for the one of many dates
    social = events["Summer Social"]
    start, end = datetime.fromisoformat(social["start"]), datetime.fromisoformat(social["end"])
    assert (start.hour, start.minute, end - start) == (21, 30, timedelta(hours=3, minutes=30))  # past midnight
    assert (social["venue"], social["url"]) == ("The Crown, 1 High Street, Leeds", f"{site.url}/events/testunion/101")
    assert social["image"].endswith("/101.jpg") and events["Quiz Night"]["booking"] == "sold_out"


def test_a_ticket_tailor_widget_is_read_from_its_box_office_listing() -> None:
    page = """<html><body><h1>Tickets</h1><div class="tt-widget"><div class="tt-widget-fallback"><p>
    <a href="https://www.tickettailor.com/all-tickets/testunion/?ref=website_widget">Buy tickets</a></p></div>
    <script src="https://cdn.tickettailor.com/js/widgets/min/widget.js"
     data-url="https://www.tickettailor.com/all-tickets/testunion/?ref=website_widget&show_search_filter=true"
     data-type="inline"></script></div></body></html>"""
    [found] = detect(parse_html(page), "https://union.example/tickets")
    assert (found.platform.name, found.addresses) == (
        "ticket-tailor",
        ("https://www.tickettailor.com/events/testunion/",),
    )
    ctx = PageContext(url="https://union.example/tickets", today=date(YEAR, 1, 1), source="union")
    events = found.platform.read(ctx, ticket_tailor_listing(""), found.addresses[0])
    assert [e.url for e in events] == [
        "https://www.tickettailor.com/events/testunion/101",
        "https://www.tickettailor.com/events/testunion/102",
    ]
    checkout = page.replace("all-tickets/testunion/", "checkout/new-session/id/1979805/chk/f691/")
    assert detect(parse_html(checkout), "https://union.example/tickets") == []


def test_a_platform_s_times_may_run_past_midnight() -> None:
    from events.extract.platforms.platform import clock_end

    start = datetime(YEAR, 7, 3, 21, 30, tzinfo=ZoneInfo("Europe/London"))
    ends = {
        text: clock_end(text, start)
        for text in (
            "Sat 3 Jul 9:30 PM - 1:00 AM",
            "9:30 PM – 11:00 PM BST",
            "21:30-01:00",
            "9:30 PM",
            "9:30pm, bar 1am",
        )
    }
    assert ends == {
        "Sat 3 Jul 9:30 PM - 1:00 AM": start + timedelta(hours=3, minutes=30),
        "9:30 PM – 11:00 PM BST": start + timedelta(hours=1, minutes=30),
        "21:30-01:00": start + timedelta(hours=3, minutes=30),
        "9:30 PM": None,
        "9:30pm, bar 1am": None,
    }
