"""Helpers the tests share: builders for data, and a browser's way of posting forms."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from html import unescape
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tracker.extensions import db
from tracker.models import Case, Recommendation
from tracker.plumbing import clock
from tracker.plumbing.settings import deadline_rules
from tracker.services import accounts, chasing
from tracker.services.authorities import AuthorityInput, create_authority
from tracker.services.cases import CaseInput, RecommendationInput, create_case

PASSWORD = "correct horse battery staple"
# A day on which Leicestershire's £300 (due 1 December 2026) is both chased and escalated.
CHASED_ON = date(2026, 12, 29)
TODAY = date(2026, 11, 23)
# The remedy most tests track: its deadline is stated, a month after the decision.
PAY_MRS_X = "Within one month of my final decision, pay Mrs X £300."


def send_evidence(
    client: FlaskClient, recommendation_id: int, files: list[tuple[bytes, str]], note: str = ""
) -> Any:
    """Upload evidence through the recommendation page, as an officer's browser would."""
    page = f"/recommendations/{recommendation_id}"
    data = page_form(client, page, "evidence", note=note)
    for index, (content, name) in enumerate(files):
        data[f"evidence-files-{index}-file"] = (io.BytesIO(content), name)
        data[f"evidence-files-{index}-note"] = f"about {name}"
    return client.post(f"{page}/evidence", data=data, content_type="multipart/form-data")


def act(
    client: FlaskClient, recommendation_id: int, action: str, prefix: str, **fields: Any
) -> Any:
    """Post one of the action forms on a recommendation's page."""
    page = f"/recommendations/{recommendation_id}"
    return client.post(f"{page}/{action}", data=page_form(client, page, prefix, **fields))


class Builders:
    """Small builders for test data, each in its own application context and transaction."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._references = 0

    def authority(
        self,
        code: str = "LEICS",
        *,
        name: str | None = None,
        type: str = "county",
        population: int = 734_000,
    ) -> str:
        """An authority; returns its code."""
        with self.app.app_context():
            create_authority(
                db.session,
                AuthorityInput(code, name or f"{code} Council", type, population),
                actor=None,
                now=clock.now(),
            )
            db.session.commit()
        return code

    def user(
        self,
        role: str,
        *,
        authority: str | None = None,
        email: str | None = None,
        password: str = PASSWORD,
        name: str | None = None,
        active: bool = True,
        link_officer: bool = False,
    ) -> str:
        """An account; returns its e-mail address."""
        email = email or f"{role}{'.' + authority.lower() if authority else ''}@example.org"
        with self.app.app_context():
            accounts.create_user(
                db.session,
                accounts.UserInput(
                    email=email,
                    name=name or role.title(),
                    role=role,
                    authority_code=authority,
                    password=password,
                    active=active,
                    link_officer=link_officer,
                ),
                actor=None,
                now=clock.now(),
            )
            db.session.commit()
        return email

    def deactivate(self, email: str) -> None:
        """Deactivate the account, as an admin would."""
        with self.app.app_context():
            user = accounts.find_user(db.session, email)
            assert user is not None
            data = accounts.UserInput(
                email=email,
                name=user.name,
                role=user.role,
                authority_code=user.authority.code if user.authority else None,
                active=False,
            )
            accounts.update_user(db.session, user, data, actor=None, now=clock.now())
            db.session.commit()

    def recommendation_ids(self, reference: str) -> list[int]:
        """The ids of a case's recommendations, in order."""
        with self.app.app_context():
            return list(
                db.session.scalars(
                    sa.select(Recommendation.id)
                    .join(Recommendation.case)
                    .where(Case.reference == reference)
                    .order_by(Recommendation.position)
                )
            )

    def token(self, email: str) -> str:
        """A new API token for the account."""
        with self.app.app_context():
            user = accounts.find_user(db.session, email)
            assert user is not None
            token = accounts.issue_token(db.session, user, actor=None, now=clock.now())
            db.session.commit()
        return token

    def bearer(self, email: str) -> dict[str, str]:
        """The API's Authorization header with a new token of the account."""
        return {"Authorization": f"Bearer {self.token(email)}"}

    def payment_due(
        self, authority: str = "LEICS", reference: str = "26 000 001", **details: Any
    ) -> int:
        """A case with one remedy, a payment due within a month of the decision (`details` as
        `case` takes them); the remedy's id."""
        self.case(
            authority, reference=reference, recommendations=[(PAY_MRS_X, "personal")], **details
        )
        [recommendation_id] = self.recommendation_ids(reference)
        return recommendation_id

    def case(
        self,
        authority: str = "LEICS",
        *,
        reference: str | None = None,
        outcome: str = "upheld",
        decided: date | None = None,
        recommendations: list[tuple[str, str]] | None = None,
        recorded_by: str | None = None,
        **details: Any,
    ) -> str:
        """A case (upheld, with one personal remedy, unless told otherwise); its reference.
        `recorded_by` is the e-mail of the caseworker who records it (none: the system)."""
        if reference is None:
            self._references += 1
            # 24 9xx xxx: clear of the references tests write out themselves.
            reference = f"24 9{self._references // 1000:02d} {self._references % 1000:03d}"
        if recommendations is None:
            recommendations = (
                [("The Council will apologise to Mrs X.", "personal")]
                if outcome == "upheld"
                else []
            )
        data = CaseInput(
            reference=reference,
            authority=authority,
            category=details.pop("category", "Education"),
            subcategory=details.pop("subcategory", "Special educational needs"),
            decision_date=decided or date(2024, 6, 3),
            outcome=outcome,
            recommendations=[
                RecommendationInput(text, kind, details.pop("amount", None))
                for text, kind in recommendations
            ],
            **details,
        )
        with self.app.app_context():
            actor = accounts.find_user(db.session, recorded_by) if recorded_by else None
            case = create_case(
                db.session,
                data,
                actor=actor,
                now=clock.now(),
                today=clock.today(),
                rules=deadline_rules(self.app.config),
            )
            db.session.commit()
            return case.reference


