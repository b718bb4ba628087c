"""Text a database cannot store (a NUL character, or text that is not valid Unicode such as an
unpaired surrogate) is refused at the door, on every route: a clear 4xx, never a database error,
and nothing saved."""

from __future__ import annotations

import sqlalchemy as sa

from tests.helpers import sign_in, submit
from tracker.extensions import db
from tracker.models import Authority, Case, ExtensionRequest, Recommendation, RecommendationStatus

NOT_UNICODE = "must be valid Unicode text (it has an unpaired surrogate)"


def test_the_api_names_the_field(app, client, build) -> None:
    build.authority("LEICS")
    headers = {"Authorization": f"Bearer {build.token(build.user('admin'))}"}
    response = client.post(
        "/api/v1/authorities",
        json={"code": "NUL", "name": "Bad\x00 Council", "type": "county", "population": 1},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"name": "must not contain NUL characters"}
    nested = client.post(
        "/api/v1/cases",
        json={"reference": "24007343", "recommendations": [{"text": "a\x00", "kind": "personal"}]},
        headers=headers,
    )
    assert nested.json["error"]["fields"] == {
        "recommendations.0.text": "must not contain NUL characters"
    }
    query = client.get("/api/v1/recommendations?authority=%00", headers=headers)
    assert query.status_code == 422 and "authority" in query.json["error"]["fields"]
    assert client.get("/api/v1/authorities/LE%00", headers=headers).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Authority.id))) == 1


def test_a_form_is_refused_with_a_clear_page_and_nothing_saved(app, client, build) -> None:
    build.authority("LEICS")
    sign_in(client, build.user("caseworker"))
    response = submit(
        client,
        "/cases/new",
        {"action": "save", "reference": "24007343", "authority": "LEICS", "category": "Ed\x00"},
    )
    assert response.status_code == 400
    assert "characters that cannot be stored" in response.get_data(as_text=True)
    assert client.get("/cases/?authority=%00").status_code == 400
    assert client.get("/authorities/LE%00/edit").status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_text_that_is_not_valid_unicode_is_refused_naming_the_field(app, client, build) -> None:
    build.authority("LEICS")
    reference = build.case("LEICS")
    [recommendation_id] = build.recommendation_ids(reference)
    caseworker = {"Authorization": f"Bearer {build.token(build.user('caseworker'))}"}
    officer = {"Authorization": f"Bearer {build.token(build.user('officer', authority='LEICS'))}"}
    case = {
        "reference": "24 007 343",
        "authority": "LEICS",
        "category": "Education\ud800",
        "decision_date": "2025-01-28",
        "outcome": "upheld",
        "recommendations": [{"text": "Apologise\udfff", "kind": "personal", "\udc00": 1}],
    }
    for path, body, headers, fields in (
        (
            "/api/v1/cases",
            case,
            caseworker,
            {"category", "recommendations.0.text", "recommendations.0.\udc00"},
        ),
        (
            f"/api/v1/recommendations/{recommendation_id}/review",
            {"decision": "not_complied", "note": "\ud800 refused"},
            caseworker,
            {"note"},
        ),
        (
            f"/api/v1/recommendations/{recommendation_id}/extension",
            {"until": "2099-01-01", "reason": "Waiting \udbff"},
            officer,
            {"reason"},
        ),
    ):
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 422, response.get_data(as_text=True)
        error = response.json["error"]
        assert set(error["fields"]) == fields, path
        assert set(error["fields"].values()) == {NOT_UNICODE}, path
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(ExtensionRequest.id))) == 0
        assert db.session.get(Recommendation, recommendation_id).status is RecommendationStatus.OPEN
