"""The domain every event's UID ends in, fixed once and kept in the store.

A calendar app knows an event by its UID. Were the domain taken from ``base_url`` on every build,
moving the service to its real address (or renaming the host) would give every event a new UID and
every subscriber a second copy of each. So the first run with a public ``base_url`` records its host
in the store, and every later run uses what is recorded, whatever ``base_url`` says by then.
``[service] uid_domain`` overrides both (to keep an older install's UIDs). While ``base_url`` is a
loopback address (the defaults, a laptop) nothing is recorded: no calendar elsewhere can have
subscribed to it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from urllib.parse import urlsplit

from sqlalchemy import select

from events.config.models import Config
from events.store import Store
from events.store.schema import meta

UID_DOMAIN_KEY = "uid_domain"


def base_host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "eventfeed.invalid"


def _loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def with_fixed_uid_domain(config: Config, store: Store) -> Config:
    """``config`` with ``service.uid_domain`` set: configured, recorded, or recorded now."""
    service = config.service
    if service.uid_domain:
        return config
    host = base_host(service.base_url)
    with store.begin(write=True) as conn:
        recorded = conn.execute(select(meta.c.value).where(meta.c.key == UID_DOMAIN_KEY)).scalar_one_or_none()
        if recorded is None and not _loopback(host):
            conn.execute(meta.insert().values(key=UID_DOMAIN_KEY, value=host))
            recorded = host
    return replace(config, service=replace(service, uid_domain=recorded or host))
