"""Each extraction strategy on pages written for these tests."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from events.config.models import Selectors
from events.extract import extract_events, linked_calendars
from events.extract.context import PageContext
from events.extract.structured.calendars import events_from_calendar

TODAY = date(2024, 1, 29)


def extract(html: str, **kw: object) -> list:
    return extract_events(html, url="https://org.example/events/", today=TODAY, **kw)  # type: ignore[arg-type]


JSONLD = """<html><body>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
  {"@type": "Organization", "name": "Union"},
  {"@type": "ItemList", "itemListElement": [{"@type": "ListItem", "item": {
     "@type": "EducationEvent", "name": "Reps training", "startDate": "2024-03-05T10:00:00+00:00",
     "endDate": "2024-03-05T16:30:00+00:00", "url": "/events/reps-training/",
     "location": {"@type": "Place", "name": "Conway Hall", "address": {"@type": "PostalAddress",
        "streetAddress": "25 Red Lion Square", "addressLocality": "London", "postalCode": "WC1R 4RL"}},
     "offers": {"@type": "Offer", "availability": "https://schema.org/SoldOut"}}}]}]}</script>
<script type="application/ld+json">{"@type": "Event", "name": "Broken", "startDate": </script>
<script type="application/ld+json">[{"@type": "Event", "name": "Spring dinner", "startDate": "2024-04-12",
  "eventStatus": "https://schema.org/EventCancelled", "location": {"@type": "VirtualLocation", "url": "x"},},
  {"@type": "Event", "name": "Moved meeting", "startDate": "2024-05-02", "previousStartDate": "2024-04-25"}]</script>
<p>Reps training 5 March 2024 Conway Hall</p>
</body></html>"""


def test_jsonld_graph_itemlist_and_a_broken_block_beside_good_ones() -> None:
    events = {e.title: e for e in extract(JSONLD)}
    assert set(events) == {"Reps training", "Spring dinner", "Moved meeting"}
    reps = events["Reps training"]
    assert reps.start == datetime.fromisoformat("2024-03-05T10:00:00+00:00")
    assert reps.end == datetime.fromisoformat("2024-03-05T16:30:00+00:00")
    assert (reps.venue, reps.locality, reps.booking) == ("Conway Hall", "London", "sold_out")
    assert reps.address == "25 Red Lion Square, London, WC1R 4RL"
    assert reps.url == "https://org.example/events/reps-training/"
    assert events["Spring dinner"].event_status == "cancelled" and events["Spring dinner"].online
    assert events["Moved meeting"].event_status == "rescheduled"


def test_microdata_and_hevent() -> None:
    html = """<html><body>
    <div itemscope itemtype="https://schema.org/Event"><span itemprop="name">Branch AGM</span>
      <time itemprop="startDate" datetime="2024-06-01T18:30">1 June, 6.30pm</time>
      <div itemprop="location" itemscope itemtype="https://schema.org/Place">
      <span itemprop="name">Leeds Civic Hall</span>
      <div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
      <span itemprop="addressLocality">Leeds</span></div></div></div>
    <div class="h-event"><a class="p-name u-url" href="/quiz">Charity quiz</a>
      <time class="dt-start" datetime="2024-07-04">4 July</time> <span class="p-location">The Red Lion</span></div>
    </body></html>"""
    events = {e.title: e for e in extract(html)}
    agm = events["Branch AGM"]
    assert agm.start.isoformat() == "2024-06-01T18:30:00+01:00" and agm.venue == "Leeds Civic Hall"
    assert agm.locality == "Leeds"
    quiz = events["Charity quiz"]
    assert quiz.start == date(2024, 7, 4) and quiz.venue == "The Red Lion"
    assert quiz.url == "https://org.example/quiz"


def test_links_inside_a_description_keep_where_they_go() -> None:
    """A description's "Join on Zoom" linked to the meeting is no use without the link."""
    description = (
        '<p>Join <a href="https://zoom.us/j/123?pwd=a&amp;b=1">on Zoom</a>; questions to '
        '<a href="mailto:reps@union.example">reps@union.example</a>.</p>'
    )
    html = f"""<html><body><script type="application/ld+json">{{"@type": "Event", "name": "Reps forum",
      "startDate": "2024-06-05T18:00:00+01:00", "description": {json.dumps(description)}}}</script>
    <div class="h-event"><span class="p-name">Branch quiz</span>
      <time class="dt-start" datetime="2024-07-04">4 July</time>
      <p class="p-description">Tickets <a href="https://tickets.example/quiz">here</a></p></div></body></html>"""
    events = {e.title: e for e in extract(html)}
    assert events["Reps forum"].description == (
        "Join on Zoom (https://zoom.us/j/123?pwd=a&b=1); questions to reps@union.example."
    )
    assert events["Branch quiz"].description == "Tickets here (https://tickets.example/quiz)"


def test_cards_with_time_tags_and_split_date_badges() -> None:
    html = """<html><body><div class="grid">
    <div class="card"><div class="badge"><span>18</span><span>Apr</span></div><h3><a href="/a">Stewards' forum</a></h3>
      <p class="venue">Unity House, Birmingham</p></div>
    <div class="card"><time datetime="2024-05-21T09:30:00Z">21 May</time><h3><a href="/b">Health and safety day</a></h3>
      <p>9.30am to 4pm</p></div>
    </div></body></html>"""
    events = {e.title: e for e in extract(html)}
    forum = events["Stewards' forum"]
    assert forum.start == date(2024, 4, 18) and (forum.venue, forum.locality) == ("Unity House", "Birmingham")
    day = events["Health and safety day"]
    assert day.start.isoformat() == "2024-05-21T10:30:00+01:00"  # UTC shown in London time


def test_a_table_of_meetings_reads_its_columns() -> None:
    html = """<html><body><table><thead><tr><th>Date</th><th>Time</th><th>Meeting</th><th>Location</th></tr></thead>
    <tbody><tr><td>12/03/2024</td><td>6:00 PM</td><td>Branch committee</td><td>Room 4, Trades Hall</td></tr>
    <tr><td>09/04/2024</td><td>6:00 PM</td><td>Branch committee</td><td>Room 4, Trades Hall</td></tr>
    <tr><td>14/05/2024</td><td>7:00 PM</td><td>Annual meeting</td><td>Main Hall</td></tr></tbody></table>
    </body></html>"""
    events = extract(html)
    assert [(e.start.isoformat(), e.title, e.venue) for e in events] == [
        ("2024-03-12T18:00:00+00:00", "Branch committee", "Room 4, Trades Hall"),
        ("2024-04-09T18:00:00+01:00", "Branch committee", "Room 4, Trades Hall"),
        ("2024-05-14T19:00:00+01:00", "Annual meeting", "Main Hall"),
    ]
    assert len({e.id for e in events}) == 3  # same title twice: the day keeps them apart


def test_a_table_of_bare_dates_is_named_by_the_body_its_headings_name() -> None:
    """A documents table (date, type, PDFs) under page-type headings: each row is a meeting of the
    body the page is about, qualified by its Type column, never named after a PDF."""
    html = """<html><head><title>Council - Home</title></head><body>
    <h1>Harbour Trust Board</h1><h3>Contact us</h3><p>01234 567890</p>
    <h2>Agendas and Minutes</h2><h4>2024 Materials</h4><table>
    <tr><td>Meeting Date</td><td>Type</td><td>Attachments</td></tr>
    <tr><td>January 23, 2024</td><td>Regular</td><td><a href="/a/jan.pdf">Agenda</a></td></tr>
    <tr><td>February 20, 2024</td><td></td><td><a href="/a/results.pdf">Financial Results</a></td></tr>
    </table>
    <h2>Planning Committee Meetings and Agendas</h2><h3>2024</h3><table>
    <tr><td>March 5, 2024</td><td><a href="/p/mar.pdf">Agenda Packet</a></td></tr>
    <tr><td>April 2, 2024</td><td><a href="/p/apr.pdf">Agenda Packet</a></td></tr></table></body></html>"""
    assert [(e.start, e.title) for e in extract(html)] == [
        (date(2024, 1, 23), "Harbour Trust Board – Regular"),
        (date(2024, 2, 20), "Harbour Trust Board Meeting"),
        (date(2024, 3, 5), "Planning Committee Meeting"),
        (date(2024, 4, 2), "Planning Committee Meeting"),
    ]


def test_headings_that_name_only_a_kind_of_page_name_no_meeting() -> None:
    from events.extract.text.titles import subject_of

    assert subject_of("Meetings & Minutes of the Harbour Trust") == "Harbour Trust Meeting"
    assert subject_of("CITY COUNCIL MEETINGS AND AGENDAS") == "CITY COUNCIL MEETING"
    assert subject_of("2025 Audit Committee Meetings") == "Audit Committee Meeting"
    assert subject_of("Nurses' Forum") == "Nurses' Forum"
    for label in ("Department Details", "Upcoming Events", "Agendas & Minutes", "Prior Years", "Contact MPEA", "2025"):
        assert subject_of(label) is None, label


def test_a_date_heading_leads_the_lines_below_it_and_years_come_from_headings() -> None:
    html = """<html><body><h2>2025</h2>
    <h3>14 March</h3><h4>Regional conference - Leeds Town Hall</h4><p>Booking opens 1 February 2025</p>
    <h3>2 May</h3><h4>Summer school</h4><p>Fully booked</p></body></html>"""
    events = {e.title: e for e in extract(html)}
    conference = events["Regional conference"]
    assert conference.start == date(2025, 3, 14) and conference.venue == "Leeds Town Hall"
    assert (conference.booking, conference.booking_opens) == ("soon", "2025-02-01")
    assert events["Summer school"].start == date(2025, 5, 2) and events["Summer school"].booking == "sold_out"


def test_configured_selectors_replace_the_heuristics() -> None:
    html = """<html><body><div class="x"><b class="t">Policy seminar</b><i class="d">Wed 6 Mar 2024</i>
    <u class="w">Council House</u><a href="/s">more</a></div></body></html>"""
    selectors = Selectors(item="div.x", title=".t", date=".d", venue=".w", link="a")
    [event] = extract(html, selectors=selectors)
    assert (event.title, event.start, event.venue, event.url) == (
        "Policy seminar",
        date(2024, 3, 6),
        "Council House",
        "https://org.example/s",
    )


def test_linked_calendars() -> None:
    html = '<html><head><link rel="alternate" type="text/calendar" href="/events.ics"></head><body></body></html>'
    assert linked_calendars(html, "https://org.example/events/") == ["https://org.example/events.ics"]
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20240101T000000Z\r\n"
        "SUMMARY:Winter school\r\nDTSTART;VALUE=DATE:20240212\r\nDTEND;VALUE=DATE:20240214\r\n"
        "LOCATION:Ruskin College\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    ctx = PageContext(url="https://org.example/", today=TODAY)
    [event] = events_from_calendar(ctx, ics)
    assert (event.title, event.start, event.end, event.venue) == (
        "Winter school",
        date(2024, 2, 12),
        date(2024, 2, 13),
        "Ruskin College",
    )
    assert events_from_calendar(ctx, "not a calendar") == []


def test_articles_newsletters_vacancies_and_deadlines_yield_nothing() -> None:
    html = """<html><body><article><h1>Pay talks</h1>
    <p>Talks resume on 4 March, when the employers will table a revised offer to the unions.</p>
    <p class="meta">Posted on 12 February 2024</p></article>
    <ul><li>Policy officer, London. Closing date: 9 February 2024.</li>
    <li>Deadline for motions: 1 March 2024</li></ul></body></html>"""
    assert extract(html) == []


def from_fixture(name: str, today: date) -> dict:
    from tests.conftest import fixture_text

    events = extract_events(fixture_text(name), url="https://org.example/", today=today)
    return {e.title: e for e in events}


def test_a_detail_page_takes_its_title_from_the_heading_above() -> None:
    events = from_fixture("event-detail.html", date(2025, 1, 5))
    [(title, event)] = events.items()
    assert title == "Annual Delegate Conference 2025"
    assert (
        event.start.isoformat() == "2025-06-17T09:30:00+01:00" and event.end.isoformat() == "2025-06-20T17:00:00+01:00"
    )
    assert (event.venue, event.address) == ("Brighton Centre", "Kings Road, Brighton BN1 2GR")


def test_cards_with_month_day_badges_and_a_past_section() -> None:
    events = from_fixture("event-cards.html", date(2025, 1, 20))
    assert set(events) == {
        "Women's conference",
        "Health & Safety reps course",
        "Black members' network meeting",
        "Winter school",
    }
    assert events["Women's conference"].online and events["Women's conference"].end is not None
    assert events["Black members' network meeting"].booking == "sold_out"
    assert events["Health & Safety reps course"].venue == "Manchester Central"  # set off by " · "
    assert (
        events["Winter school"].start == date(2025, 1, 14)
        and events["Winter school"].venue == "Ruskin College"
        and events["Winter school"].locality == "Oxford"
    )


def test_a_table_with_a_booking_column() -> None:
    events = extract_events(
        __import__("tests.conftest", fromlist=["x"]).fixture_text("meetings-table.html"),
        url=None,
        today=date(2025, 1, 5),
    )
    assert [(e.title, e.start, e.booking, e.event_status) for e in events] == [
        ("Branch committee", date(2025, 1, 14), "open", "scheduled"),
        ("Branch AGM", date(2025, 2, 11), "open", "scheduled"),
        ("Branch committee", date(2025, 3, 11), "none", "cancelled"),
    ]


def test_a_short_article_with_one_date_is_not_an_event() -> None:
    assert from_fixture("short-article.html", date(2024, 3, 15)) == {}


def test_wordpress_event_plugin_markup() -> None:
    events = from_fixture("plugin-list.html", date(2025, 3, 1))
    seminar = events["Spring Seminar"]
    assert seminar.start.isoformat() == "2025-03-12T10:00:00+00:00" and seminar.end.hour == 16
    assert (seminar.venue, seminar.address) == ("The Studio", "7 Cannon Street, Birmingham")
    meeting = events["Branch meeting"]
    assert meeting.online and meeting.venue is None
    manager = from_fixture("plugin-events-manager.html", date(2025, 3, 1))
    assert manager["AGM 2025"].start.isoformat() == "2025-05-14T19:00:00+01:00"
    assert (manager["Summer School"].start, manager["Summer School"].end) == (date(2025, 7, 21), date(2025, 7, 25))


def test_a_homepage_news_list_is_not_events() -> None:
    events = from_fixture("home-news-and-events.html", date(2025, 3, 1))
    assert set(events) == {"Reps day", "LGBT+ network meeting", "Conference"}
    assert events["Conference"].venue == "ICC Birmingham"


def test_ranges_with_times_and_common_booking_words() -> None:
    events = from_fixture("event-variety.html", date(2024, 10, 1))
    school = events["Weekend school"]
    assert (school.start.isoformat(), school.end.isoformat()) == (
        "2024-11-08T18:00:00+00:00",
        "2024-11-10T14:00:00+00:00",
    )
    assert (school.venue, school.locality) == ("Wortley Hall", "Sheffield")
    assert events["Pensions webinar"].booking == "open"
    assert events["Regional council"].venue == "Unite House"
    social = events["Christmas social"]
    assert social.venue == "The Crown Inn" and social.booking_label == "Tickets from £10"


def test_blog_permalinks_are_posts_but_dated_event_and_upload_paths_are_not() -> None:
    from events.extract.text.kinds import _DATED_POST

    html = """<html><body><ul class="list">
    <li><a href="/2024/03/12/pay-talks-resume/">Pay talks resume</a> 12 March 2024</li>
    <li><a href="/2024/03/13/ballot-result/">Ballot result announced</a> 13 March 2024</li></ul>
    <ul class="list"><li><a href="/meetings-events/2024/4/2/reps-day">Reps day</a> 2 April 2024</li>
    <li><a href="/wp-content/uploads/2024/04/notice.pdf">Board meeting</a> 9 April 2024</li></ul></body></html>"""
    assert [e.title for e in extract(html)] == ["Reps day", "Board meeting"]
    assert _DATED_POST.search("/2024/03/12/pay-talks-resume/")


def test_a_sidebar_widget_with_cut_off_titles_adds_no_duplicates() -> None:
    html = """<html><body><aside class="widget"><ul>
    <li><a href="/e/1">Annual conference of the regi...</a> 5 May 2025</li>
    <li><a href="/e/2">Summer school</a> 7 July 2025</li></ul></aside>
    <main><div class="card"><h3>Annual conference of the regional council</h3><p>5 May 2025, Town Hall</p></div>
    <div class="card"><h3>Winter lecture</h3><p>3 Dec 2025</p></div></main></body></html>"""
    events = {e.title: e for e in extract(html)}
    assert set(events) == {"Annual conference of the regional council", "Summer school", "Winter lecture"}
    assert events["Annual conference of the regional council"].venue == "Town Hall"


def test_banner_slides_with_line_breaks_dashes_and_hotel_names() -> None:
    events = from_fixture("banner-slides.html", date(2025, 3, 1))
    conference = events["Annual Conference 2025"]
    assert (conference.start, conference.end) == (date(2025, 6, 12), date(2025, 6, 13))
    assert conference.venue == "Hilton Birmingham Metropole" and conference.booking == "open"
    weekend = events["Young Members Weekend"]
    assert (weekend.locality, weekend.booking, weekend.booking_opens) == ("Liverpool", "soon", "2025-04-01")
    awards = events["Union Awards Night"]
    assert (awards.venue, awards.locality) == (
        "The Lowry",
        "Salford",
    ) and awards.booking_label == "Nominations now open"


def test_labelled_details_and_a_venue_at_the_end_of_a_sentence() -> None:
    events = from_fixture("labelled-details.html", date(2024, 4, 1))
    fair = events["Learning fair"]
    assert fair.start.isoformat() == "2024-05-14T10:00:00+01:00" and fair.end.isoformat() == "2024-05-14T15:00:00+01:00"
    assert (fair.venue, fair.address, fair.locality) == ("UNISON Centre", "130 Euston Road", "London")
    assert events["Pensions surgery"].online and events["Pensions surgery"].start == date(2024, 5, 21)
    lunch = events["Retired members lunch"]  # "Fully booked - join the waiting list": members can still join
    assert (lunch.venue, lunch.locality, lunch.booking) == ("The George Hotel", "Lichfield", "waitlist")


def test_office_closures_are_not_events() -> None:
    html = """<ul><li>Our office will be closed 25 December 2024</li>
    <li><a href="/e/x">Winter social</a> 13 December 2024, Guildhall</li></ul>"""
    assert [e.title for e in extract_events(html, url="https://o.example/", today=date(2024, 11, 1))] == [
        "Winter social"
    ]


SCRIPT_DATA = """<script>var meetings = [
  {"title": "Finance Committee", "start": "2023-01-10 13:00:00", "end": "2023-01-10 13:00:00",
   "address": "500 Griswold Street"},
  {"title": "Board of Directors", "start": "2023-01-17 14:00:00", "end": "2023-01-17 15:30:00"},
  {"title": "Finance Committee", "start": "2023-02-14 13:00:00", "end": "2023-02-14 13:00:00"}];
</script>"""


def test_data_embedded_for_scripts_is_read_when_the_page_shows_nothing_else() -> None:
    events = extract(f"<html><body><div id='app'></div>{SCRIPT_DATA}</body></html>")
    assert [(e.start.isoformat(), e.title, e.end) for e in events][:2] == [
        ("2023-01-10T13:00:00+00:00", "Finance Committee", None),  # an end equal to the start says nothing
        ("2023-01-17T14:00:00+00:00", "Board of Directors", datetime.fromisoformat("2023-01-17T15:30:00+00:00")),
    ]
    assert events[0].found_by == "embedded"


def test_a_listing_drawn_from_embedded_data_takes_the_years_from_the_data() -> None:
    """The page shows "January 10" without a year; the script's data behind it says 2023. Read today
    (January 2024) the visible dates alone would land in the wrong year."""
    shown = """<ul class="meetings">
      <li><h3>Finance Committee</h3><p>January 10 at 1:00 pm</p></li>
      <li><h3>Board of Directors</h3><p>January 17 at 2:00 pm</p></li>
      <li><h3>Finance Committee</h3><p>February 14 at 1:00 pm</p></li></ul>"""
    events = extract(f"<html><body>{shown}{SCRIPT_DATA}</body></html>")
    assert [(e.start.date().isoformat(), e.title) for e in events] == [
        ("2023-01-10", "Finance Committee"),
        ("2023-01-17", "Board of Directors"),
        ("2023-02-14", "Finance Committee"),
    ]
    assert events[0].address == "500 Griswold Street"


def test_a_publication_stamp_beside_the_meeting_date_is_neither_its_date_nor_its_time() -> None:
    html = """<html><body><table>
    <tr><td><h4><strong>Aug 17, 2024</strong> &mdash; Posted Aug 12, 2024 4:54 PM</h4>
      <p><a href="/agendas/817">City Council Regular Meeting Agenda</a></p></td></tr>
    <tr><td><h4><strong>Aug 3, 2024</strong> &mdash; Amended Jul 30, 2024 9:10 AM</h4>
      <p><a href="/agendas/803">Planning Commission Agenda</a></p></td></tr></table>
    <ul class="news"><li><a href="/notice">Office move</a> <span>Posted on</span> <span>1 August 2024</span></li></ul>
    </body></html>"""
    assert [(e.start, e.title) for e in extract(html)] == [
        (date(2024, 8, 3), "Planning Commission Agenda"),
        (date(2024, 8, 17), "City Council Regular Meeting Agenda"),
    ]


def test_college_cards_with_badges_ranges_places_and_booking_words() -> None:
    """Cards whose badge gives the first day ("3 Apr") and whose meta line the range ("3–4 April
    2025"); places written "Venue, street, Town"; a news sidebar beside them."""
    got = from_fixture("college-event-cards.html", date(2025, 1, 20))
    assert list(got) == [
        "Annual Scientific Meeting 2025",
        "Trainee webinar: exam preparation",
        "Regional study day – North West",
        "Annual General Meeting",
    ]
    asm = got["Annual Scientific Meeting 2025"]
    assert (asm.venue, asm.address, asm.locality) == ("Royal College of Physiotherapy", "11 St Andrews Place", "London")
    assert asm.end == datetime.fromisoformat("2025-02-04T16:30:00+00:00") and asm.booking == "open"
    webinar = got["Trainee webinar: exam preparation"]
    assert webinar.online and webinar.venue is None and webinar.booking == "sold_out"
    day = got["Regional study day – North West"]
    assert (day.start, day.end, day.venue, day.locality) == (
        date(2025, 4, 3),
        date(2025, 4, 4),
        "Manchester Central Convention Complex",
        "Manchester",
    )
    assert (day.booking, day.booking_opens) == ("soon", "2025-02-01")
    assert got["Annual General Meeting"].event_status == "postponed"


def test_a_list_of_branch_meetings_written_as_lines() -> None:
    """ "date at time – title, place" lines; deadlines ("received by", "close on") are no events."""
    from tests.conftest import fixture_text

    got = extract_events(fixture_text("branch-meetings-list.html"), url="https://org.example/", today=date(2025, 1, 20))
    assert [(e.start.isoformat(), e.title, e.venue, e.locality, e.event_status) for e in got] == [
        ("2025-03-06T18:30:00+00:00", "Branch meeting", "Committee Room, Unity House", "Leeds", "scheduled"),
        ("2025-04-03T18:30:00+01:00", "Branch meeting (online via Teams)", None, None, "scheduled"),
        ("2025-05-10T10:00:00+01:00", "Annual General Meeting", "Leeds Civic Hall", None, "scheduled"),
        ("2025-06-05T18:30:00+01:00", "Branch meeting", None, None, "cancelled"),
    ]
    assert got[1].online


def test_a_detail_page_with_a_labelled_venue() -> None:
    got = from_fixture("event-detail-labelled.html", date(2025, 1, 20))
    day = got["Northern Members' Day"]
    assert (day.venue, day.address, day.locality) == ("The Principal", "Oxford Road, Manchester M60 7HA", "Manchester")
    assert day.end == datetime.fromisoformat("2025-06-13T16:00:00+01:00") and day.booking == "open"


def test_markup_that_wrote_utc_without_saying_so_gives_way_to_the_time_shown() -> None:
    html = """<html><body><div itemscope itemtype="https://schema.org/Event">
    <h1 itemprop="name">Board of Control Meeting</h1>
    <div itemprop="startDate" content="2024-01-29T16:00"></div><div itemprop="endDate" content="2024-01-29T17:00"></div>
    <p>January 29, 2024 11:00 AM</p></div></body></html>"""
    (event,) = extract_events(html, url="https://county.example/m/1", today=TODAY, timezone="America/New_York")
    assert event.start.isoformat() == "2024-01-29T11:00:00-05:00"
    assert event.end.isoformat() == "2024-01-29T12:00:00-05:00"


def test_weekday_and_day_under_month_headings() -> None:
    """ "Tue 4" under "March 2025" is 4 March; "Thu 3" then a title "May Day planning meeting" under
    "April 2025" is 3 April (the weekday says so), not 3 May."""
    got = from_fixture("whats-on-month-headings.html", date(2025, 1, 20))
    assert [(e.start.isoformat(), title) for title, e in got.items()] == [
        ("2025-03-04T19:30:00+00:00", "Solidarity quiz night"),
        ("2025-03-15T10:00:00+00:00", "Picket line training"),
        ("2025-04-03T18:00:00+01:00", "May Day planning meeting"),
    ]
    assert (got["Solidarity quiz night"].venue, got["Solidarity quiz night"].locality) == ("The Crown Inn", "Walsall")
    html = "<html><body><h2>March 2025</h2><p><b>Wed 4</b> Committee meeting, Unity Hall</p></body></html>"
    assert extract(html) == []  # 4 March 2025 is a Tuesday: no date


@pytest.mark.parametrize(
    "page",
    [
        "news-cards.html",  # headline and date cards under "Latest news", at paths that do not say news
        "election-timetable.html",  # "Nominations close", "Results announced": steps, and a sentence of dates
        "press-release.html",  # "Date: 12 March 2025 / For immediate release"
        "news-article-byline.html",
        "job-vacancies.html",  # closing dates and interview days
        "committee-minutes.html",  # "held on …", "the next meeting will be on …": a record, in sentences
    ],
)
def test_pages_full_of_dates_that_hold_no_events(page: str) -> None:
    assert from_fixture(page, date(2025, 1, 20)) == {}


def test_accordion_panels_and_a_list_with_classed_parts() -> None:
    """Titles on accordion toggles (buttons that open panels), "When:/Where:" lines, and list items
    whose date, title and place sit in classed spans."""
    got = from_fixture("accordion-and-list.html", date(2025, 1, 20))
    assert list(got) == [
        "Women in leadership webinar",
        "Regional reps' conference",
        "Green reps network",
        "LGBT+ members' social",
    ]
    webinar = got["Women in leadership webinar"]
    assert webinar.online and webinar.venue is None and webinar.booking == "open"
    assert got["Regional reps' conference"].venue == "Cardiff City Hall"
    assert got["Green reps network"].venue == "Bristol"
    social = got["LGBT+ members' social"]
    assert (social.start.isoformat(), social.venue, social.locality) == (
        "2025-04-08T19:00:00+01:00",
        "The Lexington",
        "London",
    )


def test_a_year_heading_ends_the_section_of_the_heading_before_it() -> None:
    html = """<html><body><h4>Meetings &amp; Minutes of the Harbour Trust</h4>
    <h1>2024 Audit Panel Meetings</h1><table>
    <tr><td>March 5, 2024</td><td><a href="/a.pdf">Agenda</a></td></tr>
    <tr><td>April 2, 2024</td><td><a href="https://zoom.example/j/1">Join Meeting</a></td></tr></table>
    <h1>2023</h1><table>
    <tr><td>March 7, 2023</td><td><a href="/b.pdf">Agenda</a></td></tr>
    <tr><td>March 7, 2023</td><td><a href="/b2.pdf">Minutes</a></td></tr></table></body></html>"""
    assert [(e.start, e.title) for e in extract(html)] == [
        (date(2023, 3, 7), "Harbour Trust Meeting"),
        (date(2024, 3, 5), "Audit Panel Meeting"),
        (date(2024, 4, 2), "Audit Panel Meeting"),
    ]


def test_the_events_calendar_list_view_without_structured_data() -> None:
    got = from_fixture("plugin-tec-list-v6.html", date(2025, 1, 20))
    agm = got["Branch AGM"]
    assert (agm.start.isoformat(), agm.end.isoformat()) == ("2025-03-12T18:30:00+00:00", "2025-03-12T20:30:00+00:00")
    assert (agm.venue, agm.address, agm.locality) == (
        "Friends Meeting House",
        "6 Mount Street, Manchester",
        "Manchester",
    )
    course = got["Reps course (2 days)"]
    assert (course.start, course.end, course.online) == (date(2025, 3, 20), date(2025, 3, 21), True)


def test_labelled_start_and_end_lines_make_one_event() -> None:
    got = from_fixture("labelled-start-and-end.html", date(2025, 1, 20))
    assert sorted(got) == ["Spring CPD day", "Summer school"]
    day, school = got["Spring CPD day"], got["Summer school"]
    assert (day.start.isoformat(), day.end.isoformat()) == ("2025-03-12T09:30:00+00:00", "2025-03-12T16:30:00+00:00")
    assert (school.start.isoformat(), school.end.isoformat()) == (
        "2025-07-07T10:00:00+01:00",
        "2025-07-09T15:00:00+01:00",
    )
    assert (day.venue, school.venue) == ("Birmingham Council House", "University of York")


def test_hero_slides_with_an_early_bird_deadline_and_a_membership_offer() -> None:
    got = from_fixture("hero-slides-offers.html", date(2025, 1, 20))
    assert sorted(got) == ["Annual Conference 2025", "Awards dinner"]  # "Join today" holds no date
    conference = got["Annual Conference 2025"]
    assert (conference.start, conference.end) == (date(2025, 6, 5), date(2025, 6, 6))  # not 1 March
    assert (conference.venue, conference.booking) == ("Harrogate Convention Centre", "open")
    dinner = got["Awards dinner"]
    assert (dinner.venue, dinner.locality, dinner.booking) == ("The Grand", "Brighton", "sold_out")


def test_jsonld_offers_on_sale_from_a_day_to_come_are_booking_soon() -> None:
    html = """<html><body><script type="application/ld+json">{"@type": "Event", "name": "Congress 2025",
    "startDate": "2025-09-10", "location": {"@type": "Place", "name": "ACC Liverpool",
    "address": "Kings Dock, Liverpool L3 4FP"}, "offers": {"@type": "Offer",
    "availability": "https://schema.org/InStock", "validFrom": "2025-03-01T09:00:00+00:00"}}</script></body></html>"""
    (before,) = extract_events(html, url="https://org.example/", today=date(2025, 1, 20))
    assert (before.booking, before.booking_opens, before.locality) == ("soon", "2025-03-01", "Liverpool")
    (after,) = extract_events(html, url="https://org.example/", today=date(2025, 4, 20))
    assert (after.booking, after.booking_opens) == ("open", None)


def test_a_bulletin_lists_its_diary_dates_but_not_its_news_or_vacancies() -> None:
    got = from_fixture("bulletin-dates-for-your-diary.html", date(2025, 2, 1))
    assert [(e.start.isoformat(), title, e.venue) for title, e in got.items()] == [
        ("2025-03-12T18:00:00+00:00", "Branch AGM", "Unity House"),
        ("2025-04-05", "Regional conference", "Leeds Town Hall"),
    ]


def test_a_place_label_in_the_same_words_as_the_place() -> None:
    got = from_fixture("inline-place-labels.html", date(2025, 1, 20))
    assert [(t, e.venue, e.locality) for t, e in got.items()] == [
        ("Poetry evening", "The Albany", "Coventry"),
        ("Retired members' lunch", "The Old Bell", "Derby"),
    ]


@pytest.mark.parametrize(
    ("written", "zone", "expected"),
    [
        ("2025-03-12T23:00:00Z", "America/New_York", "2025-03-12T18:00:00-04:00"),  # converted, then shown an hour off
        ("2025-03-12T18:00:00+00:00", "America/Chicago", "2025-03-12T18:00:00-05:00"),  # local time labelled UTC
        ("2025-03-12T18:00:00-05:00", "America/Chicago", "2025-03-12T18:00:00-05:00"),  # a real offset that agrees
        ("2025-07-12T17:00:00Z", "Europe/London", "2025-07-12T18:00:00+01:00"),  # a right UTC time stays
    ],
)
def test_a_machine_time_said_in_utc_gives_way_to_the_time_the_page_shows(
    written: str, zone: str, expected: str
) -> None:
    html = f'<ul><li><h3>Council meeting</h3><time datetime="{written}">12 March 2025 6:00 PM</time></li></ul>'
    [event] = extract(html, timezone=zone)
    assert event.start.isoformat() == expected


def test_a_one_row_table_takes_its_title_from_the_named_column_not_the_header() -> None:
    html = "<table><tr><th>Date</th><th>Meeting</th></tr><tr><td>12/01/2025</td><td>Board of Trustees</td></tr></table>"
    [event] = extract(html, timezone="America/Chicago")
    assert (event.title, event.start) == ("Board of Trustees", date(2025, 12, 1))


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<div><h2>Notice of Cancellation</h2><p>The Regular Board Meeting scheduled for March 12, 2025 has been "
            "cancelled.</p></div>",
            [("Regular Board Meeting", date(2025, 3, 12), "cancelled")],
        ),
        (
            "<p>Please note that the Planning Commission meeting scheduled for Thursday, March 12, 2025 at 6:00 p.m. "
            "has been postponed.</p>",
            [("Planning Commission meeting", datetime(2025, 3, 12, 18, 0), "postponed")],
        ),
        ("<p>The consultation is scheduled to begin in February 2025 and the report is due in March 2025.</p>", []),
    ],
)
def test_a_notice_of_cancellation_is_that_meeting_cancelled(html: str, expected: list) -> None:
    found = extract(html, timezone="America/Chicago")
    got = [
        (e.title, e.start.replace(tzinfo=None) if isinstance(e.start, datetime) else e.start, e.event_status)
        for e in found
    ]
    assert got == expected


