"""ModernGov (UK councils, fire and police authorities, many public bodies): the committee meetings of
its calendar pages (``mgCalendarMonthView.aspx`` and its week and agenda views), read from the same
site's public web service, ``mgWebService.asmx/GetAllMeetingsByDate`` (every committee's meetings from a
month ago to a year ahead, each with its date, time, committee and status). A calendar page shows one
month; the service has them all. Field names: the service's own XML (``meeting``: ``meetingid``,
``meetingdate`` dd/mm/yyyy, ``meetingtime``, ``committeeid``, ``committeetitle``, ``meetingstatus``),
as public code that reads it documents them.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree

from selectolax.lexbor import LexborHTMLParser

from events.extract.context import PageContext
from events.extract.platforms.platform import Platform
from events.extract.structured.candidate import Candidate, clean_text, to_event
from events.normalise.times import find_times
from events.record import Event

NAME = "moderngov"
_CALENDAR = re.compile(r"/mgCalendar(?:Month|Week|Agenda)View\.aspx$", re.IGNORECASE)
PAST, AHEAD = timedelta(days=30), timedelta(days=365)


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


def read(ctx: PageContext, text: str, url: str) -> list[Event]:
    root = ElementTree.fromstring(text.encode())
    folder = url[: url.rfind("/mgWebService.asmx")]
    out = []
    for meeting in root.iter("meeting"):
        event = _event(ctx, {child.tag.lower(): (child.text or "").strip() for child in meeting}, folder)
        if event is not None:
            out.append(event)
    return out


def _event(ctx: PageContext, meeting: dict[str, str], folder: str) -> Event | None:
    try:
        day = datetime.strptime(meeting.get("meetingdate", ""), "%d/%m/%Y").date()
    except ValueError:
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
        status_text=clean_text(status),
    )
    return to_event(ctx, candidate)


PLATFORM = Platform(name=NAME, title="ModernGov meetings calendar", expect="xml", detect=detect, read=read)
