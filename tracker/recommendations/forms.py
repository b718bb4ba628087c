"""Forms on a recommendation's page."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from tracker.forms import GovDateField


class DueDateForm(FlaskForm):
    """A caseworker sets or corrects the agreed due date, with a reason."""

    due_date = GovDateField("New due date", description="For example, 28 2 2025")
    reason = TextAreaField(
        "Reason for the change",
        widget=GovTextArea(),
        description="For example, the decision's words were unclear and the council agreed "
        "this date with us",
        validators=[InputRequired("Give the reason for setting this date"), Length(max=2000)],
    )
    version = HiddenField()
    submit = SubmitField("Set the due date", widget=GovSubmitInput())


class EventDateForm(FlaskForm):
    """The date the event a deadline waits for happened."""

    event_date = GovDateField("When it happened")
    version = HiddenField()
    submit = SubmitField("Record the date", widget=GovSubmitInput())
