"""Deadlines that stay right: when the installed bank holidays change (a new `holidays`
release adds a coronation or a jubilee), open due dates counted in working days are worked
out again, the old and new dates kept in the audit trail and the council told."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker import deadlines
from tracker.models import DueDateSource, HolidayCalendar, Recommendation
from tracker.plumbing.formats import long_date
from tracker.services import audit
from tracker.services.notices import ledger
from tracker.services.recommendations import AGREED_BY_PEOPLE, DEADLINE_FIELDS, apply_deadline

# Words that count in working days (deadlines.py reads both).
_WORKING_DAYS = ("%working day%", "%business day%")


def fingerprint(calendar: str) -> str:
    """The bank holidays the installed `holidays` package gives `calendar`, as a digest."""
    days = ",".join(day.isoformat() for day in sorted(deadlines.bank_holidays(calendar)))
    return hashlib.sha256(days.encode()).hexdigest()


def check_calendar(
    session: Session, rules: deadlines.DeadlineRules, *, today: date, now: datetime
) -> int | None:
    """The daily jobs' check: re-date open working-day deadlines if the calendar's bank
    holidays changed since last recorded; returns how many moved (None on the first check,
    which only records the calendar)."""
    known = session.get(HolidayCalendar, rules.calendar)
    current = fingerprint(rules.calendar)
    if known is not None and known.fingerprint == current:
        return 0
    moved = None if known is None else len(recompute(session, rules, today=today, now=now))
    record_calendar(session, rules.calendar, now=now)
    return moved


def record_calendar(session: Session, calendar: str, *, now: datetime) -> None:
    """Record the bank holidays the deadlines are now worked out with."""
    session.merge(
        HolidayCalendar(calendar=calendar, fingerprint=fingerprint(calendar), recorded_at=now)
    )
    session.flush()


def recompute(
    session: Session, rules: deadlines.DeadlineRules, *, today: date, now: datetime
) -> list[int]:
    """Work out again every open due date the words (or the usual time for its kind) give
    in working days; those that moved are re-dated, with an audit event each, and their
    councils told. Dates a caseworker set or an extension agreed stay. Returns their ids."""
    counted_in_working_days = [
        kind for kind, period in rules.defaults.items() if period.unit == "working_days"
    ]
    candidates = session.scalars(
        sa.select(Recommendation)
        .where(
            Recommendation.is_open_condition(),
            sa.or_(
                Recommendation.due_date_source.is_(None),
                Recommendation.due_date_source.not_in(AGREED_BY_PEOPLE),
            ),
            sa.or_(
                *(sa.func.lower(Recommendation.text).like(words) for words in _WORKING_DAYS),
                sa.and_(
                    Recommendation.due_date_source == DueDateSource.ASSUMED,
                    Recommendation.kind.in_(counted_in_working_days),
                ),
            ),
        )
        .options(selectinload(Recommendation.deadline_parts), selectinload(Recommendation.case))
        .order_by(Recommendation.id)
    )
    moved = []
    for recommendation in candidates:
        before = audit.snapshot(recommendation, DEADLINE_FIELDS)
        old_due = recommendation.due_date
        apply_deadline(recommendation, recommendation.case.decision_date, rules)
        old, new = audit.changes(before, audit.snapshot(recommendation, DEADLINE_FIELDS))
        if not new:
            continue
        recommendation.updated_at = now
        moved.append(recommendation.id)
        audit.record(
            session,
            action="recommendation.redated",
            entity=recommendation,
            actor=None,
            now=now,
            before=old,
            after=new,
            note=(
                f"The bank holidays changed: due {long_date(old_due) or 'no date'} is now "
                f"{long_date(recommendation.due_date) or 'no date'}"
            ),
        )
    session.flush()
    if moved:
        ledger.record(session, ledger.Redated(), Recommendation.id.in_(moved), today, now=now)
    return moved
