"""Form pieces every feature shares: GOV.UK date entry, error summaries, service errors."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovTextInput
from wtforms import Field
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from tracker.services.errors import ConflictError, DomainError, ValidationError
from tracker.web import unit_of_work


def options(pairs: Iterable[tuple[str, str]], blank: str | None = None) -> list[SelectChoice]:
    """Choices for a select or radios from (value, label) pairs, optionally after a blank one."""
    first = [SelectChoice("", blank)] if blank is not None else []
    return [*first, *(SelectChoice(value, label) for value, label in pairs)]


def enum_options(members: type[enum.Enum]) -> list[SelectChoice]:
    """Choices for each member of an enum that has a `label`."""
    return options((member.value, member.label) for member in members)  # type: ignore[attr-defined]


class GovDateField(Field):
    """A date typed as day, month and year boxes, with the GOV.UK error messages."""

    widget = GovDateInput()

    def __init__(self, label: str, *, required: bool = True, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.required = required
        self._problem: str | None = None

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the three boxes; remember what was wrong for `pre_validate`."""
        if len(valuelist) != 3:
            self.raw_data = None  # not on this submission: show the boxes empty
            return
        day, month, year = (value.strip() for value in valuelist)
        self.raw_data = [day, month, year]
        name = self.label.text
        missing = [
            part
            for part, value in zip(("day", "month", "year"), valuelist, strict=True)
            if not value.strip()
        ]
        if len(missing) == 3:
            self.data = None
            self._problem = f"Enter the {name.lower()}" if self.required else None
        elif missing:
            self._problem = f"{name} must include a {' and '.join(missing)}"
        elif not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            self._problem = f"{name} must be a real date"
        else:
            try:
                self.data = date(int(year), int(month), int(day))
            except ValueError:
                self._problem = f"{name} must be a real date"

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""

    def pre_validate(self, form: Any) -> None:
        """Report the problem found while reading the boxes, if any."""
        if self._problem:
            raise StopValidation(self._problem)
        if self.required and self.data is None:
            raise StopValidation(f"Enter the {self.label.text.lower()}")


class WholeNumberField(Field):
    """A whole number; commas are allowed (734,000)."""

    widget = GovTextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the number, or say plainly that it is not one."""
        text = valuelist[0].replace(",", "").strip() if valuelist else ""
        self.data = None
        if text:
            try:
                self.data = int(text)
            except ValueError as error:
                raise ValueError(f"{self.label.text} must be a whole number") from error

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else ("" if self.data is None else str(self.data))


class MoneyField(Field):
    """An amount in pounds and pence; a £ sign and commas are allowed (£1,250.00)."""

    widget = GovTextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the amount, or say plainly that it is not one."""
        text = valuelist[0].replace(",", "").replace("£", "").strip() if valuelist else ""
        self.data = None
        if text:
            try:
                amount = Decimal(text)
            except InvalidOperation as error:
                raise ValueError(f"{self.label.text} must be an amount, like 1250.00") from error
            if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
                raise ValueError(f"{self.label.text} must be in pounds and pence, like 1250.00")
            self.data = amount

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else ("" if self.data is None else str(self.data))


def form_int(value: str | None) -> int:
    """A whole number from a hidden field; a tampered value becomes -1, which matches nothing."""
    return int(value) if value and value.isdigit() else -1


def error_summary(form: FlaskForm) -> dict[str, Any] | None:
    """Parameters for the GOV.UK error summary, linking each error to the first box it is about."""
    if not form.errors:
        return None
    params = wtforms_errors(form)
    date_ids = {f"#{field.id}" for field in _all_fields(form) if isinstance(field, GovDateField)}
    for item in params["errorList"]:
        if item["href"] in date_ids:
            item["href"] += "-day"
        elif item["href"] == "#None":  # an error about the whole form, not one field
            del item["href"]
    return params


def _all_fields(form: Any) -> list[Field]:
    """Every field, including those inside field lists and sub-forms."""
    found: list[Field] = []
    for field in form:
        if hasattr(field, "entries"):
            for entry in field.entries:
                found.extend(_all_fields(entry.form) if hasattr(entry, "form") else [entry])
        else:
            found.append(field)
    return found


def apply_errors(form: FlaskForm, fields: Mapping[str, str]) -> None:
    """Show a service's field errors on the form fields they name (`recommendations-0-text`).

    A field keeps the first message it was given. An error about a whole list goes on its
    first entry's first field; one about nothing on the form goes above the form.
    """
    by_name = {field.name: field for field in _all_fields(form)}
    lists = {field.name: field for field in form if hasattr(field, "entries")}
    for name, message in fields.items():
        if name in lists and lists[name].entries:
            field = _all_fields(lists[name].entries[0].form)[0]
        else:
            field = by_name.get(name)
        if field is None:
            form.form_errors.append(message)
        elif not field.errors:  # the form's own message about a field comes first
            field.errors = [message]
    for field_list in lists.values():  # field lists copy their entries' errors when validated
        entry_errors = [entry.errors for entry in field_list.entries]
        field_list.errors = entry_errors if any(entry_errors) else []


T = TypeVar("T")


def show_refusal(
    form: FlaskForm,
    error: DomainError,
    field_names: Callable[[dict[str, str]], dict[str, str]] = dict,
) -> None:
    """The one way a page shows a service's refusal: nothing of the request is saved, and the
    form shows what was wrong (each field's problem on it; anything else above the form).
    In the API the same errors become JSON (`tracker.api`'s error handlers)."""
    unit_of_work.discard()
    if isinstance(error, ValidationError):
        apply_errors(form, field_names(error.fields))
    else:
        form.form_errors.append(error.message)


def save_form(
    form: FlaskForm,
    *,
    check: Callable[[], object],
    save: Callable[[], T],
    field_names: Callable[[dict[str, str]], dict[str, str]] = dict,
    changed_meanwhile: Callable[[], object] | None = None,
) -> T | None:
    """Validate a submitted form, then `save()` and return what it returns.

    When something is wrong, every problem shows at once: what the form itself found
    (a date that is not a date) and what the service's rules find in the rest (`check()`
    raises ValidationError and saves nothing). `field_names` turns the service's field
    names into the form's. A refusal of the save itself shows on the form (`show_refusal`);
    when the record changed meanwhile, `changed_meanwhile()` brings the form up to date.
    Returns None when nothing was saved.
    """
    if not form.validate():
        try:
            check()
        except ValidationError as error:
            apply_errors(form, field_names(error.fields))
        return None
    try:
        return save()
    except DomainError as error:
        show_refusal(form, error, field_names)
        if isinstance(error, ConflictError) and changed_meanwhile is not None:
            changed_meanwhile()
        return None
