"""Chases made by hand: a caseworker records a call, letter, e-mail or meeting with the council.

A chase by hand counts as a chaser: the scheduler's next automatic one comes 7 days after it
(`chasing.send_chasers`). What was said is the Ombudsman's record; the council's officers see
only that, how and when it was chased (the recommendation's history), not the note.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import (
    Assignment,
    Chase,
    ChaseMethod,
    Escalation,
    EscalationStep,
    Notification,
    Recommendation,
    User,
)
from tracker.plumbing.formats import long_date
from tracker.services import audit
from tracker.services.compliance import MAX_NOTE
from tracker.services.errors import StateError, ValidationError
from tracker.services.notices import ledger

METHODS = ", ".join(method.value for method in ChaseMethod)


def record_chase(
    session: Session,
    recommendation: Recommendation,
    method: str,
    note: str,
    chased_on: date | None,
    *,
    actor: User,
    today: date,
    now: datetime,
) -> Chase:
    """Record a chase made by hand on `chased_on` (today or earlier), with what was said."""
    if recommendation.status.closed:
        raise StateError(
            f"Recommendation {recommendation.position} is closed: there is nothing to chase."
        )
    problems = {}
    if method not in {m.value for m in ChaseMethod}:
        problems["method"] = f"Choose how the council was chased: one of {METHODS}"
    if chased_on is None:
        problems["date"] = "Enter the date of the chase"
    elif chased_on > today:
        problems["date"] = "The date of the chase must be today or in the past"
    elif chased_on < recommendation.case.decision_date:
        problems["date"] = (
            "The date of the chase must be on or after the decision, "
            f"{long_date(recommendation.case.decision_date)}"
        )
    if not note.strip():
        problems["note"] = "Say what was said or agreed"
    elif len(note) > MAX_NOTE:
        problems["note"] = f"The note must be {MAX_NOTE:,} characters or fewer"
    if problems:
        raise ValidationError(problems)
    assert chased_on is not None
    chase = Chase(
        recommendation_id=recommendation.id,
        method=ChaseMethod(method),
        note=note.strip(),
        chased_on=chased_on,
        recorded_by_id=actor.id,
        recorded_at=now,
    )
    session.add(chase)
    session.flush()
    audit.record(
        session,
        action="recommendation.chased",
        entity=chase,
        actor=actor,
        now=now,
        after={"method": chase.method.value, "date": chased_on.isoformat(), "note": chase.note},
        # The history line the council sees too: how and when, not what was said.
        note=f"{chase.method.label} on {long_date(chased_on)}",
        about=recommendation,
    )
    return chase


def chases_of(session: Session, recommendation_id: int) -> list[tuple[Chase, str]]:
    """A recommendation's chases by hand, the latest first, with who recorded each."""
    rows = session.execute(
        sa.select(Chase, User.name)
        .join(User, User.id == Chase.recorded_by_id)
        .where(Chase.recommendation_id == recommendation_id)
        .order_by(Chase.chased_on.desc(), Chase.id.desc())
    )
    return [(chase, name) for chase, name in rows]


@dataclass(frozen=True)
class ChaseStatus:
    """Where chasing a recommendation stands: how often it was chased, automatically or by
    hand, the latest day of either, the officer it is assigned to (their e-mail) and the
    latest step taken on its case."""

    chasers: int = 0
    last_chased_on: date | None = None
    assignee: str | None = None
    escalation: str | None = None  # the latest step of the escalation ladder taken


def chase_status(session: Session, recommendation_ids: Iterable[int]) -> dict[int, ChaseStatus]:
    """For each of `recommendation_ids`: chasers sent and chases recorded, the latest day of
    either, its assignee and its case's latest escalation. One statement over the ids given
    (a page of them), each figure read off an index, not the tables."""
    ids = list(set(recommendation_ids))
    if not ids:
        return {}
    sent = sa.and_(
        Notification.recommendation_id == Recommendation.id,
        Notification.kind == ledger.Chaser.kind,
    )
    by_hand = Chase.recommendation_id == Recommendation.id
    rows = session.execute(
        sa.select(
            Recommendation.id,
            sa.select(sa.func.count()).where(sent).scalar_subquery(),
            # The ledger's occasion of a chaser is its day, as ISO text.
            sa.select(sa.func.max(Notification.occasion)).where(sent).scalar_subquery(),
            sa.select(sa.func.count()).where(by_hand).scalar_subquery(),
            sa.select(sa.func.max(Chase.chased_on)).where(by_hand).scalar_subquery(),
            sa.select(User.email)
            .join(Assignment, Assignment.officer_id == User.id)
            .where(Assignment.recommendation_id == Recommendation.id)
            .scalar_subquery(),
            sa.select(Escalation.step)
            .where(Escalation.case_id == Recommendation.case_id)
            .order_by(Escalation.taken_on.desc(), Escalation.id.desc())
            .limit(1)
            .scalar_subquery(),
        ).where(Recommendation.id.in_(ids))
    )
    found = {
        id_: ChaseStatus(
            chasers=sent_count + by_hand_count,
            last_chased_on=max(
                (day for day in (last_sent and date.fromisoformat(last_sent), last_by_hand) if day),
                default=None,
            ),
            assignee=assignee,
            escalation=EscalationStep(step).value if step else None,
        )
        for id_, sent_count, last_sent, by_hand_count, last_by_hand, assignee, step in rows
    }
    return {id_: found.get(id_, ChaseStatus()) for id_ in ids}
