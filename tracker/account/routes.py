"""Your account: the browsers signed in, sign out everywhere, password, two-step sign-in."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user

from tracker.account.forms import DigestForm
from tracker.auth import signing_in
from tracker.auth.forms import ChangePasswordForm, ConfirmForm, SetUpCodeForm
from tracker.auth.two_step_pages import render_set_up
from tracker.extensions import db
from tracker.models import DigestFrequency, SessionEnd
from tracker.plumbing import clock
from tracker.services import accounts, audit, passwords, sessions, two_step
from tracker.services.errors import ValidationError
from tracker.web import access
from tracker.web.forms import show_refusal

bp = Blueprint("account", __name__, url_prefix="/account")

_SETTING_UP = "two_step_secret"


@bp.route("")
@access.signed_in
def index(digest_form: DigestForm | None = None) -> ResponseReturnValue:
    """Who you are, how often you are e-mailed, where you are signed in, how you sign in."""
    user = access.acting_user()
    live = sessions.live(db.session, user, now=clock.now(), limits=signing_in.session_limits())
    token = current_user.get_id()
    return render_template(
        "account/index.html",
        user=user,
        browsers=[(record, sessions.is_session_of(record, token)) for record in live],
        recovery_codes_left=two_step.unused_recovery_codes(db.session, user),
        idle_limit=_in_words(signing_in.session_limits().idle),
        form=ConfirmForm(),
        digest_form=digest_form or DigestForm(digest=user.digest.value),
    )


@bp.route("/digest", methods=["POST"])
@access.signed_in
def choose_digest() -> ResponseReturnValue:
    """Choose how often your new notices are e-mailed to you."""
    user, form = access.acting_user(), DigestForm()
    if not form.validate():
        return index(form)
    try:
        accounts.choose_digest(
            db.session, user, form.digest.data or "", actor=user, now=clock.now()
        )
    except ValidationError as error:
        show_refusal(form, error)
        return index(form)
    flash(f"Your notices will be e-mailed to you {_HOW_OFTEN[user.digest]}.", "success")
    return redirect(url_for("account.index"))


_HOW_OFTEN = {
    DigestFrequency.IMMEDIATE: "as they come",
    DigestFrequency.DAILY: "once a day, in the morning",
    DigestFrequency.WEEKLY: "once a week, on Monday morning",
}


def _in_words(duration: timedelta) -> str:
    """`8 hours`, `90 minutes`."""
    minutes = int(duration.total_seconds() // 60)
    if minutes % 60 == 0 and minutes >= 120:
        return f"{minutes // 60} hours"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@bp.route("/sign-out-everywhere", methods=["POST"])
@access.signed_in
def sign_out_everywhere() -> ResponseReturnValue:
    """End every session of yours, this one included (a lost laptop, a shared computer)."""
    user, now = access.acting_user(), clock.now()
    ended = sessions.end_all(db.session, user, reason=SessionEnd.EVERYWHERE, now=now)
    audit.record(
        db.session,
        action="user.signed_out_everywhere",
        entity=user,
        actor=user,
        now=now,
        after={"sessions_ended": ended},
    )
    logout_user()
    session.clear()
    flash("You have signed out on every device.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/password", methods=["GET", "POST"])
@access.signed_in
def password() -> ResponseReturnValue:
    """Change your password; every other browser signed in as you is signed out."""
    user = access.acting_user()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            passwords.change_own_password(
                db.session,
                user,
                form.current_password.data or "",
                form.password.data or "",
                form.confirm.data or "",
                device=signing_in.this_browser(user),
                now=clock.now(),
                policy=signing_in.throttle_policy(),
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            # This browser carries on in a new session; every other one is signed out.
            response = signing_in.complete(user, redirect(url_for("account.index")))
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return response
    return render_template("account/password.html", form=form)


@bp.route("/two-step", methods=["GET", "POST"])
@access.signed_in
def set_up_two_step() -> ResponseReturnValue:
    """Turn on two-step sign-in for your account."""
    user = access.acting_user()
    if user.has_two_step:
        return redirect(url_for("account.index"))
    secret = session.setdefault(_SETTING_UP, two_step.new_secret())
    form = SetUpCodeForm()
    if form.validate_on_submit():
        try:
            codes = two_step.enable(db.session, user, secret, form.code.data or "", now=clock.now())
        except ValidationError as error:
            show_refusal(form, error)
        else:
            session.pop(_SETTING_UP, None)
            return render_template(
                "auth/recovery_codes.html", codes=codes, next=url_for("account.index")
            )
    return render_set_up(form, secret, user, signing_in=False)
