"""The form that adds or edits a council."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import InputRequired

from tracker.models import AuthorityType
from tracker.web.forms import WholeNumberField, enum_options


class AuthorityForm(FlaskForm):
    """A council's code, name, type and population."""

    name = StringField(
        "Name", widget=GovTextInput(), validators=[InputRequired("Enter the authority's name")]
    )
    code = StringField(
        "Short code",
        widget=GovTextInput(),
        description="2 to 16 letters, digits or hyphens, for example LEICS",
        validators=[InputRequired("Enter a short code")],
    )
    type = RadioField(
        "Type of authority",
        widget=GovRadioInput(),
        choices=enum_options(AuthorityType),
        validate_choice=False,  # the service checks the value, with its own message
        validators=[InputRequired("Choose the type of authority")],
    )
    population = WholeNumberField(
        "Residents",
        description="The population, as a whole number",
        validators=[InputRequired("Enter the number of residents")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
