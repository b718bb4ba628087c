"""`flask deadlines recompute`: work open due dates out again with the installed bank holidays."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from tracker.cli import writes
from tracker.extensions import db
from tracker.plumbing import clock
from tracker.plumbing.settings import deadline_rules
from tracker.services import redating

deadlines_cli = AppGroup("deadlines", help="Keep deadlines right as the bank holidays change.")


@deadlines_cli.command("recompute")
@writes
def recompute_command() -> None:
    """Work out again every open due date counted in working days, with the bank holidays of
    the installed `holidays` package; re-date those that moved (audit trail, the council
    told) and record the calendar. The daily jobs do this by themselves when it changes."""
    rules, now = deadline_rules(current_app.config), clock.now()
    moved = redating.recompute(db.session, rules, today=clock.today(), now=now)
    redating.record_calendar(db.session, rules.calendar, now=now)
    click.echo(
        f"{len(moved)} open due date{'s' if len(moved) != 1 else ''} re-dated"
        f" with the {rules.calendar} bank holidays."
    )
