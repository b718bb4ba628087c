"""Pages of results, the same for web pages and the API: three queries whatever the row count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

T = TypeVar("T")
MAX_PER_PAGE = 100
# A page that counts "up to" stops counting here and says "more than 10,000" (GOV.UK's
# search does the same): counting a million rows for the caption costs more than the page.
COUNT_UP_TO = 10_000


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and where it sits among them."""

    items: list[T]
    page: int
    per_page: int
    total: int
    # True when counting stopped at `total` and there are more (see `paginate`'s `count_up_to`).
    more: bool = False

    @property
    def pages(self) -> int:
        """How many pages there are; at least one, even when empty."""
        return max(1, -(-self.total // self.per_page))


def paginate(
    session: Session,
    statement: sa.Select[Any],
    page: int,
    per_page: int,
    *,
    count_up_to: int | None = None,
) -> Page[Any]:
    """Run `statement` (in a total order) for one page, counting it once.

    For a statement of one entity, the page's keys are read first (from the index that gives
    the order, when there is one) and then only those rows: a deep page skips index entries,
    never whole joined rows ("deferred join").

    With `count_up_to`, the count stops there: the page's `total` is that many and `more` is
    set when there are more, and the pages go as far as that (for web pages; the API's
    `total` is exact).
    """
    total, more = _count(session, statement, count_up_to)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    offset = (page - 1) * per_page
    # Past the last page there is nothing to fetch (and a huge offset would not fit in SQL).
    if offset >= total:
        items: list[Any] = []
    elif (key := _entity_key(statement)) is None:
        items = list(session.scalars(statement.limit(per_page).offset(offset)).unique())
    else:
        keys = list(
            session.scalars(
                statement.with_only_columns(key, maintain_column_froms=True)
                .limit(per_page)
                .offset(offset)
            )
        )
        rows = session.scalars(statement.where(key.in_(keys)).order_by(None)).unique()
        by_key = {sa.inspect(row).identity[0]: row for row in rows}
        items = [by_key[value] for value in keys]
    return Page(items=items, page=page, per_page=per_page, total=total, more=more)


def _count(session: Session, statement: sa.Select[Any], up_to: int | None) -> tuple[int, bool]:
    """How many rows `statement` gives, or `up_to` and True when it gives more than that."""
    if up_to is None:
        # FROM the statement's own tables, not a subquery of its every column.
        counted = statement.with_only_columns(sa.func.count(), maintain_column_froms=True)
        return session.scalar(counted.order_by(None)) or 0, False
    # Read no further than one row past the bound (from the smallest index that has them all).
    rows = (
        statement.with_only_columns(sa.literal(1), maintain_column_froms=True)
        .order_by(None)
        .limit(up_to + 1)
        .subquery()
    )
    found = session.scalar(sa.select(sa.func.count()).select_from(rows)) or 0
    return (up_to, True) if found > up_to else (found, False)


def _entity_key(statement: sa.Select[Any]) -> sa.ColumnElement[Any] | None:
    """The primary key of the one entity `statement` selects; None for anything else."""
    described = statement.column_descriptions
    if len(described) != 1 or described[0]["entity"] is None:
        return None
    if described[0]["expr"] is not described[0]["entity"]:
        return None  # a column of the entity, not the entity itself
    primary_key = sa.inspect(described[0]["entity"]).primary_key
    return primary_key[0] if len(primary_key) == 1 else None


def page_number(value: str | None) -> int:
    """The page asked for in a query string; page 1 for anything unusable."""
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1
