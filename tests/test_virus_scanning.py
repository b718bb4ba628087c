"""Virus scanning with ClamAV: with CLAMD_URL set, every evidence file is streamed to a real
clamd before it is kept; a virus is refused (422 `infected`, a form error on the page), a
scanner that is down or silent refuses everything (503); nothing is stored either way, and
each refusal stays in the audit trail although the request rolls back."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY

from tests import samples
from tests.clamav import EICAR, SIGNATURE, Clamd, SilentScanner, free_port
from tests.helpers import send_evidence, sign_in, text_of
from tracker import create_app
from tracker.extensions import db
from tracker.models import AuditEvent, EvidenceFile, Recommendation, User
from tracker.plumbing.scanner import CHUNK, Scanner, ScannerError
from tracker.services import audit

MB = 1_000_000
INFECTED_PDF = samples.PDF + b"%" + EICAR + b"\n"


@pytest.fixture
def council(app, build, frozen_clock):
    """A Leicestershire recommendation and its council's officer, with an API token."""
    build.authority("LEICS")
    officer = build.user("officer", authority="LEICS")
    return {"id": build.payment_due(), "officer": officer, "token": build.bearer(officer)}


@pytest.fixture
def scanning(app, clamd):
    """The application scanning with the suite's clamd, over its unix socket."""
    app.config["CLAMD_URL"] = clamd.unix_url
    return clamd


def api_upload(client, council, files):
    return client.post(
        f"/api/v1/recommendations/{council['id']}/evidence",
        data={"file": [(io.BytesIO(content), name) for content, name in files]},
        headers=council["token"],
        content_type="multipart/form-data",
    )


def files_in_store(app) -> list[Path]:
    """Every file under EVIDENCE_DIR: objects, and temporary files left in incoming/."""
    root = Path(app.config["EVIDENCE_DIR"])
    return sorted(path for path in root.rglob("*") if path.is_file())


def evidence_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(EvidenceFile.id))) or 0


def refusals(app) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.action.in_(["evidence.infected", "evidence.not_scanned"]))
                .order_by(AuditEvent.id)
            )
        )


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


def assert_nothing_stored(app) -> None:
    assert evidence_rows(app) == 0
    assert files_in_store(app) == [], "no object, and no temporary file left behind"


# The client against the real clamd ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["unix", "tcp"])
def test_clamd_finds_the_test_virus_and_passes_a_clean_file(clamd, kind) -> None:
    scanner = Scanner(clamd.unix_url if kind == "unix" else clamd.tcp_url)
    assert scanner.problem() is None
    assert scanner.scan(io.BytesIO(samples.PDF)) is None
    assert scanner.scan(io.BytesIO(EICAR)).startswith(SIGNATURE)


def test_a_file_is_streamed_in_chunks_and_scanned_to_its_end(clamd) -> None:
    scanner = Scanner(clamd.tcp_url)
    padding = bytes(3 * CHUNK + 123)
    assert scanner.scan(io.BytesIO(padding + EICAR)).startswith(SIGNATURE)
    assert scanner.scan(io.BytesIO(padding)) is None


def test_a_scanner_that_is_not_there_says_so(tmp_path) -> None:
    for url in (f"tcp://127.0.0.1:{free_port()}", f"unix://{tmp_path / 'none.ctl'}"):
        scanner = Scanner(url, connect_timeout=2, timeout=2)
        assert "cannot reach clamd" in (scanner.problem() or "")
        with pytest.raises(ScannerError, match="cannot reach clamd"):
            scanner.scan(io.BytesIO(samples.PDF))


def test_a_scanner_that_never_answers_times_out(tmp_path) -> None:
    silent = SilentScanner(tmp_path / "silent.ctl")
    try:
        scanner = Scanner(silent.url, connect_timeout=2, timeout=0.3)
        with pytest.raises(ScannerError, match=r"no answer within 0\.3 s"):
            scanner.scan(io.BytesIO(samples.PDF))
        assert scanner.problem() == "clamd gave no answer within 0.3 s"
    finally:
        silent.close()


