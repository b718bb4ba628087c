"""The managers' page for importing earlier years' records."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from tracker.extensions import db
from tracker.imports.forms import ImportForm
from tracker.plumbing import clock
from tracker.plumbing.settings import deadline_rules
from tracker.services import imports
from tracker.services.import_file import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from tracker.web import access, unit_of_work
from tracker.web.access import Permission
from tracker.web.bodies import accepts_files

bp = Blueprint("imports", __name__, url_prefix="/imports")


@bp.route("/cases", methods=["GET", "POST"])
# One byte more than an import may be arrives, so the import's own size check answers.
@accepts_files(access.may_import, file_limit=lambda: imports.MAX_IMPORT_BYTES + 1, max_files=1)
@access.requires(Permission.IMPORT_RECORDS)
def cases() -> ResponseReturnValue:
    """Upload a CSV file of cases; the page then says what was created, updated, left
    unchanged and rejected, with each rejected row's line number and reasons."""
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        upload = request.files.get(form.file.name)
        if upload is None or not upload.filename:
            form.file.errors.append("Choose the CSV file to import")
        else:
            content = upload.stream.read(imports.MAX_IMPORT_BYTES + 1)
            try:
                result = imports.import_cases(
                    db.session,
                    content,
                    actor=access.acting_user(),
                    now=clock.now(),
                    today=clock.today(),
                    rules=deadline_rules(current_app.config),
                )
            except imports.ImportFileError as error:
                unit_of_work.discard()
                form.file.errors.append(f"{error.message}. Nothing was imported")
    return render_template(
        "imports/cases.html",
        form=form,
        result=result,
        required_columns=REQUIRED_COLUMNS,
        optional_columns=OPTIONAL_COLUMNS,
        max_megabytes=imports.MAX_IMPORT_BYTES // 1_000_000,
    )
