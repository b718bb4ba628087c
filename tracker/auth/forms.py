"""Forms for signing in, two-step codes and passwords."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired

from tracker.services.accounts import MIN_PASSWORD_LENGTH


class SignInForm(FlaskForm):
    """E-mail address and password."""

    email = StringField(
        "E-mail address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your e-mail address")],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class CodeForm(FlaskForm):
    """A code from the authenticator app (or, signing in, a recovery code)."""

    code = StringField(
        "Code",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the code from your authenticator app")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SetUpCodeForm(CodeForm):
    """The first code from a newly set-up authenticator app."""

    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the code from your authenticator app")],
    )
    submit = SubmitField("Turn on two-step sign-in", widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    """Where to send a reset link."""

    email = StringField(
        "E-mail address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your e-mail address")],
    )
    submit = SubmitField("Send the link", widget=GovSubmitInput())


def _new_password() -> PasswordField:
    return PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=f"At least {MIN_PASSWORD_LENGTH} characters. "
        "Three random words make a good one.",
        validators=[InputRequired("Enter a new password")],
    )


def _confirm() -> PasswordField:
    return PasswordField(
        "Type the new password again",
        widget=GovPasswordInput(),
        validators=[InputRequired("Type the new password again")],
    )


class NewPasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = _new_password()
    confirm = _confirm()
    submit = SubmitField("Change the password", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    """The current password, then a new one typed twice."""

    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password")],
    )
    password = _new_password()
    confirm = _confirm()
    submit = SubmitField("Change the password", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that changes something (it carries only the CSRF token)."""
