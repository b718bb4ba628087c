"""Uploads over HTTP: only a signed-in caller an upload view allows may send a large body or
have file parts reach the disk; one file limit and one size limit, on the page and in the API;
a zip bomb is refused cheaply."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import request
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests import samples
from tests.helpers import csrf_token, send_evidence, sign_in, text_of
from tracker.extensions import db
from tracker.models import EvidenceFile, EvidenceSubmission

MB = 1_000_000


@pytest.fixture
def council(app, build, frozen_clock):
    """A Leicestershire recommendation; officers of two councils, a caseworker, tokens."""
    build.authority("LEICS")
    build.authority("NOTTS")
    recommendation_id = build.payment_due()
    officer, stranger = (
        build.user("officer", authority="LEICS"),
        build.user("officer", authority="NOTTS"),
    )
    return {
        "id": recommendation_id,
        "officer": officer,
        "stranger": stranger,
        "caseworker": build.user("caseworker"),
        "officer_token": build.bearer(officer),
        "stranger_token": build.bearer(stranger),
    }


class Body(io.BytesIO):
    """A request body that counts how much of it the application read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.taken = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.taken += len(line)
        return line


def multipart(fields: dict[str, object]) -> tuple[Body, str]:
    """A multipart body of these fields (a (stream, name) value is a file part)."""
    boundary, data = encode_multipart(
        {
            name: FileStorage(*value) if isinstance(value, tuple) else value
            for name, value in fields.items()
        }
    )
    return Body(data), f"multipart/form-data; boundary={boundary}"


def files_on_disk(app) -> list[Path]:
    root = Path(app.config["EVIDENCE_DIR"])
    return sorted(path for path in root.rglob("*") if path.is_file())


def evidence_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(EvidenceFile.id))) or 0


def api_upload(client, council, files, who: str = "officer_token", **form):
    data = {"file": [(io.BytesIO(content), name) for content, name in files], **form}
    return client.post(
        f"/api/v1/recommendations/{council['id']}/evidence",
        data=data,
        headers=council[who],
        content_type="multipart/form-data",
    )


# Nothing reaches the disk before the caller is known and allowed -----------------------------


def test_an_anonymous_large_post_to_sign_in_is_refused_before_reading(app, client) -> None:
    body, content_type = multipart(
        {"email": "x@example.org", "file": (io.BytesIO(bytes(5 * MB)), "big.pdf")}
    )
    response = client.post(
        "/sign-in",
        input_stream=body,
        content_type=content_type,
        content_length=len(body.getvalue()),
    )
    assert response.status_code == 413
    assert body.taken == 0, "refused by its Content-Length, before a byte was read"
    assert files_on_disk(app) == []
    # A form that takes no files: the page speaks of what was sent, not of a file.
    page = text_of(response.get_data(as_text=True))
    assert "What you sent is too large" in page and "file is too large" not in page


def test_a_chunked_body_stops_at_one_megabyte(app, client) -> None:
    body, content_type = multipart({"file": (io.BytesIO(bytes(5 * MB)), "big.pdf")})
    response = client.post(
        "/sign-in",
        input_stream=body,
        content_type=content_type,
        environ_overrides={"wsgi.input_terminated": True},  # no length: the server ends it
    )
    assert response.status_code == 413
    assert body.taken <= MB + 64 * 1024, "it stopped reading near the limit"
    assert files_on_disk(app) == []


