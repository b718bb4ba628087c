"""Who sees and changes what: an officer's world is their own council, through every door."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.helpers import csrf_token, sign_in, submit
from tracker.extensions import db
from tracker.models import Case, Role
from tracker.web.access import ROLE_PERMISSIONS, Permission, can

OWN, OTHER = "24 000 001", "24 000 002"


@pytest.fixture
def councils(build) -> dict[str, str]:
    """Two councils, a case in each, and one account per role."""
    build.authority("LEICS", name="Leicestershire County Council")
    build.authority("NOTTS", name="Nottinghamshire County Council")
    build.case("LEICS", reference=OWN, category="Own council category")
    build.case("NOTTS", reference=OTHER, category="Other council category")
    return {
        "officer": build.user("officer", authority="LEICS"),
        "caseworker": build.user("caseworker"),
        "manager": build.user("manager"),
        "admin": build.user("admin"),
    }


@pytest.fixture
def officer(client, councils):
    sign_in(client, councils["officer"])
    return client


def test_the_permission_table() -> None:
    assert can(None, Permission.VIEW_AUTHORITIES) is False
    assert ROLE_PERMISSIONS[Role.OFFICER] == {
        Permission.SUBMIT_EVIDENCE,
        Permission.REQUEST_EXTENSION,
    }
    for role in (Role.CASEWORKER, Role.MANAGER, Role.ADMIN):
        assert Permission.VIEW_ALL_COUNCILS in ROLE_PERMISSIONS[role]
    assert {r for r, p in ROLE_PERMISSIONS.items() if Permission.MANAGE_USERS in p} == {Role.ADMIN}
    assert {r for r, p in ROLE_PERMISSIONS.items() if Permission.MANAGE_AUTHORITIES in p} == {
        Role.ADMIN
    }
    assert {r for r, p in ROLE_PERMISSIONS.items() if Permission.RECORD_CASES in p} == {
        Role.CASEWORKER
    }


def test_an_officer_sees_their_own_case(officer) -> None:
    html = officer.get("/cases/24-000-001").get_data(as_text=True)
    assert "Case 24 000 001" in html


@pytest.mark.parametrize(
    "path",
    ["/cases/24-000-002", "/cases/24000002", "/cases/24-000-002/edit", "/authorities/NOTTS/edit"],
)
def test_another_councils_records_do_not_exist_for_an_officer(officer, path) -> None:
    response = officer.get(path)
    assert response.status_code == 404
    assert "Other council category" not in response.get_data(as_text=True)


def test_an_officer_posting_to_another_councils_case_changes_nothing(app, officer) -> None:
    token = csrf_token(officer, "/cases/")
    response = officer.post(
        "/cases/24-000-002/edit",
        data={
            "csrf_token": token,
            "reference": OTHER,
            "authority": "NOTTS",
            "category": "Hacked",
            "decision_date": ["3", "6", "2024"],
            "outcome": "upheld",
            "version": "1",
        },
    )
    assert response.status_code == 404
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == OTHER))
        assert case.category == "Other council category"


def test_an_officer_cannot_change_even_their_own_case(officer) -> None:
    assert officer.get("/cases/24-000-001/edit").status_code == 403


def test_an_officer_lists_and_searches_only_their_own_council(officer) -> None:
    listing = officer.get("/cases/").get_data(as_text=True)
    assert OWN in listing and OTHER not in listing
    for query in ("?reference=24000002", "?authority=NOTTS", "?reference=24"):
        html = officer.get(f"/cases/{query}").get_data(as_text=True)
        assert OTHER not in html and "Nottinghamshire" not in html


def test_an_officer_is_offered_only_their_own_council_in_filters(officer) -> None:
    html = officer.get("/cases/").get_data(as_text=True)
    assert "Leicestershire County Council" in html
    assert "Nottinghamshire County Council" not in html


@pytest.mark.parametrize(
    "path", ["/authorities/", "/authorities/new", "/users/", "/users/new", "/cases/new"]
)
def test_an_officer_is_kept_out_of_staff_pages(officer, path) -> None:
    assert officer.get(path).status_code == 403


def test_an_officers_home_counts_only_their_council(app, build, officer) -> None:
    build.case("NOTTS", recommendations=[("One", "personal"), ("Two", "personal")])
    html = officer.get("/").get_data(as_text=True)
    assert "Nottinghamshire" not in html
    assert re.search(r"Open\s*</dt>\s*<dd[^>]*>\s*1\s*</dd>", html), "only the own case's one"


def test_an_officer_cannot_reach_another_council_through_the_api(client, councils, build) -> None:
    headers = {"Authorization": f"Bearer {build.token(councils['officer'])}"}
    assert client.get("/api/v1/cases/24000001", headers=headers).status_code == 200
    assert client.get("/api/v1/cases/24000002", headers=headers).status_code == 404
    assert client.get("/api/v1/authorities/LEICS", headers=headers).status_code == 200
    assert client.get("/api/v1/authorities/NOTTS", headers=headers).status_code == 404
    listed = client.get("/api/v1/recommendations", headers=headers).json
    assert {item["case"] for item in listed["items"]} == {OWN}
    other = client.get("/api/v1/recommendations?authority=NOTTS", headers=headers).json
    assert other["total"] == 0
    created = client.post(
        "/api/v1/cases",
        headers=headers,
        json={
            "reference": "24 000 003",
            "authority": "NOTTS",
            "category": "X",
            "decision_date": "2024-06-01",
            "outcome": "not_upheld",
        },
    )
    assert created.status_code == 403
    added = client.post(
        "/api/v1/authorities",
        headers=headers,
        json={"code": "NEW", "name": "New", "type": "county", "population": 5},
    )
    assert added.status_code == 403


def test_caseworkers_and_managers_see_every_council(client, councils) -> None:
    for role in ("caseworker", "manager"):
        sign_in(client, councils[role])
        listing = client.get("/cases/").get_data(as_text=True)
        assert OWN in listing and OTHER in listing, role
        assert client.get("/cases/24-000-002").status_code == 200
        submit(client, "/sign-out", {}, form_page="/")


def test_managers_do_not_record_cases_and_caseworkers_do_not_manage_authorities(
    client, councils
) -> None:
    sign_in(client, councils["manager"])
    assert client.get("/cases/new").status_code == 403
    assert client.get("/cases/24-000-002/edit").status_code == 403
    submit(client, "/sign-out", {}, form_page="/")
    sign_in(client, councils["caseworker"])
    assert client.get("/authorities/").status_code == 200
    assert client.get("/authorities/new").status_code == 403
    assert client.get("/authorities/LEICS/edit").status_code == 403
    assert client.get("/users/").status_code == 403


def test_only_admins_manage_users_and_authorities(client, councils) -> None:
    sign_in(client, councils["admin"])
    for path in ("/users/", "/users/new", "/authorities/new", "/authorities/LEICS/edit"):
        assert client.get(path).status_code == 200, path
