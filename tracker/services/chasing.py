"""The scheduler's daily work: flag what became overdue, remind, chase, escalate, snapshot.

Each job is a plain function of `(session, today)` and, where it records notices or audit
events, `now` (the instant they are recorded at): jobs never read the time. The scheduler and
`flask sweep` read it once and call the same ones; tests call them with fixed values. They
change many rows in set-based SQL and record their notices in the ledger, whose unique key
(recommendation, kind, occasion) means a job run twice, or by two processes at once, never
records the same notice twice. The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker import deadlines
from tracker.models import (
    Authority,
    AuthoritySnapshot,
    Case,
    Chase,
    Notification,
    Recommendation,
    RecommendationStatus,
)
from tracker.models.recommendation import CLOSED_STATUSES
from tracker.plumbing.database import insert_or_ignore, try_lock_for_transaction
from tracker.services import audit, overview, redating
from tracker.services.notices import ledger

REMINDER_DAYS = (14, 7, 1)
CHASER_EVERY = timedelta(days=7)
ESCALATE_AFTER = timedelta(days=28)
DELAYED_AFTER_MONTHS = 12
# Ids in one statement: well inside any database's limit on bound parameters.
_CHUNK = 5000
# What the council still has to do: evidence waiting for a caseworker is not chased.
COUNCIL_TO_ACT = Recommendation.status.in_(
    [RecommendationStatus.OPEN.value, RecommendationStatus.CHANGES_REQUESTED.value]
)


@dataclass(frozen=True)
class RunReport:
    """What one run did, for the scheduler's log and `flask sweep`."""

    overdue: int
    no_longer_overdue: int
    reminders: int
    chasers: int
    escalations: int
    delayed_remedies: int
    snapshots: int
    redated: int = 0  # open due dates moved by a change in the bank holidays

    def __str__(self) -> str:
        return ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in vars(self).items())


def run_daily_jobs(
    session: Session,
    today: date,
    *,
    now: datetime,
    rules: deadlines.DeadlineRules = deadlines.DEFAULT_RULES,
) -> RunReport | None:
    """Every job, in order, under one lock; None when another run holds it (a second
    scheduler process): that run does the work, and this one skips rather than wait.
    Due dates are re-dated first when the bank holidays of `rules`' calendar changed."""
    if not try_lock_for_transaction(session, "tracker.chasing"):
        return None
    redated = redating.check_calendar(session, rules, today=today, now=now) or 0
    flagged, cleared = sweep_overdue(session, today, now=now)
    return RunReport(
        overdue=flagged,
        no_longer_overdue=cleared,
        reminders=send_reminders(session, today, now=now),
        chasers=send_chasers(session, today, now=now),
        escalations=escalate(session, today, now=now),
        delayed_remedies=flag_delayed_remedies(session, today, now=now),
        snapshots=take_snapshots(session, today),
        redated=redated,
    )


def sweep_overdue(session: Session, today: date, *, now: datetime) -> tuple[int, int]:
    """Mark recommendations that became overdue since the last run (with the day it noticed)
    and unmark those no longer overdue (closed, or a later date agreed); an audit event each.
    Returns how many were marked and unmarked."""
    flagged = audit.change_recommendations(
        session,
        sa.and_(Recommendation.overdue_condition(today), Recommendation.overdue_since.is_(None)),
        {"overdue_since": today},
        action="recommendation.overdue",
        now=now,
        before={"overdue_since": None},
        after={"overdue_since": today.isoformat()},
    )
    cleared = audit.change_recommendations(
        session,
        _flagged_not_overdue(today),
        {"overdue_since": None},
        action="recommendation.no_longer_overdue",
        now=now,
        after={"overdue_since": None},
        note="Closed, or its agreed due date is no longer past",
    )
    return flagged, cleared


def _flagged_not_overdue(today: date) -> sa.ColumnElement[bool]:
    """Flagged and `not_overdue_condition`, spelt as three cases that each name the flag:
    each then reads its own range of the index of flagged rows (SQLite's OR of indexes,
    PostgreSQL's BitmapOr), touching only the rows to clear, not every flagged one."""
    flagged = Recommendation.overdue_since.is_not(None)
    closed = Recommendation.status.in_([status.value for status in CLOSED_STATUSES])
    still_open = Recommendation.is_open_condition()
    return sa.or_(
        sa.and_(flagged, closed),
        sa.and_(flagged, still_open, Recommendation.due_date.is_(None)),
        sa.and_(flagged, still_open, Recommendation.due_date >= today),
    )


