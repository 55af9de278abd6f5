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
