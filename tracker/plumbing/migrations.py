"""Flask-Migrate, set up without importing it: it imports Alembic (a third of a second),
which only `flask db …` and the migrations themselves need, not every request or command.

`app.extensions["migrate"]` and the `db` command group are stand-ins that set Flask-Migrate
up for the application (`migrate.init_app`) the first time either is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def init_app(app: Flask) -> None:
    """Give the application Flask-Migrate's extension entry and `db` commands, lazily."""
    app.extensions["migrate"] = _FirstUse(app)
    app.cli.add_command(_MigrationCommands("db", help="Perform database migrations."))


def _set_up(app: Flask) -> Any:
    """Flask-Migrate's own set-up (it replaces both stand-ins); its extension entry."""
    from tracker.extensions import db, migrate

    migrate.init_app(app, db, directory=str(MIGRATIONS))
    return app.extensions["migrate"]


class _FirstUse:
    """`app.extensions["migrate"]` until Flask-Migrate (or env.py) first reads it."""

    def __init__(self, app: Flask) -> None:
        self._app, self._config = app, None

    def __getattr__(self, name: str) -> Any:
        if self._config is None:
            self._config = _set_up(self._app)
        return getattr(self._config, name)


class _MigrationCommands(click.Group):
    """`flask db`: Flask-Migrate's group, imported only when a `db` command is run."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """The context of Flask-Migrate's own group, which then runs the command."""
        from flask_migrate.cli import db

        return db.make_context(info_name, args, parent=parent, **extra)
