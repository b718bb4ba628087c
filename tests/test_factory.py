"""The application factory, settings and what every response carries."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from config import database_url
from tests.helpers import sign_in
from tracker import create_app
from tracker.extensions import db


def test_create_app_takes_overrides_over_everything(tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "PER_PAGE": 7,
        }
    )
    assert app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.db")
    assert app.config["PER_PAGE"] == 7


def test_unset_settings_come_from_the_instance_folder(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    app = create_app(
        {
            "SECRET_KEY": None,
            "SQLALCHEMY_DATABASE_URI": None,
            "EVIDENCE_DIR": None,
            "INSTANCE_PATH": str(instance),
        }
    )
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'tracker.db'}"
    assert app.config["EVIDENCE_DIR"] == str(instance / "evidence")
    secret = (instance / "secret_key").read_text()
    assert app.config["SECRET_KEY"] == secret and len(secret) == 64
    assert (instance / "secret_key").stat().st_mode & 0o077 == 0, "secret readable by others"
    again = create_app({"SECRET_KEY": None, "INSTANCE_PATH": str(instance)})
    assert again.config["SECRET_KEY"] == secret, "the key must survive a restart"


def test_an_unknown_working_days_calendar_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="WORKING_DAYS_CALENDAR"):
        create_app(
            {"TESTING": True, "WORKING_DAYS_CALENDAR": "narnia", "INSTANCE_PATH": str(tmp_path)}
        )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
        ("", None),
        (None, None),
    ],
)
def test_database_url_uses_psycopg_3(given: str | None, expected: str | None) -> None:
    assert database_url(given) == expected


def test_pages_carry_security_headers(client) -> None:
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True), "inline script needs the nonce"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_session_cookie_is_http_only_and_same_site(client, build) -> None:
    email = build.user("caseworker")
    response = sign_in(client, email)
    cookie = next(
        v
        for k, v in response.headers.items()
        if k == "Set-Cookie" and v.startswith("remedy_tracker_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie, "a signed-in session lasts PERMANENT_SESSION_LIFETIME at most"


def test_missing_pages_answer_html_and_api_paths_answer_json(client) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "Page not found" in page.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing", headers={"Authorization": "Bearer x"})
    assert api.status_code in {401, 404}
    assert api.is_json and set(api.json["error"]) == {"code", "message", "fields"}


def test_no_gov_uk_branding(client: object, app: Flask) -> None:
    html = client.get("/sign-in").get_data(as_text=True)  # type: ignore[attr-defined]
    assert "Remedy Tracker" in html
    for branding in ("GOV.UK", "govuk-logo", "crown", "Crown copyright", "favicon.ico"):
        assert branding not in html


def test_the_error_page_shows_after_a_failed_transaction(app, build) -> None:
    """A save that fails deep in the database still gets the GOV.UK error page, navigation
    and all, rather than a second failure while drawing it."""
    from tracker.models import Authority

    def broken() -> str:
        db.session.add(Authority(code="X"))  # no name, type or population: refused
        db.session.flush()
        return "never"

    app.add_url_rule("/broken", view_func=broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    sign_in(client, build.user("caseworker"))
    response = client.get("/broken")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in html
    assert "Sign out" in html
