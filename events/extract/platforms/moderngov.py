"""ModernGov (UK councils, fire and police authorities, many public bodies): the committee meetings of
its calendar pages (``mgCalendarMonthView.aspx`` and its week and agenda views), read from the same
site's public web service, ``mgWebService.asmx/GetAllMeetingsByDate`` (every committee's meetings from a
month ago to a year ahead, each with its date, time, committee and status). A calendar page shows one
month; the service has them all. The venue is only in each meeting's own record
(``GetMeeting?lMeetingId=``, ``meetinglocation``), read for the nearest coming meetings. Field names:
the service's own XML (``meeting``: ``meetingid``, ``meetingdate`` dd/mm/yyyy, ``meetingtime``,
``committeeid``, ``committeetitle``, ``meetingstatus``, ``meetinglocation``), as public code that reads
it documents them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree

from selectolax.lexbor import LexborHTMLParser

from events.extract.context import PageContext
from events.extract.platforms.platform import Answer, Platform
from events.extract.structured.candidate import Candidate, clean_text, to_event
from events.normalise.times import find_times
from events.record import Event

NAME = "moderngov"
_CALENDAR = re.compile(r"/mgCalendar(?:Month|Week|Agenda)View\.aspx$", re.IGNORECASE)
PAST, AHEAD = timedelta(days=30), timedelta(days=365)
MAX_DETAILS = 10  # coming meetings whose own record is read for its venue, the nearest first


def detect(tree: LexborHTMLParser, url: str, today: date | None = None) -> list[str]:
    parts = urlsplit(url)
    if not _CALENDAR.search(parts.path or ""):
        return []
    if tree.css_first('a[href*="ieListDocuments.aspx"], a[href*="mgCommitteeDetails.aspx"]') is None:
        return []  # a page at that address that is not ModernGov's calendar
    folder = parts.path[: parts.path.rfind("/") + 1]
    today = today or date.today()
    start, end = (today - PAST).strftime("%d/%m/%Y"), (today + AHEAD).strftime("%d/%m/%Y")
    return [
        f"{parts.scheme}://{parts.netloc}{folder}mgWebService.asmx/GetAllMeetingsByDate"
        f"?lCommitteeId=0&sFromDate={start}&sToDate={end}&bIsAscendingDateOrder=true"
    ]


def _meetings(text: str) -> list[dict[str, str]]:
    return [
        {child.tag.lower(): (child.text or "").strip() for child in meeting}
        for meeting in ElementTree.fromstring(text.encode()).iter("meeting")
    ]


def _day(meeting: dict[str, str]) -> date | None:
    try:
        return datetime.strptime(meeting.get("meetingdate", ""), "%d/%m/%Y").date()
    except ValueError:
        return None


def details(text: str, url: str) -> list[str]:
    """The coming meetings' own records (``GetMeeting``, which names the venue), the nearest first."""
    if "/GetAllMeetingsByDate" not in url:
        return []
    today = date.today()
    coming = sorted(
        (day, m["meetingid"])
        for m in _meetings(text)
        if (day := _day(m)) is not None
        and day >= today
        and m.get("meetingid", "").isdigit()
        and "cancel" not in m.get("meetingstatus", "").lower()
    )
    folder = url[: url.rfind("/mgWebService.asmx")]
    return [f"{folder}/mgWebService.asmx/GetMeeting?lMeetingId={mid}" for _, mid in coming[:MAX_DETAILS]]


def read(ctx: PageContext, text: str, url: str) -> list[Event]:
    return read_together(ctx, [Answer(NAME, url, text)])


def read_together(ctx: PageContext, answers: Sequence[Answer]) -> list[Event]:
    """The meetings of the calendar's answer, each with the venue its own record names."""
    places: dict[str, str] = {}
    for answer in answers:
        if "/GetMeeting?" in answer.url:
            for meeting in _safely(answer.text):
                if meeting.get("meetingid") and meeting.get("meetinglocation"):
                    places[meeting["meetingid"]] = meeting["meetinglocation"]
    out = []
    for answer in answers:
        if "/GetMeeting?" in answer.url:
            continue
        folder = answer.url[: answer.url.rfind("/mgWebService.asmx")]
        for meeting in _safely(answer.text):
            event = _event(ctx, meeting, folder, places.get(meeting.get("meetingid", "")))
            if event is not None:
                out.append(event)
    return out


def _safely(text: str) -> list[dict[str, str]]:
    try:
        return _meetings(text)
    except (ElementTree.ParseError, ValueError):
        return []


def _event(ctx: PageContext, meeting: dict[str, str], folder: str, place: str | None) -> Event | None:
    day = _day(meeting)
    if day is None:
        return None
    # ModernGov writes entities twice inside its XML ("&amp;#39;"): the second time here
    committee = html.unescape(meeting.get("committeetitle", ""))
    clock = find_times(meeting.get("meetingtime", ""))
    start = ctx.at(day, clock[0].start) if clock else day
    status = meeting.get("meetingstatus", "")
    ids = (meeting.get("committeeid"), meeting.get("meetingid"))
    candidate = Candidate(
        found_by=f"platform:{NAME}",
        title=committee,
        start=start.isoformat(),
        url=f"{folder}/ieListDocuments.aspx?CId={ids[0]}&MId={ids[1]}" if all(ids) else None,
        venue=html.unescape(place) if place else None,
        status_text=clean_text(status),
    )
    return to_event(ctx, candidate)


PLATFORM = Platform(
    name=NAME,
    title="ModernGov meetings calendar",
    expect="xml",
    detect=detect,
    read=read,
    details=details,
    read_together=read_together,
)
