"""The compliance workflow through the API: the same rules, in JSON, with 409 for races."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest

from tests import samples

DECIDED = date(2026, 11, 1)


@pytest.fixture
def api(app, build, frozen_clock):
    """A case in Leicestershire and a token for each kind of caller."""
    build.authority("LEICS")
    build.authority("NOTTS")
    recommendation_id = build.payment_due(decided=DECIDED)

    def headers(role: str, authority: str | None = None) -> dict[str, str]:
        token = build.token(build.user(role, authority=authority))
        return {"Authorization": f"Bearer {token}"}

    return {
        "id": recommendation_id,
        "officer": headers("officer", "LEICS"),
        "stranger": headers("officer", "NOTTS"),
        "caseworker": headers("caseworker"),
    }


def upload(client, api, who: str = "officer", files=((samples.PDF, "receipt.pdf"),), **form):
    data = {"file": [(io.BytesIO(content), name) for content, name in files], **form}
    return client.post(
        f"/api/v1/recommendations/{api['id']}/evidence",
        data=data,
        headers=api[who],
        content_type="multipart/form-data",
    )


def review(client, api, decision: str, note: str = "", **extra):
    return client.post(
        f"/api/v1/recommendations/{api['id']}/review",
        json={"decision": decision, "note": note, **extra},
        headers=api["caseworker"],
    )


def error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert set(response.json["error"]) == {"code", "message", "fields"}
    return response.json["error"]


def test_an_officer_sends_evidence_and_gets_its_hashes_back(client, api) -> None:
    response = upload(
        client,
        api,
        files=[(samples.PDF, "receipt.pdf"), (samples.EMAIL, "payment.eml")],
        note="Paid today.",
    )
    assert response.status_code == 201
    body = response.json
    assert (body["revision"], body["note"]) == (1, "Paid today.")
    assert [(f["name"], f["content_type"], f["sha256"]) for f in body["files"]] == [
        ("receipt.pdf", "application/pdf", hashlib.sha256(samples.PDF).hexdigest()),
        ("payment.eml", "message/rfc822", hashlib.sha256(samples.EMAIL).hexdigest()),
    ]
    status = client.get(f"/api/v1/recommendations/{api['id']}", headers=api["officer"]).json
    assert status["status"] == "evidence_submitted"
    assert upload(client, api).json["revision"] == 2


def test_evidence_uploads_are_refused_clearly(client, api) -> None:
    assert (
        "file" in error(upload(client, api, files=[(samples.EXECUTABLE, "x.pdf")]), 422)["fields"]
    )
    assert "file" in error(upload(client, api, files=[]), 422)["fields"]
    assert error(upload(client, api, who="caseworker"), 403)["code"] == "forbidden"
    assert error(upload(client, api, who="stranger"), 404)["code"] == "not_found"


def test_an_oversized_file_is_a_413_with_a_clear_message(app, client, api) -> None:
    app.config["EVIDENCE_MAX_BYTES"] = 500
    body = error(upload(client, api, files=[(samples.PDF + bytes(1000), "big.pdf")]), 413)
    assert body["code"] == "too_large"
    assert body["message"] == "Each file must be smaller than 0.0005 MB."


def test_review_decisions_and_their_rules(client, api) -> None:
    assert error(review(client, api, "accept"), 409)["code"] == "invalid_state"
    upload(client, api)
    assert "note" in error(review(client, api, "changes_requested"), 422)["fields"]
    assert "decision" in error(review(client, api, "maybe"), 422)["fields"]
    officer_try = client.post(
        f"/api/v1/recommendations/{api['id']}/review",
        json={"decision": "accept"},
        headers=api["officer"],
    )
    assert error(officer_try, 403)["code"] == "forbidden"
    accepted = review(client, api, "accept")
    assert accepted.status_code == 200 and accepted.json["status"] == "accepted"
    case = client.get("/api/v1/cases/26000001", headers=api["caseworker"]).json
    assert (case["compliance_outcome"], case["compliance_date"]) == ("satisfied", "2026-11-23")
    assert error(review(client, api, "not_complied", "Too late"), 409)["code"] == "invalid_state"


def test_a_stale_version_is_a_409_and_changes_nothing(client, api) -> None:
    upload(client, api)
    version = client.get(f"/api/v1/recommendations/{api['id']}", headers=api["caseworker"]).json[
        "version"
    ]
    assert review(client, api, "changes_requested", "More", version=version).status_code == 200
    stale = review(client, api, "accept", version=version)
    assert error(stale, 409)["code"] == "conflict"
    status = client.get(f"/api/v1/recommendations/{api['id']}", headers=api["caseworker"]).json
    assert status["status"] == "changes_requested"


def test_more_time_asked_for_and_agreed(client, api) -> None:
    path = f"/api/v1/recommendations/{api['id']}/extension"
    asked = client.post(
        path, json={"until": "2027-01-31", "reason": "Monthly payment run."}, headers=api["officer"]
    )
    assert asked.status_code == 201 and asked.json["status"] == "pending"
    again = client.post(path, json={"until": "2027-02-28", "reason": "x"}, headers=api["officer"])
    assert error(again, 409)["code"] == "invalid_state"
    too_soon = client.post(
        path, json={"until": "2026-11-01", "reason": "x"}, headers=api["officer"]
    )
    assert error(too_soon, 409)["code"] == "invalid_state", "one request at a time comes first"
    decided = client.post(
        f"{path}/decision", json={"decision": "agreed"}, headers=api["caseworker"]
    )
    assert decided.status_code == 200
    assert (decided.json["status"], decided.json["due_date"]) == ("agreed", "2027-01-31")
    nothing = client.post(
        f"{path}/decision", json={"decision": "agreed"}, headers=api["caseworker"]
    )
    assert error(nothing, 409)["code"] == "invalid_state"
    status = client.get(f"/api/v1/recommendations/{api['id']}", headers=api["officer"]).json
    assert status["due_date"] == "2027-01-31" and status["decision_due_date"] == "2026-12-01"


def test_extension_requests_are_checked(client, api) -> None:
    path = f"/api/v1/recommendations/{api['id']}/extension"
    before_due = client.post(
        path, json={"until": "2026-11-30", "reason": "x"}, headers=api["officer"]
    )
    assert "until" in error(before_due, 422)["fields"]
    assert (
        "reason"
        in error(
            client.post(path, json={"until": "2027-01-31", "reason": ""}, headers=api["officer"]),
            422,
        )["fields"]
    )
    assert (
        error(
            client.post(
                path, json={"until": "2027-01-31", "reason": "x"}, headers=api["caseworker"]
            ),
            403,
        )["code"]
        == "forbidden"
    )
    assert (
        error(
            client.post(path, json={"until": "2027-01-31", "reason": "x"}, headers=api["stranger"]),
            404,
        )["code"]
        == "not_found"
    )
    refuse = client.post(
        f"{path}/decision", json={"decision": "refused"}, headers=api["caseworker"]
    )
    assert error(refuse, 409)["code"] == "invalid_state"


def test_more_time_cannot_be_agreed_once_the_work_is_judged(client, api) -> None:
    """Agreeing a later date after closing would rejudge work already judged late or on
    time: the request waits until the recommendation is reopened."""
    path = f"/api/v1/recommendations/{api['id']}/extension"
    client.post(
        path, json={"until": "2027-01-31", "reason": "Payment run."}, headers=api["officer"]
    )
    assert review(client, api, "not_complied", "Refused to pay.").status_code == 200
    decided = client.post(
        f"{path}/decision", json={"decision": "agreed"}, headers=api["caseworker"]
    )
    assert "reopen it" in error(decided, 409)["message"]
    status = client.get(f"/api/v1/recommendations/{api['id']}", headers=api["caseworker"]).json
    assert status["due_date"] == "2026-12-01"


def test_a_recommendation_says_what_the_caller_may_do_next(client, api) -> None:
    path = f"/api/v1/recommendations/{api['id']}"
    assert client.get(path, headers=api["officer"]).json["actions"] == [
        "request_extension",
        "submit_evidence",
    ]
    assert client.get(path, headers=api["caseworker"]).json["actions"] == [
        "assign",
        "chase",
        "record_event_date",
        "review",
        "set_due_date",
    ]
    client.post(
        f"{path}/extension", json={"until": "2027-01-31", "reason": "x"}, headers=api["officer"]
    )
    assert client.get(path, headers=api["officer"]).json["actions"] == ["submit_evidence"]
    assert "decide_extension" in client.get(path, headers=api["caseworker"]).json["actions"]
    upload(client, api)
    review(client, api, "accept")
    assert client.get(path, headers=api["caseworker"]).json["actions"] == [
        "record_event_date",
        "reopen",
    ]
    assert client.get(path, headers=api["officer"]).json["actions"] == []
