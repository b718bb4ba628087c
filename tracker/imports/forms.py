"""The form a manager uploads earlier years' records with."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import FileField, SubmitField


class ImportForm(FlaskForm):
    """One CSV file of decided cases."""

    file = FileField(
        "CSV file",
        widget=GovFileInput(),
        description="Saved from a spreadsheet as CSV UTF-8, with the header row described above",
    )
    submit = SubmitField("Import the cases", widget=GovSubmitInput())
