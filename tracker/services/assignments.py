"""Who holds a recommendation at the council: its link officers give it to one of its officers,
who then receives its reminders and chasers too (`notices.ledger`'s audience)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import Assignment, Authority, Recommendation, Role, User
from tracker.services import audit
from tracker.services.accounts import normalise_email
from tracker.services.errors import StateError, ValidationError


def assign(
    session: Session,
    recommendation: Recommendation,
    email: str | None,
    *,
    actor: User,
    now: datetime,
) -> User | None:
    """Give `recommendation` to the council officer with `email` (None or "": to nobody);
    returns the officer it is now assigned to. The caller has checked that `actor` may."""
    if recommendation.status.closed:
        raise StateError(
            f"Recommendation {recommendation.position} is closed: there is nothing to assign."
        )
    officer = None
    if email and email.strip():
        council = session.get(Authority, recommendation.authority_id)
        officer = session.scalar(
            sa.select(User).where(
                User.email == normalise_email(email),
                User.role == Role.OFFICER,
                User.authority_id == recommendation.authority_id,
                User.active,
            )
        )
        if officer is None:
            name = council.name if council else "the council"
            raise ValidationError({"email": f"{email.strip()} is not an active officer of {name}"})
    current = session.get(Assignment, recommendation.id)
    before = session.get(User, current.officer_id) if current else None
    if (before and before.id) == (officer and officer.id):
        return officer
    if officer is None:
        assert current is not None
        session.delete(current)
    elif current is None:
        session.add(
            Assignment(
                recommendation_id=recommendation.id,
                officer_id=officer.id,
                assigned_by_id=actor.id,
                assigned_at=now,
            )
        )
    else:
        current.officer_id, current.assigned_by_id, current.assigned_at = officer.id, actor.id, now
    session.flush()
    audit.record(
        session,
        action="recommendation.assigned",
        entity=recommendation,
        actor=actor,
        now=now,
        before={"assignee": before.email if before else None},
        after={"assignee": officer.email if officer else None},
        note=f"Assigned to {officer.name}" if officer else "No longer assigned to anyone",
    )
    return officer


def assignees(session: Session, recommendation_ids: Iterable[int]) -> dict[int, User]:
    """The officer each of `recommendation_ids` is assigned to (those with one)."""
    ids = list(set(recommendation_ids))
    if not ids:
        return {}
    rows = session.execute(
        sa.select(Assignment.recommendation_id, User)
        .join(User, User.id == Assignment.officer_id)
        .where(Assignment.recommendation_id.in_(ids))
    )
    return {recommendation_id: user for recommendation_id, user in rows}


def officers(session: Session, authority: Authority) -> list[tuple[User, int]]:
    """Who holds what at a council: its active officers, link officers first, each with how
    many of its open recommendations are assigned to them."""
    held = (
        sa.select(sa.func.count())
        .select_from(Assignment)
        .join(Recommendation, Recommendation.id == Assignment.recommendation_id)
        .where(Assignment.officer_id == User.id, Recommendation.is_open_condition())
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(User, held)
        .where(User.authority_id == authority.id, User.role == Role.OFFICER, User.active)
        .order_by(User.link_officer.desc(), User.name)
    )
    return [(user, count) for user, count in rows]
