"""The compliance workflow through the pages: evidence, review, extensions, outcomes."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import samples
from tests.helpers import act, page_form, send_evidence, sign_in
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    Case,
    ComplianceOutcome,
    DueDateSource,
    EvidenceFile,
    EvidenceSubmission,
    Recommendation,
    RecommendationStatus,
    User,
)
from tracker.services import compliance
from tracker.services.errors import ConflictError

DECIDED = date(2026, 11, 1)


@pytest.fixture
def setting(app, build, frozen_clock):
    """Leicestershire's case with two recommendations; an officer, a caseworker, a stranger."""
    build.authority("LEICS", name="Leicestershire County Council")
    build.authority("NOTTS", name="Nottinghamshire County Council")
    build.case(
        "LEICS",
        reference="26 000 001",
        decided=DECIDED,
        recommendations=[
            ("Within one month of my final decision, pay Mrs X £300.", "personal"),
            ("Within three months, remind staff of the policy.", "service_improvement"),
        ],
    )
    return {
        "ids": build.recommendation_ids("26 000 001"),
        "officer": build.user("officer", authority="LEICS"),
        "stranger": build.user("officer", authority="NOTTS"),
        "caseworker": build.user("caseworker"),
    }


def recommendation(app, recommendation_id: int) -> Recommendation:
    with app.app_context():
        found = db.session.get(Recommendation, recommendation_id)
        _ = found.case.compliance_outcome
        return found


def case(app) -> Case:
    with app.app_context():
        return db.session.scalar(sa.select(Case))


def stored_files(app) -> list[Path]:
    root = Path(app.config["EVIDENCE_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file())


def actions(app, recommendation_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent.action)
                .where(AuditEvent.recommendation_id == recommendation_id)
                .order_by(AuditEvent.id)
            )
        )


def test_an_officer_sends_several_files_and_they_are_kept_by_hash(app, client, setting) -> None:
    sign_in(client, setting["officer"])
    first = setting["ids"][0]
    response = send_evidence(
        client, first, [(samples.PDF, "receipt.pdf"), (samples.PNG, "screen.png")], "Paid."
    )
    assert response.status_code == 302
    page = client.get(f"/recommendations/{first}").get_data(as_text=True)
    assert "2 files sent as revision 1" in page
    assert hashlib.sha256(samples.PDF).hexdigest() in page, "the hash is shown"
    assert "receipt.pdf" in page and "about receipt.pdf" in page and "PDF" in page
    assert recommendation(app, first).status is RecommendationStatus.EVIDENCE_SUBMITTED
    with app.app_context():
        files = db.session.scalars(sa.select(EvidenceFile).order_by(EvidenceFile.id)).all()
        assert [(f.original_name, f.content_type, f.size) for f in files] == [
            ("receipt.pdf", "application/pdf", len(samples.PDF)),
            ("screen.png", "image/png", len(samples.PNG)),
        ]
    objects = [p for p in stored_files(app) if "objects" in p.parts]
    assert sorted(p.name for p in objects) == sorted(
        hashlib.sha256(content).hexdigest() for content in (samples.PDF, samples.PNG)
    )
    assert not [p for p in stored_files(app) if "incoming" in p.parts], "no temporary files left"


