"""Changes sent to webhooks (``[[webhooks]]``): one JSON object per change, POSTed through the outbox (in
order per webhook, once, retried with back-off, a refused message given up after bounded tries), the same
words Slack gets plus the event's JSON Feed item. What Microsoft Teams Workflows, Zapier, n8n and a member
site's own code take.

Each request carries ``X-Eventfeed-Delivery`` (the message's key, the same on a retry, so a receiver can
drop a repeat) and, when the webhook has a ``secret``, ``X-Eventfeed-Signature-256: sha256=<hex>``: the
HMAC-SHA256 of the body under the secret, as GitHub signs its webhooks.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import httpx

from events import __version__
from events.config.models import Config
from events.config.sending import Webhook
from events.store import StoredEvent
from feeds.jsonfeed import json_item
from feeds.sending import SendResult, refused_status, retry_after
from feeds.text import headline, one_line, where
from feeds.wording import booking_words, change_sentences, heading, when_in_zone

SIGNATURE_HEADER = "X-Eventfeed-Signature-256"
DELIVERY_HEADER = "X-Eventfeed-Delivery"
PAYLOAD_VERSION = 1


def change_payload(
    config: Config,
    change: Mapping[str, Any],
    item: StoredEvent,
    *,
    source_name: str,
    today: date,
) -> dict[str, Any]:
    """One change as a webhook receives it: what happened in words (``heading``, ``sentences``, ``text``:
    plain text, nothing escaped for any one chat), to which event (``item``: the JSON Feed item) and when."""
    e = item.event
    fields = (change.get("detail") or {}).get("fields")
    head = heading(change["kind"], fields)
    sentences: Sequence[str] = (
        () if change["kind"] in ("new", "booking_opened") else change_sentences(change["kind"], fields, e)
    )
    lines = [f"{head}: {one_line(headline(e), 300)}", *sentences, when_in_zone(e, config.service.timezone)]
    lines += [x for x in (where(e), booking_words(e), f"From {source_name}") if x]
    at: datetime = change["at"]
    return {
        "version": PAYLOAD_VERSION,
        "change_id": change["id"],
        "kind": change["kind"],
        "at": at.isoformat(timespec="seconds"),
        "heading": head,
        "sentences": list(sentences),
        "text": "\n".join(lines),
        "source": {"id": e.source, "name": source_name},
        "page": f"{config.service.base_url}/events/{e.id}",
        "item": json_item(item, config, today),
    }


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookSender:
    """POSTs one message; every outcome is a ``SendResult`` (a 2xx is delivered, a 429 waits as asked, any
    other 4xx is a refusal, a 5xx or a dead connection is tried again later). Redirects are not followed:
    a webhook address that moved is a refusal to fix in the config, not a hop to take with the secret."""

    def __init__(self, user_agent: str = f"eventfeed/{__version__}", timeout: float = 15) -> None:
        self.client = httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": user_agent})

    def send(self, hook: Webhook, payload: dict[str, Any], key: str) -> SendResult:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", DELIVERY_HEADER: key}
        if hook.secret:
            headers[SIGNATURE_HEADER] = signature(hook.secret, body)
        try:
            response = self.client.post(hook.url, content=body, headers=headers)
        except httpx.HTTPError as exc:  # down, unreachable, timed out: tried again later
            return SendResult(False, f"webhook {hook.id}: {type(exc).__name__}: {str(exc)[:200]}")
        if 200 <= response.status_code < 300:
            return SendResult(True)
        status = response.status_code
        return SendResult(
            False,
            f"webhook {hook.id} answered {status}: {one_line(response.text, 200)}",
            retry_after(status, response.headers),
            refused=refused_status(status) or 300 <= status < 400,
        )
