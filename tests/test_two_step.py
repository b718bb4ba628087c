"""Two-step sign-in: an authenticator app's codes (TOTP) and single-use recovery codes."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from tests.helpers import csrf_token, sign_in, submit, text_of
from tracker.extensions import db
from tracker.models import AuditEvent, RecoveryCode, User
from tracker.plumbing import clock

RECOVERY_CODE = re.compile(r"\b[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}\b")


@pytest.fixture
def required(app):
    """Two-step sign-in required of staff, as in production."""
    app.config["TWO_FACTOR_REQUIRED"] = True


def code(secret: str, steps: int = 0) -> str:
    """The authenticator's code, `steps` time steps (of 30 seconds) from the clock's now."""
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30 * steps))


def enrol(client, page: str) -> tuple[str, list[str]]:
    """Set up two-step on `page` with the secret it shows; the secret and recovery codes."""
    html = client.get(page).get_data(as_text=True)
    assert 'src="data:image/svg+xml' in html, "a QR code to scan"
    match = re.search(r'id="two-step-secret">([A-Z2-7 ]+)<', html)
    assert match, "the secret written out for typing in"
    secret = match.group(1).replace(" ", "")
    response = submit(client, page, {"code": code(secret)})
    assert response.status_code == 200, response.headers.get("Location")
    codes = RECOVERY_CODE.findall(response.get_data(as_text=True))
    assert len(set(codes)) == 10
    return secret, codes


def enter(client, given: str):
    return submit(client, "/sign-in/two-step", {"code": given})


def test_staff_must_set_it_up_before_they_get_in(client, build, required, frozen_clock) -> None:
    email = build.user("caseworker")
    response = sign_in(client, email)
    assert response.headers["Location"] == "/sign-in/two-step/set-up"
    assert client.get("/cases/").status_code == 302, "not in yet"
    secret, _ = enrol(client, "/sign-in/two-step/set-up")
    assert client.get("/cases/").status_code == 200

    submit(client, "/sign-out", {}, form_page="/")
    frozen_clock(timedelta(seconds=30))
    response = sign_in(client, email)
    assert response.headers["Location"] == "/sign-in/two-step"
    assert client.get("/cases/").status_code == 302, "the password alone is not enough"
    html = enter(client, "000000" if code(secret) != "000000" else "111111").get_data(as_text=True)
    assert "Enter the code from your authenticator app, or a recovery code" in html
    assert enter(client, code(secret)).status_code == 302
    assert client.get("/cases/").status_code == 200


def test_officers_are_not_asked_unless_they_chose_it(client, build, required) -> None:
    build.authority("LEICS")
    assert sign_in(client, build.user("officer", authority="LEICS")).headers["Location"] == "/"


def test_not_required_in_the_demo_and_tests(client, build) -> None:
    assert sign_in(client, build.user("caseworker")).headers["Location"] == "/"


def test_anyone_may_set_it_up_from_their_account_page(app, client, build, frozen_clock):
    build.authority("LEICS")
    email = build.user("officer", authority="LEICS")
    sign_in(client, email)
    assert "Two-step sign-in is off" in text_of(client.get("/account").get_data(as_text=True))
    secret, _ = enrol(client, "/account/two-step")
    assert "Two-step sign-in is on" in text_of(client.get("/account").get_data(as_text=True))
    submit(client, "/sign-out", {}, form_page="/")
    assert sign_in(client, email).headers["Location"] == "/sign-in/two-step"
    assert enter(client, code(secret, 1)).status_code == 302


def test_a_code_works_only_once(client, build, required, frozen_clock) -> None:
    email = build.user("caseworker")
    sign_in(client, email)
    secret, _ = enrol(client, "/sign-in/two-step/set-up")
    submit(client, "/sign-out", {}, form_page="/")
    sign_in(client, email)
    used_at_set_up = code(secret)
    assert enter(client, used_at_set_up).status_code == 200, "replayed"
    assert enter(client, code(secret, 1)).status_code == 302
    submit(client, "/sign-out", {}, form_page="/")
    sign_in(client, email)
    assert enter(client, code(secret, 1)).status_code == 200, "replayed"


def test_codes_are_accepted_one_step_either_side(client, build, required, frozen_clock):
    email = build.user("caseworker")
    sign_in(client, email)
    secret, _ = enrol(client, "/sign-in/two-step/set-up")
    submit(client, "/sign-out", {}, form_page="/")
    frozen_clock(timedelta(minutes=5))
    sign_in(client, email)
    assert enter(client, code(secret, -2)).status_code == 200
    assert enter(client, code(secret, 2)).status_code == 200
    assert enter(client, code(secret, -1)).status_code == 302


def test_a_recovery_code_works_once(app, client, build, required, frozen_clock) -> None:
    email = build.user("caseworker")
    sign_in(client, email)
    _, codes = enrol(client, "/sign-in/two-step/set-up")
    submit(client, "/sign-out", {}, form_page="/")
    sign_in(client, email)
    assert enter(client, codes[3].upper().replace("-", " ")).status_code == 302
    submit(client, "/sign-out", {}, form_page="/")
    sign_in(client, email)
    assert enter(client, codes[3]).status_code == 200
    with app.app_context():
        stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored), "kept only as hashes"


def test_the_code_page_lasts_five_minutes(client, build, required, frozen_clock) -> None:
    email = build.user("caseworker")
    sign_in(client, email)
    secret, _ = enrol(client, "/sign-in/two-step/set-up")
    submit(client, "/sign-out", {}, form_page="/")
    sign_in(client, email)
    token = csrf_token(client, "/sign-in/two-step")
    frozen_clock(timedelta(minutes=6))
    response = client.post("/sign-in/two-step", data={"csrf_token": token, "code": code(secret)})
    assert response.headers["Location"] == "/sign-in"
    assert "Sign in again" in client.get("/sign-in").get_data(as_text=True)
    assert client.get("/cases/").status_code == 302


def test_wrong_codes_count_towards_the_back_off(client, build, required, frozen_clock):
    email = build.user("caseworker")
    sign_in(client, email)
    secret, _ = enrol(client, "/sign-in/two-step/set-up")
    submit(client, "/sign-out", {}, form_page="/")
    frozen_clock(timedelta(seconds=30))
    sign_in(client, email)
    wrong = "123456" if code(secret) != "123456" else "654321"
    for _ in range(4):  # the password was the first of the five free attempts
        assert "Enter the code" in enter(client, wrong).get_data(as_text=True)
    html = enter(client, code(secret)).get_data(as_text=True)
    assert "tried to sign in too many times" in html


def test_an_admin_resets_someones_two_step(app, client, build, required, frozen_clock):
    email = build.user("caseworker")
    sign_in(client, email)
    enrol(client, "/sign-in/two-step/set-up")
    admin = app.test_client()
    sign_in(admin, build.user("admin"))
    enrol(admin, "/sign-in/two-step/set-up")
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
    edit = f"/users/{user_id}/edit"
    assert "Reset two-step sign-in" in admin.get(edit).get_data(as_text=True)
    response = submit(admin, f"/users/{user_id}/two-step/reset", {}, form_page=edit)
    assert response.status_code == 302
    assert client.get("/cases/").status_code == 302, "their sessions ended too"
    assert sign_in(client, email).headers["Location"] == "/sign-in/two-step/set-up"
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(
                AuditEvent.entity_type == "user", AuditEvent.entity_id == user_id
            )
        ).all()
    assert "user.two_step_enabled" in actions and "user.two_step_reset" in actions


def test_only_admins_reset_two_step(app, client, build) -> None:
    other = build.user("caseworker", email="other@example.org")
    sign_in(client, build.user("manager"))
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == other))
    response = submit(client, f"/users/{user_id}/two-step/reset", {}, form_page="/account")
    assert response.status_code == 403


def test_the_code_page_needs_a_password_first(client) -> None:
    response = client.get("/sign-in/two-step")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"


def test_a_wrong_password_never_reaches_the_code_page(client, build, required) -> None:
    email = build.user("caseworker")
    assert sign_in(client, email, "wrong").status_code == 200
    assert client.get("/sign-in/two-step").headers["Location"] == "/sign-in"
