"""The JSON API: tokens, the contract's endpoints, JSON errors, and nothing half-saved."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tests.helpers import Builders
from tracker.extensions import db
from tracker.models import Case, Recommendation


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def caseworker(build: Builders) -> dict[str, str]:
    build.authority("LEICS")
    return bearer(build.token(build.user("caseworker")))


def case_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "reference": "24007343",
        "authority": "LEICS",
        "category": "Education",
        "subcategory": "Special educational needs",
        "decision_date": "2025-01-28",
        "outcome": "upheld",
        "satisfactory_remedy": False,
        "recommendations": [
            {"text": "Within one month of my final decision, pay Mr X £300.", "kind": "personal"},
            {"text": "Remind staff about the complaints policy.", "kind": "service_improvement"},
        ],
    }
    return {**body, **overrides}


def case_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Case.id)))


def assert_error(response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.json["error"]
    assert set(error) == {"code", "message", "fields"} and error["message"]
    if code:
        assert error["code"] == code
    return error


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic dXNlcjpwdw=="},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer rt_not-a-real-token"},
    ],
)
def test_calls_without_a_valid_token_are_refused(client, headers) -> None:
    response = client.get("/api/v1/recommendations", headers=headers)
    assert_error(response, 401, "unauthorised")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_stops_working_when_its_account_is_deactivated(app, client, build) -> None:
    email = build.user("caseworker")
    token = build.token(email)
    assert client.get("/api/v1/recommendations", headers=bearer(token)).status_code == 200
    build.deactivate(email)
    assert_error(client.get("/api/v1/recommendations", headers=bearer(token)), 401)


def test_a_signed_in_browser_session_does_not_open_the_api(client, build) -> None:
    from tests.helpers import sign_in

    sign_in(client, build.user("caseworker"))
    assert_error(client.get("/api/v1/recommendations"), 401)


def test_the_openapi_document_describes_every_endpoint(client) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    assert {"post"} <= set(paths["/api/v1/authorities"])
    assert {"get"} <= set(paths["/api/v1/authorities/{code}"])
    assert {"post"} <= set(paths["/api/v1/cases"])
    assert {"get"} <= set(paths["/api/v1/cases/{reference}"])
    assert {"get"} <= set(paths["/api/v1/recommendations"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_an_admin_adds_an_authority_and_anyone_allowed_reads_it(client, build) -> None:
    admin = bearer(build.token(build.user("admin")))
    body = {
        "code": "leics",
        "name": "Leicestershire County Council",
        "type": "county",
        "population": 734000,
    }
    response = client.post("/api/v1/authorities", json=body, headers=admin)
    assert response.status_code == 201
    assert response.json == {**body, "code": "LEICS"}
    caseworker = bearer(build.token(build.user("caseworker")))
    assert client.get("/api/v1/authorities/LEICS", headers=caseworker).json["population"] == 734000
    assert client.get("/api/v1/authorities/leics", headers=caseworker).status_code == 200


def test_only_admins_add_authorities(client, build) -> None:
    caseworker = bearer(build.token(build.user("caseworker")))
    response = client.post(
        "/api/v1/authorities",
        json={"code": "X1", "name": "X", "type": "county", "population": 1},
        headers=caseworker,
    )
    assert_error(response, 403, "forbidden")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "NEW", "name": "New", "type": "parish", "population": 5}, "type"),
        ({"code": "NEW", "name": "New", "type": "county", "population": 0}, "population"),
        ({"code": "NEW", "name": "New", "type": "county", "population": "many"}, "population"),
        ({"code": "NEW", "name": "New", "type": "county"}, "population"),
        ({"code": "N W!", "name": "New", "type": "county", "population": 5}, "code"),
        ({"code": "LEICS", "name": "New", "type": "county", "population": 5}, "code"),
        ({"code": "NEW", "name": "Leicestershire", "type": "county", "population": 5}, "name"),
    ],
)
def test_bad_authorities_are_refused_field_by_field(client, build, body, field) -> None:
    admin = bearer(build.token(build.user("admin")))
    client.post(
        "/api/v1/authorities",
        headers=admin,
        json={"code": "LEICS", "name": "Leicestershire", "type": "county", "population": 700000},
    )
    error = assert_error(
        client.post("/api/v1/authorities", json=body, headers=admin), 422, "validation_error"
    )
    assert field in error["fields"], error


def test_a_caseworker_records_a_case_and_reads_it_back(app, client, caseworker) -> None:
    response = client.post("/api/v1/cases", json=case_body(), headers=caseworker)
    assert response.status_code == 201, response.json
    case = client.get("/api/v1/cases/24 007 343", headers=caseworker).json
    assert case["reference"] == "24 007 343"
    assert case["authority"] == "LEICS"
    assert case["compliance_outcome"] is None and case["compliance_date"] is None
    assert [r["kind"] for r in case["recommendations"]] == ["personal", "service_improvement"]
    first, second = case["recommendations"]
    assert set(first) >= {"id", "status", "due_date", "explicit", "overdue"}
    # "Within one month of my final decision": due a month after 28 January 2025.
    assert (first["status"], first["due_date"], first["explicit"]) == ("open", "2025-02-28", True)
    assert first["overdue"] is True, "open and its due date has passed"
    # No deadline in the words: the service-improvement default, assumed, not explicit.
    assert (second["due_date"], second["explicit"]) == ("2025-04-28", False)
    # The reference can be written any of the accepted ways.
    for written in ("24007343", "24-007-343"):
        assert client.get(f"/api/v1/cases/{written}", headers=caseworker).status_code == 200


def test_a_migrated_case_keeps_its_compliance_outcome(client, caseworker) -> None:
    body = case_body(compliance_outcome="satisfied_late", compliance_date="2025-03-01")
    assert client.post("/api/v1/cases", json=body, headers=caseworker).status_code == 201
    case = client.get("/api/v1/cases/24007343", headers=caseworker).json
    assert case["compliance_outcome"] == "satisfied_late"
    assert case["compliance_date"] == "2025-03-01"
    assert {r["status"] for r in case["recommendations"]} == {"accepted"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reference": "24 07 343"}, "reference"),
        ({"reference": "ABC"}, "reference"),
        ({"authority": "NOPE"}, "authority"),
        ({"decision_date": "2099-01-01"}, "decision_date"),
        ({"decision_date": "28/01/2025"}, "decision_date"),
        ({"outcome": "won"}, "outcome"),
        (
            {"outcome": "not_upheld", "satisfactory_remedy": True, "recommendations": []},
            "satisfactory_remedy",
        ),
        ({"outcome": "not_upheld"}, "recommendations"),
        ({"recommendations": [{"text": "Pay", "kind": "gift"}]}, "recommendations.0.kind"),
        ({"recommendations": [{"kind": "personal"}]}, "recommendations.0.text"),
        ({"compliance_outcome": "satisfied"}, "compliance_date"),
        ({"compliance_outcome": "satisfied", "compliance_date": "2024-01-01"}, "compliance_date"),
        ({"category": ""}, "category"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_bad_cases_are_refused_and_nothing_is_saved(
    app, client, caseworker, overrides, field
) -> None:
    error = assert_error(
        client.post("/api/v1/cases", json=case_body(**overrides), headers=caseworker),
        422,
        "validation_error",
    )
    assert field in error["fields"], error
    assert case_count(app) == 0


def test_a_duplicate_reference_is_refused(app, client, caseworker) -> None:
    assert client.post("/api/v1/cases", json=case_body(), headers=caseworker).status_code == 201
    error = assert_error(
        client.post("/api/v1/cases", json=case_body(reference="24-007-343"), headers=caseworker),
        422,
    )
    assert "already exists" in error["fields"]["reference"]
    assert case_count(app) == 1


@pytest.mark.parametrize(
    "data",
    ["{not json", "[1, 2]", '"text"', "null"],
)
def test_malformed_json_gets_a_4xx_not_a_500(client, caseworker, data) -> None:
    response = client.post(
        "/api/v1/cases", data=data, headers=caseworker, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code)


JSON_ROUTES = [
    "/api/v1/authorities",
    "/api/v1/cases",
    "/api/v1/recommendations/1/review",
    "/api/v1/recommendations/1/extension",
    "/api/v1/recommendations/1/extension/decision",
]


@pytest.mark.parametrize("path", JSON_ROUTES)
@pytest.mark.parametrize("depth", [65, 100_000])
def test_json_nested_too_deep_is_a_400_on_every_route(app, client, build, path, depth) -> None:
    build.authority("LEICS")
    build.case("LEICS")
    headers = bearer(build.token(build.user("caseworker")))
    body = '{"note": ' + "[" * depth + "]" * depth + "}"
    response = client.post(path, data=body, headers=headers, content_type="application/json")
    error = assert_error(response, 400, "bad_request")
    assert "nested more than 64 levels deep" in error["message"]
    assert case_count(app) == 1


def test_json_nested_64_levels_is_read_as_usual(client, caseworker) -> None:
    nested = {"note": "x"}
    for _ in range(62):
        nested = {"deeper": nested}
    response = client.post("/api/v1/cases", json=case_body(extra=nested), headers=caseworker)
    assert assert_error(response, 422, "validation_error")["fields"] == {"extra": "Unknown field."}


def test_a_method_not_allowed_says_which_are(client, caseworker) -> None:
    for method, path, allowed in (
        ("DELETE", "/api/v1/cases", {"POST"}),
        ("TRACE", "/api/v1/recommendations/1/review", {"POST"}),
        ("PUT", "/api/v1/authorities/LEICS", {"GET", "HEAD"}),
    ):
        response = client.open(path, method=method, headers=caseworker)
        assert_error(response, 405, "method_not_allowed")
        assert allowed <= set(response.headers["Allow"].split(", ")), method


def test_an_unknown_case_is_404(client, caseworker) -> None:
    assert_error(client.get("/api/v1/cases/99 999 999", headers=caseworker), 404, "not_found")
    assert_error(client.get("/api/v1/cases/rubbish", headers=caseworker), 404)


def test_recommendations_are_listed_in_pages_and_filtered(app, client, build, caseworker) -> None:
    for _ in range(3):
        build.case(
            "LEICS",
            recommendations=[
                ("Pay Mrs X £100 by 1 June 2099.", "personal"),
                ("Train staff by 1 June 2099.", "service_improvement"),
            ],
        )
    everything = client.get("/api/v1/recommendations?per_page=4", headers=caseworker).json
    assert (everything["total"], everything["pages"], len(everything["items"])) == (6, 2, 4)
    second = client.get("/api/v1/recommendations?per_page=4&page=2", headers=caseworker).json
    assert len(second["items"]) == 2
    ids = {item["id"] for item in everything["items"] + second["items"]}
    assert len(ids) == 6
    with app.app_context():
        recommendation = db.session.get(Recommendation, min(ids))
        recommendation.due_date = recommendation.case.decision_date  # long past
        db.session.commit()
    overdue = client.get("/api/v1/recommendations?overdue=true", headers=caseworker).json
    assert [item["id"] for item in overdue["items"]] == [min(ids)]
    assert overdue["items"][0]["overdue"] is True
    not_overdue = client.get("/api/v1/recommendations?overdue=false", headers=caseworker).json
    assert not_overdue["total"] == 5
    assert (
        client.get("/api/v1/recommendations?status=accepted", headers=caseworker).json["total"] == 0
    )
    assert (
        client.get("/api/v1/recommendations?authority=leics", headers=caseworker).json["total"] == 6
    )


@pytest.mark.parametrize(
    "query",
    ["page=0", "per_page=1000", "status=done", "overdue=perhaps", "page=abc"],
)
def test_bad_list_parameters_are_422(client, caseworker, query) -> None:
    assert_error(client.get(f"/api/v1/recommendations?{query}", headers=caseworker), 422)
