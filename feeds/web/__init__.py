"""The web app: feeds with proper types and caching, the pages people read, health, and Slack's command.

``app`` assembles it (``create_app``) from routes by kind: ``feed_routes`` (feed files, queried feeds, an
event's ``.ics``), ``page_routes`` (the subscribe page, event and source pages), ``admin_routes``
(``/healthz``, ``/metrics``) and ``slack_routes``; ``responses`` holds what they share (conditional
responses, refusals, the admin check) and ``query_params`` reads a feed's query string.

Imports ``feeds``' builders and pages and the store; never anything that fetches.
"""

from feeds.web.app import create_app

__all__ = ["create_app"]
