"""The overdue sweep's clearing: each way work stops being overdue, and only those."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEvent, Recommendation, RecommendationStatus
from tracker.services import chasing

TODAY = date(2026, 12, 10)
NOW = datetime(2026, 12, 10, 12, tzinfo=UTC)
PAYMENT = "Within one month of my final decision, pay Mrs X £300."


def test_flagged_work_is_cleared_when_closed_undated_or_no_longer_past_only(app, build) -> None:
    build.authority("LEICS")
    build.case("LEICS", reference="26 000 001", recommendations=[(PAYMENT, "personal")] * 5)
    closed, undated, due_today, later, still_late = build.recommendation_ids("26 000 001")
    with app.app_context():
        for item in db.session.scalars(sa.select(Recommendation)):
            item.overdue_since = date(2026, 12, 2)
            item.due_date = date(2026, 12, 1)
        db.session.get(Recommendation, closed).status = RecommendationStatus.ACCEPTED
        db.session.get(Recommendation, undated).due_date = None
        db.session.get(Recommendation, due_today).due_date = TODAY
        db.session.get(Recommendation, later).due_date = date(2027, 1, 31)
        db.session.commit()

        assert chasing.sweep_overdue(db.session, TODAY, now=NOW) == (0, 4)
        db.session.commit()
        flagged = db.session.scalars(
            sa.select(Recommendation.id).where(Recommendation.overdue_since.is_not(None))
        ).all()
        cleared = db.session.execute(
            sa.select(AuditEvent.recommendation_id, AuditEvent.after, AuditEvent.note)
            .where(AuditEvent.action == "recommendation.no_longer_overdue")
            .order_by(AuditEvent.recommendation_id)
        ).all()
    assert flagged == [still_late]
    note = "Closed, or its agreed due date is no longer past"
    assert cleared == [
        (item, {"overdue_since": None}, note) for item in (closed, undated, due_today, later)
    ]
