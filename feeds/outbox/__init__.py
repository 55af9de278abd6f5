"""Exactly-once messages about changes, to Slack and to webhooks: record the intent, send, confirm.

``enqueue`` turns new change records into notification rows (one per change and route, or one
summary for a source's first fetch, or one digest for a busy cycle); the row's unique key makes this
safe to run twice or in two instances at once. ``deliver`` claims pending rows one at a time
(``pending → sending`` by a conditional UPDATE, so two instances never claim the same row), sends,
and marks them ``sent``; per route only the oldest unsent row can be claimed, so order holds across
senders, and a 429 holds the route until its ``retry_at`` instead of putting a thread to sleep.
A row left in ``sending`` by a crash is never blindly re-sent: for bot messages Slack is asked
whether it arrived (our key travels in the message metadata); for webhooks, which cannot be asked,
it is marked ``unknown`` and logged, because one lost message is better than a duplicate in every
member's channel. When Slack (or a webhook's receiver) is down, rows stay pending and go out later, in order.

``enqueue`` (the intents) and ``delivery`` (claims, sends, confirmations) share the ``notifications`` rows
and nothing else; this face is what the publisher, the CLI and the web app use.
"""

from feeds.outbox.delivery import all_routes, deliver, pending_count, refused_messages, route_words
from feeds.outbox.enqueue import enqueue, enqueue_health, start_routes

__all__ = [
    "all_routes",
    "deliver",
    "enqueue",
    "enqueue_health",
    "pending_count",
    "refused_messages",
    "route_words",
    "start_routes",
]
