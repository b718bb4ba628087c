"""One unit of work per request, as indico's request handler keeps it: views and services only
change and `flush()`; the request commits once when the view succeeds and rolls back otherwise.

A view succeeds when its answer is below 400 (a redirect after a POST included) and it did not
`discard()` its changes (a form shown again with a refusal answers 200 but saves nothing). A
commit that loses a race (a unique key or a version taken meanwhile) answers 409, not a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, g
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db

CONFLICT = "Someone else changed this at the same time. Nothing was saved: try again."


def init_app(app: Flask) -> None:
    """Give every view of `app` (pages and API alike) its unit of work; call it once every
    blueprint is registered."""
    for endpoint, view in app.view_functions.items():
        if endpoint != "static" and not getattr(view, "_unit_of_work", False):
            app.view_functions[endpoint] = _one_unit_of_work(view)


def exempt(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Leave a view out of the unit of work, and out of loading the signed-in person: it
    writes nothing and must answer even when the database cannot (health, metrics)."""
    view._unit_of_work = True  # type: ignore[attr-defined]
    view._exempt = True  # type: ignore[attr-defined]
    return view


def is_exempt(endpoint: str | None) -> bool:
    """Whether the view at `endpoint` was marked `exempt`."""
    view = current_app.view_functions.get(endpoint or "")
    return bool(getattr(view, "_exempt", False))


def discard() -> None:
    """Undo this request's changes now, and save nothing more in it (a refusal shown on a page,
    whose answer is still a 200)."""
    db.session.rollback()
    g.unit_of_work_discarded = True


def save_early() -> None:
    """Commit what was loaded or noted before the view ran (a session's or a token's last use),
    so that no view's own transaction carries it and a refused request still keeps it."""
    if db.session.dirty:
        db.session.commit()


def _one_unit_of_work(view: Callable[..., ResponseReturnValue]) -> Callable[..., Any]:
    @wraps(view)
    def in_unit_of_work(*args: Any, **kwargs: Any) -> Any:
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            raise
        refused = response.status_code >= 400
        if refused or g.get("unit_of_work_discarded"):
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except (IntegrityError, StaleDataError):
            db.session.rollback()
            abort(409, CONFLICT)
        return response

    in_unit_of_work._unit_of_work = True  # type: ignore[attr-defined]
    return in_unit_of_work
