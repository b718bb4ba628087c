"""A case opened to investigate a council's failure to comply with an earlier case, judged
not satisfied: it names the earlier case, and each page links to the other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import Case, ComplianceOutcome, FollowUp, User, normalise_reference
from tracker.services import audit
from tracker.services.errors import ValidationError


@dataclass(frozen=True)
class Links:
    """The case a case follows up, and the cases that follow it up."""

    follows: Case | None
    followed_by: list[Case]


def check_follow_up(session: Session, earlier_reference: str, authority_code: str) -> Case:
    """The earlier case a new case of `authority_code` may follow up: one of the same council
    judged not satisfied. ValidationError (field `follows`) otherwise."""
    earlier = session.scalar(
        sa.select(Case).where(Case.reference == normalise_reference(earlier_reference))
    )
    if earlier is None:
        raise ValidationError({"follows": f"There is no case {earlier_reference}"})
    if earlier.compliance_outcome is not ComplianceOutcome.NOT_SATISFIED:
        outcome = f"Case {earlier.reference} was not judged not satisfied"
        raise ValidationError({"follows": f"{outcome}: it has no failure to follow up"})
    if earlier.authority.code != authority_code.strip().upper():
        raise ValidationError(
            {"authority": f"Case {earlier.reference} is about {earlier.authority.name}"}
        )
    return earlier


def link(session: Session, case: Case, earlier: Case, *, actor: User, now: datetime) -> None:
    """Record that `case` investigates the failure to comply with `earlier`."""
    session.add(FollowUp(case_id=case.id, follows_case_id=earlier.id))
    session.flush()
    for about, note in (
        (case, f"Opened for the failure to comply with case {earlier.reference}"),
        (earlier, f"Case {case.reference} opened for the failure to comply with this one"),
    ):
        audit.record(
            session,
            action="case.follow_up_opened",
            entity=about,
            actor=actor,
            now=now,
            after={"case": case.reference, "follows": earlier.reference},
            note=note,
        )


def links(session: Session, case: Case) -> Links:
    """What `case` follows up, and what follows it up."""
    follows = session.scalar(
        sa.select(Case)
        .join(FollowUp, FollowUp.follows_case_id == Case.id)
        .where(FollowUp.case_id == case.id)
    )
    followed_by = session.scalars(
        sa.select(Case)
        .join(FollowUp, FollowUp.case_id == Case.id)
        .where(FollowUp.follows_case_id == case.id)
        .order_by(Case.decision_date, Case.id)
    ).all()
    return Links(follows, list(followed_by))
