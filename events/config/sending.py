"""Where changes are sent, as ``config.toml`` says: Slack (``[slack]``, its routes and admin channel), webhooks
(``[[webhooks]]``) and e-mail digests (``[[digests]]``)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import model_validator
from pydantic.dataclasses import dataclass

from events.config.values import STRICT as _STRICT
from events.config.values import (
    HttpUrl,
    Ident,
    Text,
    Texts,
    checked,
    checked_list,
    one_of,
    whole,
)
from events.config.values import parse_duration as parse_duration  # where callers have always found it

CHANGE_KINDS = ("new", "updated", "booking", "booking_opened", "cancelled", "rescheduled", "removed")


@dataclass(frozen=True, config=_STRICT)
class SlackRoute:
    """Where some changes go: a channel (with the bot token) or a webhook, filtered by source,
    category and kind of change (empty: all)."""

    id: Text
    channel: Text | None = None
    webhook_url: HttpUrl | None = None
    sources: Texts = ()
    categories: Texts = ()
    kinds: Annotated[tuple[str, ...], checked_list(one_of(CHANGE_KINDS), {"enum": list(CHANGE_KINDS)})] = ()

    @model_validator(mode="after")
    def _goes_somewhere(self) -> SlackRoute:
        if self.webhook_url is None and self.channel is None:
            raise ValueError("needs webhook_url or channel")
        return self


@dataclass(frozen=True, config=_STRICT)
class Webhook:
    """Changes POSTed as JSON to an address (``[[webhooks]]``): Microsoft Teams Workflows, Zapier, n8n, a
    member site's own code. One request per change, in order, once; signed when ``secret`` is set."""

    id: Ident
    url: HttpUrl
    secret: Text | None = None
    """Signs each request: ``X-Eventfeed-Signature-256: sha256=<HMAC-SHA256 of the body>`` (use ``${VAR}``)."""
    sources: Texts = ()
    categories: Texts = ()
    kinds: Annotated[tuple[str, ...], checked_list(one_of(CHANGE_KINDS), {"enum": list(CHANGE_KINDS)})] = ()

    @property
    def route(self) -> str:
        """Its name in the outbox, apart from Slack's routes."""
        return f"webhook:{self.id}"


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_ADDRESS = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


def _clock(value: str) -> str | None:
    return None if _CLOCK.fullmatch(value) else f"{value!r} is not a time of day (use HH:MM, e.g. 08:00)"


def _address(value: str) -> str | None:
    return None if _ADDRESS.fullmatch(value) else f"{value!r} is not an e-mail address"


@dataclass(frozen=True, config=_STRICT)
class Digest:
    """An e-mail of what changed and what is coming (``[[digests]]``), sent daily or weekly through an
    SMTP server; put passwords in the environment (``${SMTP_PASSWORD}``)."""

    id: Ident
    to: Annotated[tuple[str, ...], checked_list(_address, {"format": "email"})]
    from_address: Annotated[str, checked(_address, {"format": "email"})]
    smtp_host: Text
    smtp_port: Annotated[int, whole(1, 65535)] = 587
    smtp_user: Text | None = None
    smtp_password: Text | None = None
    tls: Annotated[str, checked(one_of(("starttls", "ssl", "none")), {"enum": ["starttls", "ssl", "none"]})] = (
        "starttls"
    )
    """``starttls`` (port 587), ``ssl`` (port 465), or ``none`` (a relay on this machine)."""
    every: Annotated[str, checked(one_of(("daily", "weekly")), {"enum": ["daily", "weekly"]})] = "weekly"
    weekday: Annotated[str, checked(one_of(WEEKDAYS), {"enum": list(WEEKDAYS)})] = "monday"
    """The day a weekly digest goes out."""
    at: Annotated[str, checked(_clock, {"pattern": _CLOCK.pattern})] = "08:00"
    """When it goes out, in [service]'s time zone."""
    feed: Ident = "all"
    """Whose events it tells: a feed's (its sources, categories and statuses)."""
    days_ahead: Annotated[int, whole(1, 365)] = 14
    """"Coming up" lists the events of this many days."""


@dataclass(frozen=True, config=_STRICT)
class Slack:
    """Telling staff what changed (``[slack]``): a default webhook or channel, more ``[[slack.routes]]``,
    and an admin channel for sources that stop working."""

    webhook_url: HttpUrl | None = None
    channel: Text | None = None
    token: Text | None = None
    """The bot token (xoxb-…), needed to post to channels and answer /events."""
    api_url: HttpUrl = "https://slack.com/api/"
    signing_secret: Text | None = None
    command: Annotated[str, checked(lambda c: None if c.startswith("/") else f"{c!r} must start with /")] = "/events"
    digest_after: Annotated[int, whole(1, 1000)] = 5
    """A cycle bringing more changes than this to one route posts one digest."""
    max_retry_after: Annotated[int, whole(1, 3600)] = 300
    """A route told to wait (429) waits at most this long, in seconds."""
    routes: tuple[SlackRoute, ...] = ()
    admin_channel: Text | None = None
    admin_webhook_url: HttpUrl | None = None

    @property
    def every_route(self) -> tuple[SlackRoute, ...]:
        """The default route (``webhook_url`` or ``channel``), then ``[[slack.routes]]``."""
        if self.webhook_url is None and self.channel is None:
            return self.routes
        return (SlackRoute(id="default", channel=self.channel, webhook_url=self.webhook_url), *self.routes)

    @property
    def admin(self) -> SlackRoute | None:
        if self.admin_channel is None and self.admin_webhook_url is None:
            return None
        return SlackRoute(id="admin", channel=self.admin_channel, webhook_url=self.admin_webhook_url)
