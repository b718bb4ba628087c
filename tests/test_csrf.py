"""Every form refuses a post that did not come from one of its own pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.helpers import sign_in
from tracker.extensions import db
from tracker.models import Authority, Case, User


@pytest.fixture
def admin_and_caseworker(client, build):
    build.authority("LEICS")
    return build.user("admin"), build.user("caseworker")


def _counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Authority, Case, User)
        )


@pytest.mark.parametrize(
    ("role", "path", "data"),
    [
        (
            "caseworker",
            "/cases/new",
            {
                "action": "save",
                "reference": "24 007 343",
                "authority": "LEICS",
                "category": "Education",
                "decision_date": ["1", "6", "2024"],
                "outcome": "not_upheld",
            },
        ),
        (
            "admin",
            "/authorities/new",
            {"code": "NEW", "name": "New Council", "type": "county", "population": "5"},
        ),
        (
            "admin",
            "/users/new",
            {
                "name": "X",
                "email": "x@example.org",
                "role": "manager",
                "password": "long enough password",
            },
        ),
        (
            "admin",
            "/authorities/LEICS/edit",
            {"code": "LEICS", "name": "Renamed", "type": "county", "population": "5"},
        ),
    ],
)
def test_a_post_without_a_csrf_token_changes_nothing(
    app, client, admin_and_caseworker, role, path, data
) -> None:
    admin, caseworker = admin_and_caseworker
    sign_in(client, admin if role == "admin" else caseworker)
    before = _counts(app)
    for token in (None, "forged-token"):
        payload = data if token is None else {**data, "csrf_token": token}
        response = client.post(path, data=payload)
        assert response.status_code == 400
        assert "Your form could not be sent" in response.get_data(as_text=True)
    assert _counts(app) == before
    with app.app_context():
        assert db.session.scalar(sa.select(Authority.name)) == "LEICS Council"


def test_signing_in_needs_the_token_too(client, build) -> None:
    email = build.user("caseworker")
    response = client.post("/sign-in", data={"email": email, "password": "x" * 20})
    assert response.status_code == 400
    assert client.get("/").status_code == 302, "not signed in"


def test_signing_out_needs_the_token(client, build) -> None:
    sign_in(client, build.user("caseworker"))
    assert client.post("/sign-out").status_code == 400
    assert client.get("/cases/").status_code == 200, "still signed in"


def test_a_token_from_another_session_is_refused(app, client, build) -> None:
    from tests.helpers import csrf_token

    sign_in(client, build.user("caseworker"))
    other = app.test_client()
    sign_in(other, build.user("caseworker", email="other@example.org"))
    stolen = csrf_token(other, "/cases/new")
    response = client.post("/cases/new", data={"csrf_token": stolen, "action": "add"})
    assert response.status_code == 400