def test_the_whole_journey_ends_with_the_case_satisfied(app, client, setting) -> None:
    officer, caseworker = app.test_client(), app.test_client()
    sign_in(officer, setting["officer"])
    sign_in(caseworker, setting["caseworker"])
    first, second = setting["ids"]

    send_evidence(officer, first, [(samples.PDF, "receipt.pdf")])
    response = act(
        caseworker,
        first,
        "review",
        "review",
        decision="changes_requested",
        note="The receipt does not show the <b>amount</b>.",
    )
    assert response.status_code == 302
    assert recommendation(app, first).status is RecommendationStatus.CHANGES_REQUESTED
    officer_view = officer.get(f"/recommendations/{first}").get_data(as_text=True)
    # The banner's markup is markup and the caseworker's words are text.
    assert (
        '<p class="govuk-body app-table__cell--text">'
        "The receipt does not show the &lt;b&gt;amount&lt;/b&gt;.</p>" in officer_view
    )
    assert "&lt;p" not in officer_view

    send_evidence(officer, first, [(samples.CSV, "payment.csv")])
    assert recommendation(app, first).status is RecommendationStatus.EVIDENCE_SUBMITTED
    act(caseworker, first, "review", "review", decision="accept", note="")
    accepted = recommendation(app, first)
    assert accepted.status is RecommendationStatus.ACCEPTED and accepted.closed_at
    assert case(app).compliance_outcome is None, "one recommendation is still open"

    send_evidence(officer, second, [(samples.DOCX, "training record.docx")])
    response = act(caseworker, second, "review", "review", decision="accept", note="Good.")
    settled = case(app)
    assert settled.compliance_outcome is ComplianceOutcome.SATISFIED
    assert settled.compliance_date == date(2026, 11, 23)
    assert "compliance outcome is satisfied" in caseworker.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    with app.app_context():
        revisions = db.session.scalars(
            sa.select(EvidenceSubmission.revision)
            .where(EvidenceSubmission.recommendation_id == first)
            .order_by(EvidenceSubmission.revision)
        ).all()
    assert revisions == [1, 2], "a later upload is a new revision, never a replacement"
    assert actions(app, first) == [
        "recommendation.created",
        "evidence.submitted",
        "recommendation.changes_requested",
        "evidence.submitted",
        "recommendation.accept",
    ]


def test_evidence_after_the_due_date_makes_the_outcome_late(
    app, client, setting, frozen_clock
) -> None:
    first, second = setting["ids"]
    officer, caseworker = app.test_client(), app.test_client()
    frozen_clock(to=datetime(2027, 1, 10, 12, tzinfo=UTC))  # the first was due 1 December
    sign_in(officer, setting["officer"])
    sign_in(caseworker, setting["caseworker"])
    for recommendation_id in (first, second):
        send_evidence(officer, recommendation_id, [(samples.PDF, "done.pdf")])
        act(caseworker, recommendation_id, "review", "review", decision="accept", note="")
    assert case(app).compliance_outcome is ComplianceOutcome.SATISFIED_LATE
    assert recommendation(app, first).completed_on == date(2027, 1, 10)


def test_not_complied_closes_it_and_the_case_is_not_satisfied(app, client, setting) -> None:
    first, second = setting["ids"]
    sign_in(client, setting["caseworker"])
    response = act(client, first, "review", "review", decision="not_complied", note="")
    assert "Say why the council has not complied" in response.get_data(as_text=True)
    act(client, first, "review", "review", decision="not_complied", note="Refused to pay.")
    assert recommendation(app, first).status is RecommendationStatus.NOT_COMPLIED
    act(client, second, "review", "review", decision="not_complied", note="No training.")
    assert case(app).compliance_outcome is ComplianceOutcome.NOT_SATISFIED


def test_reopening_withdraws_the_outcome_until_it_closes_again(app, client, setting) -> None:
    first, second = setting["ids"]
    sign_in(client, setting["caseworker"])
    for recommendation_id in (first, second):
        act(client, recommendation_id, "review", "review", decision="not_complied", note="No.")
    assert case(app).compliance_outcome is ComplianceOutcome.NOT_SATISFIED
    assert "Say why you are reopening it" in act(
        client, first, "reopen", "reopen", reason=""
    ).get_data(as_text=True)
    act(client, first, "reopen", "reopen", reason="The council has now paid.")
    assert recommendation(app, first).status is RecommendationStatus.OPEN
    assert (case(app).compliance_outcome, case(app).compliance_date) == (None, None)
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(AuditEvent.action == "case.compliance_withdrawn")
            )
            == 1
        )


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ("accept", "There is no evidence awaiting review"),
        ("changes_requested", "There is no evidence awaiting review"),
    ],
)
def test_nothing_to_review_is_refused(app, client, setting, decision, message) -> None:
    sign_in(client, setting["caseworker"])
    first = setting["ids"][0]
    response = act(client, first, "review", "review", decision=decision, note="x")
    assert message in response.get_data(as_text=True)
    assert recommendation(app, first).status is RecommendationStatus.OPEN