GIG_GUIDE = """<html><body><article><h1>Branch social calendar</h1>
<p>Shows we know of; check with the venue before you go.</p>
<p>JUN 7 at Corn Exchange: The Fiddlers, Harbour Lights, Brass Section</p>
<p>JUN 8 at the Old Granary (Ely): Quiz Night (members free)</p>
<p>JUL 15 at Arts Centre: A Night To Remember, The Best Of Us, Four Seasons Quartet, Elgar</p>
</article>
<section id="comments"><ol class="comment-list"><li class="comment">
<cite>Sam</cite> <span>says:</span> <a href="#comment-1">May 11, 2024 at 12:13 pm</a>
<p>Don't forget the choir at St Mary's on June 1!</p></li></ol></section>
</body></html>"""


def test_a_listing_line_naming_the_place_first_and_no_readers_comments() -> None:
    """ "JUN 7 at Corn Exchange: acts": the place before the colon, the bill after it, a town in
    brackets; a bill of capitalised names is no sentence; readers' comments and their stamps are no events."""
    events = extract_events(GIG_GUIDE, url="https://org.example/events/", today=date(2024, 5, 10))
    got = [(e.start, e.title, e.venue, e.locality) for e in events]
    assert got == [
        (date(2024, 6, 7), "The Fiddlers, Harbour Lights, Brass Section", "Corn Exchange", None),
        (date(2024, 6, 8), "Quiz Night (members free)", "the Old Granary", "Ely"),
        (date(2024, 7, 15), "A Night To Remember, The Best Of Us, Four Seasons Quartet, Elgar", "Arts Centre", None),
    ]


