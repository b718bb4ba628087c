"""The recommendation entries of the add-a-case form: add, remove, split the pasted agreed
actions into entries, and preview each entry's deadline before anything is saved."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from tracker import deadlines
from tracker.agreed_actions import split_agreed_actions
from tracker.cases.forms import NewCaseForm
from tracker.services.cases import RecommendationInput


def change_entries(form: NewCaseForm, action: str) -> str | None:
    """Apply an "add", "remove-N" or "split" button. Saves nothing; returns a message."""
    entries = form.recommendations.entries
    if action == "add":
        form.recommendations.append_entry()
    elif action.startswith("remove-") and action[7:].isdigit() and int(action[7:]) < len(entries):
        # The others keep their names and what was typed; gaps in the numbering are fine.
        del entries[int(action[7:])]
        if not entries:
            form.recommendations.append_entry()
    elif action == "split":
        return split_into_entries(form)
    return None


def split_into_entries(form: NewCaseForm) -> str:
    """Replace the entries with one per action in the pasted section, kind and amount proposed."""
    actions = split_agreed_actions(form.agreed_actions.data or "")
    if not actions.recommendations:
        form.agreed_actions.errors = ["Paste the agreed actions to split them"]
        return ""
    form.recommendations.entries = []
    form.recommendations.last_index = -1
    for proposal in actions.recommendations:
        form.recommendations.append_entry(
            SimpleNamespace(
                text=proposal.text,
                kind=proposal.kind,
                amount=proposal.amount,
                evidence_expected=actions.evidence_note,
            )
        )
    count = len(actions.recommendations)
    return (
        f"The agreed actions were split into {count} recommendation{'s' if count != 1 else ''}. "
        "Check each one, its kind, amount and due date, then save the case."
    )


def filled_entries(form: NewCaseForm) -> list[Any]:
    """Entries with something typed in; blank ones are not recommendations."""
    return [
        entry
        for entry in form.recommendations.entries
        if (entry.form.text.data or "").strip() or (entry.form.amount.raw_data or [""])[0].strip()
    ]


def recommendation_inputs(form: NewCaseForm) -> list[RecommendationInput]:
    """The filled entries as the case service takes them."""
    return [
        RecommendationInput(
            text=entry.form.text.data or "",
            kind=entry.form.kind.data or "",
            amount=entry.form.amount.data,
            evidence_expected=entry.form.evidence_expected.data or "",
            deadlines_confirmed=bool(entry.form.deadlines_confirmed.data),
        )
        for entry in filled_entries(form)
    ]


def form_field_names(form: NewCaseForm, fields: dict[str, str]) -> dict[str, str]:
    """Service errors name the n-th filled recommendation; the form names its entry."""
    entries = filled_entries(form)
    named = {}
    for name, message in fields.items():
        parts = name.split(".")
        if parts[0] == "recommendations" and len(parts) == 3 and parts[1].isdigit():
            named[f"{entries[int(parts[1])].name}-{parts[2]}"] = message
        else:
            named[name] = message
    return named


def previews(
    form: NewCaseForm, decision_date: date | None, rules: deadlines.DeadlineRules
) -> dict[str, deadlines.Deadline]:
    """Each filled entry's deadline as it would be saved (by `rules`), by entry name; none
    without a date."""
    if decision_date is None:
        return {}
    return {
        entry.name: deadlines.compute_deadline(
            entry.form.text.data, decision_date, kind=entry.form.kind.data or None, rules=rules
        )
        for entry in filled_entries(form)
        if (entry.form.text.data or "").strip()
    }
