"""Notices the scheduler sends: what each says, who it goes to, and the ledger that records it.

A notice is one row per (recommendation, kind, occasion): a reminder 14 days before
1 December is a different notice from one 14 days before a later agreed date, and a chaser
is one per week. The unique key on those three makes recording a notice twice impossible;
the people it goes to are rows of their own, e-mailed later in one digest each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from tracker.models import (
    Assignment,
    Authority,
    Case,
    Notification,
    NotificationRecipient,
    Recommendation,
    Role,
    User,
)
from tracker.plumbing.database import insert_or_ignore
from tracker.plumbing.formats import long_date

_CHUNK = 5000
MANAGERS = User.role == Role.MANAGER
# The caseworker who recorded the case looks after it.
CASE_CASEWORKER = (User.role == Role.CASEWORKER) & (User.id == Case.created_by_id)

# Written as NOT IN over small subqueries rather than NOT EXISTS: PostgreSQL then checks
# them against a hashed list, row by row, instead of turning them into anti-joins it may
# start the whole statement from (a scan of every case, not the notices just recorded).
_someone = aliased(User)  # not the person being addressed
_COUNCIL_HAS_NO_LINK_OFFICER = Case.authority_id.not_in(
    sa.select(_someone.authority_id).where(
        _someone.active, _someone.link_officer, _someone.authority_id.is_not(None)
    )
)
_ASSIGNED_TO_THEM = User.id.in_(
    sa.select(Assignment.officer_id).where(Assignment.recommendation_id == Recommendation.id)
)
# The council's link officers and the officer the recommendation is assigned to; every
# officer of a council that names no link officer (as before there were any).
COUNCIL_OFFICERS = (
    (User.role == Role.OFFICER)
    & (User.authority_id == Case.authority_id)
    & (User.link_officer | _ASSIGNED_TO_THEM | _COUNCIL_HAS_NO_LINK_OFFICER)
)
_COUNCIL_HAS_NO_OFFICER = Case.authority_id.not_in(
    sa.select(_someone.authority_id).where(
        _someone.active, _someone.role == Role.OFFICER, _someone.authority_id.is_not(None)
    )
)
_CASE_HAS_NO_CASEWORKER = sa.or_(
    Case.created_by_id.is_(None),
    Case.created_by_id.not_in(
        sa.select(_someone.id).where(_someone.active, _someone.role == Role.CASEWORKER)
    ),
)

# Who is told, each as alternatives of (who, in place of the council), which never overlap.
Addressees = tuple[tuple[sa.ColumnElement[bool], bool], ...]
# A council's notices reach someone even when it has no active officer account: the case's
# caseworker instead, or, when the case has no active caseworker either, the managers.
# One statement for both, as each costs a pass over the notices just recorded; the roles
# named first narrow the people looked at to the Ombudsman's few, not every officer.
THE_COUNCIL: Addressees = (
    (COUNCIL_OFFICERS, False),
    (
        User.role.in_([Role.CASEWORKER, Role.MANAGER])
        & _COUNCIL_HAS_NO_OFFICER
        & (CASE_CASEWORKER | (MANAGERS & _CASE_HAS_NO_CASEWORKER)),
        True,
    ),
)
THE_CASEWORKER: Addressees = ((CASE_CASEWORKER, False),)
THE_MANAGERS: Addressees = ((MANAGERS, False),)


def told_instead_of(council: str) -> str:
    """Why someone has a notice meant for a council: the words the digest and pages use."""
    return f"Sent to you because {council} has no officer account in Remedy Tracker."


@dataclass(frozen=True)
class About:
    """What a notice needs to say about its recommendation."""

    recommendation_id: int
    position: int
    text: str
    due_date: date
    reference: str
    authority: str

    @property
    def label(self) -> str:
        """`case 24 007 343, recommendation 2`."""
        return f"case {self.reference}, recommendation {self.position}"

    def quoted(self) -> str:
        """The recommendation's words, indented, shortened if long."""
        words = " ".join(self.text.split())
        return "  " + (words if len(words) <= 600 else words[:597] + "…")