def test_a_health_ping_waits_no_longer_than_the_connect_timeout(tmp_path) -> None:
    """A load balancer's health check must not hang for a whole scan's timeout."""
    silent = SilentScanner(tmp_path / "silent.ctl")
    try:
        scanner = Scanner(silent.url, connect_timeout=0.3, timeout=60)
        assert scanner.problem() == "clamd gave no answer within 0.3 s"
    finally:
        silent.close()


@pytest.mark.parametrize(
    ("setting", "value", "complaint"),
    [
        ("CLAMD_URL", "http://127.0.0.1:3310", "use tcp://host:port or unix:///path"),
        ("CLAMD_URL", "tcp://127.0.0.1", "write a TCP address as tcp://host:3310"),
        ("CLAMD_URL", "tcp://127.0.0.1:99999", "the port is not a number"),
        ("CLAMD_URL", "unix://clamd.ctl", "unix:///absolute/path"),
        ("CLAMD_TIMEOUT", "soon", "CLAMD_TIMEOUT is 'soon'"),
        ("CLAMD_CONNECT_TIMEOUT", "0", "CLAMD_CONNECT_TIMEOUT is '0'"),
    ],
)
def test_a_bad_scanner_setting_stops_the_start(tmp_path, setting, value, complaint) -> None:
    config = {"TESTING": True, "INSTANCE_PATH": str(tmp_path), "CLAMD_URL": "tcp://clamd:3310"}
    with pytest.raises(RuntimeError, match="Virus scanning") as refused:
        create_app({**config, setting: value})
    assert complaint in str(refused.value)


# Uploads -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["unix", "tcp"])
def test_a_clean_file_is_scanned_and_kept(app, client, council, clamd, kind) -> None:
    app.config["CLAMD_URL"] = clamd.unix_url if kind == "unix" else clamd.tcp_url
    response = api_upload(client, council, [(samples.PDF, "receipt.pdf")])
    assert response.status_code == 201, response.get_data(as_text=True)
    assert evidence_rows(app) == 1 and refusals(app) == []


@pytest.mark.parametrize("kind", ["unix", "tcp"])
def test_an_infected_file_is_refused_in_the_api_and_audited(
    app, client, council, clamd, kind
) -> None:
    app.config["CLAMD_URL"] = clamd.unix_url if kind == "unix" else clamd.tcp_url
    files = [(samples.PDF, "receipt.pdf"), (INFECTED_PDF, "letter.pdf")]
    response = api_upload(client, council, files)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "infected"
    assert error["fields"]["file"].startswith(f"“letter.pdf” contains a virus ({SIGNATURE}")
    assert error["fields"]["file"].endswith(") and was not kept")
    assert_nothing_stored(app)  # the clean file of the same submission neither
    [event] = refusals(app)
    assert event.action == "evidence.infected"
    assert event.actor_id == user_id(app, council["officer"])
    assert event.recommendation_id == council["id"]
    assert event.after["file"] == "letter.pdf"
    assert event.after["signature"].startswith(SIGNATURE)
    assert len(event.after["sha256"]) == 64


def test_an_infected_file_is_a_form_error_on_the_page(app, client, council, scanning) -> None:
    sign_in(client, council["officer"])
    response = send_evidence(client, council["id"], [(EICAR, "minutes.txt")], note="Paid.")
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert "There is a problem" in text
    assert f"“minutes.txt” contains a virus ({SIGNATURE}" in text and "was not kept" in text
    assert "Paid." in response.get_data(as_text=True), "what was typed is kept"
    assert_nothing_stored(app)
    [event] = refusals(app)
    assert event.action == "evidence.infected" and event.after["file"] == "minutes.txt"
    assert event.actor_id == user_id(app, council["officer"])
    assert event.recommendation_id == council["id"]


