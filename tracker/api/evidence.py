"""API: evidence files, downloaded through the same permission check as the pages."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from tracker.api import api_blueprint
from tracker.evidence.downloads import file_download
from tracker.plumbing import filetypes
from tracker.web import access

blp = api_blueprint("Evidence", "Evidence files councils sent")

BINARY = {"schema": {"type": "string", "format": "binary"}}
FILE_ANSWER = {
    200: {
        "description": "The file as it was received, as an attachment, with its own type.",
        "content": {content_type: BINARY for content_type in filetypes.LABELS},
    }
}


@blp.route("/<int:file_id>", methods=["GET"])
@blp.doc(responses=FILE_ANSWER)
@blp.answers(401, 404, 410, 503)
@access.signed_in
def download(file_id: int) -> ResponseReturnValue:
    """One evidence file, to anyone who may see its recommendation's case (a council officer:
    only their own council's; another's answers 404). 410 if the store has lost it."""
    return file_download(access.evidence_file(file_id))
