"""The command line: `flask users create`, `flask users token`, `flask demo`."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import (
    ApiToken,
    Assignment,
    AuditEvent,
    Case,
    Chase,
    Escalation,
    Outcome,
    Recommendation,
    User,
)


def create(runner, *args: str, password: str = "a long enough password"):
    """Run `flask users create …` with a password."""
    return runner.invoke(args=["users", "create", *args, "--password", password])


def _users(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(u.email, u.role.value) for u in db.session.scalars(sa.select(User))]


def test_users_create_makes_an_account_that_can_sign_in(app, runner, client) -> None:
    result = create(runner, "Case@Example.org", "--role", "caseworker")
    assert result.exit_code == 0, result.output
    assert _users(app) == [("case@example.org", "caseworker")]
    from tests.helpers import sign_in

    assert sign_in(client, "case@example.org", "a long enough password").status_code == 302


def test_an_officer_needs_a_known_authority(app, runner, build) -> None:
    no_authority = create(runner, "o@example.org", "--role", "officer")
    assert no_authority.exit_code != 0
    assert "Choose the council this officer works for" in no_authority.output
    unknown = create(runner, "o@example.org", "--role", "officer", "--authority", "NOPE")
    assert unknown.exit_code != 0 and "no authority with the code NOPE" in unknown.output
    assert _users(app) == []
    build.authority("LEICS")
    ok = create(runner, "o@example.org", "--role", "officer", "--authority", "leics")
    assert ok.exit_code == 0, ok.output


def test_users_create_refuses_bad_input_and_changes_nothing(app, runner, build) -> None:
    build.user("caseworker", email="taken@example.org")
    cases = [
        (["taken@example.org", "--role", "manager"], "already exists"),
        (["not-an-email", "--role", "manager"], "correct format"),
        (["m@example.org", "--role", "manager", "--authority", "LEICS"], "Only council officers"),
    ]
    for args, message in cases:
        result = create(runner, *args)
        assert result.exit_code != 0 and message in result.output, args
    short = create(runner, "m@example.org", "--role", "manager", password="short")
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    assert create(runner, "m@example.org", "--role", "boss").exit_code != 0
    assert _users(app) == [("taken@example.org", "caseworker")]


def test_users_token_prints_only_a_new_token_and_stores_its_hash(
    app, runner, build, client
) -> None:
    email = build.user("caseworker")
    result = runner.invoke(args=["users", "token", email], catch_exceptions=False)
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert result.stdout == token + "\n" and token.startswith("rt_") and len(token) > 40
    with app.app_context():
        stored = db.session.scalars(sa.select(ApiToken.token_hash)).all()
    assert stored and token not in stored
    response = client.get("/api/v1/recommendations", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    second = runner.invoke(args=["users", "token", email]).stdout.strip()
    assert second != token, "each call makes a new token"


def test_revoked_tokens_stop_working(runner, build, client) -> None:
    email = build.user("caseworker")
    tokens = [build.token(email), build.token(email)]
    result = runner.invoke(args=["users", "revoke-tokens", email], catch_exceptions=False)
    assert result.exit_code == 0 and "Revoked 2 tokens" in result.output
    for token in tokens:
        response = client.get(
            "/api/v1/recommendations", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401
    assert runner.invoke(args=["users", "revoke-tokens", "x@example.org"]).exit_code != 0


def test_users_token_for_an_unknown_account_fails(runner) -> None:
    result = runner.invoke(args=["users", "token", "nobody@example.org"])
    assert result.exit_code != 0 and "no active account" in result.output


def test_demo_loads_the_published_leicestershire_year_and_prints_how_to_sign_in(
    app, runner, client
) -> None:
    result = runner.invoke(args=["demo"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "caseworker@example.org" in result.output
    assert "officer@leicestershire.example.org" in result.output
    password = result.output.split("password ")[1].split()[0]
    from tests.helpers import sign_in

    assert sign_in(client, "caseworker@example.org", password).status_code == 302
    with app.app_context():
        leics = (
            sa.select(Case)
            .join(Case.authority)
            .where(
                sa.text("authorities.code = 'LEICS'"),
                Case.decision_date.between(date(2024, 4, 1), date(2025, 3, 31)),
            )
            .subquery()
        )
        counts = dict(
            db.session.execute(
                sa.select(leics.c.outcome, sa.func.count()).group_by(leics.c.outcome)
            ).all()
        )
        satisfactory = db.session.scalar(
            sa.select(sa.func.count()).select_from(leics).where(leics.c.satisfactory_remedy)
        )
        compliance = db.session.execute(
            sa.select(Case.compliance_outcome, sa.func.count())
            .join(Case.authority)
            .where(
                sa.text("authorities.code = 'LEICS'"),
                Case.compliance_date.between(date(2024, 4, 1), date(2025, 3, 31)),
            )
            .group_by(Case.compliance_outcome)
        ).all()
        seeded = db.session.scalar(sa.select(Case).where(Case.reference == "24 001 615"))
        assert seeded is not None and len(seeded.recommendations) == 2
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) > 0
        [chase] = db.session.scalars(sa.select(Chase)).all()  # a phone chase, by the caseworker
        chased = db.session.get(Recommendation, chase.recommendation_id)
        assert chase.method.value == "phone" and chased.case.authority.code == "LEICS"
        assigned = db.session.get(Assignment, chase.recommendation_id)  # to a colleague
        assert db.session.get(User, assigned.officer_id).email == (
            "finance@leicestershire.example.org"
        )
        link_officer = db.session.scalar(sa.select(User).where(User.link_officer))
        assert link_officer.email == "officer@leicestershire.example.org"
        [step] = db.session.scalars(sa.select(Escalation)).all()  # and its case escalated
        assert (step.case_id, step.step.value) == (chased.case_id, "chief_executive_letter")
    assert sum(counts.values()) == 122
    assert counts[Outcome.NOT_FOR_US.value] == 46
    assert counts[Outcome.ASSESSED_AND_CLOSED.value] == 36
    assert counts[Outcome.UPHELD.value] + counts[Outcome.NOT_UPHELD.value] == 40
    assert counts[Outcome.UPHELD.value] == 33
    assert satisfactory == 10
    assert [(outcome.value, n) for outcome, n in compliance] == [("satisfied", 23)]
    assert "/councils/LEICS" in result.output
    public = app.test_client().get("/councils/LEICS/2024-25").get_data(as_text=True)
    assert "We investigated 40 complaints and upheld 33." in public
    assert "Case reference:" in public and "View all" in public
    letter_year = app.test_client().get("/councils/LEICS/2020-21").get_data(as_text=True)
    assert "We investigated 19 complaints and upheld 13." in letter_year


def test_demo_twice_loads_once_and_gives_a_new_password(app, runner) -> None:
    first = runner.invoke(args=["demo"], catch_exceptions=False)
    with app.app_context():
        cases = db.session.scalar(sa.select(sa.func.count(Case.id)))
    second = runner.invoke(args=["demo"], catch_exceptions=False)
    assert "already loaded" in second.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == cases
    assert first.output.split("password ")[1] != second.output.split("password ")[1]
