"""The counts the statistics read (AuthorityYearCounts) are what counting the cases gives,
after every kind of write to cases: the database's triggers keep them, on both databases."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import USING_POSTGRES
from tests.test_api_workflow import review, upload
from tests.test_imports import csv_file, run_import
from tracker.extensions import db
from tracker.models import AuthorityYearCounts, Case, ComplianceOutcome, Outcome
from tracker.models.year_counts import COUNTS
from tracker.plumbing import clock
from tracker.plumbing.settings import deadline_rules
from tracker.plumbing.years import FinancialYear
from tracker.services import statistics
from tracker.services.cases import CaseInput, update_case


def counted_live(app) -> dict[tuple[int, int], dict[str, int]]:
    """Each (year, authority)'s counts worked out afresh from every case, in Python."""
    counts: dict[tuple[int, int], Counter[str]] = {}
    with app.app_context():
        for case in db.session.scalars(sa.select(Case)):
            decided = counts.setdefault(
                (FinancialYear.of(case.decision_date).start_year, case.authority_id), Counter()
            )
            decided["complaints_dealt_with"] += 1
            decided[case.outcome.value] += 1
            decided["satisfactory_remedies"] += case.outcome is Outcome.UPHELD and (
                case.satisfactory_remedy
            )
            decided["public_reports"] += case.public_report
            if case.compliance_date is not None:
                recorded = counts.setdefault(
                    (FinancialYear.of(case.compliance_date).start_year, case.authority_id),
                    Counter(),
                )
                recorded["compliance_outcomes"] += 1
                recorded[case.compliance_outcome.value] += 1
    return {key: {name: tally[name] for name in COUNTS} for key, tally in counts.items()}


def kept(app) -> dict[tuple[int, int], dict[str, int]]:
    """The counts the database keeps, leaving out rows that count nothing."""
    table = AuthorityYearCounts.__table__
    with app.app_context():
        rows = db.session.execute(sa.select(table)).mappings().all()
    return {
        (row["year"], row["authority_id"]): {name: row[name] for name in COUNTS}
        for row in rows
        if any(row[name] for name in COUNTS)
    }


def assert_counted_right(app) -> None:
    live = counted_live(app)
    assert live  # something is counted: the comparison means something
    assert kept(app) == live


def execute(app, *statements: str) -> None:
    with app.app_context():
        for statement in statements:
            db.session.execute(sa.text(statement))
        db.session.commit()


def edit(app, reference: str, **changes) -> None:
    """Correct a case's details as the case form does (update_case)."""
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        data = CaseInput(
            reference=case.reference,
            authority=changes.pop("authority", case.authority.code),
            category=case.category,
            subcategory=case.subcategory,
            decision_date=changes.pop("decision_date", case.decision_date),
            outcome=changes.pop("outcome", case.outcome),
            satisfactory_remedy=changes.pop("satisfactory_remedy", case.satisfactory_remedy),
            public_report=changes.pop("public_report", case.public_report),
        )
        assert not changes
        update_case(
            db.session,
            case,
            data,
            expected_version=case.version,
            actor=None,
            now=clock.now(),
            today=clock.today(),
            rules=deadline_rules(app.config),
        )
        db.session.commit()


def test_the_counts_hold_the_fields_of_statistics_counts_in_order() -> None:
    assert tuple(field.name for field in dataclasses.fields(statistics.Counts)) == COUNTS


