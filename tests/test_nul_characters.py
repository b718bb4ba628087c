"""Text PostgreSQL cannot store (a NUL character) is refused at the door, on every route:
a clear 4xx, never a database error, and nothing saved."""

from __future__ import annotations

import sqlalchemy as sa

from tests.helpers import sign_in, submit
from tracker.extensions import db
from tracker.models import Authority, Case


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
