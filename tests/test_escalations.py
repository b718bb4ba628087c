"""The escalation ladder: caseworkers and managers record each step taken on a case; the
council sees which steps were taken, never the notes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tests.helpers import csrf_token, sign_in, submit
from tracker.extensions import db
from tracker.models import AuditEvent, Case, Escalation, User
from tracker.services import escalations
from tracker.services.errors import StateError, ValidationError

DECIDED = date(2026, 9, 1)  # "within one month": overdue since 1 October
NOTE = "Three chasers unanswered: writing to the chief executive."
CASE = "/cases/26-000-001"
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture
def overdue(app, build, frozen_clock):
    build.authority("LEICS", name="Leicestershire County Council")
    build.authority("NOTTS")
    recommendation_id = build.payment_due(decided=DECIDED)
    return {
        "id": recommendation_id,
        "caseworker": build.user("caseworker", name="Casey Walker"),
        "manager": build.user("manager", name="Mandy"),
        "officer": build.user("officer", authority="LEICS", name="Olive"),
        "stranger": build.user("officer", authority="NOTTS", name="Nina"),
    }


def headers(build, email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {build.token(email)}"}


def steps(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (e.step.value, e.note)
            for e in db.session.scalars(sa.select(Escalation).order_by(Escalation.id))
        ]


def record(app, email: str, step: str, note: str) -> None:
    with app.app_context():
        case = db.session.scalar(sa.select(Case))
        user = db.session.scalar(sa.select(User).where(User.email == email))
        escalations.record_step(
            db.session, case, step, note, actor=user, today=date(2026, 11, 23), now=NOW
        )
        db.session.commit()


def test_a_step_is_recorded_with_its_event(app, overdue) -> None:
    record(app, overdue["caseworker"], "chief_executive_letter", NOTE)
    with app.app_context():
        [event] = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "case.escalated")
        ).all()
        assert event.note == "Letter to the chief executive"
        assert event.after == {"step": "chief_executive_letter", "note": NOTE}
        assert event.case_id is not None and event.actor_id is not None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"step": "ceasefire", "note": NOTE}, "step"),
        ({"step": "meeting", "note": ""}, "note"),
        ({"step": "meeting"}, "note"),
        ({"note": NOTE}, "step"),
    ],
)
def test_a_bad_step_is_refused_and_nothing_is_kept(app, client, build, overdue, body, field):
    refused = client.post(
        "/api/v1/cases/26 000 001/escalations",
        json=body,
        headers=headers(build, overdue["caseworker"]),
    )
    assert refused.status_code == 422, refused.get_data(as_text=True)
    assert field in refused.json["error"]["fields"]
    assert steps(app) == []


def test_a_case_with_its_compliance_outcome_is_not_escalated(app, overdue) -> None:
    with app.app_context():
        case = db.session.scalar(sa.select(Case))
        case.compliance_outcome, case.compliance_date = "satisfied", date(2026, 11, 1)
        db.session.commit()
    with pytest.raises(
        StateError, match="has its compliance outcome: there is nothing to escalate"
    ):
        record(app, overdue["caseworker"], "meeting", NOTE)
    assert steps(app) == []


def test_a_blank_note_is_refused(app, overdue) -> None:
    with pytest.raises(ValidationError) as refused:
        record(app, overdue["caseworker"], "meeting", "   ")
    assert refused.value.fields == {"note": "Say why, and what was decided"}
    assert steps(app) == []


def test_the_api_records_and_lists_the_steps(app, client, build, overdue) -> None:
    path = "/api/v1/cases/26-000-001/escalations"
    first = client.post(
        path,
        json={"step": "chief_executive_letter", "note": NOTE},
        headers=headers(build, overdue["caseworker"]),
    )
    assert first.status_code == 201, first.get_data(as_text=True)
    assert first.json == {
        "step": "chief_executive_letter",
        "note": NOTE,
        "by": overdue["caseworker"],
        "on": "2026-11-23",
    }
    second = client.post(
        path,
        json={"step": "case_conference", "note": "With the investigator."},
        headers=headers(build, overdue["manager"]),
    )
    assert second.status_code == 201
    listed = client.get(path, headers=headers(build, overdue["manager"])).json
    assert [(s["step"], s["by"]) for s in listed] == [
        ("chief_executive_letter", overdue["caseworker"]),
        ("case_conference", overdue["manager"]),
    ]
    recommendation = client.get(
        f"/api/v1/recommendations/{overdue['id']}", headers=headers(build, overdue["officer"])
    ).json
    assert recommendation["escalation"] == "case_conference"


def test_councils_neither_take_nor_read_the_steps(app, client, build, overdue) -> None:
    path = "/api/v1/cases/26-000-001/escalations"
    body = {"step": "meeting", "note": NOTE}
    assert (
        client.post(path, json=body, headers=headers(build, overdue["officer"])).status_code == 403
    )
    assert client.get(path, headers=headers(build, overdue["officer"])).status_code == 403
    assert client.get(path, headers=headers(build, overdue["stranger"])).status_code == 404
    assert steps(app) == []


def test_a_caseworker_records_a_step_on_the_case_page(app, client, overdue) -> None:
    sign_in(client, overdue["caseworker"])
    response = submit(
        client, f"{CASE}/escalations", {"step": "meeting", "note": NOTE}, form_page=CASE
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Recorded: meeting with the council." in page
    assert NOTE in page and "By Casey Walker" in page
    refused = submit(client, f"{CASE}/escalations", {"step": "meeting", "note": ""}, form_page=CASE)
    assert 'id="note-error"' in refused.get_data(as_text=True)
    assert steps(app) == [("meeting", NOTE)]


def test_the_council_sees_the_step_but_not_the_note(app, client, build, overdue) -> None:
    client.post(
        "/api/v1/cases/26-000-001/escalations",
        json={"step": "chief_executive_letter", "note": NOTE},
        headers=headers(build, overdue["caseworker"]),
    )
    sign_in(client, overdue["officer"])
    page = client.get(CASE).get_data(as_text=True)
    assert "Letter to the chief executive" in page
    assert NOTE not in page and "Record a step" not in page
    form = {"csrf_token": csrf_token(client, CASE), "step": "meeting", "note": "We met"}
    assert client.post(f"{CASE}/escalations", data=form).status_code == 403