CARDS_WITH_BADGES = """<html><body><h1>What's on</h1><ul>
<li><p class="listing-genre">Ballet, Dance, Main Theatre</p><h3><a href="/e/red-shoes">The Red Shoes</a></h3>
  <p>Tue 12 Mar 2024</p></li>
<li><span class="event-category">Gigs</span><h3><a href="/e/trio">Jazz Trio</a></h3><p>Wed 13 Mar 2024</p></li>
<li><h3><a href="/e/panto">Aladdin</a></h3><p>Thu 14 Mar 2024</p>
  <p>Join Phoenix Theatre Productions on the streets of Old Peking.</p></li>
<li><h3><a href="/e/walk">River walk</a></h3><p>Fri 15 Mar 2024 10:00</p><p>HOSTED BY: City of Ely Council</p></li>
</ul></body></html>"""


def test_a_venue_is_never_a_category_badge_a_call_to_action_or_a_host() -> None:
    """A badge gives only its part that names a place; "Join …" invites, "Hosted by" names who."""
    venues = {e.title: e.venue for e in extract(CARDS_WITH_BADGES)}
    assert venues == {"The Red Shoes": "Main Theatre", "Jazz Trio": None, "Aladdin": None, "River walk": None}


APOLLO = """<html><body><div id="app">Loading…</div>
<script id="__NEXT_DATA__" type="application/json">{"props": {"pageProps": {"__APOLLO_STATE__": {
  "ROOT_QUERY": {"group": {"__ref": "Group:1"}},
  "Group:1": {"__typename": "Group", "name": "Data Meetup"},
  "Venue:7": {"__typename": "Venue", "name": "Rapid Workspace", "address": "Pernerova 39", "city": "Praha"},
  "Venue:8": {"__typename": "Venue", "name": "Online event", "address": "", "city": ""},
  "Event:42": {"__typename": "Event", "title": "Meetup #23", "dateTime": "2024-11-07T18:00:00+01:00",
     "endTime": "2024-11-07T21:00:00+01:00", "eventUrl": "https://meet.example/e/42", "venue": {"__ref": "Venue:7"}},
  "Event:43": {"__typename": "Event", "title": "Global conference", "dateTime": "2024-12-03T12:00:00+01:00",
     "venue": {"__ref": "Venue:8"}}}}}}</script></body></html>"""


