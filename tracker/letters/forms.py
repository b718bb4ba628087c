"""The form a manager writes an annual review letter with."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSubmitInput, GovTextInput
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from tracker.services.letters import LIMITS, too_long
from tracker.web.forms import GovDateField


def _at_most(name: str) -> Length:
    """The letter rules' limit for the field, checked in the form too, with the same words."""
    return Length(max=LIMITS[name][1], message=too_long(name))


def _narrative(label: str, description: str) -> TextAreaField:
    """The letter's own words, plain text; paragraphs are separated by blank lines."""
    return TextAreaField(
        label,
        widget=GovCharacterCount(),
        description=description,
        # Browsers send a line break as CR LF, and count it as one character.
        filters=[lambda text: text.replace("\r\n", "\n") if text else text],
        validators=[_at_most("narrative")],
    )


class _AddressedLetterForm(FlaskForm):
    """Whom a letter is to and its date, as every letter the Ombudsman sends has them."""

    addressee_name = StringField(
        "Addressee",
        widget=GovTextInput(),
        description="As after “Dear”, for example Mr Sinnott",
        validators=[_at_most("addressee_name")],
    )
    addressee_title = StringField(
        "Their role",
        widget=GovTextInput(),
        description="For example, Chief Executive",
        validators=[_at_most("addressee_title")],
    )
    letter_date = GovDateField(
        "Date of the letter",
        required=False,
        description="For example, 21 7 2025. Leave it blank to date the letter the day it is read.",
    )
    version = HiddenField()
    submit = SubmitField("Save the letter", widget=GovSubmitInput())


class LetterForm(_AddressedLetterForm):
    """Whom the letter is to, its date, and what the Ombudsman has to say this year."""

    narrative = _narrative(
        "What the Ombudsman has to say to the council this year",
        "Plain text, shown after the summary of statistics. Leave a blank line between paragraphs.",
    )


class EscalationLetterForm(_AddressedLetterForm):
    """A caseworker's edit of a letter the product drafted on a case."""

    narrative = _narrative(
        "The letter",
        "Drafted from the case's facts: change anything. Leave a blank line between paragraphs.",
    )
