"""A recommendation's deadline: read from its words, corrected by a caseworker, moved by events.

The date the decision gave (`decision_due_date`) stays on record; the agreed date (`due_date`)
is what lateness is judged against, and moves only by a caseworker's correction or an agreed
extension once either has happened.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tracker import deadlines
from tracker.models import DeadlinePart, DueDateSource, Recommendation, User
from tracker.services import audit
from tracker.services.errors import ConflictError, ValidationError

DEADLINE_FIELDS = ("decision_due_date", "due_date", "due_date_source", "explicit")
STALE_MESSAGE = (
    "Someone else changed this recommendation while you were looking at it. "
    "Check it as it is now and make your change again."
)
# Sources a re-reading of the words must not overrule.
AGREED_BY_PEOPLE = frozenset({DueDateSource.CASEWORKER, DueDateSource.EXTENSION})


def apply_deadline(
    recommendation: Recommendation, decision_date: date, rules: deadlines.DeadlineRules
) -> deadlines.Deadline:
    """Read the deadline from the recommendation's words and any recorded event dates, by the
    deployment's `rules`.

    The parts are kept on the record; the agreed date follows the words unless a caseworker
    set it or an extension moved it.
    """
    result = read_deadline(recommendation, decision_date, rules)
    _keep_parts(recommendation, result, _event_dates(recommendation))
    recommendation.explicit = result.explicit
    recommendation.decision_due_date = result.due_date if result.explicit else None
    if recommendation.due_date_source not in AGREED_BY_PEOPLE:
        recommendation.due_date = result.due_date
        recommendation.due_date_source = (
            None
            if result.due_date is None
            else DueDateSource.STATED
            if result.explicit
            else DueDateSource.ASSUMED
        )
    return result


def set_due_date(
    session: Session,
    recommendation: Recommendation,
    *,
    due_date: date | None,
    reason: str,
    expected_version: int,
    actor: User,
    now: datetime,
) -> Recommendation:
    """A caseworker sets or corrects the agreed due date, giving a reason.

    The date the decision gave stays on record beside it; the change is in the audit trail.
    """
    _check_current(recommendation, expected_version)
    problems = {}
    if due_date is None:
        problems["due_date"] = "Enter the due date"
    elif due_date < recommendation.case.decision_date:
        problems["due_date"] = "The due date must be on or after the decision date"
    if not reason.strip():
        problems["reason"] = "Give the reason for setting this date"
    if recommendation.status.closed:
        problems["due_date"] = "This recommendation is closed; reopen it before changing its date"
    if problems:
        raise ValidationError(problems)
    before = audit.snapshot(recommendation, DEADLINE_FIELDS)
    recommendation.due_date = due_date
    recommendation.due_date_source = DueDateSource.CASEWORKER
    recommendation.updated_at = now
    _flush(session)
    old, new = audit.changes(before, audit.snapshot(recommendation, DEADLINE_FIELDS))
    audit.record(
        session, action="recommendation.due_date_set", entity=recommendation, actor=actor,
        now=now, before=old, after=new, note=reason.strip(),
    )  # fmt: skip
    return recommendation


def record_event_date(
    session: Session,
    recommendation: Recommendation,
    *,
    position: int,
    event_date: date | None,
    expected_version: int,
    actor: User,
    now: datetime,
    rules: deadlines.DeadlineRules,
) -> Recommendation:
    """Record when the event a deadline part waits for happened; the part then has a date."""
    _check_current(recommendation, expected_version)
    part = next((p for p in recommendation.deadline_parts if p.position == position), None)
    if part is None or not part.awaits_event:
        raise ValidationError({"event_date": "That part of the deadline waits for no event"})
    if event_date is None:
        raise ValidationError({"event_date": "Enter the date it happened"})
    if event_date < recommendation.case.decision_date:
        raise ValidationError({"event_date": "The date must be on or after the decision date"})
    before = audit.snapshot(recommendation, DEADLINE_FIELDS)
    previous_event_date = part.event_date
    part.event_date = event_date
    apply_deadline(recommendation, recommendation.case.decision_date, rules)
    recommendation.updated_at = now
    _flush(session)
    old, new = audit.changes(before, audit.snapshot(recommendation, DEADLINE_FIELDS))
    audit.record(
        session, action="recommendation.event_recorded", entity=recommendation, actor=actor,
        now=now, before={"event_date": _iso(previous_event_date), **old},
        after={"event_date": event_date.isoformat(), **new}, note=part.awaits_event,
    )  # fmt: skip
    return recommendation


def read_deadline(
    recommendation: Recommendation, decision_date: date, rules: deadlines.DeadlineRules
) -> deadlines.Deadline:
    """The deadline the recommendation's words and recorded event dates give, by `rules`,
    with how each date was worked out; changes nothing."""
    return deadlines.compute_deadline(
        recommendation.text,
        decision_date,
        kind=recommendation.kind.value,
        event_dates=_event_dates(recommendation),
        rules=rules,
    )


def _event_dates(recommendation: Recommendation) -> dict[str, date]:
    return {
        part.awaits_event: part.event_date
        for part in recommendation.deadline_parts
        if part.awaits_event and part.event_date
    }


def _keep_parts(
    recommendation: Recommendation, result: deadlines.Deadline, events: dict[str, date]
) -> None:
    """Update the stored parts in place, so positions stay unique while rows change."""
    stored = recommendation.deadline_parts
    for position, part in enumerate(result.parts):
        if position < len(stored):
            row = stored[position]
        else:
            row = DeadlinePart(position=position)
            stored.append(row)
        row.phrase, row.due_date = part.phrase, part.due_date
        row.awaits_event, row.follows_position = part.awaits_event, part.follows
        row.event_date = events.get(part.awaits_event) if part.awaits_event else None
    del stored[len(result.parts) :]


def _check_current(recommendation: Recommendation, expected_version: int) -> None:
    if recommendation.version != expected_version:
        raise ConflictError(STALE_MESSAGE)


def _flush(session: Session) -> None:
    try:
        session.flush()  # the version check: a concurrent write makes the UPDATE miss
    except StaleDataError as error:
        raise ConflictError(STALE_MESSAGE) from error


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
