"""Sign-in (password, then the two-step code where it is on) and sign-out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user

from tracker.auth import devices, signing_in
from tracker.auth.forms import CodeForm, SetUpCodeForm, SignInForm
from tracker.auth.two_step_pages import render_set_up
from tracker.extensions import db
from tracker.plumbing import clock
from tracker.services import sessions, sign_in, two_step
from tracker.services.errors import SignInRefused, ValidationError
from tracker.web.forms import show_refusal
from tracker.web.limits import sign_in_limit

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
@sign_in_limit
def sign_in_page() -> ResponseReturnValue:
    """Ask for an e-mail address and password; slow down repeated failures."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = sign_in.authenticate(
                db.session,
                form.email.data or "",
                form.password.data or "",
                now=clock.now(),
                policy=signing_in.throttle_policy(),
                claim=devices.claim(),
            )
        except SignInRefused as refused:
            form.email.errors = [refused.message]
        else:
            next_url = _safe_next(request.args.get("next"))
            required = two_step.is_required(
                user, required=current_app.config["TWO_FACTOR_REQUIRED"]
            )
            if not user.has_two_step and not required:
                return signing_in.complete(user, redirect(next_url))
            signing_in.begin_second_step(user, next_url, clock.now())
            step = "auth.two_step_code" if user.has_two_step else "auth.two_step_set_up"
            return redirect(url_for(step))
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-in/two-step", methods=["GET", "POST"])
@sign_in_limit
def two_step_code() -> ResponseReturnValue:
    """After the password: the code from the authenticator app, or a recovery code."""
    found = signing_in.pending(clock.now())
    if found is None:
        return _sign_in_again()
    user, data = found
    if not user.has_two_step:
        return redirect(url_for("auth.two_step_set_up"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            two_step.check_sign_in_code(
                db.session,
                user,
                form.code.data or "",
                device=signing_in.this_browser(user),
                now=clock.now(),
                policy=signing_in.throttle_policy(),
            )
        except SignInRefused as refused:
            form.code.errors = [refused.message]
        else:
            return signing_in.complete(user, redirect(data["next"]))
    return render_template("auth/two_step.html", form=form)


@bp.route("/sign-in/two-step/set-up", methods=["GET", "POST"])
@sign_in_limit
def two_step_set_up() -> ResponseReturnValue:
    """Two-step sign-in is required of this person and not set up yet: set it up now."""
    found = signing_in.pending(clock.now())
    if found is None:
        return _sign_in_again()
    user, data = found
    if user.has_two_step:
        return redirect(url_for("auth.two_step_code"))
    data.setdefault("secret", two_step.new_secret())
    signing_in.keep(data)
    form = SetUpCodeForm()
    if form.validate_on_submit():
        try:
            codes = two_step.enable(
                db.session, user, data["secret"], form.code.data or "", now=clock.now()
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            page = render_template("auth/recovery_codes.html", codes=codes, next=data["next"])
            return signing_in.complete(user, make_response(page))
    return render_set_up(form, data["secret"], user, signing_in=True)


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> ResponseReturnValue:
    """End this session on the server, so its cookie never signs anyone in again."""
    if current_user.is_authenticated:
        sessions.end(db.session, current_user.get_id(), now=clock.now())
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


def _sign_in_again() -> ResponseReturnValue:
    if signing_in.had_expired():
        session.clear()
        flash("Sign in again: the code was not entered within 5 minutes.", "info")
    return redirect(url_for("auth.sign_in"))


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