def send_reminders(session: Session, today: date, *, now: datetime) -> int:
    """Remind the council's officers 14, 7 and 1 days before a due date, on those days only
    (not while their evidence waits for a caseworker)."""
    sent = 0
    for days in REMINDER_DAYS:
        due = today + timedelta(days=days)
        sent += len(
            ledger.record(
                session,
                ledger.Reminder(days),
                sa.and_(COUNCIL_TO_ACT, Recommendation.due_date == due),
                today,
                now=now,
            )
        )
    return sent


def send_chasers(session: Session, today: date, *, now: datetime) -> int:
    """Chase overdue work the council still owes every 7 days, from its first day overdue:
    officers, caseworker copied. A run that missed a day catches up; nothing is chased
    twice in a week, and a chase made by hand counts as one."""
    sent_lately = (
        sa.select(Notification.id)
        .where(
            Notification.recommendation_id == Recommendation.id,
            Notification.kind == ledger.Chaser.kind,
            # Occasions are ISO dates: they compare as text in date order.
            Notification.occasion > (today - CHASER_EVERY).isoformat(),
        )
        .exists()
    )
    chased_by_hand_lately = (
        sa.select(Chase.id)
        .where(
            Chase.recommendation_id == Recommendation.id,
            Chase.chased_on > today - CHASER_EVERY,
        )
        .exists()
    )
    condition = sa.and_(
        COUNCIL_TO_ACT,
        Recommendation.due_date < today,
        ~sent_lately,
        ~chased_by_hand_lately,
    )
    return len(ledger.record(session, ledger.Chaser(), condition, today, now=now))


def escalate(session: Session, today: date, *, now: datetime) -> int:
    """Tell managers (caseworker copied) when work the council owes is 28 days overdue, once
    per due date."""
    condition = sa.and_(
        COUNCIL_TO_ACT,
        Recommendation.due_date <= today - ESCALATE_AFTER,
        sa.or_(
            Recommendation.escalated_on.is_(None),
            Recommendation.escalated_on <= Recommendation.due_date,  # a date agreed since
        ),
    )
    escalated = ledger.record(session, ledger.Escalation(), condition, today, now=now)
    _mark(session, escalated, "escalated_on", today, "recommendation.escalated", now)
    return len(escalated)


def flag_delayed_remedies(session: Session, today: date, *, now: datetime) -> int:
    """Flag work still not done 12 months after its due date as a delayed remedy."""
    condition = sa.and_(
        Recommendation.overdue_condition(today),
        Recommendation.due_date <= deadlines.add_months(today, -DELAYED_AFTER_MONTHS),
        sa.or_(
            Recommendation.delayed_remedy_since.is_(None),
            Recommendation.delayed_remedy_since <= Recommendation.due_date,
        ),
    )
    delayed = ledger.record(session, ledger.DelayedRemedy(), condition, today, now=now)
    _mark(session, delayed, "delayed_remedy_since", today, "recommendation.delayed_remedy", now)
    return len(delayed)


def take_snapshots(session: Session, today: date) -> int:
    """Each authority's open-work figures today, for trend charts: the day's first is kept."""
    named = overview.figures(today)
    columns = ("open", "overdue", "awaiting_review", "delayed_remedies")
    rows = (
        sa.select(Authority.id, sa.literal(today, sa.Date()), *(named[c] for c in columns))
        .select_from(Authority)
        .outerjoin(Case, Case.authority_id == Authority.id)
        .outerjoin(Recommendation, Recommendation.case_id == Case.id)
        .where(sa.true())  # SQLite reads INSERT … SELECT … ON CONFLICT only after a WHERE
        .group_by(Authority.id)
    )
    taken = session.scalars(
        insert_or_ignore(session, AuthoritySnapshot)
        .from_select(
            [
                "authority_id",
                "taken_on",
                "open_recommendations",
                "overdue_recommendations",
                "awaiting_review",
                "delayed_remedies",
            ],
            rows,
        )
        .returning(AuthoritySnapshot.id)
    )
    return len(taken.all())


def _mark(
    session: Session, ids: list[int], column: str, today: date, action: str, now: datetime
) -> None:
    for start in range(0, len(ids), _CHUNK):
        audit.change_recommendations(
            session,
            Recommendation.id.in_(ids[start : start + _CHUNK]),
            {column: today},
            action=action,
            now=now,
            after={column: today.isoformat()},
        )
