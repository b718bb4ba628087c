"""Forgotten passwords: a single-use, one-hour link by e-mail, through a real SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import sqlalchemy as sa

from tests.helpers import sign_in, submit, text_of
from tests.mailserver import SmtpServer
from tracker.extensions import db
from tracker.models import AuditEvent, PasswordReset, User

NEW_PASSWORD = "a new and long passphrase"


def ask_for_a_link(client, email: str) -> str:
    """Ask for a reset link on the page; returns the page's words once the answer is sent."""
    assert 'href="/forgot-password"' in client.get("/sign-in").get_data(as_text=True)
    response = submit(client, "/forgot-password", {"email": email})
    assert response.status_code == 200
    page = text_of(response.get_data(as_text=True))
    response.close()  # the server has sent the whole answer: the e-mail goes now
    return page


def link_in(smtp: SmtpServer) -> str:
    [message] = smtp.inbox.messages
    body = message.get_payload(decode=True).decode()
    match = re.search(r"https://tracker\.example(/reset-password/\S+)", body)
    assert match, body
    return match.group(1)


def choose(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    """Post a new password to the link (with this browser's form token, which a spent
    link's page no longer shows)."""
    data = {"password": password, "confirm": confirm or password}
    return submit(client, path, data, form_page="/forgot-password")


def test_the_link_arrives_and_sets_a_new_password_once(app, client, build, smtp) -> None:
    email = build.user("caseworker")
    page = ask_for_a_link(client, email)
    assert "Check your e-mail" in page
    [message] = smtp.inbox.messages
    assert message["To"] == email and "reset your password" in message["Subject"].lower()
    path = link_in(smtp)

    assert "Choose a new password" in client.get(path).get_data(as_text=True)
    response = choose(client, path)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert "Your password has been changed" in client.get("/sign-in").get_data(as_text=True)
    assert "Enter a correct" in sign_in(client, email).get_data(as_text=True)
    assert sign_in(app.test_client(), email, NEW_PASSWORD).status_code == 302

    again = client.get(path)
    assert "This link has expired or has already been used" in again.get_data(as_text=True)
    choose(client, path, "yet another password")
    assert sign_in(app.test_client(), email, "yet another password").status_code == 200


def test_the_answer_is_the_same_for_an_unknown_address(client, build, smtp) -> None:
    known = ask_for_a_link(client, build.user("caseworker"))
    smtp.inbox.messages.clear()
    unknown = ask_for_a_link(client, "nobody@example.org")
    assert unknown == known.replace("caseworker@example.org", "nobody@example.org")
    assert smtp.inbox.messages == []


def test_a_deactivated_account_gets_no_link(client, build, smtp) -> None:
    ask_for_a_link(client, build.user("caseworker", active=False))
    assert smtp.inbox.messages == []


def test_the_e_mail_goes_only_after_the_answer(client, build, smtp) -> None:
    email = build.user("caseworker")
    response = submit(client, "/forgot-password", {"email": email})
    assert smtp.inbox.messages == [], "nothing is sent while the answer is being written"
    response.close()
    assert len(smtp.inbox.messages) == 1


def test_the_link_expires_after_an_hour(client, build, smtp, frozen_clock) -> None:
    email = build.user("caseworker")
    ask_for_a_link(client, email)
    path = link_in(smtp)
    frozen_clock(timedelta(minutes=61))
    assert "This link has expired" in client.get(path).get_data(as_text=True)
    choose(client, path)
    assert sign_in(client, email, NEW_PASSWORD).status_code == 200, "not changed"


def test_a_made_up_link_is_refused(client) -> None:
    page = client.get("/reset-password/not-a-real-token").get_data(as_text=True)
    assert "This link has expired or has already been used" in page


def test_the_new_password_follows_the_rules(client, build, smtp) -> None:
    ask_for_a_link(client, build.user("caseworker"))
    path = link_in(smtp)
    assert "at least 12 characters" in choose(client, path, "short").get_data(as_text=True)
    mismatch = choose(client, path, NEW_PASSWORD, "something else entirely")
    assert "The passwords do not match" in mismatch.get_data(as_text=True)
    assert choose(client, path).status_code == 302, "the link still works after a mistake"


def test_a_reset_signs_the_person_out_everywhere_and_is_audited(app, build, smtp) -> None:
    email = build.user("caseworker")
    signed_in = app.test_client()
    sign_in(signed_in, email)
    client = app.test_client()
    ask_for_a_link(client, email)
    choose(client, link_in(smtp))
    assert signed_in.get("/cases/").status_code == 302
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(
                AuditEvent.entity_type == "user", AuditEvent.entity_id == user_id
            )
        ).all()
        assert db.session.scalar(sa.select(PasswordReset.token_hash)) not in link_in(smtp)
    assert "user.password_reset_requested" in actions and "user.password_reset" in actions


def test_a_reset_does_not_get_round_two_step_sign_in(app, client, build, smtp) -> None:
    email = build.user("caseworker")
    secret = pyotp.random_base32()
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        user.two_step_secret = secret
        user.two_step_enabled_at = user.created_at
        db.session.commit()
    ask_for_a_link(client, email)
    choose(client, link_in(smtp))
    response = sign_in(client, email, NEW_PASSWORD)
    assert response.headers["Location"] == "/sign-in/two-step"
    assert client.get("/cases/").status_code == 302, "not in without the code"
