"""A case judged not satisfied can open a new case, linked to it and prefilled from it, to
investigate the council's failure to comply."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.helpers import sign_in, submit
from tests.test_cases import new_case
from tracker.extensions import db
from tracker.models import AuditEvent, FollowUp

EARLIER = "/cases/24-001-001"


@pytest.fixture
def not_satisfied(client, build):
    build.authority("LEICS", name="Leicestershire County Council")
    build.authority("NOTTS", name="Nottinghamshire County Council")
    build.case(
        "LEICS",
        reference="24 001 001",
        category="Adult care services",
        subcategory="Charging",
        decided=date(2024, 6, 3),
        compliance_outcome="not_satisfied",
        compliance_date=date(2024, 12, 1),
    )
    build.case("LEICS", reference="24 001 002")  # still open
    sign_in(client, build.user("caseworker"))
    return client


def test_a_new_case_for_the_failure_to_comply_is_prefilled_and_linked(app, not_satisfied):
    client = not_satisfied
    page = client.get(EARLIER).get_data(as_text=True)
    assert 'href="/cases/new?follows=24+001+001"' in page
    form_page = client.get("/cases/new?follows=24+001+001").get_data(as_text=True)
    assert "failure to comply with case" in form_page
    assert 'value="LEICS" selected' in form_page and 'value="Adult care services"' in form_page
    assert 'name="follows" type="hidden" value="24 001 001"' in form_page
    response = submit(
        client,
        "/cases/new",
        new_case(reference="25 000 009", follows="24 001 001"),
        form_page="/cases/new?follows=24+001+001",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    later = client.get("/cases/25-000-009").get_data(as_text=True)
    assert "Follows up" in later and "The failure to comply with case" in later
    assert "Case 25 000 009" in client.get(EARLIER).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FollowUp.case_id))) == 1
        notes = db.session.scalars(
            sa.select(AuditEvent.note).where(AuditEvent.action == "case.follow_up_opened")
        ).all()
        assert sorted(notes) == [
            "Case 25 000 009 opened for the failure to comply with this one",
            "Opened for the failure to comply with case 24 001 001",
        ]


@pytest.mark.parametrize(
    ("follows", "authority", "message"),
    [
        ("24 001 002", "LEICS", "was not judged not satisfied"),
        ("24 001 001", "NOTTS", "Case 24 001 001 is about Leicestershire County Council"),
    ],
)
def test_a_bad_follow_up_is_refused_and_nothing_is_kept(
    app, not_satisfied, follows, authority, message
):
    response = submit(
        not_satisfied,
        "/cases/new",
        new_case(reference="25 000 009", follows=follows, authority=authority),
        form_page="/cases/new",
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FollowUp.case_id))) == 0
        assert db.session.scalar(sa.text("SELECT count(*) FROM cases")) == 2


def test_a_case_not_judged_not_satisfied_offers_no_follow_up(not_satisfied) -> None:
    page = not_satisfied.get("/cases/24-001-002").get_data(as_text=True)
    assert "Open a new case for the failure to comply" not in page
