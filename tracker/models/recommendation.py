"""Remedy actions the Ombudsman recommended, and the deadline parts read from their words."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, LabelledEnum, UtcDateTime, enum_type, partial_index

if TYPE_CHECKING:
    from tracker.models.case import Case


class RecommendationKind(LabelledEnum):
    """Personal remedies are never published; service improvements are."""

    PERSONAL = "personal", "Personal remedy"
    SERVICE_IMPROVEMENT = "service_improvement", "Service improvement"


class RecommendationStatus(LabelledEnum):
    """Where a recommendation is in the compliance workflow. Overdue is derived, not a state."""

    OPEN = "open", "Open"
    EVIDENCE_SUBMITTED = "evidence_submitted", "Awaiting review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    ACCEPTED = "accepted", "Accepted"
    NOT_COMPLIED = "not_complied", "Not complied"

    @property
    def closed(self) -> bool:
        """Accepted and not complied are final until a caseworker reopens them."""
        return self in CLOSED_STATUSES


class DueDateSource(LabelledEnum):
    """Where a recommendation's agreed due date came from."""

    STATED = "stated", "From the recommendation's words"
    ASSUMED = "assumed", "Assumed – to be confirmed"
    CASEWORKER = "caseworker", "Set by a caseworker"
    EXTENSION = "extension", "Extended by agreement"


CLOSED_STATUSES = frozenset({RecommendationStatus.ACCEPTED, RecommendationStatus.NOT_COMPLIED})
OPEN_STATUSES = frozenset(RecommendationStatus) - CLOSED_STATUSES
# In a fixed order: SQLite uses a partial index only when the query's IN list is the index's own.
OPEN_STATUS_VALUES = tuple(status.value for status in RecommendationStatus if not status.closed)
# The open statuses as SQL text, for the partial indexes (the migration repeats it verbatim).
OPEN_PREDICATE = "status IN (" + ", ".join(f"'{value}'" for value in OPEN_STATUS_VALUES) + ")"

AWAITING_REVIEW_PREDICATE = "status = 'evidence_submitted'"
SERVICE_IMPROVEMENT_PREDICATE = "kind = 'service_improvement'"


