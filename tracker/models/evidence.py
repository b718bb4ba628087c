"""Evidence a council submits for a recommendation, and the caseworker's review of it."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, UtcDateTime, enum_type


class EvidenceSubmission(Base):
    """One revision of evidence: a later upload is a new revision, never a replacement."""

    __tablename__ = "evidence_submissions"
    __table_args__ = (sa.UniqueConstraint("recommendation_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id"))
    revision: Mapped[int]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())

    files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="submission", order_by="EvidenceFile.id"
    )


class EvidenceFile(Base):
    """A file in a submission, stored content-addressed by its SHA-256."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("evidence_submissions.id"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    submission: Mapped[EvidenceSubmission] = relationship(back_populates="files")


class ReviewDecision(enum.StrEnum):
    """What a caseworker decided about the evidence."""

    ACCEPT = "accept"
    CHANGES_REQUESTED = "changes_requested"
    NOT_COMPLIED = "not_complied"


class EvidenceReview(Base):
    """A caseworker's judgement of a recommendation's evidence, with the reason given."""

    __tablename__ = "evidence_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id"), index=True)
    submission_id: Mapped[int | None] = mapped_column(sa.ForeignKey("evidence_submissions.id"))
    decision: Mapped[ReviewDecision] = mapped_column(enum_type(ReviewDecision, "review_decision"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    reviewed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime())
