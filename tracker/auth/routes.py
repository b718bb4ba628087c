"""Sign-in and sign-out pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from tracker import clock
from tracker.auth.forms import SignInForm
from tracker.extensions import db
from tracker.services import accounts
from tracker.services.errors import SignInRefused

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    """Ask for an e-mail address and password; slow down repeated failures."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                db.session,
                form.email.data or "",
                form.password.data or "",
                now=clock.now(),
                policy=_throttle_policy(),
            )
        except SignInRefused as refused:
            _keep_failure_count()
            form.email.errors = [refused.message]
        else:
            db.session.commit()
            session.clear()  # nothing from before signing in carries over
            session.permanent = (
                True  # expires after PERMANENT_SESSION_LIFETIME, checked server-side
            )
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> ResponseReturnValue:
    """End the session."""
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


def _keep_failure_count() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        # Another attempt for the same address counted first; that count stands.
        db.session.rollback()


def _throttle_policy() -> accounts.ThrottlePolicy:
    config = current_app.config
    return accounts.ThrottlePolicy(
        free_attempts=config["SIGN_IN_FREE_ATTEMPTS"],
        first_wait=config["SIGN_IN_FIRST_WAIT"],
        longest_wait=config["SIGN_IN_LONGEST_WAIT"],
    )


def _safe_next(target: str | None) -> str:
    """Only ever send people on to a page of this service."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return url_for("home.index")
