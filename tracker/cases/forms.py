"""Forms for recording a case and its recommendations."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from tracker.models import EscalationStep, Outcome, RecommendationKind
from tracker.web.forms import GovDateField, MoneyField, enum_options, options


class RecommendationEntryForm(Form):
    """One recommendation inside the case form (no CSRF token of its own)."""

    text = TextAreaField(
        "What the council will do", widget=GovTextArea(), validators=[Length(max=5000)]
    )
    kind = RadioField(
        "Kind of remedy",
        widget=GovRadioInput(),
        choices=enum_options(RecommendationKind),
        validate_choice=False,  # the service checks the value, with its own message
        validators=[Optional()],
    )
    amount = MoneyField("Amount to pay, in pounds", description="Only for a payment, like 300.00")
    evidence_expected = TextAreaField(
        "Evidence expected (optional)",
        widget=GovTextArea(),
        description="What the council should send to show it has done this",
        validators=[Length(max=2000)],
    )
    # Shown only when the words hold several deadlines (see _deadline_preview.html).
    deadlines_confirmed = BooleanField(
        "Keep it as one recommendation",
        widget=GovCheckboxInput(),
        description="Or split it: add another recommendation and move an action, with its "
        "deadline, into it.",
    )


class CaseDetailsForm(FlaskForm):
    """What describes the decision itself."""

    reference = StringField(
        "Case reference",
        widget=GovTextInput(),
        description="For example, 24 007 343",
        validators=[InputRequired("Enter the case reference")],
    )
    authority = SelectField(
        "Authority",
        widget=GovSelect(),
        validators=[InputRequired("Choose the authority")],
        validate_choice=False,  # the service checks the code, with its own message
    )
    category = StringField(
        "Category",
        widget=GovTextInput(),
        description="For example, Education",
        validators=[InputRequired("Enter the category, for example Education")],
    )
    subcategory = StringField(
        "Sub-category",
        widget=GovTextInput(),
        description="For example, Special educational needs (optional)",
    )
    decision_date = GovDateField("Decision date", description="For example, 27 3 2025")
    outcome = RadioField(
        "Outcome",
        widget=GovRadioInput(),
        choices=enum_options(Outcome),
        validate_choice=False,  # the service checks the value, with its own message
        validators=[InputRequired("Choose the outcome")],
    )
    satisfactory_remedy = BooleanField(
        "The council had already provided a satisfactory remedy", widget=GovCheckboxInput()
    )
    public_report = BooleanField("The Ombudsman issued a public report", widget=GovCheckboxInput())

    def set_authorities(self, choices: list[tuple[str, str]]) -> None:
        """Offer these authorities, as (code, name), after a blank first choice."""
        self.authority.choices = options(choices, blank="Choose an authority")


class NewCaseForm(CaseDetailsForm):
    """A new case with its recommendations, typed or split from the pasted agreed actions."""

    agreed_actions = TextAreaField(
        "Paste the decision's agreed actions (optional)",
        widget=GovTextArea(),
        description="The whole section, bullets and headings such as “Within 20 working "
        "days:” included. It is split into one recommendation per action for you to check.",
        validators=[Length(max=50_000)],
    )
    recommendations = FieldList(FormField(RecommendationEntryForm), min_entries=1)
    # The case not satisfied whose failure to comply this one investigates, if any.
    follows = HiddenField()
    submit = SubmitField("Save case", widget=GovSubmitInput())


class EditCaseForm(CaseDetailsForm):
    """Corrections to a case's details."""

    version = HiddenField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class EscalationForm(FlaskForm):
    """A caseworker or manager records a step of the escalation ladder taken on the case."""

    step = RadioField(
        "Which step was taken?",
        widget=GovRadioInput(),
        choices=options([(step.value, step.label) for step in EscalationStep]),
        validators=[InputRequired("Choose the step taken")],
        validate_choice=False,  # the service checks the value, with its own message
    )
    note = TextAreaField(
        "Why, and what was decided",
        widget=GovTextArea(),
        description="For the Ombudsman's record: the council sees which steps were taken, "
        "not this note",
        validators=[InputRequired("Say why, and what was decided"), Length(max=5000)],
    )
    submit = SubmitField("Record the step", widget=GovSubmitInput())
