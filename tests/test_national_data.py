"""The national data the load test and benchmarks use: dated from today, mostly closed, about
one open remedy in six overdue, and the people and pages the load test signs in to."""

from __future__ import annotations

import sqlalchemy as sa

from tests.benchmarks import national
from tests.test_year_counts import assert_counted_right
from tracker.extensions import db
from tracker.models import Authority, Case, EvidenceSubmission, Publication, Recommendation, User
from tracker.models.recommendation import CLOSED_STATUSES, RecommendationStatus
from tracker.plumbing import clock


def test_national_data_is_dated_from_today_and_mostly_closed(app) -> None:
    today = clock.today()
    with app.app_context():
        national.populate(2000, today=today)
        cases = db.session.scalars(sa.select(Case)).all()
        remedies = db.session.scalars(sa.select(Recommendation)).all()
        assert len(cases) == 2000
        assert 1700 < len(remedies) < 2300, "about one remedy per case"
        assert max(case.decision_date for case in cases) <= today
        assert (today - min(case.decision_date for case in cases)).days <= 4 * 365

        open_ = [r for r in remedies if r.status not in CLOSED_STATUSES]
        overdue = [r for r in open_ if r.is_overdue(today)]
        assert 0.25 < len(open_) / len(remedies) < 0.5, "most are closed"
        assert 0.1 < len(overdue) / len(open_) < 0.25, "about one in six open ones is overdue"
        assert all(r.overdue_since is not None for r in overdue)
        assert all(r.completed_on and r.completed_on <= today for r in remedies if r not in open_)

        awaiting = {r.id for r in remedies if r.status == RecommendationStatus.EVIDENCE_SUBMITTED}
        submitted = db.session.scalars(sa.select(EvidenceSubmission.recommendation_id)).all()
        assert sorted(submitted) == sorted(awaiting)

        # The bulk load skips foreign key checks on PostgreSQL: each council is checked here.
        by_case = {case.id: case.authority_id for case in cases}
        assert all(r.authority_id == by_case[r.case_id] for r in remedies)

        with_outcome = [case for case in cases if case.compliance_outcome is not None]
        assert with_outcome and all(case.compliance_date <= today for case in with_outcome)

    # The statistics' counts are those of the cases (the triggers that keep them were skipped).
    assert_counted_right(app)


def test_councils_are_of_uneven_size_with_the_people_the_load_test_signs_in(app) -> None:
    with app.app_context():
        national.populate(2000)
        per_council = db.session.execute(
            sa.select(Authority.code, sa.func.count(Case.id))
            .join(Case, Case.authority_id == Authority.id)
            .group_by(Authority.code)
            .order_by(sa.func.count(Case.id).desc())
        ).all()
        assert per_council[0][0] == "A000" and per_council[0][1] > 50
        assert per_council[-1][1] <= 2
        emails = set(db.session.scalars(sa.select(User.email)))
        assert {national.CASEWORKER, national.MANAGER, national.officer("A000")} <= emails
        published = db.session.scalar(sa.select(Publication.year))
        assert published == national.last_whole_year(clock.today()).label
