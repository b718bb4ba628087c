"""What the recommendation page shows besides the recommendation itself: its evidence and who
sent it, the last review asking for changes, requests for more time, and the notices sent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker.models import (
    AuditEvent,
    Authority,
    Chase,
    EvidenceReview,
    EvidenceSubmission,
    ExtensionRequest,
    Recommendation,
    RecommendationStatus,
    ReviewDecision,
    User,
)
from tracker.permissions import Permission, can
from tracker.services import assignments, audit, chases, compliance
from tracker.services.notices import inbox


@dataclass(frozen=True)
class RecommendationPage:
    """The records around one recommendation, newest first where there are several."""

    submissions: Sequence[EvidenceSubmission]
    submitters: dict[int, str]
    changes_requested: EvidenceReview | None
    pending_extension: ExtensionRequest | None
    extensions: Sequence[ExtensionRequest]
    notices: Sequence[inbox.SentNotice]
    chases: Sequence[tuple[Chase, str]]
    assignee: User | None
    # The council's officers it may be assigned to, for those who may assign it.
    officers: Sequence[User]
    history: Sequence[tuple[AuditEvent, str | None]]
    actions: frozenset[compliance.Action]
    awaits_review: bool


def recommendation_page(
    session: Session, recommendation: Recommendation, user: User | None
) -> RecommendationPage:
    """Everything around `recommendation` its page shows `user`, and what they may do next;
    the notices sent about it and the chases made by hand only to those who chase (who was
    told what is the Ombudsman's record, not the council's)."""
    submissions = session.scalars(
        sa.select(EvidenceSubmission)
        .where(EvidenceSubmission.recommendation_id == recommendation.id)
        .options(selectinload(EvidenceSubmission.files))
        .order_by(EvidenceSubmission.revision.desc())
    ).all()
    submitters = dict(
        session.execute(
            sa.select(User.id, User.name).where(
                User.id.in_({s.submitted_by_id for s in submissions})
            )
        ).all()
    )
    last_review = session.scalars(
        sa.select(EvidenceReview)
        .where(EvidenceReview.recommendation_id == recommendation.id)
        .order_by(EvidenceReview.reviewed_at.desc(), EvidenceReview.id.desc())
        .limit(1)
    ).first()
    extensions = session.scalars(
        sa.select(ExtensionRequest)
        .where(ExtensionRequest.recommendation_id == recommendation.id)
        .order_by(ExtensionRequest.requested_at.desc())
    ).all()
    pending_extension = compliance.pending_extension(session, recommendation)
    changes_requested = recommendation.status is RecommendationStatus.CHANGES_REQUESTED
    actions = compliance.available_actions(
        recommendation, user, pending_extension=pending_extension
    )  # what `compliance.actions_for` gives, from the extension already loaded
    council = session.get(Authority, recommendation.authority_id)
    assert council is not None
    chases_the_council = can(user, Permission.VIEW_ALL_COUNCILS)
    return RecommendationPage(
        submissions=submissions,
        submitters=submitters,
        changes_requested=(
            last_review
            if changes_requested
            and last_review
            and last_review.decision is ReviewDecision.CHANGES_REQUESTED
            else None
        ),
        pending_extension=pending_extension,
        extensions=extensions,
        notices=inbox.sent_about(session, recommendation.id) if chases_the_council else [],
        chases=chases.chases_of(session, recommendation.id) if chases_the_council else [],
        history=audit.history(session, AuditEvent.recommendation_id == recommendation.id),
        actions=actions,
        assignee=assignments.assignees(session, [recommendation.id]).get(recommendation.id),
        officers=(
            [user for user, _ in assignments.officers(session, council)]
            if compliance.Action.ASSIGN in actions
            else []
        ),
        awaits_review=recommendation.status is RecommendationStatus.EVIDENCE_SUBMITTED,
    )