def test_a_closed_recommendation_cannot_be_reviewed_again(app, client, setting) -> None:
    sign_in(client, setting["caseworker"])
    first = setting["ids"][0]
    act(client, first, "review", "review", decision="not_complied", note="No.")
    page = f"/recommendations/{first}"
    reopen = page_form(client, page, "reopen")  # the review form is gone: borrow its token
    response = client.post(
        f"{page}/review",
        data={
            "review-csrf_token": reopen["reopen-csrf_token"],
            "review-version": reopen["reopen-version"],
            "review-decision": "accept",
        },
    )
    assert "already not complied" in response.get_data(as_text=True)
    assert recommendation(app, first).status is RecommendationStatus.NOT_COMPLIED


def test_an_officer_cannot_accept_their_own_evidence(app, client, setting) -> None:
    sign_in(client, setting["officer"])
    first = setting["ids"][0]
    send_evidence(client, first, [(samples.PDF, "receipt.pdf")])
    page = client.get(f"/recommendations/{first}").get_data(as_text=True)
    assert "Record the decision" not in page
    data = page_form(client, f"/recommendations/{first}", "evidence")
    data = {
        "review-csrf_token": data["evidence-csrf_token"],
        "review-decision": "accept",
        "review-version": data["evidence-version"],
        "review-note": "",
    }
    assert client.post(f"/recommendations/{first}/review", data=data).status_code == 403
    assert recommendation(app, first).status is RecommendationStatus.EVIDENCE_SUBMITTED


def test_another_councils_officer_can_neither_see_nor_act(app, client, setting) -> None:
    sign_in(client, setting["stranger"])
    first = setting["ids"][0]
    assert client.get(f"/recommendations/{first}").status_code == 404
    home = client.get("/").get_data(as_text=True)
    token = home.split('name="csrf_token" value="')[1].split('"')[0]
    for action in ("evidence", "extension", "review"):
        response = client.post(
            f"/recommendations/{first}/{action}",
            data={"csrf_token": token},
            content_type="multipart/form-data",
        )
        assert response.status_code == 404, action
    assert recommendation(app, first).status is RecommendationStatus.OPEN
    assert "26 000 001" not in client.get("/recommendations/").get_data(as_text=True)


def test_a_renamed_executable_is_refused_and_nothing_is_kept(app, client, setting) -> None:
    sign_in(client, setting["officer"])
    first = setting["ids"][0]
    response = send_evidence(
        client, first, [(samples.PDF, "fine.pdf"), (samples.EXECUTABLE, "invoice.pdf")]
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "“invoice.pdf” is not a file we accept" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(EvidenceFile.id))) == 0
    assert stored_files(app) == [], "neither the good file nor the bad one was kept"
    assert recommendation(app, first).status is RecommendationStatus.OPEN


def test_an_oversized_file_is_a_form_error_and_nothing_is_kept(app, client, setting) -> None:
    app.config["EVIDENCE_MAX_BYTES"] = 1000
    sign_in(client, setting["officer"])
    first = setting["ids"][0]
    response = send_evidence(client, first, [(samples.PDF + bytes(2000), "big.pdf")])
    assert response.status_code == 200  # the same form, not a page that loses what was typed
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "The file must be smaller than 0.001 MB" in html
    assert stored_files(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(EvidenceSubmission.id))) == 0


