"""Slack's slash command (``/events …``): a signed request checked as Slack signs it, answered from the store."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from feeds.web.responses import Context

SLACK_BODY_LIMIT = 64 * 1024  # Slack's command payloads are a few hundred bytes


def slack_routes(ctx: Context) -> list[Route]:
    """Slack's command."""
    config, store = ctx.config, ctx.store

    async def slack_command(request: Request) -> Response:
        slack = config.slack
        if slack is None or not slack.signing_secret:
            return PlainTextResponse("Slack commands are not configured\n", status_code=404)
        from slack_sdk.signature import SignatureVerifier

        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > SLACK_BODY_LIMIT:
            return PlainTextResponse("request too large for a Slack command\n", status_code=413)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > SLACK_BODY_LIMIT:
                return PlainTextResponse("request too large for a Slack command\n", status_code=413)
        timestamp = request.headers.get("x-slack-request-timestamp") or ""
        try:
            text = bytes(body).decode("utf-8")
            valid = timestamp.isdigit() and SignatureVerifier(slack.signing_secret).is_valid(
                text, timestamp, request.headers.get("x-slack-signature")
            )
        except (UnicodeDecodeError, ValueError, TypeError, OverflowError):
            valid = False
        if not valid:
            return PlainTextResponse("invalid or stale Slack signature\n", status_code=401)
        from urllib.parse import parse_qs

        from feeds.slack.commands import answer

        form = {k: v[0] for k, v in parse_qs(text).items()}
        return JSONResponse(answer(config, await run_in_threadpool(store.all_events), form.get("text", "")))

    return [
        Route("/slack/commands", slack_command, methods=["POST"]),
    ]
