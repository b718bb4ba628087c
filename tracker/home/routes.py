"""Home page: what the signed-in person's role needs to see first."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker.extensions import db
from tracker.models import Role
from tracker.plumbing import clock
from tracker.services import overview
from tracker.web import access

bp = Blueprint("home", __name__)


@bp.route("/")
def index() -> ResponseReturnValue:
    """Send visitors to sign in; show each role its own overview."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    user = access.acting_user()
    scope = access.case_scope(user)
    context = {
        "counts": overview.work_counts(db.session, scope, clock.today()),
        "recent_cases": overview.recent_cases(db.session, scope),
    }
    if user.role is Role.ADMIN:
        context.update(overview.record_counts(db.session))
    return render_template(f"home/{user.role.value}.html", **context)
