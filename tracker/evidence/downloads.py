"""Sending a stored evidence file, from the pages and the API alike: streamed from the store
through the permission check (the caller already passed it), never from a public address."""

from __future__ import annotations

from flask import send_file
from flask.typing import ResponseReturnValue

from tracker.extensions import db
from tracker.models import EvidenceFile
from tracker.plumbing import clock
from tracker.plumbing.storage import ObjectMissing
from tracker.services import evidence_files
from tracker.web import access, evidence_store
from tracker.web.http_errors import error_answer

GONE = "This file is no longer in the store. The problem has been recorded."


def file_download(evidence_file: EvidenceFile) -> ResponseReturnValue:
    """The file as it was received, as an attachment; 410 (audited) if the store lost it."""
    try:
        opened = evidence_store().open(evidence_file.sha256)
    except ObjectMissing:
        evidence_files.record_missing(
            db.session, evidence_file, actor=access.acting_user(), now=clock.now()
        )
        return error_answer(410, GONE)
    response = send_file(
        opened.stream,
        mimetype=evidence_file.content_type,
        as_attachment=True,
        download_name=evidence_file.original_name,
        etag=evidence_file.sha256,
        max_age=0,
    )
    response.content_length = opened.size
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
