"""The one exception tree of eventfeed.

    EventfeedError            anything the user can fix; its message is one readable line
    ├── ConfigError           config.toml is wrong (names the file, the key and the problem)
    ├── StoreError            the database cannot be reached, or is newer than this code
    ├── ExtractError          a page could not be read at all (unreadable file, not HTML)
    └── FeedError             feed files cannot be written (a folder that is not there or not writable)

Foreign errors (tomllib, SQLAlchemy, httpx) are translated into these at the seam, with
``raise ... from exc``, so the CLI can print one line instead of a traceback.  Fetch failures are
never raised: they are values (see ``events.fetch.fetcher``), because one dead site must not stop the others.
"""


class EventfeedError(Exception):
    """An error whose message tells the user what to fix."""


class ConfigError(EventfeedError):
    pass


class StoreError(EventfeedError):
    pass


class ExtractError(EventfeedError):
    pass


class FeedError(EventfeedError):
    pass