def test_a_normalised_client_cache_gives_its_events_with_their_venues() -> None:
    """Apollo's cache keys records by type ("Event:42") and links them by reference."""
    events = {e.title: e for e in extract(APOLLO)}
    meetup, online = events["Meetup #23"], events["Global conference"]
    assert (meetup.venue, meetup.address, meetup.locality) == ("Rapid Workspace", "Pernerova 39, Praha", "Praha")
    assert meetup.url == "https://meet.example/e/42" and meetup.end is not None
    assert (online.venue, online.online) == (None, True)  # "Online event" names no place


def test_a_grid_with_meeting_type_and_meeting_location_columns() -> None:
    """ "Meeting Location" is the place, not the title; a Type cell that names a meeting is the title."""
    html = """<html><head><title>AgendaSoft</title></head><body><table><thead><tr>
    <th>Meeting Date</th><th>Meeting Type</th><th>Meeting Location</th><th>Agenda</th></tr></thead>
    <tbody><tr><td>09/27/24</td><td>Council Meeting</td><td>Council Chambers, 405 Main Street</td>
    <td><a href="/agenda.pdf">Agenda</a></td></tr></tbody></table></body></html>"""
    [event] = extract_events(
        html, url="https://town.example/meetings", today=date(2024, 9, 1), timezone="America/Los_Angeles"
    )
    assert (event.start, event.title, event.venue, event.address) == (
        date(2024, 9, 27),
        "Council Meeting",
        "Council Chambers",
        "405 Main Street",
    )


