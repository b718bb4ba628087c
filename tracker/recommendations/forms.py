"""Forms on a recommendation's page."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    FieldList,
    FileField,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from tracker.models import ChaseMethod
from tracker.services import compliance
from tracker.web.forms import GovDateField, options


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


class ReviewForm(FlaskForm):
    """A caseworker's judgement of the evidence."""

    decision = RadioField(
        "Your decision",
        widget=GovRadioInput(),
        choices=options(
            [
                ("accept", "Accept: the council has done this"),
                ("changes_requested", "Ask for changes or more evidence"),
                ("not_complied", "Not complied: the council refused or failed"),
            ]
        ),
        validators=[InputRequired("Choose your decision")],
        validate_choice=False,  # the service checks the value, with its own message
    )
    note = TextAreaField(
        "Note to the council",
        widget=GovTextArea(),
        description="Needed when you ask for changes or record non-compliance",
        validators=[Length(max=5000)],
    )
    version = HiddenField()
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


class ReopenForm(FlaskForm):
    """A caseworker reopens a closed recommendation."""

    reason = TextAreaField(
        "Why reopen it?",
        widget=GovTextArea(),
        validators=[InputRequired("Say why you are reopening it"), Length(max=5000)],
    )
    version = HiddenField()
    submit = SubmitField("Reopen", widget=GovSubmitInput())


class ExtensionRequestForm(FlaskForm):
    """A council officer asks for more time."""

    until = GovDateField("New date you are asking for", description="For example, 31 3 2025")
    reason = TextAreaField(
        "Why the council needs more time",
        widget=GovTextArea(),
        validators=[InputRequired("Say why the council needs more time"), Length(max=5000)],
    )
    version = HiddenField()
    submit = SubmitField("Ask for more time", widget=GovSubmitInput())


class ExtensionDecisionForm(FlaskForm):
    """A caseworker agrees or refuses a request for more time."""

    decision = RadioField(
        "Your decision",
        widget=GovRadioInput(),
        choices=options([("agreed", "Agree: move the due date"), ("refused", "Refuse")]),
        validators=[InputRequired("Choose agree or refuse")],
        validate_choice=False,  # the service checks the value, with its own message
    )
    note = TextAreaField(
        "Note to the council",
        widget=GovTextArea(),
        description="Needed when you refuse",
        validators=[Length(max=5000)],
    )
    version = HiddenField()
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


class FileSlotForm(Form):
    """One file of a submission and its note (inside the upload form: no CSRF of its own)."""

    file = FileField("File", widget=GovFileInput())
    note = StringField(
        "Note about this file (optional)", widget=GovTextInput(), validators=[Length(max=5000)]
    )


class EvidenceForm(FlaskForm):
    """A council officer's evidence: several files, each with an optional note."""

    # Boxes for at most the files a submission may hold; the view counts every file sent.
    files = FieldList(FormField(FileSlotForm), min_entries=3, max_entries=compliance.MAX_FILES)
    note = TextAreaField(
        "Anything the caseworker should know (optional)",
        widget=GovTextArea(),
        validators=[Length(max=5000)],
    )
    version = HiddenField()
    submit = SubmitField("Send the evidence", widget=GovSubmitInput())


class ChaseForm(FlaskForm):
    """A caseworker records a chase made by hand: how, when and what was said."""

    method = RadioField(
        "How did you chase the council?",
        widget=GovRadioInput(),
        choices=options([(method.value, method.label) for method in ChaseMethod]),
        validators=[InputRequired("Choose how you chased the council")],
        validate_choice=False,  # the service checks the value, with its own message
    )
    date = GovDateField("Date of the chase", description="For example, 27 11 2026")
    note = TextAreaField(
        "What was said or agreed",
        widget=GovTextArea(),
        description="For the Ombudsman's record: the council does not see this note",
        validators=[InputRequired("Say what was said or agreed"), Length(max=5000)],
    )
    version = HiddenField()
    submit = SubmitField("Record the chase", widget=GovSubmitInput())


class AssignForm(FlaskForm):
    """A link officer or caseworker gives the recommendation to an officer of its council."""

    email = SelectField(
        "Assign to",
        widget=GovSelect(),
        description="They receive its reminders and chasers, as the council's link officers do",
        validate_choice=False,  # the service checks the officer, with its own message
    )
    version = HiddenField()
    submit = SubmitField("Assign", widget=GovSubmitInput())
