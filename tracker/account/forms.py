"""Forms on your account page."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from tracker.models import DigestFrequency
from tracker.web.forms import enum_options


class DigestForm(FlaskForm):
    """How often a person is e-mailed a digest of their new notices."""

    digest = RadioField(
        "How often should we e-mail you your new notices?",
        widget=GovRadioInput(),
        choices=enum_options(DigestFrequency),
        description="Notices always show under Notifications as soon as they are made.",
        validators=[InputRequired("Choose how often")],
        validate_choice=False,  # the service checks the value, with its own message
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