def test_an_add_to_calendar_link_is_never_the_title() -> None:
    html = """<html><body><table>
    <tr><td><strong>Date:</strong></td><td>05/20/2024</td></tr>
    <tr><td><strong>Time:</strong></td><td>9:00 AM - 12:00 PM</td></tr>
    <tr><td><strong>Add to Calendar:</strong></td><td><a href="/events/retreat/ical/">iCal</a> |
      <a href="webcal://org.example/events/retreat/ical/">webcal</a></td></tr></table>
    <h1>Board Retreat</h1></body></html>"""
    titles = [e.title for e in extract(html)]
    assert "webcal" not in titles and "iCal" not in titles


def test_title_ranking_passes_over_credits_and_the_date_s_meta_headings() -> None:
    """A card: "Presented by …" above, then date, time and place as headings in a row, then the name.
    The credit is no title, and the headings beside the date's own are its meta line; the times use
    non-breaking hyphens."""
    html = """<html><body><div class="grid"><a href="/e/1" class="card"><h6>Presented by Friends of the Park</h6>
    <div><h3>Sunday May 24</h3><h3>11 am\u20112 pm</h3><h3>Overlook Walk</h3>
    <h4>Summer Book Fair: Pop\u2011Ups</h4><p>Second-hand books for sale.</p></div></a>
    <a href="/e/2" class="card"><div role="heading" aria-level="1" class="meeting-name">Regular Board Meeting</div>
    <div class="meeting-date">Monday, June 22, 2026</div><div><a href="/agenda">View the Agenda</a></div></a></div>
    </body></html>"""
    events = extract_events(html, url="https://park.example/events/", today=date(2026, 5, 1))
    fair, board = events
    assert fair.title == "Summer Book Fair: Pop-Ups" and fair.venue == "Overlook Walk"
    assert (fair.start.hour, fair.end.hour) == (11, 14)
    assert board.title == "Regular Board Meeting"


