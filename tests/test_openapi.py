"""The OpenAPI document is valid OpenAPI 3 and says what the API does: the evidence upload is a
multipart request body, text fields state the NUL rule, a refusal's note is required, each
operation lists its errors. A client generated from it by openapi-python-client works against
the application served over HTTP."""

from __future__ import annotations

import importlib
import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests import samples

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "remedy_tracker_client"
EVIDENCE = "/api/v1/recommendations/{recommendation_id}/evidence"
REVIEW = "/api/v1/recommendations/{recommendation_id}/review"


@pytest.fixture
def spec(client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def test_the_document_is_valid_openapi_3(spec) -> None:
    validate(spec)  # raises, naming what is wrong, if it is not
    assert spec["openapi"].startswith("3.0")


def test_the_evidence_upload_is_one_multipart_body(spec) -> None:
    operation = spec["paths"][EVIDENCE]["post"]
    assert all(parameter["in"] != "formData" for parameter in operation.get("parameters", []))
    [(content_type, body)] = operation["requestBody"]["content"].items()
    assert content_type == "multipart/form-data"
    upload = spec["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[1]]
    assert upload["properties"]["file"] == {
        "type": "array",
        "items": {"type": "string", "format": "binary"},
        "minItems": 1,
        "maxItems": 10,
        "description": "One to 10 files: send one `file` part for each",
    }
    assert upload["required"] == ["file"] and "note" in upload["properties"]


def test_text_fields_state_the_nul_rule_and_refusals_need_a_note(spec) -> None:
    schemas = spec["components"]["schemas"]
    for name, field in (
        ("CaseIn", "category"),
        ("RecommendationIn", "text"),
        ("Authority", "name"),
    ):
        pattern = schemas[name]["properties"][field]["pattern"]
        assert re.fullmatch(pattern, "Education") and not re.fullmatch(pattern, "Ed\x00")
    shapes = spec["paths"][REVIEW]["post"]["requestBody"]["content"]["application/json"]
    names = [ref["$ref"].rsplit("/", 1)[1] for ref in shapes["schema"]["oneOf"]]
    by_decision = {
        decision: schemas[name]
        for name in names
        for decision in schemas[name]["properties"]["decision"]["enum"]
    }
    assert set(by_decision) == {"accept", "changes_requested", "not_complied"}
    assert "note" not in by_decision["accept"].get("required", [])
    for refusal in ("changes_requested", "not_complied"):
        note = by_decision[refusal]["properties"]["note"]
        assert "note" in by_decision[refusal]["required"] and note["minLength"] == 1
        assert not re.fullmatch(note["pattern"], "   ") and re.fullmatch(note["pattern"], " Late ")


def test_each_operation_lists_the_errors_it_can_give(spec) -> None:
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            answers = set(operation["responses"])
            assert "default" not in answers and {"401", "429"} <= answers, (method, path)
            if method == "post":
                assert {"400", "413", "422"} <= answers or path == EVIDENCE, (method, path)
            if "{" in path:
                assert "404" in answers, (method, path)
    unauthorised = spec["components"]["responses"]["Unauthorised"]
    assert unauthorised["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert "WWW-Authenticate" in unauthorised["headers"]
    assert "Retry-After" in spec["components"]["responses"]["TooManyRequests"]["headers"]


@pytest.fixture
def generated_client(live_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The package openapi-python-client generates from the served document, imported."""
    config = tmp_path / "generator.yaml"
    # No formatting hooks: the generated code is only imported, never committed.
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    result = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--url",
            f"{live_server}/api/v1/openapi.json",
            "--meta",
            "none",
            "--config",
            str(config),
            "--output-path",
            str(tmp_path / PACKAGE),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Error" not in result.stdout + result.stderr, result.stdout + result.stderr
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_a_generated_client_works_against_the_live_api(
    build, live_server: str, generated_client: Any
) -> None:
    api = importlib.import_module(f"{PACKAGE}.api")
    models = importlib.import_module(f"{PACKAGE}.models")
    types = importlib.import_module(f"{PACKAGE}.types")
    authorities = importlib.import_module(f"{PACKAGE}.api.authorities.post_api_v1_authorities")
    create_case = importlib.import_module(f"{PACKAGE}.api.cases.post_api_v1_cases")
    read_case = importlib.import_module(f"{PACKAGE}.api.cases.get_api_v1_cases_reference")
    recommendations = f"{PACKAGE}.api.recommendations.post_api_v1_recommendations_recommendation_id"
    upload = importlib.import_module(f"{recommendations}_evidence")
    review = importlib.import_module(f"{recommendations}_review")
    assert api is not None

    def as_(role: str, authority: str | None = None) -> Any:
        token = build.token(build.user(role, authority=authority))
        return generated_client.AuthenticatedClient(base_url=live_server, token=token)

    admin, caseworker = as_("admin"), as_("caseworker")
    council = models.Authority(
        code="LEICS",
        name="Leicestershire County Council",
        type_=models.AuthorityType.COUNTY,
        population=734_000,
    )
    added = authorities.sync_detailed(client=admin, body=council)
    assert added.status_code == 201 and added.parsed.code == "LEICS"
    officer = as_("officer", "LEICS")

    case = models.CaseIn(
        reference="24007343",
        authority="LEICS",
        category="Education",
        subcategory="Special educational needs",
        decision_date=date(2025, 1, 28),
        outcome=models.CaseInOutcome.UPHELD,
        recommendations=[
            models.RecommendationIn(
                text="Within one month of my final decision, pay Mr X £300.",
                kind=models.RecommendationInKind.PERSONAL,
                amount=300,
            )
        ],
    )
    recorded = create_case.sync_detailed(client=caseworker, body=case)
    assert recorded.status_code == 201, recorded.content
    read = read_case.sync(reference="24-007-343", client=officer)
    assert isinstance(read, models.Case) and read.reference == "24 007 343"
    [recommendation] = read.recommendations
    assert recommendation.due_date == date(2025, 2, 28)

    evidence = models.EvidenceUpload(
        file=[
            types.File(io.BytesIO(samples.PDF), "receipt.pdf", "application/pdf"),
            types.File(io.BytesIO(samples.PNG), "bank.png", "image/png"),
        ],
        note="Paid on 20 January",
    )
    sent = upload.sync_detailed(recommendation.id, client=officer, body=evidence)
    assert sent.status_code == 201, sent.content
    assert [file.name for file in sent.parsed.files] == ["receipt.pdf", "bank.png"]
    assert sent.parsed.note == "Paid on 20 January"

    refused = review.sync_detailed(
        recommendation.id,
        client=officer,
        body=models.ReviewAccept(decision=models.ReviewAcceptDecision.ACCEPT),
    )
    assert refused.status_code == 403 and isinstance(refused.parsed, models.Error)
    accepted = review.sync(
        recommendation.id,
        client=caseworker,
        body=models.ReviewAccept(decision=models.ReviewAcceptDecision.ACCEPT),
    )
    assert isinstance(accepted, models.Recommendation)
    assert accepted.status == models.RecommendationStatus.ACCEPTED
    missing = read_case.sync(reference="99 999 999", client=caseworker)
    assert isinstance(missing, models.Error) and missing.error.code == "not_found"
