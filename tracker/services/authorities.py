"""Adding and changing councils."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import Authority, AuthorityType, User
from tracker.services import audit
from tracker.services.errors import ValidationError

AUTHORITY_FIELDS = ("code", "name", "type", "population")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,15}$")
LARGEST_POPULATION = 20_000_000


@dataclass
class AuthorityInput:
    """What describes a council."""

    code: str
    name: str
    type: AuthorityType | str
    population: int | None


def create_authority(
    session: Session, data: AuthorityInput, *, actor: User | None, now: datetime
) -> Authority:
    """Add a council, or raise ValidationError naming each problem."""
    code, name, kind = check_authority(session, data)
    authority = Authority(
        code=code, name=name, type=kind, population=data.population, created_at=now, updated_at=now
    )
    session.add(authority)
    audit.record(
        session,
        action="authority.created",
        entity=authority,
        actor=actor,
        now=now,
        after=audit.snapshot(authority, AUTHORITY_FIELDS),
    )
    return authority


def update_authority(
    session: Session,
    authority: Authority,
    data: AuthorityInput,
    *,
    actor: User | None,
    now: datetime,
) -> Authority:
    """Change a council's details, recording what changed."""
    code, name, kind = check_authority(session, data, existing=authority)
    before = audit.snapshot(authority, AUTHORITY_FIELDS)
    authority.code, authority.name, authority.type = code, name, kind
    authority.population = data.population  # type: ignore[assignment]  # checked above
    old, new = audit.changes(before, audit.snapshot(authority, AUTHORITY_FIELDS))
    if new:
        authority.updated_at = now
        audit.record(
            session,
            action="authority.updated",
            entity=authority,
            actor=actor,
            now=now,
            before=old,
            after=new,
        )
    return authority


def authority_choices(session: Session, scope: sa.ColumnElement[bool]) -> list[tuple[str, str]]:
    """(code, name) of the authorities within `scope`, by name, for lists and filters."""
    rows = session.execute(
        sa.select(Authority.code, Authority.name).where(scope).order_by(Authority.name)
    )
    return [(code, name) for code, name in rows]


def find_authority(session: Session, code: str) -> Authority | None:
    """The council with this code (any letter case), if there is one."""
    return session.scalar(sa.select(Authority).where(Authority.code == authority_code(code)))


def authority_code(text: str) -> str:
    """A council's code as stored, from however it was typed (` leics` → `LEICS`)."""
    return text.strip().upper()


def check_authority(
    session: Session, data: AuthorityInput, *, existing: Authority | None = None
) -> tuple[str, str, AuthorityType]:
    """Apply the rules to a new authority or changes to `existing`; saves nothing.

    Returns the normalised code, name and type, or raises ValidationError.
    """
    problems: dict[str, str] = {}
    code = (data.code or "").strip().upper()
    name = " ".join((data.name or "").split())
    if not _CODE.match(code):
        problems["code"] = "Enter a code of 2 to 16 letters, digits or hyphens, like LEICS"
    elif _taken(session, Authority.code, code, existing):
        problems["code"] = f"An authority with the code {code} already exists"
    if not name:
        problems["name"] = "Enter the authority's name"
    elif len(name) > 200:
        problems["name"] = "Name must be 200 characters or fewer"
    elif _taken(session, Authority.name, name, existing):
        problems["name"] = "An authority with this name already exists"
    try:
        kind = AuthorityType(data.type)
    except ValueError:
        kind = AuthorityType.COUNTY
        problems["type"] = "Choose the type of authority"
    if data.population is None:
        problems["population"] = "Enter the number of residents"
    elif not 0 < data.population <= LARGEST_POPULATION:
        problems["population"] = "Number of residents must be between 1 and 20,000,000"
    if problems:
        raise ValidationError(problems)
    return code, name, kind


def _taken(
    session: Session, column: sa.ColumnElement[str], value: str, existing: Authority | None
) -> bool:
    clash = session.scalar(sa.select(Authority.id).where(column == value))
    return clash is not None and (existing is None or clash != existing.id)
