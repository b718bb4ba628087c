"""One unit of work per request and per command: commit once on success, roll back otherwise."""

from __future__ import annotations

from datetime import UTC, datetime

import click
import pytest
import sqlalchemy as sa
from flask import abort
from flask.cli import with_appcontext

from tracker.cli import writes
from tracker.extensions import csrf, db
from tracker.models import Authority, AuthorityType
from tracker.web import unit_of_work

MOMENT = datetime(2026, 11, 30, 12, tzinfo=UTC)


def _authority(code: str, name: str | None = None) -> Authority:
    authority = Authority(
        code=code,
        name=name or f"{code} Council",
        type=AuthorityType.COUNTY,
        population=1000,
        created_at=MOMENT,
        updated_at=MOMENT,
    )
    db.session.add(authority)
    return authority


@pytest.fixture
def views(app):
    """Views that change a record, then answer in each way a view can."""

    @app.route("/_test/ok", methods=["POST"])
    def ok():
        _authority("OK")
        return "saved"

    @app.route("/_test/redirect", methods=["POST"])
    def redirected():
        _authority("MOVED")
        return "", 303, {"Location": "/"}

    @app.route("/_test/refused", methods=["POST"])
    def refused():
        _authority("REFUSED")
        return "not valid", 422

    @app.route("/_test/aborted", methods=["POST"])
    def aborted():
        _authority("ABORTED")
        db.session.flush()
        abort(403)

    @app.route("/_test/discarded", methods=["POST"])
    def discarded():
        _authority("DISCARDED")
        unit_of_work.discard()
        return "shown again with its errors"

    @app.route("/_test/clash", methods=["POST"])
    def clash():
        _authority("CLASH", name="Taken Council")  # unique name, found only at commit
        return "saved"

    for view in (ok, redirected, refused, aborted, discarded, clash):
        csrf.exempt(view)  # what is tested here is the transaction, not the form
    unit_of_work.init_app(app)
    return app


def _codes(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(sa.select(Authority.code)))


@pytest.mark.parametrize(
    ("path", "status", "kept"),
    [
        ("/_test/ok", 200, {"OK"}),
        ("/_test/redirect", 303, {"MOVED"}),
        ("/_test/refused", 422, set()),
        ("/_test/aborted", 403, set()),
        ("/_test/discarded", 200, set()),
    ],
)
def test_a_request_commits_exactly_when_its_view_succeeds(views, path, status, kept) -> None:
    client = views.test_client()
    assert client.post(path).status_code == status
    assert _codes(views) == kept


def test_a_commit_that_loses_a_race_is_a_409_and_keeps_nothing(views) -> None:
    with views.app_context():
        _authority("FIRST", name="Taken Council")
        db.session.commit()
    client = views.test_client()
    response = client.post("/_test/clash")
    assert response.status_code == 409
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert _codes(views) == {"FIRST"}
    # The next request starts clean.
    assert client.post("/_test/ok").status_code == 200
    assert _codes(views) == {"FIRST", "OK"}


def test_a_command_commits_once_when_it_ends_well_and_nothing_when_it_fails(app) -> None:
    @click.command("make-authorities")
    @click.option("--fail", is_flag=True)
    @with_appcontext
    @writes
    def make_authorities(fail: bool) -> None:
        _authority("ONE")
        db.session.flush()
        _authority("TWO")
        if fail:
            raise click.ClickException("stopped half way")

    runner = app.test_cli_runner()
    failed = runner.invoke(make_authorities, ["--fail"])
    assert failed.exit_code == 1 and "stopped half way" in failed.output
    assert _codes(app) == set()
    assert runner.invoke(make_authorities).exit_code == 0
    assert _codes(app) == {"ONE", "TWO"}
