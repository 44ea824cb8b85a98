"""Numbered pages of a query's rows, for the admin lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from telesecond.extensions import db
from telesecond.services.errors import Invalid

PAGE_SIZE = 25
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Page:
    """One page of rows and where it sits among all of them."""

    items: list[Any]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def like_escaped(text: str) -> str:
    """``text`` with LIKE's wildcards taken literally (use with ``escape="\\"``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def page_of(statement: Select, *, number: int, size: int = PAGE_SIZE, rows: bool = False) -> Page:
    """Page ``number`` (from 1) of the statement's objects (or whole ``rows``), with the
    count of them all."""
    if not 1 <= number <= MAX_PAGE:
        raise Invalid.field("page", f"Choose a page from 1 to {MAX_PAGE}.")
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    window = statement.offset((number - 1) * size).limit(size)
    items = list(db.session.execute(window).all() if rows else db.session.scalars(window))
    return Page(items=items, number=number, size=size, total=total or 0)
