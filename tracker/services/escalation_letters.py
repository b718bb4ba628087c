"""Letters the escalation ladder sends — to the council's chief executive, and to the
complainant explaining the delay — drafted from the case's facts (what is overdue, since
when, the chasers sent) for a caseworker to edit, save and send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import (
    Case,
    Escalation,
    EscalationLetter,
    EscalationLetterKind,
    EscalationStep,
    Recommendation,
    User,
)
from tracker.plumbing.formats import long_date
from tracker.services import audit, chases
from tracker.services.errors import ConflictError, stale_as_conflict
from tracker.services.letters import LetterInput, check_letter, paragraphs, tidy

LETTER_FIELDS = ("addressee_name", "addressee_title", "letter_date", "body")
STALE_MESSAGE = (
    "Someone else saved this letter while you were editing it, so your changes were not "
    "saved. The letter below shows their version: make your changes again."
)
# How long the chief executive is given to reply.
REPLY_WITHIN = timedelta(days=14)
DEFAULT_TITLES = {
    EscalationLetterKind.CHIEF_EXECUTIVE: "Chief Executive",
    EscalationLetterKind.COMPLAINANT: "",
}


@dataclass(frozen=True)
class DraftedLetter:
    """A letter on a case as it reads: the caseworker's saved edit, or the draft."""

    case: Case
    kind: EscalationLetterKind
    letter_date: date
    addressee_name: str
    addressee_title: str
    body: str
    saved: EscalationLetter | None

    @property
    def salutation(self) -> str:
        """`Dear Ms Khan`, `Dear Chief Executive`, or `Dear Sir or Madam`."""
        return f"Dear {self.addressee_name or self.addressee_title or 'Sir or Madam'}"

    @property
    def paragraphs(self) -> list[list[str]]:
        """The body's paragraphs (split at blank lines), each as its lines."""
        return paragraphs(self.body)


def find_letter(
    session: Session, case: Case, kind: EscalationLetterKind
) -> EscalationLetter | None:
    """The caseworker's saved letter of `kind` on `case`, if any."""
    return session.scalar(
        sa.select(EscalationLetter).where(
            EscalationLetter.case_id == case.id, EscalationLetter.kind == kind
        )
    )


def compose(
    session: Session, case: Case, kind: EscalationLetterKind, *, today: date, ombudsman: str
) -> DraftedLetter:
    """The letter as saved, or drafted afresh from the case's facts as they stand today."""
    saved = find_letter(session, case, kind)
    return DraftedLetter(
        case=case,
        kind=kind,
        letter_date=(saved.letter_date if saved else None) or today,
        addressee_name=saved.addressee_name if saved else "",
        addressee_title=saved.addressee_title if saved else DEFAULT_TITLES[kind],
        body=saved.body if saved else draft(session, case, kind, today=today, ombudsman=ombudsman),
        saved=saved,
    )


def draft(
    session: Session, case: Case, kind: EscalationLetterKind, *, today: date, ombudsman: str
) -> str:
    """The letter's body from the facts: what is overdue and since when, the chasers sent."""
    overdue = [r for r in case.recommendations if r.is_overdue(today)]
    council = case.authority.name
    decided = long_date(case.decision_date)
    if kind is EscalationLetterKind.CHIEF_EXECUTIVE:
        opening = (
            f"On {decided} the {ombudsman} issued its final decision on this complaint about "
            f"{council}. The Council agreed to put things right, but it has not done the "
            "following by the dates agreed:"
        )
    else:
        opening = (
            f"I am writing about our final decision of {decided} on your complaint about "
            f"{council}. The Council agreed to put things right, but it has not yet done the "
            "following by the dates agreed:"
        )
    parts = [f"Complaint reference: {case.reference}", opening]
    parts += [_overdue_line(recommendation, today) for recommendation in overdue] or [
        "(Nothing is overdue today: check the case before sending this letter.)"
    ]
    parts.append(_chased(session, overdue))
    if kind is EscalationLetterKind.CHIEF_EXECUTIVE:
        parts.append(
            "I would be grateful if you would make sure the Council does this, and sends us "
            f"evidence that it has, by {long_date(today + REPLY_WITHIN)}. If it cannot, please "
            "tell me why and by when it will. Failure to comply with our recommendations is "
            "rare; if the Council does not comply we will consider issuing a public report."
        )
    else:
        wrote = _wrote_to_chief_executive(session, case)
        parts.append(
            "I am sorry for the delay. "
            + (
                f"We wrote to the Council's chief executive on {long_date(wrote)}. "
                if wrote
                else ""
            )
            + "We will keep pressing the Council, and will write to you again when it has "
            "done what it agreed."
        )
    return "\n\n".join(parts)


def _overdue_line(recommendation: Recommendation, today: date) -> str:
    assert recommendation.due_date is not None
    days = (today - recommendation.due_date).days
    return (
        f"Recommendation {recommendation.position}, due {long_date(recommendation.due_date)}, "
        f"now {days} day{'s' if days != 1 else ''} overdue: {' '.join(recommendation.text.split())}"
    )


def _chased(session: Session, overdue: list[Recommendation]) -> str:
    status = chases.chase_status(session, [r.id for r in overdue]).values()
    sent = sum(s.chasers for s in status)
    latest = max((s.last_chased_on for s in status if s.last_chased_on), default=None)
    if not sent or latest is None:
        return "We have not chased the Council about this yet."
    first_overdue = min(r.due_date for r in overdue if r.due_date) + timedelta(days=1)
    times = "once" if sent == 1 else "twice" if sent == 2 else f"{sent} times"
    return (
        f"We have chased the Council {times} since it fell overdue on "
        f"{long_date(first_overdue)}, most recently on {long_date(latest)}."
    )


def _wrote_to_chief_executive(session: Session, case: Case) -> date | None:
    return session.scalar(
        sa.select(sa.func.max(Escalation.taken_on)).where(
            Escalation.case_id == case.id,
            Escalation.step == EscalationStep.CHIEF_EXECUTIVE_LETTER,
        )
    )


def save_letter(
    session: Session,
    case: Case,
    kind: EscalationLetterKind,
    data: LetterInput,
    *,
    expected_version: int,
    actor: User,
    now: datetime,
) -> EscalationLetter:
    """Save the caseworker's edit of the letter (`data.narrative` is its body), with an audit
    event. `expected_version` is the version the form was drawn from (0: not saved yet);
    ConflictError if someone saved it since, ValidationError for bad input."""
    check_letter(data)
    letter = find_letter(session, case, kind)
    if (letter.version if letter else 0) != expected_version:
        raise ConflictError(STALE_MESSAGE)
    if letter is None:
        letter = EscalationLetter(case_id=case.id, kind=kind)
        session.add(letter)
        before: dict[str, object] = {}
    else:
        before = audit.snapshot(letter, LETTER_FIELDS)
    letter.addressee_name = data.addressee_name.strip()
    letter.addressee_title = data.addressee_title.strip()
    letter.letter_date = data.letter_date
    letter.body = tidy(data.narrative)
    old, new = audit.changes(before, audit.snapshot(letter, LETTER_FIELDS))
    if letter.id is not None and not new:
        return letter
    letter.updated_by_id, letter.updated_at = actor.id, now
    with stale_as_conflict(STALE_MESSAGE):  # a concurrent first save breaks the unique key
        session.flush()
    audit.record(
        session,
        action="escalation_letter.saved",
        entity=letter,
        actor=actor,
        now=now,
        before=old or None,
        after={"kind": kind.value, **new},
        note=kind.label,
        about=case,
    )
    return letter
