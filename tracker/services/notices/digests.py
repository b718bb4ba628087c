"""What a digest e-mail says: each of a person's waiting notices, why they have it, and
where to act on it, as plain text."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import (
    Authority,
    Case,
    Notification,
    NotificationRecipient,
    Recommendation,
    User,
)
from tracker.services.notices import ledger

MOST_LISTED = 50


def compose(
    session: Session, user: User, recipient_ids: list[int], base_url: str
) -> tuple[str, str]:
    """The subject and body of `user`'s digest of these ledger rows."""
    listed = _listed(session, recipient_ids)
    return _subject(listed), _body(user, listed, base_url)


@dataclass(frozen=True)
class _Listed:
    """A notice in a digest, and why this person has it."""

    notice: Notification
    copied: bool
    in_place_of_council: bool
    council: str


def _listed(session: Session, recipient_ids: list[int]) -> list[_Listed]:
    rows = session.execute(
        sa.select(
            Notification,
            NotificationRecipient.copied,
            NotificationRecipient.in_place_of_council,
            Authority.name,
        )
        .join(NotificationRecipient.notification)
        .join(Recommendation, Recommendation.id == Notification.recommendation_id)
        .join(Case, Case.id == Recommendation.case_id)
        .join(Authority, Authority.id == Case.authority_id)
        .where(NotificationRecipient.id.in_(recipient_ids))
        .order_by(Notification.created_at, Notification.id)
    )
    return [_Listed(*row) for row in rows]


def _subject(listed: list[_Listed]) -> str:
    if len(listed) == 1:
        return listed[0].notice.subject
    return f"Remedy Tracker: {len(listed)} notices"


def _body(user: User, listed: list[_Listed], base_url: str) -> str:
    base = base_url.rstrip("/")
    plural = "s" if len(listed) != 1 else ""
    lines = [
        f"Hello {user.name},",
        "",
        f"Remedy Tracker has {len(listed)} notice{plural} for you.",
        "",
    ]
    for number, item in enumerate(listed[:MOST_LISTED], start=1):
        lines.append(f"{number}. {item.notice.subject}")
        if item.in_place_of_council:
            lines.append(f"   {ledger.told_instead_of(item.council)}")
        elif item.copied:
            lines.append("   (copied to you for information)")
        lines.extend(f"   {line}" if line else "" for line in item.notice.body.splitlines())
        lines.extend([f"   {base}/recommendations/{item.notice.recommendation_id}", ""])
    if len(listed) > MOST_LISTED:
        lines.extend([f"… and {len(listed) - MOST_LISTED} more.", ""])
    lines.append(f"All your notices: {base}/notifications/")
    return "\n".join(lines) + "\n"
