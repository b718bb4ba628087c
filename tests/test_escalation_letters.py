"""Letters on the escalation ladder, drafted from the case's facts, edited and downloaded."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.helpers import csrf_token, sign_in, submit
from tests.test_letters import pdf_text
from tracker.extensions import db
from tracker.models import AuditEvent, EscalationLetter
from tracker.services import chasing

DECIDED = date(2026, 9, 1)  # "within one month": due 1 October, 53 days overdue on 23 November
CE = "/cases/26-000-001/letters/chief-executive"
COMPLAINANT = "/cases/26-000-001/letters/complainant"


@pytest.fixture
def escalated(app, build, client, frozen_clock):
    """An overdue payment in Leicestershire, chased twice; a caseworker signed in."""
    build.authority("LEICS", name="Leicestershire County Council")
    caseworker = build.user("caseworker", name="Casey Walker")
    build.payment_due(decided=DECIDED, recorded_by=caseworker)
    for day in (date(2026, 10, 2), date(2026, 10, 9)):
        with app.app_context():
            chasing.send_chasers(db.session, day, now=frozen_clock())
            db.session.commit()
    sign_in(client, caseworker)
    return caseworker


def test_the_chief_executive_letter_is_drafted_from_the_facts(client, escalated) -> None:
    page = client.get(CE).get_data(as_text=True)
    assert "Dear Chief Executive" in page
    assert "Complaint reference: 26 000 001" in page
    assert "On 1 September 2026 the Local Government and Social Care Ombudsman issued" in page
    assert "Recommendation 1, due 1 October 2026, now 53 days overdue: Within one month" in page
    assert "chased the Council twice since it fell overdue on 2 October 2026" in page
    assert "most recently on 9 October 2026" in page
    assert "by 7 December 2026" in page  # 14 days to reply


def test_the_complainant_letter_explains_the_delay(client, escalated) -> None:
    page = client.get(COMPLAINANT).get_data(as_text=True)
    assert "Dear Sir or Madam" in page
    assert "I am writing about our final decision of 1 September 2026" in page
    assert "I am sorry for the delay." in page


def test_a_caseworker_edits_saves_and_downloads_the_letter(app, client, escalated) -> None:
    version = "0"
    form = {
        "addressee_name": "Ms Khan",
        "addressee_title": "Chief Executive",
        "narrative": "Complaint reference: 26 000 001\r\n\r\nPlease pay Mrs X now.",
        "version": version,
    }
    response = submit(client, CE, form)
    assert response.status_code == 302
    page = client.get(CE).get_data(as_text=True)
    assert "The letter to the chief executive is saved." in page
    assert "Dear Ms Khan" in page and "Please pay Mrs X now." in page
    pdf = client.get(f"{CE}.pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == (
        'attachment; filename="chief-executive-letter-26-000-001.pdf"'
    )
    text = pdf_text(pdf.data)
    assert "Dear Ms Khan" in text and "Please pay Mrs X now." in text
    stale = submit(client, CE, form | {"narrative": "Another edit"})
    assert "Someone else saved this letter" in stale.get_data(as_text=True)
    with app.app_context():
        [letter] = db.session.scalars(sa.select(EscalationLetter)).all()
        assert letter.body == "Complaint reference: 26 000 001\n\nPlease pay Mrs X now."
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(AuditEvent.action == "escalation_letter.saved")
            )
            == 1
        )


def test_a_letter_too_long_is_refused_by_its_field(app, client, escalated) -> None:
    response = submit(client, CE, {"narrative": "x" * 20_001, "version": "0"})
    assert response.status_code == 200
    assert 'id="narrative-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(EscalationLetter.id))) == 0


def test_councils_cannot_read_the_letters(app, client, build, escalated) -> None:
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, build.user("officer", authority="LEICS"))
    assert client.get(CE).status_code == 403
    assert client.get(f"{COMPLAINANT}.pdf").status_code == 403
    assert client.get("/cases/26-000-001/letters/mayor").status_code == 404