def test_a_stopped_scanner_refuses_every_file_with_503(
    app, client, council, tmp_path_factory
) -> None:
    own = Clamd(tmp_path_factory.mktemp("stopped-clamd"))
    own.start()
    app.config["CLAMD_URL"] = own.tcp_url
    assert api_upload(client, council, [(samples.PDF, "before.pdf")]).status_code == 201
    own.stop()
    response = api_upload(client, council, [(samples.PDF, "receipt.pdf")])
    assert response.status_code == 503
    assert response.json["error"]["code"] == "unavailable"
    assert "virus scanner is not available" in response.json["error"]["message"]
    assert int(response.headers["Retry-After"]) > 0
    assert evidence_rows(app) == 1, "only the file sent while it ran"
    [event] = refusals(app)
    assert event.action == "evidence.not_scanned" and event.after["file"] == "receipt.pdf"
    assert "cannot reach clamd" in event.after["reason"]


def test_a_stopped_scanner_answers_503_on_the_page(app, client, council, tmp_path) -> None:
    app.config["CLAMD_URL"] = f"unix://{tmp_path / 'stopped.ctl'}"
    sign_in(client, council["officer"])
    response = send_evidence(client, council["id"], [(samples.PDF, "receipt.pdf")])
    assert response.status_code == 503
    text = text_of(response.get_data(as_text=True))
    assert "virus scanner is not available, so your files were not kept" in text
    assert_nothing_stored(app)
    assert [event.action for event in refusals(app)] == ["evidence.not_scanned"]


def test_a_scanner_that_never_answers_refuses_the_file_after_the_timeout(
    app, client, council, tmp_path
) -> None:
    silent = SilentScanner(tmp_path / "silent.ctl")
    app.config.update(CLAMD_URL=silent.url, CLAMD_TIMEOUT="0.3")
    try:
        response = api_upload(client, council, [(samples.PDF, "receipt.pdf")])
    finally:
        silent.close()
    assert response.status_code == 503
    assert_nothing_stored(app)
    [event] = refusals(app)
    assert event.after["reason"] == "clamd gave no answer within 0.3 s"


def test_without_clamd_url_nothing_is_scanned(app, client, council) -> None:
    assert app.config["CLAMD_URL"] is None
    response = api_upload(client, council, [(EICAR, "minutes.txt")])
    assert response.status_code == 201


# The audit trail's exception to one unit of work -------------------------------------------


@pytest.mark.parametrize("ending", ["rollback", "commit", "close"])
def test_an_event_recorded_apart_stays_however_the_transaction_ends(app, build, ending) -> None:
    build.authority("LEICS")
    build.case("LEICS", reference="26 000 002", recommendations=[("Pay Mrs Y £50.", "personal")])
    [recommendation_id] = build.recommendation_ids("26 000 002")
    with app.app_context():
        recommendation = db.session.get(Recommendation, recommendation_id)
        audit.record_apart(
            db.session,
            action="evidence.infected",
            entity=recommendation,
            actor=None,
            now=datetime(2026, 1, 5, 9, tzinfo=UTC),
            after={"file": "a.pdf"},
        )
        assert refusals(app) == [], "not before the transaction ends"
        getattr(db.session, ending)()
    [event] = refusals(app)
    assert (event.recommendation_id, event.after) == (recommendation_id, {"file": "a.pdf"})
    with app.app_context():
        db.session.rollback()  # a later transaction's end does not write it twice
    assert len(refusals(app)) == 1


def test_refusals_are_counted_by_reason_for_operators(
    app, client, council, clamd, tmp_path
) -> None:
    def refused(reason: str) -> float:
        labels = {"reason": reason}
        return REGISTRY.get_sample_value("tracker_evidence_files_refused_total", labels) or 0.0

    infected, unavailable = refused("infected"), refused("scanner_unavailable")
    app.config["CLAMD_URL"] = clamd.tcp_url
    assert api_upload(client, council, [(EICAR, "minutes.txt")]).status_code == 422
    app.config["CLAMD_URL"] = f"unix://{tmp_path / 'stopped.ctl'}"
    assert api_upload(client, council, [(samples.PDF, "receipt.pdf")]).status_code == 503
    assert (refused("infected"), refused("scanner_unavailable")) == (infected + 1, unavailable + 1)
