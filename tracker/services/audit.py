"""The audit trail: every change is an event with who, when, before and after."""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

from tracker.models import AuditEvent, Base, Case, Recommendation, User
from tracker.models.base import UtcDateTime
from tracker.plumbing.database import as_json, json_rows, using_postgresql

log = logging.getLogger(__name__)


def record(
    session: Session,
    *,
    action: str,
    entity: Base,
    actor: User | None,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    about: Case | Recommendation | None = None,
) -> AuditEvent:
    """Append one event about `entity`; flushes so the entity has its id.

    Events about a case or a recommendation (or about something of theirs, given as `about`:
    evidence, an extension request) are filed under them, for their timelines.
    """
    if getattr(entity, "id", None) is None:
        session.flush()
    event = AuditEvent(
        **event_values(
            action=action,
            entity=entity,
            actor=actor,
            now=now,
            before=before,
            after=after,
            note=note,
            about=about,
        )
    )
    session.add(event)
    return event


def record_apart(
    session: Session,
    *,
    action: str,
    entity: Base,
    actor: User | None,
    now: datetime,
    after: dict[str, Any] | None = None,
    note: str = "",
    about: Case | Recommendation | None = None,
) -> None:
    """Append one event that stays on the record whether `session`'s transaction commits or
    rolls back: it is written in a short transaction of its own, on its own connection, as
    soon as that transaction ends. `entity`, `actor` and `about` must have their ids.

    A documented exception to one unit of work per request (`tracker.web.unit_of_work`), as a
    failed sign-in attempt is: a refusal (an infected file, a scanner that gave no verdict) or
    a fault found (a stored file that is missing) must stay on the record although the
    request answers with an error, which rolls its own transaction back. It waits for that
    end rather than writing at once because the request may hold SQLite's one write lock
    until then.
    """
    values = event_values(
        action=action, entity=entity, actor=actor, now=now, after=after, note=note, about=about
    )
    # Flask-SQLAlchemy's session is a scoped_session, which does not pass this question on.
    actual = session() if isinstance(session, scoped_session) else session
    if actual.in_transaction():
        actual.info.setdefault(_APART, []).append(values)
    else:
        _write_apart(actual, [values])


_APART = "tracker.services.audit.record_apart"