def test_an_interrupted_upload_leaves_nothing_behind(app, client, setting) -> None:
    sign_in(client, setting["officer"])
    first = setting["ids"][0]
    data = page_form(client, f"/recommendations/{first}", "evidence")
    boundary = "boundary123"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="evidence-csrf_token"\r\n\r\n'
        f"{data['evidence-csrf_token']}\r\n--{boundary}\r\nContent-Disposition: form-data; "
        f'name="evidence-files-0-file"; filename="a.pdf"\r\nContent-Type: application/pdf'
        "\r\n\r\n"
    ).encode() + samples.PDF  # the connection drops here: no closing boundary
    response = client.post(
        f"/recommendations/{first}/evidence",
        data=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(body) + 5000),
        },
    )
    assert response.status_code == 400
    assert stored_files(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(EvidenceFile.id))) == 0


def test_downloads_check_permission_and_arrive_as_attachments(app, client, setting) -> None:
    officer = app.test_client()
    sign_in(officer, setting["officer"])
    send_evidence(officer, setting["ids"][0], [(samples.PDF, "receipt .pdf")])
    with app.app_context():
        file_id = db.session.scalar(sa.select(EvidenceFile.id))
    for who in ("officer", "caseworker"):
        reader = app.test_client()
        sign_in(reader, setting[who])
        response = reader.get(f"/evidence/{file_id}")
        assert response.status_code == 200, who
        assert response.data == samples.PDF
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.mimetype == "application/pdf"
    stranger = app.test_client()
    sign_in(stranger, setting["stranger"])
    assert stranger.get(f"/evidence/{file_id}").status_code == 404
    assert app.test_client().get(f"/evidence/{file_id}").status_code == 302  # sign in first
    assert officer.get(f"/evidence/{file_id + 1}").status_code == 404


def test_the_same_bytes_twice_are_stored_once(app, client, setting) -> None:
    sign_in(client, setting["officer"])
    first, second = setting["ids"]
    send_evidence(client, first, [(samples.PDF, "one.pdf")])
    send_evidence(client, second, [(samples.PDF, "two.pdf")])
    assert len([p for p in stored_files(app) if "objects" in p.parts]) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(EvidenceFile.id))) == 2


def test_an_officer_asks_for_more_time_and_a_caseworker_agrees(app, client, setting) -> None:
    officer, caseworker = app.test_client(), app.test_client()
    sign_in(officer, setting["officer"])
    sign_in(caseworker, setting["caseworker"])
    first = setting["ids"][0]
    assert recommendation(app, first).due_date == date(2026, 12, 1)
    for until, message in (
        (["1", "11", "2026"], "must be in the future"),
        (["", "", ""], "Enter the new date you are asking for"),
    ):
        response = act(officer, first, "extension", "extension", until=until, reason="Busy")
        page = response.get_data(as_text=True)
        assert message in page
        # By the field it concerns, not only in the summary (the service's refusal too).
        assert re.search(
            r'id="extension-until-error"[^>]*>\s*<span[^>]*>Error:</span> [^<]*' + message, page
        )
    response = act(
        officer,
        first,
        "extension",
        "extension",
        until=["31", "12", "2026"],
        reason="The payment run is monthly.",
    )
    assert response.status_code == 302
    officer_page = officer.get(f"/recommendations/{first}").get_data(as_text=True)
    assert "Ask for more time" not in officer_page, "one request at a time"
    page = caseworker.get(f"/recommendations/{first}").get_data(as_text=True)
    assert "The payment run is monthly." in page and "31 December 2026" in page
    act(caseworker, first, "extension-decision", "decision", decision="agreed", note="")
    after = recommendation(app, first)
    assert after.due_date == date(2026, 12, 31)
    assert after.decision_due_date == date(2026, 12, 1), "the decision's date stays on record"
    assert after.due_date_source is DueDateSource.EXTENSION
    assert actions(app, first)[-2:] == ["extension.requested", "extension.agreed"]