def test_the_shipped_weights_name_the_signals_a_reader_uses() -> None:
    """The title and event decisions are learned weights over named features, shipped as data."""
    from events.extract.reader_model import shipped

    model = shipped()
    named = {"kind: heading", "kind: own link", "near the date", "meta line", "names a place"}
    assert named <= set(model.title.weights)
    assert {"date in prose", "publication stamp", "a clock time"} <= set(model.event.weights)
    assert model.event.weights["date in prose"] < 0 < model.event.weights["a clock time"]


def test_weekday_day_runs_under_month_headings_and_events_split_at_a_month_end() -> None:
    """ "Wed 18 - Sun 22" under "February 2026"; an event over a month's end listed twice, with
    "(Ends May 3)" and "(Begins Apr 29)", is one event from 29 April to 3 May."""
    html = """<html><body><table>
    <tr><td colspan="2"><h2>April 2026</h2></td></tr>
    <tr><td>Fri 3 - Sun 5</td><td><a href="/e/1">Spring Fair</a></td></tr>
    <tr><td>Wed 29 - Thu 30</td><td><a href="/e/2">Annual Congress</a> (Ends May 3)</td></tr>
    <tr><td colspan="2"><h2>May 2026</h2></td></tr>
    <tr><td>Fri 1 - Sun 3</td><td><a href="/e/2">Annual Congress</a> (Begins Apr 29)</td></tr>
    <tr><td>Sun 24 - Thu 28</td><td><a href="/e/3">Members' Week</a></td></tr>
    </table></body></html>"""
    events = extract_events(html, url="https://centre.example/calendar", today=date(2026, 2, 1))
    assert [(e.title, e.start, e.end) for e in events] == [
        ("Spring Fair", date(2026, 4, 3), date(2026, 4, 5)),
        ("Annual Congress", date(2026, 4, 29), date(2026, 5, 3)),
        ("Members' Week", date(2026, 5, 24), date(2026, 5, 28)),
    ]


