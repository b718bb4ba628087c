"""Pages of results, the same for web pages and the API: two queries whatever the row count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

T = TypeVar("T")
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and where it sits among them."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are; at least one, even when empty."""
        return max(1, -(-self.total // self.per_page))


def paginate(session: Session, statement: sa.Select[Any], page: int, per_page: int) -> Page[Any]:
    """Run `statement` for one page, counting the whole result once."""
    total = (
        session.scalar(sa.select(sa.func.count()).select_from(statement.order_by(None).subquery()))
        or 0
    )
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    offset = (page - 1) * per_page
    # Past the last page there is nothing to fetch (and a huge offset would not fit in SQL).
    items = (
        list(session.scalars(statement.limit(per_page).offset(offset)).unique())
        if offset < total
        else []
    )
    return Page(items=items, page=page, per_page=per_page, total=total)


def page_number(value: str | None) -> int:
    """The page asked for in a query string; page 1 for anything unusable."""
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1
