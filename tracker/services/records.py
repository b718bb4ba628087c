"""One record looked up within what the person acting may see. The scope (a WHERE clause)
comes from the permission rules in `tracker.web.access`; None means "not there for them"."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import (
    Authority,
    Case,
    EvidenceFile,
    EvidenceSubmission,
    Publication,
    Recommendation,
    User,
    normalise_reference,
)


def case(session: Session, reference: str, scope: sa.ColumnElement[bool]) -> Case | None:
    """The case with this reference (in any of its spellings), within `scope`."""
    try:
        reference = normalise_reference(reference)
    except ValueError:
        return None
    return session.scalar(sa.select(Case).where(Case.reference == reference, scope))


def authority(session: Session, code: str, scope: sa.ColumnElement[bool]) -> Authority | None:
    """The authority with this code (any letter case), within `scope`."""
    return session.scalar(sa.select(Authority).where(Authority.code == code.strip().upper(), scope))


def recommendation(
    session: Session, recommendation_id: int, case_scope: sa.ColumnElement[bool]
) -> Recommendation | None:
    """The recommendation, if its case is within `case_scope`."""
    return session.scalar(
        sa.select(Recommendation)
        .join(Recommendation.case)
        .where(Recommendation.id == recommendation_id, case_scope)
    )


def recommendation_exists(
    session: Session, recommendation_id: int, case_scope: sa.ColumnElement[bool]
) -> bool:
    """Whether the recommendation is there and its case within `case_scope` (loads nothing)."""
    found = session.scalar(
        sa.select(Recommendation.id)
        .join(Recommendation.case)
        .where(Recommendation.id == recommendation_id, case_scope)
    )
    return found is not None


def evidence_file(
    session: Session, file_id: int, case_scope: sa.ColumnElement[bool]
) -> EvidenceFile | None:
    """An evidence file, if its recommendation's case is within `case_scope`."""
    return session.scalar(
        sa.select(EvidenceFile)
        .join(EvidenceFile.submission)
        .join(Recommendation, Recommendation.id == EvidenceSubmission.recommendation_id)
        .join(Recommendation.case)
        .where(EvidenceFile.id == file_id, case_scope)
    )


def published_authority(session: Session, code: str) -> Authority | None:
    """The authority with this code, if it has a published page."""
    return session.scalar(
        sa.select(Authority).where(
            Authority.code == code.strip().upper(),
            sa.select(Publication.id).where(Publication.authority_id == Authority.id).exists(),
        )
    )


def account(session: Session, user_id: int) -> User | None:
    """The account with this id."""
    return session.get(User, user_id)
