"""Commands: accounts (`flask users …`), the daily jobs now (`flask sweep`), the scheduler."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar

import click
import prometheus_client
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from tracker.extensions import db
from tracker.models import Role
from tracker.plumbing import clock, logs
from tracker.plumbing.database import one_unit_of_work
from tracker.plumbing.local_time import local_date
from tracker.services import accounts
from tracker.services.errors import ValidationError

F = TypeVar("F", bound=Callable[..., Any])


def writes(command: F) -> F:
    """One unit of work per command: it commits once when the command ends well, and rolls
    back when it fails (a ClickException included). Put it next to the function."""

    @wraps(command)
    def in_unit_of_work(*args: Any, **kwargs: Any) -> Any:
        with one_unit_of_work(db.session):
            return command(*args, **kwargs)

    return in_unit_of_work  # type: ignore[return-value]


users_cli = AppGroup("users", help="Create accounts; issue and revoke API tokens.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--authority", "authority_code", help="The council's code (officers only).")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="At least 12 characters; asked for if not given.",
)
@click.option("--name", default="", help="The person's name (defaults to the e-mail address).")
@click.option(
    "--link-officer",
    is_flag=True,
    help="One of the council's link officers (at most two a council; officers only).",
)
@writes
def create_user(
    email: str,
    role: str,
    authority_code: str | None,
    password: str,
    name: str,
    link_officer: bool,
) -> None:
    """Create an account."""
    data = accounts.UserInput(
        email=email,
        name=name,
        role=role,
        authority_code=authority_code,
        password=password,
        link_officer=link_officer,
    )
    try:
        user = accounts.create_user(db.session, data, actor=None, now=clock.now())
    except ValidationError as error:
        raise click.ClickException("; ".join(error.fields.values())) from error
    link = " (link officer)" if user.link_officer else ""
    click.echo(f"Created {user.role.value} {user.email}{link}.")


@users_cli.command("token")
@click.argument("email")
@writes
def issue_token(email: str) -> None:
    """Print a new API token for EMAIL on stdout, and nothing else."""
    user = accounts.find_user(db.session, email)
    if user is None or not user.active:
        raise click.ClickException(f"There is no active account for {email}.")
    token = accounts.issue_token(db.session, user, actor=None, now=clock.now())
    click.echo(token)


@users_cli.command("revoke-tokens")
@click.argument("email")
@writes
def revoke_tokens(email: str) -> None:
    """Revoke every API token of EMAIL (a lost laptop, a leaked script)."""
    user = accounts.find_user(db.session, email)
    if user is None:
        raise click.ClickException(f"There is no account for {email}.")
    count = accounts.revoke_tokens(db.session, user, actor=None, now=clock.now())
    click.echo(f"Revoked {count} token{'s' if count != 1 else ''} of {user.email}.")


@click.command("sweep")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Run as if it were this day (YYYY-MM-DD); default today.",
)
@with_appcontext
def sweep_command(today: datetime | None) -> None:
    """Run the overdue sweep, reminders, chasers and escalations once, now, then send e-mail."""
    now = clock.now()
    day = today.date() if today else local_date(now)
    # APScheduler and the jobs are imported by the commands that run them, not by every
    # process that builds the application (a web server, `flask import cases`).
    from tracker import scheduler

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    report = scheduler.daily_jobs(app, day, now=now)
    if report is None:
        click.echo(f"{day.isoformat()}: skipped, another process is running the daily jobs.")
    else:
        click.echo(f"{day.isoformat()}: {report}.")
    sent = scheduler.deliver_email(app, now=now)
    click.echo(f"E-mail: {sent}." if sent else "E-mail is off: the notices are in the app.")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler in the foreground (one per deployment); Ctrl-C stops it."""
    from tracker import scheduler

    logs.configure()  # JSON lines on standard error, one per job run
    address = current_app.config["SCHEDULER_METRICS_ADDRESS"]
    if address:
        host, _, port = address.rpartition(":")
        prometheus_client.start_http_server(int(port), addr=host or "127.0.0.1")
    click.echo("Scheduler running: daily jobs every hour, e-mail every 5 minutes.")
    try:
        scheduler.build_scheduler(current_app._get_current_object()).start()  # type: ignore[attr-defined]
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")