def test_a_refusal_needs_a_note_and_leaves_the_date(app, client, setting) -> None:
    officer, caseworker = app.test_client(), app.test_client()
    sign_in(officer, setting["officer"])
    sign_in(caseworker, setting["caseworker"])
    first = setting["ids"][0]
    act(officer, first, "extension", "extension", until=["31", "12", "2026"], reason="Busy")
    response = act(caseworker, first, "extension-decision", "decision", decision="refused", note="")
    assert "Say why the request is refused" in response.get_data(as_text=True)
    act(
        caseworker,
        first,
        "extension-decision",
        "decision",
        decision="refused",
        note="A month was long enough.",
    )
    assert recommendation(app, first).due_date == date(2026, 12, 1)


def test_two_caseworkers_at_once_one_wins_the_other_is_told(app, build, setting) -> None:
    first = setting["ids"][0]
    build.user("caseworker", email="second@example.org")
    officer = app.test_client()
    sign_in(officer, setting["officer"])
    send_evidence(officer, first, [(samples.PDF, "receipt.pdf")])
    now = datetime.now(UTC)
    # Two requests at once: each has its own application context, so its own session.
    with app.app_context():
        mine = db.session.get(Recommendation, first)
        me = db.session.scalar(sa.select(User).where(User.email == setting["caseworker"]))
        with app.app_context():
            theirs = db.session.get(Recommendation, first)
            them = db.session.scalar(sa.select(User).where(User.email == "second@example.org"))
            compliance.review(db.session, theirs, "accept", "", actor=them, now=now)
            db.session.commit()
        with pytest.raises(ConflictError, match="Someone else changed"):
            compliance.review(
                db.session,
                mine,
                "changes_requested",
                "More please.",
                actor=me,
                now=now + timedelta(seconds=1),
            )
        db.session.rollback()
    assert recommendation(app, first).status is RecommendationStatus.ACCEPTED


def test_a_stale_page_is_told_the_record_changed(app, client, setting) -> None:
    officer, caseworker = app.test_client(), app.test_client()
    sign_in(officer, setting["officer"])
    sign_in(caseworker, setting["caseworker"])
    first = setting["ids"][0]
    send_evidence(officer, first, [(samples.PDF, "receipt.pdf")])
    page = f"/recommendations/{first}"
    stale = page_form(caseworker, page, "review", decision="changes_requested", note="More")
    act(caseworker, first, "review", "review", decision="accept", note="")
    response = caseworker.post(f"{page}/review", data=stale)
    assert "Someone else changed this recommendation" in response.get_data(as_text=True)
    assert recommendation(app, first).status is RecommendationStatus.ACCEPTED


def test_closing_a_cases_last_two_at_once_still_records_its_outcome(app, build, setting) -> None:
    """Two caseworkers each close one of the case's two open recommendations at the same
    moment: neither saw the other's, so one is told to try again rather than both saving
    and the case never getting its outcome."""
    first, second = setting["ids"]
    build.user("caseworker", email="second@example.org")
    now = datetime.now(UTC)
    with app.app_context():
        mine = db.session.get(Recommendation, first)
        _ = mine.case.recommendations  # what this caseworker's page showed: both open
        me = db.session.scalar(sa.select(User).where(User.email == setting["caseworker"]))
        with app.app_context():
            theirs = db.session.get(Recommendation, second)
            them = db.session.scalar(sa.select(User).where(User.email == "second@example.org"))
            compliance.review(db.session, theirs, "not_complied", "No.", actor=them, now=now)
            db.session.commit()
        with pytest.raises(ConflictError, match="changed"):
            compliance.review(db.session, mine, "not_complied", "No.", actor=me, now=now)
        db.session.rollback()
    assert recommendation(app, first).status is RecommendationStatus.OPEN
    with app.app_context():  # trying again sees both, and settles the case
        again = db.session.get(Recommendation, first)
        me = db.session.scalar(sa.select(User).where(User.email == setting["caseworker"]))
        compliance.review(db.session, again, "not_complied", "No.", actor=me, now=now)
        db.session.commit()
    assert case(app).compliance_outcome is ComplianceOutcome.NOT_SATISFIED
