"""`flask demo`: load the demonstration data and print how to sign in."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.cli import writes
from tracker.demo.builder import load_demo
from tracker.extensions import db
from tracker.plumbing import clock
from tracker.plumbing.settings import deadline_rules


@click.command("demo")
@with_appcontext
@writes
def demo_command() -> None:
    """Load Leicestershire's published cases, other councils, and one account per role."""
    result = load_demo(
        db.session, now=clock.now(), today=clock.today(), rules=deadline_rules(current_app.config)
    )
    if result.loaded:
        click.echo(f"Loaded {result.cases} cases across {result.councils} councils.")
    else:
        click.echo("The demonstration data was already loaded; the accounts' password is new.")
    base_url = current_app.config["BASE_URL"]
    click.echo(f"\nSign in at {base_url}/sign-in with any of these, password {result.password}\n")
    for email, role, authority, link_officer in result.accounts:
        council = f" ({authority}{', link officer' if link_officer else ''})" if authority else ""
        click.echo(f"  {email:<40} {role.value}{council}")
    click.echo(f"\nLeicestershire's public performance page: {base_url}/councils/LEICS")
