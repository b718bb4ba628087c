"""A recommendation's council is its case's, whatever made or moved the case: one council's
lists, and so what an officer sees, read it from the recommendation's own row."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.helpers import csrf_token, sign_in
from tracker.extensions import db
from tracker.models import Authority, Case, Recommendation

REFERENCE = "24 007 343"


@pytest.fixture
def councils(build) -> dict[str, str]:
    """Two councils, an officer of each, a caseworker; an upheld case at LEICS."""
    build.authority("LEICS")
    build.authority("NOTTS")
    build.case("LEICS", reference=REFERENCE)
    return {
        "LEICS": build.user("officer", authority="LEICS"),
        "NOTTS": build.user("officer", authority="NOTTS"),
        "caseworker": build.user("caseworker"),
    }


def councils_of_recommendations(app) -> dict[int, str]:
    """Each recommendation's council, as its own row holds it, after checking that every row
    holds its case's."""
    with app.app_context():
        diverging = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Recommendation)
            .join(Case, Case.id == Recommendation.case_id)
            .where(Recommendation.authority_id != Case.authority_id)
        )
        assert diverging == 0
        return dict(
            db.session.execute(
                sa.select(Recommendation.id, Authority.code).join(
                    Authority, Authority.id == Recommendation.authority_id
                )
            ).all()
        )


def move_case(client, caseworker: str, to: str) -> None:
    """The caseworker corrects the case's council on its edit page."""
    sign_in(client, caseworker)
    page = f"/cases/{REFERENCE.replace(' ', '-')}/edit"
    html = client.get(page).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    form = {
        "reference": REFERENCE,
        "authority": to,
        "category": "Education",
        "subcategory": "Special educational needs",
        "decision_date": ["3", "6", "2024"],
        "outcome": "upheld",
        "version": version,
        "csrf_token": csrf_token(client, page),
    }
    assert client.post(page, data=form).status_code == 302
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})


def test_a_recommendation_made_by_any_door_has_its_cases_council(app, build, client, councils):
    caseworker = build.bearer(councils["caseworker"])
    body = {
        "reference": "24007344",
        "authority": "NOTTS",
        "category": "Education",
        "subcategory": "Special educational needs",
        "decision_date": "2025-01-28",
        "outcome": "upheld",
        "satisfactory_remedy": False,
        "recommendations": [{"text": "Apologise to Mr X.", "kind": "personal"}],
    }
    assert client.post("/api/v1/cases", json=body, headers=caseworker).status_code == 201
    assert sorted(councils_of_recommendations(app).values()) == ["LEICS", "NOTTS"]


def test_a_case_moved_to_another_council_takes_its_recommendations_out_of_sight(
    app, build, client, councils
):
    [recommendation_id] = build.recommendation_ids(REFERENCE)
    move_case(client, councils["caseworker"], "NOTTS")
    assert councils_of_recommendations(app) == {recommendation_id: "NOTTS"}

    sign_in(client, councils["LEICS"])
    assert client.get(f"/recommendations/{recommendation_id}").status_code == 404
    assert REFERENCE not in client.get("/recommendations/").get_data(as_text=True)
    leics = build.bearer(councils["LEICS"])
    answer = client.get(f"/api/v1/recommendations/{recommendation_id}", headers=leics)
    assert answer.status_code == 404
    assert client.get("/api/v1/recommendations", headers=leics).json["total"] == 0
    notts = build.bearer(councils["NOTTS"])
    listed = client.get("/api/v1/recommendations", headers=notts).json
    assert [item["id"] for item in listed["items"]] == [recommendation_id]


def test_an_import_correcting_a_cases_council_moves_its_recommendations(
    app, build, runner, councils, tmp_path
):
    [recommendation_id] = build.recommendation_ids(REFERENCE)
    path = tmp_path / "corrections.csv"
    path.write_text(
        "reference,authority,category,subcategory,decision_date,outcome,satisfactory_remedy\r\n"
        f"{REFERENCE},NOTTS,Education,Special educational needs,2024-06-03,upheld,false\r\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import", "cases", str(path)])
    assert "updated 1" in result.output, result.output
    assert councils_of_recommendations(app) == {recommendation_id: "NOTTS"}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE recommendations SET authority_id = :other",
        "INSERT INTO recommendations (case_id, authority_id, position, text, kind,"
        " evidence_expected, status, explicit, created_at, updated_at, version)"
        " SELECT case_id, :other, 2, text, kind, '', status, explicit, created_at,"
        " updated_at, 1 FROM recommendations",
    ],
)
def test_the_database_refuses_a_recommendation_of_another_council_than_its_case(
    app, councils, statement
):
    with app.app_context():
        other = db.session.scalar(sa.select(Authority.id).where(Authority.code == "NOTTS"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.text(statement), {"other": other})
            db.session.flush()
        db.session.rollback()
