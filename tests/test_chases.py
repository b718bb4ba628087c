"""Chases made by hand: recorded from the recommendation page or the API, counted as chasers
(the next automatic one comes 7 days later), kept from the council's view."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from tests.helpers import act, csrf_token, sign_in
from tracker.extensions import db
from tracker.models import AuditEvent, Chase, Notification, Recommendation, User
from tracker.services import chases, chasing
from tracker.services.errors import StateError, ValidationError

DECIDED = date(2026, 11, 1)
DUE = date(2026, 12, 1)  # "within one month" of 1 November
NOTE = "Spoke to the finance manager: payment goes out on Friday."


@pytest.fixture
def overdue(app, build, frozen_clock):
    """A payment due on 1 December in Leicestershire, its officer, the caseworker, and the
    clock on 10 December (nine days overdue)."""
    build.authority("LEICS")
    caseworker = build.user("caseworker", name="Casey Walker")
    officer = build.user("officer", authority="LEICS", name="Olive")
    recommendation_id = build.payment_due(decided=DECIDED, recorded_by=caseworker)
    frozen_clock(to=noon(date(2026, 12, 10)))
    return {"id": recommendation_id, "caseworker": caseworker, "officer": officer}


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def record(app, recommendation_id: int, caseworker: str, **given) -> Chase:
    values = {"method": "phone", "note": NOTE, "chased_on": date(2026, 12, 9)} | given
    with app.app_context():
        recommendation = db.session.get(Recommendation, recommendation_id)
        user = db.session.scalar(sa.select(User).where(User.email == caseworker))
        chase = chases.record_chase(
            db.session,
            recommendation,
            values["method"],
            values["note"],
            values["chased_on"],
            actor=user,
            today=date(2026, 12, 10),
            now=noon(date(2026, 12, 10)),
        )
        db.session.commit()
        return chase


def chasers_sent(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Notification.occasion)
                .where(Notification.kind == "chaser")
                .order_by(Notification.occasion)
            )
        )


def run_daily(app, first: date, last: date) -> None:
    day = first
    while day <= last:
        with app.app_context():
            chasing.run_daily_jobs(db.session, day, now=noon(day))
            db.session.commit()
        day += timedelta(days=1)


def test_a_chase_is_recorded_with_its_event(app, overdue) -> None:
    record(app, overdue["id"], overdue["caseworker"])
    with app.app_context():
        [chase] = db.session.scalars(sa.select(Chase)).all()
        assert (chase.method.value, chase.chased_on, chase.note) == (
            "phone",
            date(2026, 12, 9),
            NOTE,
        )
        [event] = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "recommendation.chased")
        ).all()
        assert event.recommendation_id == overdue["id"]
        assert event.note == "By phone on 9 December 2026"
        assert event.after == {"method": "phone", "date": "2026-12-09", "note": NOTE}
        assert event.actor_id is not None


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({"chased_on": date(2026, 12, 11)}, "date", "today or in the past"),
        ({"chased_on": None}, "date", "Enter the date"),
        ({"chased_on": date(2026, 10, 31)}, "date", "on or after the decision"),
        ({"method": "carrier pigeon"}, "method", "one of email, phone, letter, meeting"),
        ({"note": "   "}, "note", "Say what was said"),
        ({"note": "x" * 5001}, "note", "5,000 characters"),
    ],
)
def test_a_bad_chase_is_refused_and_nothing_is_kept(app, overdue, given, field, message) -> None:
    with pytest.raises(ValidationError) as refused:
        record(app, overdue["id"], overdue["caseworker"], **given)
    assert message in refused.value.fields[field]
    with app.app_context():
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Chase.id))) == 0
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEvent.id)).where(
                    AuditEvent.action == "recommendation.chased"
                )
            )
            == 0
        )


def test_a_closed_recommendation_cannot_be_chased(app, overdue) -> None:
    with app.app_context():
        db.session.get(Recommendation, overdue["id"]).status = "accepted"
        db.session.commit()
    with pytest.raises(StateError, match="closed: there is nothing to chase"):
        record(app, overdue["id"], overdue["caseworker"])


def test_a_chase_by_hand_counts_as_a_chaser(app, overdue) -> None:
    """Chased by phone on 5 December (four days overdue): no automatic chaser until 12
    December, then weekly again."""
    record(app, overdue["id"], overdue["caseworker"], chased_on=date(2026, 12, 5))
    run_daily(app, DUE, date(2026, 12, 20))
    assert chasers_sent(app) == ["2026-12-12", "2026-12-19"]


def test_without_a_chase_by_hand_the_chasers_go_from_the_first_day_overdue(app, overdue) -> None:
    run_daily(app, DUE, date(2026, 12, 10))
    assert chasers_sent(app) == ["2026-12-02", "2026-12-09"]


def test_chasers_count_both_kinds_and_the_latest_day(app, overdue) -> None:
    run_daily(app, DUE, date(2026, 12, 3))  # the scheduler's chaser on 2 December
    record(app, overdue["id"], overdue["caseworker"], chased_on=date(2026, 12, 8))
    record(app, overdue["id"], overdue["caseworker"], chased_on=date(2026, 12, 4), method="letter")
    with app.app_context():
        counted = chases.chase_status(db.session, [overdue["id"], overdue["id"] + 1000])
    assert counted[overdue["id"]] == chases.ChaseStatus(3, date(2026, 12, 8))
    assert counted[overdue["id"] + 1000] == chases.ChaseStatus(0, None)


def test_a_caseworker_records_a_chase_on_the_page(app, client, overdue) -> None:
    sign_in(client, overdue["caseworker"])
    response = act(
        client,
        overdue["id"],
        "chase",
        "chase",
        method="meeting",
        date=["8", "12", "2026"],
        note=NOTE,
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Chase recorded: in a meeting on 8 December 2026." in page
    assert "Chases made by hand" in page and NOTE in page
    assert "Recorded by Casey Walker" in page
    assert "In a meeting on 8 December 2026" in page  # the history line


def test_a_bad_chase_on_the_page_shows_its_error_by_the_field(app, client, overdue) -> None:
    sign_in(client, overdue["caseworker"])
    response = act(
        client,
        overdue["id"],
        "chase",
        "chase",
        method="phone",
        date=["11", "12", "2026"],
        note=NOTE,
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="chase-date-error"' in page
    assert "The date of the chase must be today or in the past" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Chase.id))) == 0


def test_the_council_sees_that_it_was_chased_but_not_the_note(app, client, overdue) -> None:
    record(app, overdue["id"], overdue["caseworker"])
    sign_in(client, overdue["officer"])
    page = client.get(f"/recommendations/{overdue['id']}").get_data(as_text=True)
    assert "By phone on 9 December 2026" in page
    assert NOTE not in page
    assert "Record a chase" not in page
    token = csrf_token(client, f"/recommendations/{overdue['id']}")
    form = {"chase-csrf_token": token, "chase-method": "phone", "chase-note": "We called"}
    refused = client.post(f"/recommendations/{overdue['id']}/chase", data=form)
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Chase.id))) == 1, "only the first"


def test_the_api_records_a_chase_and_counts_it(app, client, build, overdue) -> None:
    caseworker = {"Authorization": f"Bearer {build.token(overdue['caseworker'])}"}
    path = f"/api/v1/recommendations/{overdue['id']}"
    made = client.post(
        f"{path}/chases",
        json={"method": "email", "date": "2026-12-10", "note": NOTE},
        headers=caseworker,
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.json | {"id": 0, "recorded_at": ""} == {
        "id": 0,
        "recommendation": overdue["id"],
        "method": "email",
        "date": "2026-12-10",
        "note": NOTE,
        "recorded_by": overdue["caseworker"],
        "recorded_at": "",
    }
    one = client.get(path, headers=caseworker).json
    assert (one["chasers"], one["last_chased_on"]) == (1, "2026-12-10")
    [listed] = client.get("/api/v1/recommendations", headers=caseworker).json["items"]
    assert (listed["chasers"], listed["last_chased_on"]) == (1, "2026-12-10")
    [in_case] = client.get("/api/v1/cases/26 000 001", headers=caseworker).json["recommendations"]
    assert in_case["chasers"] == 1


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"method": "phone", "date": "2026-12-11", "note": NOTE}, 422, "date"),
        ({"method": "fax", "date": "2026-12-09", "note": NOTE}, 422, "method"),
        ({"method": "phone", "date": "2026-12-09", "note": ""}, 422, "note"),
        ({"method": "phone", "date": "not a date", "note": NOTE}, 422, "date"),
        ({"method": "phone", "note": NOTE}, 422, "date"),
    ],
)
def test_the_api_refuses_a_bad_chase(app, client, build, overdue, body, status, field) -> None:
    caseworker = {"Authorization": f"Bearer {build.token(overdue['caseworker'])}"}
    refused = client.post(
        f"/api/v1/recommendations/{overdue['id']}/chases", json=body, headers=caseworker
    )
    assert refused.status_code == status, refused.get_data(as_text=True)
    assert field in refused.json["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Chase.id))) == 0


def test_only_caseworkers_chase_through_the_api(app, client, build, overdue) -> None:
    body = {"method": "phone", "date": "2026-12-09", "note": NOTE}
    officer = {"Authorization": f"Bearer {build.token(overdue['officer'])}"}
    path = f"/api/v1/recommendations/{overdue['id']}/chases"
    assert client.post(path, json=body, headers=officer).status_code == 403
    caseworker = {"Authorization": f"Bearer {build.token(overdue['caseworker'])}"}
    missing = client.post("/api/v1/recommendations/999999/chases", json=body, headers=caseworker)
    assert missing.status_code == 404


def test_the_chase_list_links_to_recording_a_chase(app, client, overdue) -> None:
    sign_in(client, overdue["caseworker"])
    page = client.get("/recommendations/overdue").get_data(as_text=True)
    assert f'href="/recommendations/{overdue["id"]}#record-a-chase"' in page
    assert 'Record a chase<span class="govuk-visually-hidden"> about case 26 000 001' in page
