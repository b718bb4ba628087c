"""Link officers: at most two a council, they receive everything about its remedies and give
recommendations to its other officers, who then receive their reminders and chasers too."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from tests.helpers import act, sign_in, submit
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AuditEvent,
    Notification,
    NotificationRecipient,
    Recommendation,
    User,
)
from tracker.services import chasing

DECIDED = date(2026, 11, 1)
DUE = date(2026, 12, 1)


@pytest.fixture
def council(app, build, frozen_clock):
    """Leicestershire with a link officer (Lena) and two officers (Olive, Owen); an officer
    in Nottinghamshire; the caseworker who recorded a payment due on 1 December."""
    build.authority("LEICS", name="Leicestershire County Council")
    build.authority("NOTTS", name="Nottinghamshire County Council")
    caseworker = build.user("caseworker", name="Casey")
    emails = {
        "caseworker": caseworker,
        "link": build.user(
            "officer",
            authority="LEICS",
            email="lena@leics.example.org",
            name="Lena",
            link_officer=True,
        ),
        "olive": build.user(
            "officer", authority="LEICS", email="olive@leics.example.org", name="Olive"
        ),
        "owen": build.user(
            "officer", authority="LEICS", email="owen@leics.example.org", name="Owen"
        ),
        "nina": build.user(
            "officer", authority="NOTTS", email="nina@notts.example.org", name="Nina"
        ),
    }
    emails["id"] = build.payment_due(decided=DECIDED, recorded_by=caseworker)
    return emails


def token(build, email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {build.token(email)}"}


def assign(client, build, council, who: str, email: str | None):
    return client.post(
        f"/api/v1/recommendations/{council['id']}/assignee",
        json={"email": email},
        headers=token(build, council[who]),
    )


def assignee(app, recommendation_id: int) -> str | None:
    with app.app_context():
        found = db.session.get(Assignment, recommendation_id)
        return db.session.get(User, found.officer_id).email if found else None


def told(app, kind: str) -> list[tuple[str, bool]]:
    with app.app_context():
        return sorted(
            db.session.execute(
                sa.select(User.name, NotificationRecipient.copied)
                .join(NotificationRecipient, NotificationRecipient.user_id == User.id)
                .join(Notification, Notification.id == NotificationRecipient.notification_id)
                .where(Notification.kind == kind)
            ).all()
        )


def run(app, day: date) -> None:
    with app.app_context():
        chasing.run_daily_jobs(db.session, day, now=datetime.combine(day, time(12), UTC))
        db.session.commit()


def test_the_link_officer_and_the_assignee_are_chased_not_every_officer(
    app, client, build, council
) -> None:
    assert assign(client, build, council, "caseworker", council["olive"]).status_code == 200
    run(app, DUE - timedelta(days=7))
    run(app, DUE + timedelta(days=1))
    assert told(app, "reminder_7") == [("Lena", False), ("Olive", False)]
    assert told(app, "chaser") == [("Casey", True), ("Lena", False), ("Olive", False)]


def test_without_a_link_officer_every_officer_is_told_as_before(app, build, frozen_clock) -> None:
    build.authority("LEICS")
    build.user("officer", authority="LEICS", email="a@leics.example.org", name="Ann")
    build.user("officer", authority="LEICS", email="b@leics.example.org", name="Ben")
    build.payment_due(decided=DECIDED)
    run(app, DUE - timedelta(days=7))
    assert told(app, "reminder_7") == [("Ann", False), ("Ben", False)]


def test_assigning_through_the_api(app, client, build, council) -> None:
    answer = assign(client, build, council, "link", council["owen"])
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json["assignee"] == council["owen"]
    assert assignee(app, council["id"]) == council["owen"]
    again = assign(client, build, council, "caseworker", council["olive"])
    assert again.json["assignee"] == council["olive"]
    listed = client.get("/api/v1/recommendations", headers=token(build, council["olive"])).json
    assert listed["items"][0]["assignee"] == council["olive"]
    assert assign(client, build, council, "caseworker", None).json["assignee"] is None
    assert assignee(app, council["id"]) is None
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent.after)
            .where(AuditEvent.action == "recommendation.assigned")
            .order_by(AuditEvent.id)
        ).all()
    assert events == [
        {"assignee": council["owen"]},
        {"assignee": council["olive"]},
        {"assignee": None},
    ]


@pytest.mark.parametrize(
    ("who", "email", "status"),
    [
        ("caseworker", "nina@notts.example.org", 422),  # another council's officer
        ("caseworker", "casey@example.org", 422),  # not an officer at all
        ("caseworker", "nobody@example.org", 422),
        ("olive", "owen@leics.example.org", 403),  # an ordinary officer may not
        ("nina", "nina@notts.example.org", 404),  # another council's recommendation
    ],
)
def test_a_bad_assignment_is_refused_and_changes_nothing(
    app, client, build, council, who, email, status
) -> None:
    refused = assign(client, build, council, who, email)
    assert refused.status_code == status, refused.get_data(as_text=True)
    if status == 422:
        assert (
            "is not an active officer of Leicestershire County Council"
            in (refused.json["error"]["fields"]["email"])
        )
    assert assignee(app, council["id"]) is None


def test_a_closed_recommendation_is_not_assigned(app, client, build, council) -> None:
    with app.app_context():
        db.session.get(Recommendation, council["id"]).status = "accepted"
        db.session.commit()
    assert assign(client, build, council, "caseworker", council["olive"]).status_code == 409


def test_a_link_officer_assigns_on_the_page(app, client, council) -> None:
    sign_in(client, council["link"])
    response = act(client, council["id"], "assign", "assign", email=council["owen"])
    assert response.status_code == 302
    page = client.get(f"/recommendations/{council['id']}").get_data(as_text=True)
    assert "Assigned to Owen." in page  # the banner, and the history line
    assert 'value="owen@leics.example.org" selected' in page
    refused = act(client, council["id"], "assign", "assign", email="nina@notts.example.org")
    assert 'id="assign-email-error"' in refused.get_data(as_text=True)
    assert assignee(app, council["id"]) == council["owen"]


def test_an_ordinary_officer_sees_who_holds_it_but_cannot_assign(
    app, client, build, council
) -> None:
    assign(client, build, council, "caseworker", council["olive"])
    sign_in(client, council["owen"])
    page = client.get(f"/recommendations/{council['id']}").get_data(as_text=True)
    assert "Assigned to" in page and "Olive" in page
    assert "Assign to an officer" not in page


def test_the_council_page_shows_who_holds_what(app, client, build, council) -> None:
    assign(client, build, council, "caseworker", council["olive"])
    sign_in(client, council["owen"])
    page = client.get("/authorities/LEICS").get_data(as_text=True)
    assert "Link officer" in page and "Lena" in page
    olive = page.index("Olive")
    assert ">1</td>" in page[olive : olive + 800]
    assert client.get("/authorities/NOTTS").status_code == 404


def test_a_council_has_at_most_two_link_officers(app, runner, build, council) -> None:
    made = runner.invoke(
        args=[
            "users",
            "create",
            "second@leics.example.org",
            "--role",
            "officer",
            "--authority",
            "LEICS",
            "--link-officer",
            "--password",
            "a long enough password",
        ],
    )
    assert made.exit_code == 0, made.output
    assert "(link officer)" in made.output
    third = runner.invoke(
        args=[
            "users",
            "create",
            "third@leics.example.org",
            "--role",
            "officer",
            "--authority",
            "LEICS",
            "--link-officer",
            "--password",
            "a long enough password",
        ],
    )
    assert third.exit_code != 0
    assert "Leicestershire County Council already has 2 link officers" in third.output
    not_officer = runner.invoke(
        args=[
            "users",
            "create",
            "boss@example.org",
            "--role",
            "manager",
            "--link-officer",
            "--password",
            "a long enough password",
        ],
    )
    assert "Only a council officer can be a link officer" in not_officer.output
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(
                    User.email.in_(["third@leics.example.org", "boss@example.org"])
                )
            )
            == 0
        )


def test_an_admin_makes_an_officer_a_link_officer(app, client, build, council) -> None:
    sign_in(client, build.user("admin", name="Alex"))
    with app.app_context():
        olive = db.session.scalar(sa.select(User).where(User.email == council["olive"]))
    form = {
        "name": "Olive",
        "email": council["olive"],
        "role": "officer",
        "authority": "LEICS",
        "active": "y",
        "link_officer": "y",
    }
    assert submit(client, f"/users/{olive.id}/edit", form).status_code == 302
    with app.app_context():
        owen = db.session.scalar(sa.select(User).where(User.email == council["owen"]))
    third = submit(
        client, f"/users/{owen.id}/edit", form | {"name": "Owen", "email": council["owen"]}
    )
    assert third.status_code == 200
    assert "already has 2 link officers (Lena and Olive)" in third.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(User, owen.id).link_officer
