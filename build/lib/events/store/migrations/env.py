"""Alembic's entry point. The store hands in its own connection (``config.attributes``), so
migrations run inside eventfeed's code path, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from alembic import context

from events.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `events db upgrade`, which supplies the connection")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