_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, page: str) -> str:
    """The CSRF token from a form on `page`."""
    response = client.get(page)
    return _token_in(response.get_data(as_text=True), f"{page} ({response.status_code})")


def _token_in(html: str, page: str) -> str:
    match = _CSRF.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def submit(
    client: FlaskClient,
    url: str,
    data: dict[str, Any],
    *,
    form_page: str | None = None,
    **kwargs: Any,
) -> Any:
    """Post a form as a browser would, with the CSRF token from the page that shows it."""
    return client.post(
        url, data={"csrf_token": csrf_token(client, form_page or url), **data}, **kwargs
    )


def page_form(client: FlaskClient, page: str, prefix: str, **fields: Any) -> dict[str, Any]:
    """One of several prefixed forms on `page` (`due-reason` …), with its token and version,
    read from one fetch of the page (every form of a session carries the same token)."""
    html = client.get(page).get_data(as_text=True)
    version = re.search(rf'name="{prefix}-version" type="hidden" value="(\d+)"', html)
    assert version, f"no {prefix} form on {page}"
    return {
        f"{prefix}-csrf_token": _token_in(html, page),
        f"{prefix}-version": version.group(1),
        **{f"{prefix}-{name}": value for name, value in fields.items()},
    }


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    """Sign in through the sign-in page."""
    return submit(client, "/sign-in", {"email": email, "password": password})


@contextmanager
def count_queries(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements the application runs inside the block."""
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def text_of(page: str) -> str:
    """What a reader sees: the page's words without tags, whitespace collapsed."""
    words = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", unescape(words)).replace(" .", ".").strip()


def payment_case(build: Builders) -> str:
    """Leicestershire's case 26 000 001, decided 1 November 2026: pay Mrs X £300 within a
    month. Recorded by the caseworker Casey, whose e-mail address it returns."""
    build.authority("LEICS", name="Leicestershire County Council")
    caseworker = build.user("caseworker", name="Casey")
    build.payment_due(decided=date(2026, 11, 1), recorded_by=caseworker)
    return caseworker


def chased_people(app: Flask, build: Builders) -> dict[str, str]:
    """The payment case on CHASED_ON: a chaser to the officer Olive (the caseworker copied)
    and an escalation to the manager Mandy (the caseworker copied). Their e-mail addresses."""
    people = {
        "caseworker": payment_case(build),
        "officer": build.user("officer", authority="LEICS", name="Olive"),
        "manager": build.user("manager", name="Mandy"),
    }
    with app.app_context():
        chasing.run_daily_jobs(db.session, CHASED_ON, now=clock.now())
        db.session.commit()
    return people