@sa.event.listens_for(Session, "after_transaction_end")
def _record_apart_pending(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and (pending := session.info.pop(_APART, None)):
        _write_apart(session, pending)


def _write_apart(session: Session, events: list[dict[str, Any]]) -> None:
    try:
        with Session(bind=session.get_bind()) as apart, apart.begin():
            apart.add_all(AuditEvent(**values) for values in events)
    except sa.exc.SQLAlchemyError:
        # The transaction it follows has ended; raising here would only hide the answer.
        log.exception("could not record audit events %s", events)


def event_values(
    *,
    action: str,
    entity: Base,
    actor: User | None,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    about: Case | Recommendation | None = None,
) -> dict[str, Any]:
    """An event's columns, filed under the case or recommendation it is about."""
    filed_under = about or entity
    case_id = recommendation_id = None
    if isinstance(filed_under, Case):
        case_id = filed_under.id
    elif isinstance(filed_under, Recommendation):
        case_id, recommendation_id = filed_under.case_id, filed_under.id
    return _columns(
        action,
        entity.__class__.__name__.lower(),
        entity.id,  # type: ignore[attr-defined]
        case_id,
        recommendation_id,
        actor,
        now,
        before,
        after,
        note,
    )


def case_event_values(
    *,
    action: str,
    case_id: int,
    actor: User | None,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> dict[str, Any]:
    """An event's columns about the case `case_id`, as event_values gives them for a Case:
    for a case read as a row, not loaded as an object (an import's corrections)."""
    return _columns(action, "case", case_id, case_id, None, actor, now, before, after, note)


def _columns(
    action: str,
    entity_type: str,
    entity_id: int,
    case_id: int | None,
    recommendation_id: int | None,
    actor: User | None,
    now: datetime,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    note: str,
) -> dict[str, Any]:
    return {
        "occurred_at": now,
        "actor_id": actor.id if actor is not None else None,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "case_id": case_id,
        "recommendation_id": recommendation_id,
        "before": before,
        "after": after,
        "note": note,
    }


def record_all(session: Session, events: list[dict[str, Any]]) -> None:
    """Append the events (each `event_values`) in one INSERT: many at once, set-based, an
    INSERT … SELECT from the events as one JSON parameter (see json_rows)."""
    if not events:
        return
    table = AuditEvent.__table__
    on_postgresql = using_postgresql(session)
    names = list(events[0])
    listed = json_rows(
        [sa.column(name, table.c[name].type) for name in names],
        "events",
        postgresql_rows=on_postgresql,
    )
    insert = sa.insert(table).from_select(names, sa.select(*(listed.c[n] for n in names)))
    session.execute(insert, {"events": as_json(events, postgresql_rows=on_postgresql)})


_EVENT_COLUMNS = [
    "occurred_at",
    "action",
    "entity_type",
    "entity_id",
    "case_id",
    "recommendation_id",
    "before",
    "after",
    "note",
]


def change_recommendations(
    session: Session,
    condition: sa.ColumnElement[bool],
    values: dict[str, Any],
    *,
    action: str,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> int:
    """Set `values` on every recommendation meeting `condition` and append one event about
    each (the system acting: the scheduler), in set-based SQL; returns how many changed.

    PostgreSQL does both in one statement (an UPDATE … RETURNING feeding the INSERT).
    SQLite records the events first and then updates the same rows: its first write takes
    the database's only write lock, so nothing else changes them in between.
    """

    def events(source: Any) -> sa.Select[Any]:
        return sa.select(
            sa.literal(now, UtcDateTime()),
            sa.literal(action),
            sa.literal("recommendation"),
            source.c.id,
            source.c.case_id,
            source.c.id,
            sa.literal(before, sa.JSON()) if before is not None else sa.null(),
            sa.literal(after, sa.JSON()) if after is not None else sa.null(),
            sa.literal(note),
        )

    update = (
        sa.update(Recommendation)
        .where(condition)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        changed = update.returning(Recommendation.id, Recommendation.case_id).cte("changed")
        recorded = (
            sa.insert(AuditEvent)
            .from_select(_EVENT_COLUMNS, events(changed))
            .returning(AuditEvent.id)
            .cte("recorded")
        )
        return connection.execute(sa.select(sa.func.count()).select_from(recorded)).scalar_one()
    table = Recommendation.__table__
    recorded = connection.execute(
        sa.insert(AuditEvent).from_select(_EVENT_COLUMNS, events(table).where(condition))
    ).rowcount
    session.execute(update)
    return recorded


def history(session: Session, about: sa.ColumnElement[bool]) -> list[tuple[AuditEvent, str | None]]:
    """Events matching `about` (e.g. `AuditEvent.case_id == 7`), newest first, with the name
    of whoever acted (None for the system)."""
    rows = session.execute(
        sa.select(AuditEvent, User.name)
        .outerjoin(User, AuditEvent.actor_id == User.id)
        .where(about)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    return [(event, name) for event, name in rows]


def snapshot(entity: Base, fields: Iterable[str]) -> dict[str, Any]:
    """The named attributes of `entity` as JSON-ready values."""
    return snapshot_values({name: getattr(entity, name) for name in fields})


def snapshot_values(values: dict[str, Any]) -> dict[str, Any]:
    """Values (dates, enums, decimals …) as JSON-ready values."""
    return {name: _jsonable(value) for name, value in values.items()}


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, before and after."""
    changed = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@sa.event.listens_for(Session, "before_flush")
def _refuse_rewriting_history(session: Session, _context: Any, _instances: Any) -> None:
    """The audit trail is append-only; the database refuses too, this says so sooner."""
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, AuditEvent) and (
            instance in session.deleted or session.is_modified(instance)
        ):
            raise ValueError("audit events are never changed or deleted")
