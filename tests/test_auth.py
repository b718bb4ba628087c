"""Signing in and out, password storage and slowing down guessers."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.helpers import PASSWORD, sign_in, submit
from tracker.extensions import db
from tracker.models import SignInFailure, User


def test_a_caseworker_signs_in_and_sees_their_home_page(client, build) -> None:
    email = build.user("caseworker", name="Casey Walker")
    response = sign_in(client, email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Casey Walker" in home and "Remedies across all councils" in home


def test_each_role_has_its_own_home_page(client, build) -> None:
    build.authority("LEICS", name="Leicestershire County Council")
    headings = {
        "caseworker": "Remedies across all councils",
        "manager": "Compliance across all councils",
        "admin": "Administration",
        "officer": "Your council's remedies",
    }
    for role, heading in headings.items():
        email = build.user(role, authority="LEICS" if role == "officer" else None)
        sign_in(client, email)
        assert heading in client.get("/").get_data(as_text=True), role
        submit(client, "/sign-out", {}, form_page="/")


def test_a_wrong_password_is_refused_with_a_clear_message(client, build) -> None:
    email = build.user("caseworker")
    response = sign_in(client, email, "not the password")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter a correct e-mail address and password" in html
    assert client.get("/").status_code == 302, "still signed out"


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(client) -> None:
    html = sign_in(client, "nobody@example.org", "whatever it is").get_data(as_text=True)
    assert "Enter a correct e-mail address and password" in html


def test_empty_fields_are_reported(client) -> None:
    html = submit(client, "/sign-in", {"email": "", "password": ""}).get_data(as_text=True)
    assert "Enter your e-mail address" in html and "Enter your password" in html


def test_email_is_matched_without_regard_to_case(client, build) -> None:
    build.user("caseworker", email="casey@example.org")
    assert sign_in(client, "  Casey@Example.ORG ").status_code == 302


def test_repeated_failures_are_slowed_down(client, build, frozen_clock) -> None:
    email = build.user("caseworker")
    for _ in range(5):
        assert "Enter a correct" in sign_in(client, email, "wrong").get_data(as_text=True)
    # Even the right password waits now, and the message says for how long.
    html = sign_in(client, email).get_data(as_text=True)
    assert "tried to sign in too many times" in html and "30 seconds" in html
    frozen_clock(timedelta(seconds=31))
    assert "Enter a correct" in sign_in(client, email, "wrong").get_data(as_text=True)
    frozen_clock(timedelta(seconds=31))
    assert "too many times" in sign_in(client, email).get_data(as_text=True), "wait doubled"
    frozen_clock(timedelta(seconds=31))
    assert sign_in(client, email).status_code == 302


def test_success_clears_the_failure_count(app, client, build) -> None:
    email = build.user("caseworker")
    sign_in(client, email, "wrong")
    sign_in(client, email)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SignInFailure.id))) == 0


def test_unknown_addresses_are_throttled_like_known_ones(client, frozen_clock) -> None:
    for _ in range(5):
        sign_in(client, "ghost@example.org", "guess")
    assert "too many times" in sign_in(client, "ghost@example.org", "guess").get_data(as_text=True)


def test_passwords_are_stored_as_argon2id_hashes(app, build) -> None:
    email = build.user("caseworker")
    with app.app_context():
        stored = db.session.scalar(sa.select(User.password_hash).where(User.email == email))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_deactivated_account_cannot_sign_in(client, build) -> None:
    email = build.user("caseworker", active=False)
    assert "Enter a correct" in sign_in(client, email).get_data(as_text=True)


def test_signing_out_ends_the_session(client, build) -> None:
    sign_in(client, build.user("caseworker"))
    response = submit(client, "/sign-out", {}, form_page="/")
    assert response.status_code == 302
    assert "You have signed out" in client.get("/sign-in").get_data(as_text=True)
    assert client.get("/cases/").status_code == 302


def test_pages_ask_signed_out_visitors_to_sign_in_and_return_them(client, build) -> None:
    response = client.get("/cases/?outcome=upheld")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    email = build.user("caseworker")
    back = submit(client, response.headers["Location"], {"email": email, "password": PASSWORD})
    assert back.headers["Location"] == "/cases/?outcome=upheld"


def test_sign_in_never_redirects_to_another_site(client, build) -> None:
    email = build.user("caseworker")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"):
        client.get("/")  # fresh page, still signed out
        response = submit(
            client,
            f"/sign-in?next={target}",
            {"email": email, "password": PASSWORD},
            form_page="/sign-in",
        )
        assert response.headers["Location"] == "/", target
        submit(client, "/sign-out", {}, form_page="/")


def test_deactivating_an_account_signs_it_out_everywhere(app, client, build) -> None:
    email = build.user("caseworker")
    sign_in(client, email)
    assert client.get("/cases/").status_code == 200
    build.deactivate(email)
    assert client.get("/cases/").status_code == 302
