"""Talking to Slack through ``slack_sdk``: a webhook or the Web API.

A 429 is not waited out here (slack_sdk's retry handler would sleep the whole Retry-After inside
this sender while another sender sent the next message): it comes back as a failure with the wait,
and the outbox holds the route until then.
"""

from __future__ import annotations

from typing import Any

from events.config.sending import Slack, SlackRoute
from feeds.sending import SendResult, refused_status, retry_after

METADATA_TYPE = "eventfeed_notification"


class SlackClient:
    def __init__(self, slack: Slack, timeout: int = 15) -> None:
        from slack_sdk import WebClient

        self.slack = slack
        self.timeout = timeout
        self.web = (
            WebClient(token=slack.token, base_url=slack.api_url, timeout=timeout, retry_handlers=[])
            if slack.token
            else None
        )

    def send(self, route: SlackRoute, payload: dict[str, Any], key: str) -> SendResult:
        from slack_sdk.errors import SlackApiError
        from slack_sdk.webhook import WebhookClient

        try:
            if route.webhook_url:
                response = WebhookClient(route.webhook_url, timeout=self.timeout, retry_handlers=[]).send(
                    text=payload["text"], blocks=payload["blocks"], unfurl_links=False
                )
                if response.status_code == 200:
                    return SendResult(True)
                return SendResult(
                    False,
                    f"webhook answered {response.status_code}: {str(response.body)[:200]}",
                    retry_after(response.status_code, response.headers),
                    refused=refused_status(response.status_code),
                )
            assert self.web is not None and route.channel is not None
            self.web.chat_postMessage(
                channel=route.channel,
                text=payload["text"],
                blocks=payload["blocks"],
                unfurl_links=False,
                metadata={"event_type": METADATA_TYPE, "event_payload": {"key": key}},
            )
            return SendResult(True)
        except SlackApiError as exc:
            return SendResult(
                False,
                f"Slack said {exc.response.get('error') or exc.response.status_code}",
                retry_after(exc.response.status_code, exc.response.headers),
                refused=refused_status(exc.response.status_code) or exc.response.status_code == 200,
            )
        except Exception as exc:  # connection refused, timeouts: Slack is down, try later
            return SendResult(False, f"{type(exc).__name__}: {exc}")

    def confirm(self, route: SlackRoute | None, key: str) -> bool | None:
        """Did a message with this key reach the channel? None when Slack cannot tell us (webhooks)."""
        if route is None or route.webhook_url or self.web is None or route.channel is None:
            return None
        try:
            history = self.web.conversations_history(channel=route.channel, include_all_metadata=True, limit=100)
        except Exception:
            return None
        messages: list[dict[str, Any]] = history.get("messages", [])
        for message in messages:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == METADATA_TYPE and (metadata.get("event_payload") or {}).get("key") == key:
                return True
        return False
