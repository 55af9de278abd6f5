"""A stand-in for Slack on 127.0.0.1: the incoming-webhook endpoint and the two Web API methods we
use. It records what it receives and checks it as Slack would (Block Kit shape and limits, text
present, a bearer token), and can be told to fail: 500s, or 429 with Retry-After."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from tests.site import Answer, Seen, TestSite

BLOCK_TYPES = {"section", "context", "actions", "header", "divider"}
TOKEN = "xoxb-test-token"


def block_problems(payload: dict[str, Any]) -> list[str]:
    problems = []
    if not payload.get("text"):
        problems.append("no text fallback")
    blocks = payload.get("blocks") or []
    if len(blocks) > 50:
        problems.append("more than 50 blocks")
    for block in blocks:
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            problems.append(f"unknown block type {kind}")
        if kind == "section" and len(block["text"]["text"]) > 3000:
            problems.append("section text over 3000")
        buttons = [e for e in block.get("elements", []) if e.get("type") == "button"]
        if any(len(b["text"]["text"]) > 75 or len(b.get("url", "")) > 3000 for b in buttons):
            problems.append("button over its limits")
    return problems


class FakeSlack:
    def __init__(self) -> None:
        self.site = TestSite().start()
        self.messages: list[dict[str, Any]] = []  # accepted posts, in order
        self.failures: list[Answer] = []  # answers to give before accepting again
        self.site.set("/hook", self._webhook)
        self.site.set("/api/chat.postMessage", self._post)
        self.site.set("/api/conversations.history", self._history)

    @property
    def webhook(self) -> str:
        return f"{self.site.url}/hook"

    @property
    def api(self) -> str:
        return f"{self.site.url}/api/"

    def stop(self) -> None:
        self.site.stop()

    def fail(self, *answers: Answer) -> None:
        self.failures.extend(answers)

    def _failure(self) -> Answer | None:
        return self.failures.pop(0) if self.failures else None

    def _webhook(self, seen: Seen) -> Answer:
        failure = self._failure()
        if failure:
            return failure
        payload = json.loads(seen.body)
        problems = block_problems(payload)
        if problems:
            return Answer(400, "invalid_blocks: " + "; ".join(problems), content_type="text/plain")
        self.messages.append({"via": "webhook", **payload})
        return Answer(200, "ok", content_type="text/plain")

    def _post(self, seen: Seen) -> Answer:
        failure = self._failure()
        if failure:
            return failure
        if seen.headers.get("authorization") != f"Bearer {TOKEN}":
            return _json({"ok": False, "error": "invalid_auth"})
        payload = (
            json.loads(seen.body)
            if seen.headers.get("content-type", "").startswith("application/json")
            else {k: v[0] for k, v in parse_qs(seen.body.decode()).items()}
        )
        if isinstance(payload.get("blocks"), str):
            payload["blocks"] = json.loads(payload["blocks"])
        if isinstance(payload.get("metadata"), str):
            payload["metadata"] = json.loads(payload["metadata"])
        problems = block_problems(payload)
        if problems or not payload.get("channel"):
            return _json({"ok": False, "error": "invalid_blocks", "detail": problems})
        self.messages.append({"via": "api", **payload})
        return _json({"ok": True, "channel": payload["channel"], "ts": f"{len(self.messages)}.000"})

    def _history(self, seen: Seen) -> Answer:
        args = (
            json.loads(seen.body)
            if seen.body.startswith(b"{")
            else {k: v[0] for k, v in parse_qs(seen.body.decode()).items()}
        )
        channel = args.get("channel")
        found = [
            {"text": m["text"], "metadata": m.get("metadata")}
            for m in self.messages
            if m["via"] == "api" and m.get("channel") == channel
        ]
        return _json({"ok": True, "messages": list(reversed(found))})


def _json(body: dict[str, Any]) -> Answer:
    return Answer(200, json.dumps(body), content_type="application/json")