def test_a_host_s_name_and_a_street_address_are_no_titles() -> None:
    """A detail page: the name is the heading above; "Hosted by:" gives a value, not a title, and
    "800 Occidental Ave S" is where, not what."""
    html = """<html><body><h1>Unity Loop 5K</h1><div class="top"><div class="host"><div>HOSTED BY:</div>
    <div class="semibold">Sports Commission</div></div><div class="info"><div>May 16</div></div>
    <div class="info"><div>9:00 AM</div><div>-</div><div>11:30 AM</div></div>
    <div class="info"><div>800 Occidental Ave S</div></div></div>
    <p>From the pitch to the pavement, a run for everyone.</p></body></html>"""
    [event] = extract_events(html, url="https://city.example/events/unity", today=date(2026, 3, 1))
    assert event.title == "Unity Loop 5K" and event.start.hour == 9 and event.end.hour == 11


def test_a_script_s_meeting_record_with_its_clock_apart_and_days_stored_as_midnight() -> None:
    """One record with an outright "meetingDate" is an event list; "1:00 p.m." sits apart; a leading
    ISO day in the title is the date again; days stored as UTC midnight are days, not 19:00 the day before."""
    html = """<html><body><div id="grid"></div><script>
    var data = [{"title":"2026-05-18 Notice of Possible Quorum","meetingDate":"2026-05-18T00:00:00-05:00",
                 "meetingTime":"1:00 p.m."}];
    var gridData = [{"title":"Board Meeting","eventDate":"2026-05-26T00:00:00Z"},
                    {"title":"Committee Meetings","eventDate":"2026-06-09T00:00:00Z"}];
    </script></body></html>"""
    events = extract_events(
        html, url="https://transit.example/board", today=date(2026, 5, 1), timezone="America/Chicago"
    )
    got = [(e.title, e.start.isoformat()) for e in events]
    assert got == [
        ("Notice of Possible Quorum", "2026-05-18T13:00:00-05:00"),
        ("Board Meeting", "2026-05-26"),
        ("Committee Meetings", "2026-06-09"),
    ]


def test_an_event_s_link_is_its_title_s_link_not_an_image_or_date_link_before_it() -> None:
    html = """<html><body><ul>
    <li><a href="https://tickets.example/42" class="top"><span>01 May</span> <span>17:30</span></a>
        <a href="/catalog/42/" class="title">Spring Social</a></li>
    <li><a href="https://tickets.example/43" class="top"><span>03 May</span> <span>20:00</span></a>
        <a href="/catalog/43/" class="title">Quiz Night</a></li></ul></body></html>"""
    urls = [e.url for e in extract(html)]
    assert urls == ["https://org.example/catalog/42/", "https://org.example/catalog/43/"]


def test_a_playbill_day_with_several_shows_gives_one_event_per_show() -> None:
    html = """<html><body><div class="playbill">
    <div class="day"><div class="left"><div class="date"><strong>15</strong> April · Sat</div></div>
      <div class="right">
        <div class="show"><a href="/p/boat">Three Men in a Boat</a>
          <div><strong>13:00</strong> · Studio · 16+</div></div>
        <div class="show"><a href="/p/tour">Backstage Tour</a><div><strong>14:00</strong> · Foyer · 12+</div></div>
      </div></div>
    <div class="day"><div class="left"><div class="date"><strong>20</strong> April · Thu</div></div>
      <div class="right">
        <div class="show"><a href="/p/son">The Son</a><div><strong>18:30</strong> · Main Hall</div></div>
      </div></div></div></body></html>"""
    events = extract_events(html, url="https://theatre.example/", today=date(2023, 1, 1))
    got = sorted((e.start.isoformat(), e.title, e.url) for e in events)
    assert got == [
        ("2023-04-15T13:00:00+01:00", "Three Men in a Boat", "https://theatre.example/p/boat"),
        ("2023-04-15T14:00:00+01:00", "Backstage Tour", "https://theatre.example/p/tour"),
        ("2023-04-20T18:30:00+01:00", "The Son", "https://theatre.example/p/son"),
    ]


def test_a_month_grid_with_broken_machine_days_and_two_sittings_of_one_body() -> None:
    """ "2024-01-29PST00:00:00" still says its day; "City Council" at 10:00 and at 14:00 are two events."""
    html = """<html><body><table><caption>February 2024</caption><tr>
    <td><div><time datetime="2024-01-29PST00:00:00">29 <span>Monday</span></time><ul>
      <li><a href="/c/1">City Council</a><br><span class="fine-print">10:00 am</span></li>
      <li><a href="/c/2">Closed Session</a><br><span class="fine-print">10:00 am</span></li>
      <li><a href="/c/3">City Council</a><br><span class="fine-print">2:00 pm</span></li></ul></div></td>
    <td><div><time datetime="2024-01-30PST00:00:00">30 <span>Tuesday</span></time><ul>
      <li><a href="/c/4">Rules Committee</a><br><span class="fine-print">1:00 pm</span></li></ul></div></td>
    </tr></table></body></html>"""
    events = extract_events(
        html, url="https://city.example/cal", today=date(2024, 1, 1), timezone="America/Los_Angeles"
    )
    got = sorted((e.start.isoformat(), e.title) for e in events)
    assert got == [
        ("2024-01-29T10:00:00-08:00", "City Council"),
        ("2024-01-29T10:00:00-08:00", "Closed Session"),
        ("2024-01-29T14:00:00-08:00", "City Council"),
        ("2024-01-30T13:00:00-08:00", "Rules Committee"),
    ]


