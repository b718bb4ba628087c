"""Commands for the evidence store (`flask evidence …`)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.extensions import db
from tracker.plumbing import clock
from tracker.services import evidence_cleanup
from tracker.web import evidence_store

evidence_cli = AppGroup("evidence", help="Look after the evidence store.")


@evidence_cli.command("clean-up")
def clean_up_command() -> None:
    """Remove temporary uploads older than a day (recovering any whose evidence was recorded)
    and quarantine stored files no evidence refers to. The daily jobs run this too."""
    report = evidence_cleanup.clean_up(db.session, evidence_store(), clock.now())
    click.echo(f"Evidence store: {report}.")
