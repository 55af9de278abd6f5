"""Fetching: pages pulled politely and safely, every outcome a value.

``fetcher`` (the client: robots.txt, delays, redirects hop by hop, conditional GET, size caps),
``bodies`` (encodings and charsets undone, non-pages recognised), ``addresses`` (which hosts a fetch may
reach), ``network_words`` (a failed connection said in words that say what to check).

Imports nothing of ``events`` but ``events.errors`` and ``events.redact``: it knows pages, not events.
"""
