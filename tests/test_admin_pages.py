"""Admins manage authorities and accounts through pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.helpers import PASSWORD, sign_in, submit
from tracker.extensions import db
from tracker.models import AuditEvent, Authority, User


@pytest.fixture
def admin(client, build):
    sign_in(client, build.user("admin", name="Alex Price"))
    return client


def authority_form(**overrides: str) -> dict[str, str]:
    return {
        "name": "Leicestershire County Council",
        "code": "leics",
        "type": "county",
        "population": "734,000",
        **overrides,
    }


def test_an_admin_adds_and_edits_an_authority(app, admin) -> None:
    response = submit(admin, "/authorities/new", authority_form())
    assert response.status_code == 302
    listing = admin.get("/authorities/").get_data(as_text=True)
    assert "Leicestershire County Council was added" in listing
    assert "LEICS" in listing and "734,000" in listing and "County Council" in listing
    response = submit(admin, "/authorities/LEICS/edit", authority_form(population="738000"))
    assert response.status_code == 302
    with app.app_context():
        authority = db.session.scalar(sa.select(Authority))
        assert (authority.code, authority.population) == ("LEICS", 738000)
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "authority.updated")
        )
        assert (event.before, event.after) == ({"population": 734000}, {"population": 738000})


def test_the_edit_form_starts_with_the_authority_as_it_is(build, admin) -> None:
    build.authority("LEICS", name="Leicestershire County Council", type="county")
    html = admin.get("/authorities/LEICS/edit").get_data(as_text=True)
    assert 'value="Leicestershire County Council"' in html
    assert 'value="county" checked' in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter the authority&#39;s name"),
        ({"code": "L"}, "Enter a code of 2 to 16 letters, digits or hyphens, like LEICS"),
        ({"code": "LE ICS"}, "Enter a code of 2 to 16 letters, digits or hyphens, like LEICS"),
        ({"type": ""}, "Choose the type of authority"),
        ({"type": "parish"}, "Choose the type of authority"),
        ({"population": "lots"}, "Residents must be a whole number"),
        ({"population": "0"}, "Number of residents must be between 1 and 20,000,000"),
        ({"population": ""}, "Enter the number of residents"),
    ],
)
def test_bad_authorities_are_explained(app, admin, overrides, message) -> None:
    html = submit(admin, "/authorities/new", authority_form(**overrides)).get_data(as_text=True)
    assert "There is a problem" in html and message in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Authority.id))) == 0


def test_every_problem_shows_at_once(admin) -> None:
    html = submit(
        admin, "/authorities/new", authority_form(name="", code="x", population="many")
    ).get_data(as_text=True)
    assert "Enter the authority&#39;s name" in html
    assert "Enter a code of 2 to 16" in html
    assert "Residents must be a whole number" in html


def test_a_duplicate_authority_is_refused(build, admin) -> None:
    build.authority("LEICS", name="Leicestershire County Council")
    html = submit(admin, "/authorities/new", authority_form()).get_data(as_text=True)
    assert "An authority with the code LEICS already exists" in html
    assert "An authority with this name already exists" in html


def user_form(**overrides: str) -> dict[str, str]:
    return {
        "name": "Olivia Shah",
        "email": "olivia@example.org",
        "role": "officer",
        "authority": "LEICS",
        "password": PASSWORD,
        "active": "y",
        **overrides,
    }


def test_an_admin_creates_an_officer_who_can_then_sign_in(app, build, admin) -> None:
    build.authority("LEICS")
    assert submit(admin, "/users/new", user_form()).status_code == 302
    assert "olivia@example.org" in admin.get("/users/").get_data(as_text=True)
    other = app.test_client()
    assert sign_in(other, "olivia@example.org").status_code == 302


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"authority": ""}, "Choose the council this officer works for"),
        ({"role": "manager"}, "Only council officers belong to an authority"),
        ({"email": "nope"}, "Enter an e-mail address in the correct format"),
        ({"password": "short"}, "Password must be at least 12 characters"),
        ({"password": ""}, "Enter a password"),
        ({"role": ""}, "Choose a role"),
    ],
)
def test_bad_accounts_are_explained(app, build, admin, overrides, message) -> None:
    build.authority("LEICS")
    html = submit(admin, "/users/new", user_form(**overrides)).get_data(as_text=True)
    assert message in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1  # the admin


def test_an_admin_changes_a_role_and_deactivates_an_account(app, build, admin) -> None:
    email = build.user("caseworker")
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
    form = user_form(email=email, role="manager", authority="", password="")
    del form["active"]
    assert submit(admin, f"/users/{user_id}/edit", form).status_code == 302
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.role.value, user.active) == ("manager", False)
    assert "Deactivated" in admin.get("/users/").get_data(as_text=True)


def test_an_admin_cannot_lock_themselves_out(app, admin) -> None:
    with app.app_context():
        me = db.session.scalar(sa.select(User))
    form = user_form(email=me.email, role="caseworker", authority="", password="")
    html = submit(admin, f"/users/{me.id}/edit", form).get_data(as_text=True)
    assert "You cannot change your own role or deactivate yourself" in html


def test_an_unknown_account_is_404(admin) -> None:
    assert admin.get("/users/999/edit").status_code == 404
