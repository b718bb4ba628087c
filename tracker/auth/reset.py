"""Forgotten passwords: a single-use, one-hour link by e-mail."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from tracker.auth.forms import ForgotPasswordForm, NewPasswordForm
from tracker.extensions import db
from tracker.plumbing import clock, mail
from tracker.services import passwords
from tracker.services.errors import StateError, ValidationError
from tracker.web import unit_of_work
from tracker.web.forms import show_refusal
from tracker.web.limits import password_reset_limit

bp = Blueprint("passwords", __name__)


@bp.route("/forgot-password", methods=["GET", "POST"])
@password_reset_limit
def forgot_password() -> ResponseReturnValue:
    """Ask for an e-mail address; answer the same whether or not it has an account."""
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot_password.html", form=form)
    email = (form.email.data or "").strip()
    link = passwords.request_reset(db.session, email, now=clock.now())
    response = make_response(render_template("auth/reset_sent.html", email=email))
    mailer = mail.configured_mailer(current_app.config)
    if link is not None and mailer is not None:
        message = mailer.message(
            link.user.email, "Remedy Tracker: reset your password", _body(link)
        )
        logger = current_app.logger
        # Sent once the answer has gone: its timing says nothing about the address.
        response.call_on_close(lambda: _send(mailer, message, logger))
    elif link is not None:
        current_app.logger.warning("A password reset was asked for, but e-mail is off.")
    return response


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@password_reset_limit
def reset_password(token: str) -> ResponseReturnValue:
    """Choose a new password through the link; every session of the account ends."""
    if passwords.find_reset(db.session, token, now=clock.now()) is None:
        return render_template("auth/reset_gone.html")
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.reset_password(
                db.session,
                token,
                form.password.data or "",
                form.confirm.data or "",
                now=clock.now(),
            )
        except StateError:
            unit_of_work.discard()
            return render_template("auth/reset_gone.html")
        except ValidationError as error:
            show_refusal(form, error)
        else:
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/new_password.html", form=form)


def _body(link: passwords.ResetLink) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    address = base + url_for("passwords.reset_password", token=link.token)
    return (
        f"Hello {link.user.name},\n\n"
        "Someone asked to reset the password of your Remedy Tracker account. To choose a new "
        f"password, open this link:\n\n{address}\n\n"
        "The link works once, within one hour. Choosing a new password signs you out on "
        "every device.\n\n"
        "If you did not ask, ignore this e-mail: your password stays as it is.\n"
    )


def _send(mailer: mail.Mailer, message: EmailMessage, logger: logging.Logger) -> None:
    try:
        with mailer.connect() as connection:
            connection.send_message(message)
    except (smtplib.SMTPException, OSError):
        logger.exception("The password reset e-mail could not be sent.")