class Recommendation(Base):
    """One remedy action of an upheld case, with the date the decision gave and the agreed one."""

    __tablename__ = "recommendations"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "position"),
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        # A recommendation's council is its case's, and cannot be anything else: the database
        # refuses a row whose (case, council) pair is not a case's, and carries a case's move
        # to another council over to its recommendations (ON UPDATE CASCADE).
        sa.ForeignKeyConstraint(
            ["case_id", "authority_id"],
            ["cases.id", "cases.authority_id"],
            name="fk_recommendations_case_id_authority_id_cases",
            onupdate="CASCADE",
        ),
        sa.Index("ix_recommendations_status_due_date", "status", "due_date"),
        # The due list's order over open work only: a page reads its rows from here, in order,
        # and the count reads nothing else (SQLite and PostgreSQL both index expressions).
        partial_index(
            "ix_recommendations_open_due",
            sa.text("(due_date IS NULL)"),
            "due_date",
            "id",
            where=OPEN_PREDICATE,
        ),
        # The same, one council's: an officer's lists and the lists filtered by council.
        partial_index(
            "ix_recommendations_authority_open_due",
            "authority_id",
            sa.text("(due_date IS NULL)"),
            "due_date",
            "id",
            where=OPEN_PREDICATE,
        ),
        # One council's every recommendation in the same order (the API's list, whatever the
        # status), with the status to filter on without reading the rows.
        sa.Index(
            "ix_recommendations_authority_due",
            "authority_id",
            sa.text("(due_date IS NULL)"),
            "due_date",
            "id",
            "status",
        ),
        # The review queue's order over the work awaiting review only.
        partial_index(
            "ix_recommendations_review_queue",
            "evidence_submitted_at",
            "id",
            where=AWAITING_REVIEW_PREDICATE,
        ),
        partial_index(
            "ix_recommendations_authority_review_queue",
            "authority_id",
            "evidence_submitted_at",
            "id",
            where=AWAITING_REVIEW_PREDICATE,
        ),
        # The overdue sweep reads only what it may change: unflagged work by status and date
        # (what fell due), and the flagged rows (few, however large the table).
        partial_index(
            "ix_recommendations_unflagged_status_due_date",
            "status",
            "due_date",
            where="overdue_since IS NULL",
        ),
        partial_index(
            "ix_recommendations_flagged_status_due_date",
            "status",
            "due_date",
            where="overdue_since IS NOT NULL",
        ),
        # Which cases have a service improvement (the public page): one probe a case.
        partial_index(
            "ix_recommendations_service_improvement_case_id",
            "case_id",
            where=SERVICE_IMPROVEMENT_PREDICATE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    # The case's council, kept here so that one council's lists read one index: set from the
    # case by the ORM (the `case` relationship) and held to it by the foreign key above.
    authority_id: Mapped[int]
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[RecommendationKind] = mapped_column(
        enum_type(RecommendationKind, "recommendation_kind")
    )
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    evidence_expected: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[RecommendationStatus] = mapped_column(
        enum_type(RecommendationStatus, "recommendation_status"),
        default=RecommendationStatus.OPEN,
    )
    # The date the decision's words give, kept on record beside the agreed one.
    decision_due_date: Mapped[date | None]
    # The agreed date: lateness and overdue are judged against this one.
    due_date: Mapped[date | None]
    # True only when the text itself states the period or date; otherwise a default was assumed.
    explicit: Mapped[bool] = mapped_column(default=False)
    # Why the agreed date is what it is; an assumed date waits for a caseworker to confirm it.
    due_date_source: Mapped[DueDateSource | None] = mapped_column(
        enum_type(DueDateSource, "due_date_source")
    )
    # Set by the overdue sweep on the day it finds the agreed due date passed (the first day
    # after it, when the scheduler runs daily); cleared once it is closed or given more time.
    overdue_since: Mapped[date | None]
    escalated_on: Mapped[date | None]
    delayed_remedy_since: Mapped[date | None]
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The day the council did it (its accepted evidence arrived): lateness is judged on this.
    completed_on: Mapped[date | None]
    # When its latest evidence was sent: the review queue waits longest first by this.
    evidence_submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[Case] = relationship(
        back_populates="recommendations",
        primaryjoin="and_(Case.id == Recommendation.case_id,"
        " Case.authority_id == Recommendation.authority_id)",
        foreign_keys="[Recommendation.case_id, Recommendation.authority_id]",
    )
    deadline_parts: Mapped[list[DeadlinePart]] = relationship(
        back_populates="recommendation",
        order_by="DeadlinePart.position",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own API

    def is_overdue(self, today: date) -> bool:
        """Not closed and the agreed due date has passed."""
        return not self.status.closed and self.due_date is not None and self.due_date < today

    @classmethod
    def is_open_condition(cls) -> sa.ColumnElement[bool]:
        """SQL: the recommendation is not closed.

        Written as the open statuses, not "not the closed ones": the (status, due_date) index
        then finds open work directly, however many closed recommendations the years leave.
        The values are written into the SQL, as the partial indexes' own predicate: a planner
        can prove a query fits a partial index from literals, not from parameters.
        """
        return cls.status.in_(
            sa.bindparam(
                "open_statuses",
                list(OPEN_STATUS_VALUES),
                type_=cls.status.type,
                expanding=True,
                literal_execute=True,
                unique=True,
            )
        )

    @classmethod
    def overdue_condition(cls, today: date) -> sa.ColumnElement[bool]:
        """SQL twin of `is_overdue`: not closed and the agreed due date is before `today`."""
        return sa.and_(cls.is_open_condition(), cls.due_date < today)

    @classmethod
    def not_overdue_condition(cls, today: date) -> sa.ColumnElement[bool]:
        """SQL: closed, no due date yet, or not yet past it (NULL-safe negation)."""
        return sa.or_(
            cls.status.in_([status.value for status in CLOSED_STATUSES]),
            cls.due_date.is_(None),
            cls.due_date >= today,
        )

    def __repr__(self) -> str:
        return f"<Recommendation {self.id} {self.status.value}>"


class DeadlinePart(Base):
    """One deadline phrase found in a recommendation's words, and the date it gives.

    A part that hangs on another event has no date until that event's date is recorded.
    """

    __tablename__ = "deadline_parts"
    __table_args__ = (sa.UniqueConstraint("recommendation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id"))
    position: Mapped[int]
    phrase: Mapped[str] = mapped_column(sa.Text)
    due_date: Mapped[date | None]
    # The event the part waits for ("receiving the District Valuer's report"), if any.
    awaits_event: Mapped[str | None] = mapped_column(sa.String(300))
    event_date: Mapped[date | None]
    # A chained part ("then within a further 4 weeks") runs from this earlier part.
    follows_position: Mapped[int | None]

    recommendation: Mapped[Recommendation] = relationship(back_populates="deadline_parts")
