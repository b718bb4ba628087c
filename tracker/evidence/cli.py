"""Commands for the evidence store (`flask evidence …`)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from tracker.extensions import db
from tracker.plumbing import clock
from tracker.plumbing.storage import LocalStore, S3Store, StorageUnavailable
from tracker.services import evidence_cleanup, evidence_integrity
from tracker.web import evidence_store

evidence_cli = AppGroup("evidence", help="Look after the evidence store.")


@evidence_cli.command("clean-up")
def clean_up_command() -> None:
    """Remove temporary uploads older than a day (recovering any whose evidence was recorded)
    and quarantine stored files no evidence refers to. The daily jobs run this too."""
    report = evidence_cleanup.clean_up(db.session, evidence_store(), clock.now())
    click.echo(f"Evidence store: {report}.")


@evidence_cli.command("migrate")
def migrate_command() -> None:
    """Copy the local store (EVIDENCE_DIR) into the bucket (EVIDENCE_S3_BUCKET): resumable,
    every checksum verified. Exits 1 if any file could not be copied."""
    target = evidence_store()
    if not isinstance(target, S3Store):
        raise click.ClickException("Set EVIDENCE_S3_BUCKET to the bucket to copy into.")
    source = LocalStore(current_app.config["EVIDENCE_DIR"], target.max_bytes)
    try:
        report = evidence_integrity.migrate(source, target)
    except StorageUnavailable as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Evidence migrated to {target.bucket}: {report}.")
    for sha256 in report.failed:
        click.echo(f"Not copied: {sha256}", err=True)
    if report.failed:
        raise SystemExit(1)


@evidence_cli.command("verify")
def verify_command() -> None:
    """Re-read every stored file and report any whose bytes no longer match its hash, or that
    evidence refers to and the store lacks. Exits 1 if there is any."""
    try:
        report = evidence_integrity.verify(db.session, evidence_store())
    except StorageUnavailable as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Evidence store: {report}.")
    for sha256 in report.mismatched:
        click.echo(f"Does not match its hash: {sha256}", err=True)
    for sha256 in report.missing:
        click.echo(f"Missing: {sha256}", err=True)
    if not report.sound:
        raise SystemExit(1)
