"""Run ../shared/tools/feedcheck's validators on feeds the tests built.

In CI every parser must be present (``--require``); elsewhere the validators run with what is
installed and say which parsers were missing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, shared_or_skip

ICS_PARSERS = "icalendar,ical,vobject,ics,recurring-ical-events,libical,icaljs"


def validate(kind: str, *paths: Path, strict: bool = True, single_event: bool = False) -> str:
    """``strict=False`` lets warnings pass (an empty calendar is warned about, rightly); errors never do.
    Calendars are judged as clients read them too (``--clients``: every event's instants agreed by every
    parser, zones without RDATE and with a STANDARD part); ``single_event``: an "add to calendar" file."""
    script = shared_or_skip("tools", "feedcheck", f"validate_{kind}.py")
    options = ["--clients", *(["--single-event"] if single_event else [])] if kind == "ics" else []
    args = [sys.executable, str(script), *(["--strict"] if strict else []), *options, *map(str, paths)]
    if kind == "ics" and os.environ.get("CI"):
        args[2:2] = ["--require", ICS_PARSERS]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=ROOT)
    names = ", ".join(p.name for p in paths[:3]) + (" …" if len(paths) > 3 else "")
    assert proc.returncode == 0, f"{script.name} rejected {names}:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"
    return proc.stdout + proc.stderr
