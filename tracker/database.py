"""Engine settings that depend on the database in use."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def configure_engine(engine: sa.Engine) -> None:
    """Make SQLite behave: enforce foreign keys, allow readers beside one writer."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.close()
