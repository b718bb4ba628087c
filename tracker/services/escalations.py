"""The escalation ladder: a caseworker or manager records each step taken on a case whose
council stays overdue, with why. The notes are the Ombudsman's: the council sees only which
steps were taken (the case's history), never what was written about them."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import Case, Escalation, EscalationStep, User
from tracker.services import audit
from tracker.services.compliance import MAX_NOTE
from tracker.services.errors import StateError, ValidationError

STEPS = ", ".join(step.value for step in EscalationStep)


def record_step(
    session: Session,
    case: Case,
    step: str,
    note: str,
    *,
    actor: User,
    today: date,
    now: datetime,
) -> Escalation:
    """Record that `step` was taken on `case` today, and why."""
    if case.compliance_outcome is not None:
        raise StateError(
            f"Case {case.reference} has its compliance outcome: there is nothing to escalate."
        )
    problems = {}
    if step not in {s.value for s in EscalationStep}:
        problems["step"] = f"Choose the step taken: one of {STEPS}"
    if not note.strip():
        problems["note"] = "Say why, and what was decided"
    elif len(note) > MAX_NOTE:
        problems["note"] = f"The note must be {MAX_NOTE:,} characters or fewer"
    if problems:
        raise ValidationError(problems)
    escalation = Escalation(
        case_id=case.id,
        step=EscalationStep(step),
        note=note.strip(),
        taken_on=today,
        taken_by_id=actor.id,
        recorded_at=now,
    )
    session.add(escalation)
    session.flush()
    audit.record(
        session,
        action="case.escalated",
        entity=escalation,
        actor=actor,
        now=now,
        after={"step": escalation.step.value, "note": escalation.note},
        note=escalation.step.label,  # the history line the council sees too: not the note
        about=case,
    )
    return escalation


def steps_of(session: Session, case_id: int) -> list[tuple[Escalation, User]]:
    """The steps taken on a case, oldest first, with who took each."""
    rows = session.execute(
        sa.select(Escalation, User)
        .join(User, User.id == Escalation.taken_by_id)
        .where(Escalation.case_id == case_id)
        .order_by(Escalation.taken_on, Escalation.id)
    )
    return [(escalation, user) for escalation, user in rows]