class Notice:
    """A kind of notice: its key in the ledger, its words and its audience."""

    kind: ClassVar[str]
    # (who, copied) pairs: copied people are told for information. The council comes first:
    # a caseworker told in its place is addressed, not also copied.
    audience: ClassVar[tuple[tuple[Addressees, bool], ...]]

    def occasion(self, about: About, today: date) -> str:
        """What makes this notice distinct from others of its kind: the due date by default."""
        return about.due_date.isoformat()

    def subject(self, about: About, today: date) -> str:
        """The notice's one-line summary."""
        raise NotImplementedError

    def body(self, about: About, today: date) -> str:
        """What the notice says, as plain text (the digest adds the link)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Reminder(Notice):
    """Work falls due in 14, 7 or 1 days."""

    days: int
    audience: ClassVar = ((THE_COUNCIL, False),)

    @property
    def kind(self) -> str:  # type: ignore[override]
        """reminder_14, reminder_7, reminder_1."""
        return f"reminder_{self.days}"

    def subject(self, about: About, today: date) -> str:
        """`Due in 7 days: case 24 007 343, recommendation 1`."""
        when = "tomorrow" if self.days == 1 else f"in {self.days} days"
        return f"Due {when}: {about.label}"

    def body(self, about: About, today: date) -> str:
        """What is due, and when."""
        return (
            f"{about.authority} agreed to do this by {long_date(about.due_date)}:\n\n"
            f"{about.quoted()}\n\nSend the evidence of what was done, or ask for more time."
        )


class Chaser(Notice):
    """Work is overdue: chased every week, the caseworker copied."""

    kind = "chaser"
    audience = ((THE_COUNCIL, False), (THE_CASEWORKER, True))

    def occasion(self, about: About, today: date) -> str:
        """One chaser a day at most; the job keeps them a week apart."""
        return today.isoformat()

    def subject(self, about: About, today: date) -> str:
        """`Overdue by 8 days: case …`."""
        days = (today - about.due_date).days
        return f"Overdue by {days} day{'s' if days != 1 else ''}: {about.label}"

    def body(self, about: About, today: date) -> str:
        """What is late, since when, and what to do."""
        return (
            f"{about.authority} agreed to do this by {long_date(about.due_date)} and it is "
            f"not done yet:\n\n{about.quoted()}\n\n"
            "Send the evidence now, or ask for more time with a reason."
        )


class Escalation(Notice):
    """Work four weeks overdue goes to managers, the caseworker copied."""

    kind = "escalation"
    audience = ((THE_MANAGERS, False), (THE_CASEWORKER, True))

    def subject(self, about: About, today: date) -> str:
        """`Escalated: 28 days overdue at …`."""
        days = (today - about.due_date).days
        return f"Escalated: {days} days overdue at {about.authority}, {about.label}"

    def body(self, about: About, today: date) -> str:
        """What is late and how long it has been chased."""
        return (
            f"This was due on {long_date(about.due_date)} and is still not done, after weekly "
            f"chasers to the council:\n\n{about.quoted()}"
        )


class DelayedRemedy(Notice):
    """Work a year overdue is flagged as a delayed remedy."""

    kind = "delayed_remedy"
    audience = ((THE_MANAGERS, False), (THE_CASEWORKER, True))

    def subject(self, about: About, today: date) -> str:
        """`Delayed remedy: … a year overdue`."""
        return f"Delayed remedy at {about.authority}: {about.label} is a year overdue"

    def body(self, about: About, today: date) -> str:
        """What has been outstanding for a year."""
        return (
            f"This was due on {long_date(about.due_date)} and is now flagged as a delayed "
            f"remedy:\n\n{about.quoted()}"
        )


class Redated(Notice):
    """The bank holidays changed, so a due date counted in working days moved."""

    kind = "redated"
    audience = ((THE_COUNCIL, False), (THE_CASEWORKER, True))

    def subject(self, about: About, today: date) -> str:
        """`New due date, 6 May 2025: case …`."""
        return f"New due date, {long_date(about.due_date)}: {about.label}"

    def body(self, about: About, today: date) -> str:
        """What moved, and why."""
        return (
            "The bank holidays in the working-days calendar changed, so the due date worked "
            f"out from the decision's words is now {long_date(about.due_date)}:\n\n"
            f"{about.quoted()}"
        )


def record(
    session: Session,
    notice: Notice,
    condition: sa.ColumnElement[bool],
    today: date,
    *,
    now: datetime,
) -> list[int]:
    """Record `notice` about every recommendation meeting `condition`, addressed to its
    audience. Those already in the ledger are skipped; returns the recommendations newly
    noticed."""
    found = session.execute(
        sa.select(
            Recommendation.id,
            Recommendation.position,
            Recommendation.text,
            Recommendation.due_date,
            Case.reference,
            Authority.name,
        )
        .join(Recommendation.case)
        .join(Case.authority)
        .where(condition, Recommendation.due_date.is_not(None))
        .order_by(Recommendation.id)
    )
    rows = [
        {
            "recommendation_id": about.recommendation_id,
            "kind": notice.kind,
            "occasion": notice.occasion(about, today),
            "subject": notice.subject(about, today)[:300],
            "body": notice.body(about, today),
            "created_at": now,
        }
        for about in (About(*row) for row in found)
    ]
    if not rows:
        return []
    created = session.execute(
        insert_or_ignore(session, Notification).returning(
            Notification.id, Notification.recommendation_id
        ),
        rows,
    ).all()
    notification_ids = [notification_id for notification_id, _ in created]
    for start in range(0, len(notification_ids), _CHUNK):
        _address(session, notice, notification_ids[start : start + _CHUNK])
    return [recommendation_id for _, recommendation_id in created]


def _address(session: Session, notice: Notice, notification_ids: list[int]) -> None:
    for addressees, copied in notice.audience:
        for who, in_place_of_council in addressees:
            people = (
                sa.select(
                    Notification.id,
                    User.id,
                    sa.literal(copied),
                    sa.literal(in_place_of_council),
                    sa.literal(0),
                    sa.literal(""),
                )
                .join(Recommendation, Recommendation.id == Notification.recommendation_id)
                .join(Case, Case.id == Recommendation.case_id)
                .join(User, sa.and_(User.active, who))
                .where(Notification.id.in_(notification_ids))
            )
            session.execute(
                insert_or_ignore(session, NotificationRecipient).from_select(
                    [
                        "notification_id",
                        "user_id",
                        "copied",
                        "in_place_of_council",
                        "email_attempts",
                        "last_error",
                    ],
                    people,
                )
            )
