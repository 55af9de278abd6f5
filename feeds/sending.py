"""What a sender of changes (Slack, a webhook) tells the outbox about one message, and the shapes the
outbox calls them by: one place both sides import, so neither imports the other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: str | None = None
    retry_after: float | None = None  # the receiver said to wait this many seconds (429)
    refused: bool = False  # the receiver refused this message (a 4xx other than 429): sending it again will not help


Sender = Callable[[Any, dict[str, Any], str], SendResult]
Confirmer = Callable[[Any, str], bool | None]  # True: it arrived; False: it did not; None: cannot tell


def refused_status(status: int) -> bool:
    """The receiver read the message and will not take it (a bad payload, a revoked address): not a 429."""
    return 400 <= status < 500 and status != 429


def retry_after(status: int, headers: Any) -> float | None:
    """Seconds the receiver asked us to wait (429), or None; a 429 without a usable header waits a minute."""
    if status != 429:
        return None
    values = {str(k).lower(): v for k, v in (headers or {}).items()}
    value = values.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(0.0, float(value)) if value is not None else 60.0
    except ValueError:
        return 60.0
