"""Engine set-up: pool options, SQLite tuning, and the session hooks of queued rows."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

from telesecond.db import row_batch


def tune_sqlite(engine: Engine) -> None:
    """WAL (readers never block the writer), a generous busy wait, foreign keys on."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):  # noqa: ARG001
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=20000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def engine_options() -> dict:
    """Pool settings for every backend.

    No pre-ping: it costs a round trip on every checkout (a third of a short request's
    statements). A connection the server dropped fails one request and is then replaced
    (SQLAlchemy invalidates the pool on a disconnect error); recycling after 30 minutes
    keeps idle connections younger than typical server and proxy time-outs.
    """
    return {"pool_pre_ping": False, "pool_recycle": 1800}


def setup(engine: Engine) -> None:
    """Prepare a new engine and the session for the app (once, in ``create_app``)."""
    tune_sqlite(engine)
    row_batch.install_session_hooks()
