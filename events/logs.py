"""One log format for everything in the process: our loggers, uvicorn's and APScheduler's, as text
for a terminal or as one JSON object per line for a log stack (``--log-format json`` or
``LOG_FORMAT=json``). Routine chatter is kept out of INFO: Alembic's start-up lines are shown at DEBUG,
APScheduler's per-run lines and httpx's per-request lines only when they are warnings."""

from __future__ import annotations

import logging
import sys

from events.redact import without_secrets

TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FORMATS = ("text", "json")


class _Tidy(logging.Filter):
    """On the handler: Alembic's INFO lines become DEBUG lines (shown only when DEBUG is on),
    uvicorn's coloured copy of each message is dropped, and no URL keeps its credentials or query
    string (a redirect's ``?password=…`` in a fetch error)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.__dict__.pop("color_message", None)
        message = record.getMessage()
        if "://" in message:
            record.msg, record.args = without_secrets(message), None
        if record.name.startswith("alembic") and record.levelno <= logging.INFO:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger().isEnabledFor(logging.DEBUG)
        return True


def configure(fmt: str = "text", level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(
            JsonFormatter(
                "%(levelname)s %(name)s %(message)s",
                rename_fields={"levelname": "level", "name": "logger"},
                timestamp="time",  # ISO 8601 in UTC
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):  # through our handler, in our format
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    handler.addFilter(_Tidy())
    quiet = logging.DEBUG if root.isEnabledFor(logging.DEBUG) else logging.WARNING
    # uvicorn.error says "Started server process", "Shutting down"…: the service says its own one
    # line at the start and at the stop; uvicorn's warnings and errors (a port in use) still show
    for name in ("apscheduler", "httpx", "httpcore", "uvicorn.error"):
        logging.getLogger(name).setLevel(quiet)
