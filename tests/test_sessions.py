"""Server-side sessions: signing out ends them, idle ones expire, a password change ends all."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import sqlalchemy as sa

from tests.helpers import PASSWORD, count_queries, sign_in, submit, text_of
from tracker import PROJECT_ROOT
from tracker.extensions import db
from tracker.models import AuditEvent, User

COOKIE = "remedy_tracker_session"


def _cookie(client) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None, "no session cookie"
    return cookie.value


def _browser_with(app, cookie: str):
    """Another browser that presents `cookie`, as someone who copied it would."""
    other = app.test_client()
    other.set_cookie(COOKIE, cookie)
    return other


def test_the_cookie_used_to_sign_out_no_longer_signs_anyone_in(app, client, build) -> None:
    sign_in(client, build.user("caseworker"))
    cookie = _cookie(client)
    assert _browser_with(app, cookie).get("/cases/").status_code == 200
    submit(client, "/sign-out", {}, form_page="/")
    assert _browser_with(app, cookie).get("/cases/").status_code == 302


def test_two_sign_ins_in_the_same_second_are_two_sessions(app, build, frozen_clock) -> None:
    email = build.user("caseworker")
    first, second = app.test_client(), app.test_client()
    sign_in(first, email)
    sign_in(second, email)
    assert _cookie(first) != _cookie(second)
    submit(first, "/sign-out", {}, form_page="/")
    assert first.get("/cases/").status_code == 302
    assert second.get("/cases/").status_code == 200, "the other session goes on"


def test_an_idle_session_expires(app, client, build, frozen_clock) -> None:
    app.config["SESSION_ABSOLUTE_TIMEOUT"] = timedelta(days=2)  # its own test is below
    sign_in(client, build.user("caseworker"))
    frozen_clock(timedelta(hours=7, minutes=59))
    assert client.get("/cases/").status_code == 200, "used within the idle limit"
    frozen_clock(timedelta(hours=7, minutes=59))
    assert client.get("/cases/").status_code == 200, "idle time counts from the last use"
    frozen_clock(timedelta(hours=8, minutes=2))
    response = client.get("/cases/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_the_idle_limit_is_a_setting(app, client, build, frozen_clock) -> None:
    app.config["SESSION_IDLE_TIMEOUT"] = timedelta(minutes=30)
    sign_in(client, build.user("caseworker"))
    frozen_clock(timedelta(minutes=31))
    assert client.get("/cases/").status_code == 302


def test_a_session_ends_at_the_absolute_limit_however_busy(app, client, build, frozen_clock):
    app.config["SESSION_ABSOLUTE_TIMEOUT"] = timedelta(hours=12)
    sign_in(client, build.user("caseworker"))
    for _ in range(11):
        frozen_clock(timedelta(hours=1))
        assert client.get("/cases/").status_code == 200
    frozen_clock(timedelta(hours=1, minutes=1))
    assert client.get("/cases/").status_code == 302


def test_last_use_is_recorded_at_most_once_a_minute(app, client, build, frozen_clock) -> None:
    sign_in(client, build.user("caseworker"))
    frozen_clock(timedelta(seconds=5))
    with count_queries(app) as statements:
        client.get("/cases/")
        client.get("/cases/")
    assert not [s for s in statements if s.startswith("UPDATE user_sessions")]
    frozen_clock(timedelta(minutes=2))
    with count_queries(app) as statements:
        client.get("/cases/")
        client.get("/cases/")
    assert len([s for s in statements if s.startswith("UPDATE user_sessions")]) == 1


def test_sign_out_everywhere_ends_every_session_of_that_person(app, build) -> None:
    email = build.user("caseworker")
    other_person = build.user("caseworker", email="other@example.org")
    laptop, phone, colleague = app.test_client(), app.test_client(), app.test_client()
    sign_in(laptop, email)
    sign_in(phone, email)
    sign_in(colleague, other_person)
    page = text_of(laptop.get("/account").get_data(as_text=True))
    assert "Your account" in page and "2 browsers are signed in" in page
    response = submit(laptop, "/account/sign-out-everywhere", {}, form_page="/account")
    assert response.status_code == 302
    assert laptop.get("/cases/").status_code == 302
    assert phone.get("/cases/").status_code == 302
    assert colleague.get("/cases/").status_code == 200


def test_changing_your_password_ends_your_other_sessions(app, client, build) -> None:
    email = build.user("caseworker")
    other = app.test_client()
    sign_in(client, email)
    sign_in(other, email)
    old_cookie = _cookie(client)
    new_password = "a brand new passphrase"
    response = submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": new_password, "confirm": new_password},
    )
    assert response.status_code == 302
    assert client.get("/cases/").status_code == 200, "this browser carries on, in a new session"
    assert other.get("/cases/").status_code == 302
    assert _browser_with(app, old_cookie).get("/cases/").status_code == 302
    assert sign_in(app.test_client(), email, new_password).status_code == 302


def test_a_wrong_current_password_changes_nothing(app, client, build) -> None:
    email = build.user("caseworker")
    sign_in(client, email)
    html = submit(
        client,
        "/account/password",
        {"current_password": "not it", "password": "x" * 14, "confirm": "x" * 14},
    ).get_data(as_text=True)
    assert "Enter your current password correctly" in html
    assert sign_in(app.test_client(), email).status_code == 302


def test_new_passwords_must_match_and_be_long_enough(client, build) -> None:
    sign_in(client, build.user("caseworker"))
    data = {"current_password": PASSWORD, "password": "short", "confirm": "other"}
    html = submit(client, "/account/password", data).get_data(as_text=True)
    assert "Password must be at least 12 characters" in html
    data.update(password="long enough words", confirm="different words")
    html = submit(client, "/account/password", data).get_data(as_text=True)
    assert "The passwords do not match" in html


def test_an_admin_changing_a_password_signs_the_person_out_everywhere(app, build) -> None:
    email = build.user("caseworker")
    person = app.test_client()
    sign_in(person, email)
    admin = app.test_client()
    sign_in(admin, build.user("admin"))
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
    form = {
        "name": "Caseworker",
        "email": email,
        "role": "caseworker",
        "authority": "",
        "password": "set by the admin",
        "active": "y",
    }
    assert submit(admin, f"/users/{user_id}/edit", form).status_code == 302
    assert person.get("/cases/").status_code == 302
    assert admin.get("/users/").status_code == 200, "the admin's own session is untouched"


def test_signing_in_and_out_is_audited(app, client, build) -> None:
    email = build.user("caseworker")
    sign_in(client, email)
    submit(client, "/sign-out", {}, form_page="/")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        actions = db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.actor_id == user.id)
            .order_by(AuditEvent.id)
        ).all()
    assert actions == ["user.signed_in", "user.signed_out"]


def test_the_account_page_lists_the_browsers_signed_in(app, build) -> None:
    email = build.user("caseworker")
    laptop = app.test_client()
    laptop.get("/sign-in", headers={"User-Agent": "Firefox on the laptop"})
    submit(
        laptop,
        "/sign-in",
        {"email": email, "password": PASSWORD},
        headers={"User-Agent": "Firefox on the laptop"},
    )
    page = text_of(laptop.get("/account").get_data(as_text=True))
    assert "Firefox on the laptop" in page and "This browser" in page


def _settings_in_a_new_process(**environment: str) -> list[str]:
    """SESSION_COOKIE_SECURE and TWO_FACTOR_REQUIRED as a freshly started server sees them."""
    script = (
        "import tempfile; from tracker import create_app; "
        "app = create_app({'INSTANCE_PATH': tempfile.mkdtemp()}); "
        "print(app.config['SESSION_COOKIE_SECURE'], app.config['TWO_FACTOR_REQUIRED'])"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"BASE_URL", "SESSION_COOKIE_SECURE", "TWO_FACTOR_REQUIRED"}
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, **environment},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_https_deployments_get_secure_cookies_and_two_step_by_default() -> None:
    assert _settings_in_a_new_process(BASE_URL="https://remedies.example.org") == [
        "True",
        "True",
    ]
    assert _settings_in_a_new_process(BASE_URL="http://127.0.0.1:5000") == ["False", "False"]
    assert _settings_in_a_new_process(
        BASE_URL="https://remedies.example.org",
        SESSION_COOKIE_SECURE="false",
        TWO_FACTOR_REQUIRED="false",
    ) == ["False", "False"]
    assert _settings_in_a_new_process(SESSION_COOKIE_SECURE="true") == ["True", "False"]
