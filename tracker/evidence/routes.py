"""Evidence pages: an officer's upload, and downloads that check permission every time."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from tracker.evidence.downloads import file_download
from tracker.evidence.uploads import accepts_evidence, chosen, chosen_count, kept_uploads
from tracker.extensions import db
from tracker.plumbing import clock
from tracker.recommendations.forms import EvidenceForm
from tracker.recommendations.page import render_page
from tracker.services import compliance
from tracker.services.errors import DomainError
from tracker.web import access, evidence_store
from tracker.web.access import Permission
from tracker.web.forms import form_int, show_refusal

bp = Blueprint("evidence", __name__)


@bp.route("/recommendations/<int:recommendation_id>/evidence", methods=["POST"])
@accepts_evidence
@access.signed_in
def upload(recommendation_id: int) -> ResponseReturnValue:
    """A council officer sends evidence for a recommendation: a new revision."""
    recommendation = access.recommendation(recommendation_id, Permission.SUBMIT_EVIDENCE)
    form = EvidenceForm(prefix="evidence")
    if not form.validate():
        return render_page(recommendation, form)
    files = [
        (slot.form.file.name, slot.form.file.data, slot.form.note.data or "")
        for slot in form.files
        if chosen(slot.form.file.data)
    ]
    try:
        compliance.check_file_count(chosen_count(request.files))
        kept = kept_uploads(db.session, evidence_store(), files, recommendation=recommendation)
        submission = compliance.submit_evidence(
            db.session,
            recommendation,
            kept,
            form.note.data or "",
            actor=access.acting_user(),
            now=clock.now(),
            expected_version=form_int(form.version.data),
        )
    except DomainError as error:
        # "file" is about the files as a whole: shown on the first file box, which it links to.
        show_refusal(
            form,
            error,
            lambda fields: {form.files.name if k == "file" else k: v for k, v in fields.items()},
        )
        return render_page(recommendation, form)
    count = len(submission.files)
    flash(
        f"Thank you: {count} file{'s' if count != 1 else ''} sent as revision "
        f"{submission.revision}. A caseworker will review it.",
        "success",
    )
    return redirect(url_for("recommendations.show", recommendation_id=recommendation.id))


@bp.route("/evidence/<int:file_id>")
@access.signed_in
def download(file_id: int) -> ResponseReturnValue:
    """The file as it was received, as an attachment, to anyone who may see its case."""
    return file_download(access.evidence_file(file_id))