def test_the_counts_follow_every_kind_of_write_to_cases(
    app, client, build, runner, tmp_path, frozen_clock
) -> None:
    build.authority("LEICS")
    build.authority("NOTTS")
    build.authority("DERBY", type="district")
    # Created through the service (the case form's and the API's), upheld with a remedy.
    build.case("LEICS", reference="24 000 001", decided=date(2024, 3, 31))
    build.case("LEICS", reference="24 000 002", decided=date(2024, 4, 1), public_report=True)
    build.case("NOTTS", reference="24 000 003", outcome="not_for_us", decided=date(2025, 1, 5))
    build.case("NOTTS", reference="24 000 004", outcome="not_upheld", decided=date(2023, 4, 1))
    assert_counted_right(app)

    # Created through the API, with a compliance outcome recorded in the next year.
    caseworker = build.user("caseworker")
    recorder = build.bearer(caseworker)
    created = client.post(
        "/api/v1/cases",
        json={
            "reference": "24007343",
            "authority": "LEICS",
            "category": "Education",
            "subcategory": "",
            "decision_date": "2024-02-28",
            "outcome": "upheld",
            "satisfactory_remedy": True,
            "compliance_outcome": "satisfied_late",
            "compliance_date": "2024-05-01",
        },
        headers=recorder,
    )
    assert created.status_code == 201, created.json
    assert_counted_right(app)

    # Edits: the council, the outcome, the decision date across 1 April, the remedy.
    edit(app, "24 000 001", authority="DERBY")
    edit(app, "24 000 003", outcome="assessed_and_closed")
    edit(app, "24 000 004", decision_date=date(2023, 3, 31))
    edit(app, "24 000 002", satisfactory_remedy=True, public_report=False)
    assert_counted_right(app)

    # A compliance outcome recorded by a review (the payment accepted), then withdrawn.
    recommendation_id = build.payment_due(reference="26 000 001", decided=date(2026, 11, 1))
    api = {
        "id": recommendation_id,
        "officer": {
            "Authorization": f"Bearer {build.token(build.user('officer', authority='LEICS'))}"
        },
        "caseworker": build.bearer(caseworker),
    }
    assert upload(client, api).status_code == 201
    assert review(client, api, "accept").status_code == 200
    assert_counted_right(app)

    # An import: new cases, and corrections (council, outcome, dates, compliance) set-based.
    path = csv_file(
        tmp_path,
        "23 001 001,LEICS,Education,,2023-06-05,upheld,true,false,satisfied,2023-09-01",
        "23 001 002,NOTTS,Highways,,2023-07-10,not_upheld,false,true,,",
        "23 001 003,DERBY,Highways,,2024-03-10,upheld,false,false,,",
    )
    assert run_import(runner, path).exit_code == 0
    assert_counted_right(app)
    corrected = csv_file(
        tmp_path,
        "23 001 001,NOTTS,Education,,2023-03-05,upheld,false,false,not_satisfied,2025-04-01",
        "23 001 002,NOTTS,Highways,,2023-07-10,upheld,true,false,satisfied_late,2024-03-31",
        "23 001 003,LEICS,Highways,,2024-04-10,assessed_and_closed,false,false,,",
        name="corrected.csv",
    )
    result = run_import(runner, corrected)
    assert "updated 3" in result.output, result.output
    assert_counted_right(app)

    # Set-based SQL: many cases moved at once, some of them back where they were, and deleted.
    execute(
        app,
        "UPDATE cases SET authority_id = (SELECT id FROM authorities WHERE code = 'NOTTS')"
        " WHERE reference LIKE '24 %'",
        "UPDATE cases SET updated_at = updated_at",  # counts nothing new
        "UPDATE cases SET compliance_outcome = NULL, compliance_date = NULL"
        " WHERE reference = '23 001 002'",
    )
    assert_counted_right(app)
    execute(
        app,
        "DELETE FROM cases WHERE id NOT IN (SELECT case_id FROM recommendations)"
        " AND reference <> '23 001 003'",
    )
    assert_counted_right(app)


def test_the_compliance_recorded_by_a_review_is_counted(app, client, build, frozen_clock):
    build.authority("LEICS")
    build.authority("NOTTS")
    recommendation_id = build.payment_due(decided=date(2026, 11, 1))
    api = {
        "id": recommendation_id,
        "officer": {
            "Authorization": f"Bearer {build.token(build.user('officer', authority='LEICS'))}"
        },
        "caseworker": {"Authorization": f"Bearer {build.token(build.user('caseworker'))}"},
    }
    upload(client, api)
    review(client, api, "accept")
    with app.app_context():
        case = db.session.scalar(sa.select(Case))
        assert case.compliance_outcome is ComplianceOutcome.SATISFIED
        counts = db.session.get(AuthorityYearCounts, (2026, case.authority_id))
        assert (counts.complaints_dealt_with, counts.compliance_outcomes, counts.satisfied) == (
            1,
            1,
            1,
        )
    assert_counted_right(app)


@pytest.mark.skipif(not USING_POSTGRES, reason="SQLite has no TRUNCATE")
def test_truncating_the_cases_empties_the_counts(app, build) -> None:
    build.authority("LEICS")
    build.case("LEICS", decided=date(2024, 6, 3))
    assert kept(app)
    execute(app, "TRUNCATE cases CASCADE")
    assert kept(app) == {} and counted_live(app) == {}