def test_a_small_file_part_sent_anonymously_stays_in_memory(app, client) -> None:
    with client:
        response = client.post(
            "/sign-in",
            data={"email": "x@example.org", "file": (io.BytesIO(samples.PDF * 1000), "a.pdf")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 400  # no CSRF token: the form's usual answer
        assert isinstance(request.files["file"].stream, io.BytesIO), "never on disk"
    assert files_on_disk(app) == []


def test_a_signed_in_caseworker_cannot_post_2mb_to_a_page_without_uploads(
    app, client, council
) -> None:
    sign_in(client, council["caseworker"])
    body, content_type = multipart(
        {
            "csrf_token": csrf_token(client, "/cases/new"),
            "file": (io.BytesIO(bytes(2 * MB)), "big.pdf"),
        }
    )
    response = client.post(
        "/cases/new",
        input_stream=body,
        content_type=content_type,
        content_length=len(body.getvalue()),
    )
    assert response.status_code == 413
    assert body.taken == 0
    assert files_on_disk(app) == []


def test_a_caseworker_may_not_send_a_large_body_to_the_evidence_page(app, client, council) -> None:
    sign_in(client, council["caseworker"])
    body, content_type = multipart(
        {
            "evidence-csrf_token": csrf_token(client, "/"),
            "evidence-files-0-file": (io.BytesIO(bytes(2 * MB)), "big.pdf"),
        }
    )
    response = client.post(
        f"/recommendations/{council['id']}/evidence",
        input_stream=body,
        content_type=content_type,
        content_length=len(body.getvalue()),
    )
    assert response.status_code == 413 and body.taken == 0
    assert files_on_disk(app) == []


def test_an_anonymous_upload_to_the_api_is_refused_before_reading(app, client, council) -> None:
    body, content_type = multipart({"file": (io.BytesIO(bytes(2 * MB)), "big.pdf")})
    response = client.post(
        f"/api/v1/recommendations/{council['id']}/evidence",
        input_stream=body,
        content_type=content_type,
        content_length=len(body.getvalue()),
    )
    assert response.status_code == 413 and body.taken == 0
    assert response.json["error"]["code"] == "too_large"
    assert files_on_disk(app) == []


def test_an_officer_of_another_council_gets_404_and_nothing_on_disk(app, client, council) -> None:
    with client:
        response = api_upload(client, council, [(samples.PDF, "a.pdf")], who="stranger_token")
        assert response.status_code == 404
        assert isinstance(request.files["file"].stream, io.BytesIO)
    sign_in(client, council["stranger"])
    token = csrf_token(client, "/")
    with client:
        response = client.post(
            f"/recommendations/{council['id']}/evidence",
            data={
                "evidence-csrf_token": token,
                "csrf_token": token,
                "evidence-files-0-file": (io.BytesIO(samples.PDF), "a.pdf"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 404
        assert isinstance(request.files["evidence-files-0-file"].stream, io.BytesIO)
    assert files_on_disk(app) == [] and evidence_rows(app) == 0


def test_an_officers_upload_streams_to_the_store_and_is_kept(app, client, council) -> None:
    sign_in(client, council["officer"])
    big = samples.PDF + bytes(3 * MB)  # larger than any other request may be
    with client:
        response = send_evidence(client, council["id"], [(big, "scan.pdf")], note="Paid.")
        assert response.status_code == 302
        stream = request.files["evidence-files-0-file"].stream
        assert Path(stream.name).parent == Path(app.config["EVIDENCE_DIR"]) / "incoming"
    response = api_upload(client, council, [(big, "scan.pdf")])
    assert response.status_code == 201, response.get_data(as_text=True)
    assert evidence_rows(app) == 2
    assert [path.parent.parent.parent.name for path in files_on_disk(app)] == ["objects"]


def test_the_import_page_still_takes_a_large_csv(app, client, build) -> None:
    build.authority("LEICS")
    sign_in(client, build.user("manager"))
    header = "reference,authority,category,subcategory,decision_date,outcome,satisfactory_remedy"
    row = "23 001 001,LEICS,Education,Special educational needs,2023-06-05,not_upheld,false"
    content = "\r\n".join([header, row, *([""] * (2 * MB))]).encode()  # blank lines are skipped
    response = client.post(
        "/imports/cases",
        data={
            "csrf_token": csrf_token(client, "/imports/cases"),
            "file": (io.BytesIO(content), "cases.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "Created 1, updated 0, unchanged 0, rejected 0." in response.get_data(as_text=True)


def test_the_import_page_refuses_a_file_over_its_limit(app, client, build, monkeypatch) -> None:
    monkeypatch.setattr("tracker.services.imports.MAX_IMPORT_BYTES", 2 * MB)
    monkeypatch.setattr("tracker.services.import_file.MAX_IMPORT_BYTES", 2 * MB)
    build.authority("LEICS")
    sign_in(client, build.user("manager"))
    response = client.post(
        "/imports/cases",
        data={
            "csrf_token": csrf_token(client, "/imports/cases"),
            "file": (io.BytesIO(b"reference\r\n" + b"\r\n" * (MB + MB // 4)), "cases.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The file is larger than 2 MB" in html and "Nothing was imported" in html
    assert files_on_disk(app) == []


# One file limit, one size limit --------------------------------------------------------------


def test_eleven_files_from_the_page_are_refused_and_nothing_is_stored(app, client, council) -> None:
    sign_in(client, council["officer"])
    files = [(samples.PDF + str(n).encode(), f"{n}.pdf") for n in range(11)]
    response = send_evidence(client, council["id"], files, note="All of them.")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "You can send up to 10 files at a time" in html
    assert "All of them." in html, "what was typed is kept"
    assert evidence_rows(app) == 0 and files_on_disk(app) == []


@pytest.mark.parametrize("count", [11, 300])
def test_too_many_files_in_the_api_are_refused_and_nothing_is_stored(
    app, client, council, count: int
) -> None:
    files = [(samples.PDF + str(n).encode(), f"{n}.pdf") for n in range(count)]
    response = api_upload(client, council, files)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.json["error"]["fields"]["file"] == "You can send up to 10 files at a time"
    assert evidence_rows(app) == 0 and files_on_disk(app) == []


def test_ten_files_are_fine(app, client, council) -> None:
    files = [(samples.PDF + str(n).encode(), f"{n}.pdf") for n in range(10)]
    assert api_upload(client, council, files).status_code == 201
    assert evidence_rows(app) == 10


def test_an_oversized_file_from_the_page_comes_back_to_the_form(app, client, council) -> None:
    app.config["EVIDENCE_MAX_BYTES"] = 1000
    sign_in(client, council["officer"])
    response = send_evidence(
        client,
        council["id"],
        [(samples.PDF, "small.pdf"), (samples.PDF + bytes(2000), "big.pdf")],
        note="Paid on 20 January",
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert 'href="#evidence-files-1-file"' in html, "the summary links to the file"
    assert "The file must be smaller than 0.001 MB" in html
    assert "Paid on 20 January" in html and 'value="about big.pdf"' in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(EvidenceSubmission.id))) == 0
    assert files_on_disk(app) == []


# Zip bombs -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """An OpenDocument text whose `mimetype` entry inflates to 1 GiB (the media type, then
    spaces that a careless check strips away): about 1 MB zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w") as entry:
            entry.write(b"application/vnd.oasis.opendocument.text")
            spaces = b" " * (1 << 20)
            for _ in range(1024):
                entry.write(spaces)
        archive.writestr("content.xml", b"<office:document-content/>")
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_with_a_422_at_little_cost(app, client, council, zip_bomb) -> None:
    assert len(zip_bomb) < 2 * MB
    tracemalloc.start()
    try:
        response = api_upload(client, council, [(zip_bomb, "minutes.odt")])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 422
    assert "minutes.odt" in response.json["error"]["fields"]["file"]
    assert peak < 50 * MB, f"the upload cost {peak / MB:.0f} MB"
    assert evidence_rows(app) == 0 and files_on_disk(app) == []


def test_a_zip_bomb_from_the_page_is_a_form_error(app, client, council, zip_bomb) -> None:
    sign_in(client, council["officer"])
    response = send_evidence(client, council["id"], [(zip_bomb, "minutes.odt")])
    assert response.status_code == 200
    assert "“minutes.odt” is not a file we accept" in response.get_data(as_text=True)
    assert evidence_rows(app) == 0 and files_on_disk(app) == []
