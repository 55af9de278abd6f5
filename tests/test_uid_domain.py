"""The UID domain is fixed at the first run with a public address: moving the service to a new
``base_url`` keeps every event's UID, so no subscriber's calendar gets a second copy of anything."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import fixture_text, run_events, write_config
from tests.site import TestSite


def _uids(tmp_path: Path) -> set[str]:
    text = (tmp_path / "data" / "feeds" / "all.ics").read_text()
    return {line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("UID:")}


def _configure(tmp_path: Path, site: TestSite, base_url: str, extra: str = "") -> Path:
    return write_config(
        tmp_path,
        f'[[sources]]\nid = "hcsa"\nname = "HCSA"\nurl = "{site.url}/"\n',
        service=f'base_url = "{base_url}"\n{extra}',
    )


def test_moving_the_service_keeps_every_uid(tmp_path: Path, site: TestSite) -> None:
    site.set("/", fixture_text("union-banners.html"))
    # a laptop first: nothing is recorded while the address is loopback
    run_events("fetch", config=_configure(tmp_path, site, "http://127.0.0.1:8080"))
    assert _uids(tmp_path) and all(u.endswith("@127.0.0.1") for u in _uids(tmp_path))
    # the first public address is recorded...
    run_events("build", config=_configure(tmp_path, site, "https://events.old-name.example"))
    first = _uids(tmp_path)
    assert all(u.endswith("@events.old-name.example") for u in first)
    # ...and kept when the service moves
    run_events("build", config=_configure(tmp_path, site, "https://calendar.union.example"))
    assert _uids(tmp_path) == first
    # a configured domain wins (an older install's UIDs); a bad one is one clear line
    run_events("build", config=_configure(tmp_path, site, "https://calendar.union.example", 'uid_domain = "u.example"'))
    assert all(u.endswith("@u.example") for u in _uids(tmp_path))
    bad = run_events("build", config=_configure(tmp_path, site, "https://x.example", 'uid_domain = "a b"'), check=False)
    assert bad.returncode == 1 and "is not a domain name" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
