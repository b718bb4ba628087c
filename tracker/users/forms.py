"""The form that adds or changes an account."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired

from tracker.models import Role
from tracker.services.accounts import MIN_PASSWORD_LENGTH
from tracker.web.forms import enum_options


class UserForm(FlaskForm):
    """An account's details; officers also need their council."""

    name = StringField(
        "Full name", widget=GovTextInput(), validators=[InputRequired("Enter the person's name")]
    )
    email = StringField(
        "E-mail address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter an e-mail address")],
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=enum_options(Role),
        validate_choice=False,  # the service checks the value, with its own message
        validators=[InputRequired("Choose a role")],
    )
    authority = SelectField(
        "Council (officers only)",
        widget=GovSelect(),
        validate_choice=False,  # the service checks the code, with its own message
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        description=f"At least {MIN_PASSWORD_LENGTH} characters. "
        "Three random words make a good one.",
    )
    link_officer = BooleanField(
        "One of the council's link officers",
        widget=GovCheckboxInput(),
        description="A council has at most two. They receive everything about its remedies "
        "and assign them to its other officers.",
    )
    active = BooleanField("This person can sign in", widget=GovCheckboxInput(), default=True)
    submit = SubmitField("Save", widget=GovSubmitInput())
