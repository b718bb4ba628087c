"""Annual review letters (domain.md, "Publication"): what a manager writes for an authority
and year — the addressee, the date and the narrative — and the letter put together from it
and the year's published figures.

The figures come from `statistics.authority_figures`, as published; nothing is worked out
again here. The narrative is plain text: paragraphs are separated by blank lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import AnnualLetter, Authority, User
from tracker.plumbing.years import FinancialYear
from tracker.services import audit, statistics
from tracker.services.errors import ConflictError, ValidationError, stale_as_conflict

NARRATIVE_MAX_LENGTH = 20_000
ADDRESSEE_MAX_LENGTH = 100
# Whom the letter greets when the manager has not named anyone.
DEFAULT_ADDRESSEE_TITLE = "Chief Executive"
STALE_MESSAGE = (
    "Someone else saved this letter while you were editing it, so your changes were not "
    "saved. The letter below shows their version: make your changes again."
)
LETTER_FIELDS = ("addressee_name", "addressee_title", "letter_date", "narrative")
# What a manager writes, at most: each field's name in messages, and its limit in characters.
LIMITS = {
    "addressee_name": ("The addressee", ADDRESSEE_MAX_LENGTH),
    "addressee_title": ("Their role", ADDRESSEE_MAX_LENGTH),
    "narrative": ("The letter's narrative", NARRATIVE_MAX_LENGTH),
}
_BLANK_LINES = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class LetterInput:
    """What a manager writes: the addressee, the letter's date (optional), the narrative."""

    narrative: str
    addressee_name: str = ""
    addressee_title: str = ""
    letter_date: date | None = None


@dataclass(frozen=True)
class AnnualReviewLetter:
    """Everything the letter shows, ready to lay out on a page or in a PDF."""

    authority: Authority
    year: FinancialYear
    figures: statistics.AuthorityFigures
    letter_date: date
    addressee_name: str
    addressee_title: str
    paragraphs: list[list[str]]
    saved: AnnualLetter | None

    @property
    def salutation(self) -> str:
        """`Dear Mr Sinnott`, or `Dear Chief Executive` when no one is named."""
        return f"Dear {self.addressee_name or self.addressee_title}"


def check_letter(data: LetterInput) -> None:
    """Raise ValidationError naming each field that breaks the rules."""
    problems: dict[str, str] = {}
    if len(data.narrative) > NARRATIVE_MAX_LENGTH:
        problems["narrative"] = too_long("narrative")
    for name in ("addressee_name", "addressee_title"):
        if len(getattr(data, name).strip()) > ADDRESSEE_MAX_LENGTH:
            problems[name] = too_long(name)
    if problems:
        raise ValidationError(problems)


def too_long(name: str) -> str:
    """What a manager is told when a field is longer than its limit."""
    label, limit = LIMITS[name]
    return f"{label} must be {limit:,} characters or fewer"


def find_letter(session: Session, authority: Authority, year: FinancialYear) -> AnnualLetter | None:
    """The letter written for the authority and year, if any."""
    return session.scalar(
        sa.select(AnnualLetter).where(
            AnnualLetter.authority_id == authority.id, AnnualLetter.year == year.label
        )
    )


def save_letter(
    session: Session,
    authority: Authority,
    year: FinancialYear,
    data: LetterInput,
    *,
    expected_version: int,
    actor: User,
    now: datetime,
) -> AnnualLetter:
    """Write or rewrite the letter's addressee, date and narrative, with an audit event.

    `expected_version` is the version the manager's form was drawn from (0: no letter yet).
    Raises ConflictError if someone else saved the letter since, ValidationError for bad input.
    """
    check_letter(data)
    letter = find_letter(session, authority, year)
    current = letter.version if letter is not None else 0
    if current != expected_version:
        raise ConflictError(STALE_MESSAGE)
    values = {
        "addressee_name": data.addressee_name.strip(),
        "addressee_title": data.addressee_title.strip(),
        "letter_date": data.letter_date,
        "narrative": tidy(data.narrative),
    }
    if letter is None:
        letter = AnnualLetter(authority_id=authority.id, year=year.label)
        session.add(letter)
        before: dict[str, object] = {}
    else:
        before = audit.snapshot(letter, LETTER_FIELDS)
    for name, value in values.items():
        setattr(letter, name, value)
    old, new = audit.changes(before, audit.snapshot(letter, LETTER_FIELDS))
    if letter.id is not None and not new:
        return letter  # saved as it was: nothing changed, nothing to record
    letter.updated_by_id = actor.id
    letter.updated_at = now
    # A concurrent first save breaks the unique key; a concurrent edit misses the version.
    with stale_as_conflict(STALE_MESSAGE):
        session.flush()
    audit.record(
        session,
        action="annual_letter.created" if not before else "annual_letter.updated",
        entity=letter,
        actor=actor,
        now=now,
        before=old or None,
        after={"authority": authority.code, "year": year.label, **new},
    )
    return letter


def compose(
    session: Session, authority: Authority, year: FinancialYear, *, today: date
) -> AnnualReviewLetter:
    """The authority's letter for `year`: what the manager wrote and the year's figures."""
    saved = find_letter(session, authority, year)
    return AnnualReviewLetter(
        authority=authority,
        year=year,
        figures=statistics.authority_figures(session, authority, year),
        letter_date=(saved.letter_date if saved else None) or today,
        addressee_name=saved.addressee_name if saved else "",
        addressee_title=(saved.addressee_title if saved else "") or DEFAULT_ADDRESSEE_TITLE,
        paragraphs=paragraphs(saved.narrative if saved else ""),
        saved=saved,
    )


def paragraphs(text: str) -> list[list[str]]:
    """The narrative's paragraphs (split at blank lines), each as its lines."""
    return [
        [line.strip() for line in block.splitlines() if line.strip()]
        for block in _BLANK_LINES.split(tidy(text))
        if block.strip()
    ]


def tidy(text: str) -> str:
    """One kind of line ending, no trailing spaces, no blank lines at either end."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")
