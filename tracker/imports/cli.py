"""`flask import cases FILE.csv`: earlier years' cases from a CSV file."""

from __future__ import annotations

import gc
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from tracker.cli import writes
from tracker.extensions import db
from tracker.plumbing import clock
from tracker.plumbing.settings import deadline_rules
from tracker.services.imports import ImportFileError, import_cases

import_cli = AppGroup("import", help="Import earlier years' records from CSV files.")


@import_cli.command("cases")
@click.argument("path", metavar="FILE.csv", type=click.Path(dir_okay=False, path_type=Path))
@writes
def import_cases_command(path: Path) -> None:
    """Create or correct cases from FILE.csv, whose header row names the API's case fields.

    Prints how many rows were created, updated, unchanged and rejected, then each rejected
    row's line number and reasons. Valid rows go in even when others are rejected.
    """
    try:
        content = path.read_bytes()
    except OSError as error:
        raise click.ClickException(f"Cannot read {path}: {error.strerror or error}") from error
    # What start-up loaded (modules, the app, SQLAlchemy's mappers) is set aside from the
    # cycle collector while the rows are read, as a gunicorn worker's is (gunicorn_config):
    # their many objects set it off, and it need not walk the whole application each time.
    gc.freeze()
    try:
        result = import_cases(
            db.session,
            content,
            actor=None,
            now=clock.now(),
            today=clock.today(),
            rules=deadline_rules(current_app.config),
        )
    except ImportFileError as error:
        raise click.ClickException(f"{path}: {error.message}. Nothing was imported.") from error
    finally:
        # Never collected while frozen: the database connections would outlive the process
        # unclosed (SQLite would leave its write-ahead log behind).
        gc.unfreeze()
    click.echo(result.summary)
    for line, reason in result.rejected:
        click.echo(f"Line {line}: {reason}")