DATE_LIST = """<html><body><h1>About us</h1><p><strong>Harbour Trust 2025 Board Meetings</strong><br>
<em>*Board meetings are held on the third Friday of the month at 11:30 a.m. in the Committee Room,
Harbour House, unless otherwise noted below.</em><br><br>
<strong><u>2025 Board Meeting Dates</u><br> January 17<br> February 21<br> March 21<br>
*August – NO BOARD MEETING<br> *September 19 – (Old Customs House, Leith)<br> October 17</strong><br><br>
For information, call 0131 496 0000.</p></body></html>"""


def test_a_list_of_dates_one_per_line_under_a_lead_line_is_a_year_of_meetings() -> None:
    """Each date that begins a line is a meeting named by the lead line (and the body's fuller name),
    in the lead line's year, at the time and place the note gives once, or the place on its line."""
    events = extract_events(DATE_LIST, url="https://trust.example/about", today=date(2025, 6, 1))
    room = "the Committee Room, Harbour House"
    got = [(e.start.isoformat(), e.title, e.venue) for e in events]
    assert got == [
        ("2025-01-17T11:30:00+00:00", "Harbour Trust Board Meeting", room),
        ("2025-02-21T11:30:00+00:00", "Harbour Trust Board Meeting", room),
        ("2025-03-21T11:30:00+00:00", "Harbour Trust Board Meeting", room),
        ("2025-09-19T11:30:00+01:00", "Harbour Trust Board Meeting", "Old Customs House"),
        ("2025-10-17T11:30:00+01:00", "Harbour Trust Board Meeting", room),
    ]
    assert events[3].locality == "Leith"


def test_jsonld_duration_gives_the_end_and_each_screening_of_a_day_is_its_own_event() -> None:
    html = """<html><body><script type="application/ld+json">[
      {"@type": "VisualArtsEvent", "name": "Hamnet", "startDate": "2026-02-15T12:30:00-08:00", "duration": "PT2H6M",
       "url": "https://tickets.example/purchase/1"},
      {"@type": "VisualArtsEvent", "name": "Hamnet", "startDate": "2026-02-15T18:00:00-08:00", "duration": "PT2H6M",
       "url": "https://tickets.example/purchase/2"},
      {"@type": "Event", "name": "Members' evening", "startDate": "2026-02-16T18:00:00-08:00",
       "endDate": "2026-02-16T23:59:00-08:00"}]</script></body></html>"""
    events = extract_events(html, url="https://cinema.example/", today=date(2026, 2, 1), timezone="America/Los_Angeles")
    got = [(e.title, e.start.strftime("%H:%M"), e.end.strftime("%H:%M") if e.end else None) for e in events]
    assert got == [("Hamnet", "12:30", "14:36"), ("Hamnet", "18:00", "20:06"), ("Members' evening", "18:00", None)]


def test_a_notice_list_names_each_item_by_its_bold_line_not_the_label_of_its_date() -> None:
    """ "Planning Commission Hearing: July 30, 2019 2 PM" labels the date; the bold line above names it."""
    html = """<html><body><h1>Hearing Notices</h1><h2>Planning Commission</h2>
    <p><strong>Riverside Campus Plan Amendment</strong></p>
    <ul><li>Planning Commission Hearing: July 30, 2019 2 PM</li><li>200 Ross Street, Conference Room</li></ul>
    <p><strong>Harbour Zoning Overlay</strong></p>
    <ul><li>Planning Commission Hearing: Tuesday, April 23, 2019 2 PM</li><li>City Hall, Room 4</li></ul>
    </body></html>"""
    events = extract_events(html, url="https://city.example/notices", today=date(2019, 4, 1))
    assert sorted((e.start.isoformat(), e.title) for e in events) == [
        ("2019-04-23T14:00:00+01:00", "Harbour Zoning Overlay"),
        ("2019-07-30T14:00:00+01:00", "Riverside Campus Plan Amendment"),
    ]


def test_provenance_names_the_strategy_of_each_field_and_what_the_text_filled_in() -> None:
    html = """<html><body><script type="application/ld+json">{"@type": "Event", "name": "Reps training",
      "startDate": "2024-03-05T10:00:00+00:00", "url": "https://org.example/events/reps"}</script>
    <div class="card"><h3>Reps training</h3><p>5 March 2024, 10am</p><p class="venue">Conway Hall</p></div>
    </body></html>"""
    [event] = extract(html)
    assert event.venue == "Conway Hall"
    assert event.provenance["title"] == "jsonld" and event.provenance["start"] == "jsonld"
    assert event.provenance["venue"].startswith("text:") and event.provenance["venue"].endswith("p.venue")


def test_a_cards_own_picture_and_its_words_never_the_pages_furniture() -> None:
    """The first picture of a card with its alt text; icons (by name, folder, size or alt), a document
    link's picture and a placeholder on most cards are not pictures of an event."""
    cards = "".join(
        f'<li class="card">{pic}<h3><a href="/e/{i}">{title}</a></h3>'
        f"<p>{day} December 2026, 18:30 · Unity House, Leeds</p></li>"
        for i, (title, day, pic) in enumerate(
            (
                (
                    "Annual general meeting",
                    10,
                    '<img data-src="/img/agm.jpg" src="/img/lazy.png" alt="Members voting">',
                ),
                ("Winter social", 11, '<img src="/img/file-pdf-solid.png" alt="">'),
                ("Reps training", 12, '<img src="/assets/icons/filetypes/word.png" alt="Word document">'),
                ("Pay briefing", 14, '<img src="/img/tiny.jpg" width="16" height="16" alt="">'),
                ("Retired members lunch", 15, '<a href="/papers.pdf"><img src="/img/papers.jpg" alt="Papers"></a>'),
            )
        )
    )
    html = f'<html lang="en-GB"><body><h1>Events</h1><ul>{cards}</ul></body></html>'
    found = {e.title: e for e in extract_events(html, url="https://union.example/events", today=date(2026, 12, 1))}
    assert found["Annual general meeting"].image == "https://union.example/img/agm.jpg"
    assert found["Annual general meeting"].image_alt == "Members voting"
    assert [t for t, e in found.items() if e.image] == ["Annual general meeting"]
    placeholder = html.replace("/img/agm.jpg", "/img/default-event.jpg").replace(
        '<img src="/img/file-pdf-solid.png"', '<img src="/img/default-event.jpg"'
    )
    placeholder = placeholder.replace('src="/img/tiny.jpg" width="16" height="16"', 'src="/img/default-event.jpg"')
    shared = extract_events(placeholder, url="https://union.example/events", today=date(2026, 12, 1))
    assert not any(e.image for e in shared)  # on three of five cards: a placeholder, not their pictures
