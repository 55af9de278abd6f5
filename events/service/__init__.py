"""The running service: scheduling, one cycle per source, and the reading it runs.

``scheduler`` (cycles on demand or on each source's interval, the web server beside them),
``cycle`` (fetch → extract → shape check → reconcile → record, for one source, never raising for a
source's problem), ``reading`` (a listing's pages, linked calendars and detail pages, in a reader
process), ``retention`` (forgetting on a schedule), ``demo`` (the service on a bundled sample).

The one stage that joins the others: it may import every package of ``events`` but ``cli``, and
nothing of ``feeds`` (it is handed the publisher as a callable).
"""
