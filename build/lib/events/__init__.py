"""eventfeed's collecting half: config, fetch, extract, normalise, store, reconcile, schedule.

Publishing (iCalendar, JSON Feed, the web app) lives in the sibling package ``feeds``.
"""

__version__ = "0.1.0"
