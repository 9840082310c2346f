"""Keyset (cursor) pagination, shared by every list in every domain.

A cursor is the opaque encoding of the sort key of the last row a client
saw; the next page starts strictly after it, so rows inserted or archived
meanwhile never make a page repeat or skip a row.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import BigInteger, ColumnElement, Select, SmallInteger, and_, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.errors import InvalidInput, UserError

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# What a text column cannot hold (U+0000, a lone surrogate): the edge refuses it in what a
# client sends, but a cursor is decoded after the edge, and a forged one could hold it.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class PageRequest:
    first: int = DEFAULT_PAGE_SIZE
    after: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next_page: bool
    total_count: int

    @property
    def end_cursor(self) -> str | None:
        return self.cursors[-1] if self.cursors else None


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([str(value) for value in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list[str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeError) as error:
        raise InvalidInput(
            [UserError(("after",), "The cursor is not valid.", "INVALID")]
        ) from error
    if (
        not isinstance(values, list)
        or len(values) != width
        or not all(isinstance(value, str) for value in values)
        or any(_UNSTORABLE.search(value) for value in values)
    ):
        raise InvalidInput([UserError(("after",), "The cursor is not valid.", "INVALID")])
    return values


def check_page_request(page: PageRequest, *, max_size: int = MAX_PAGE_SIZE) -> None:
    if not 1 <= page.first <= max_size:
        raise InvalidInput(
            [UserError(("first",), f"first must be between 1 and {max_size}.", "OUT_OF_RANGE")]
        )


def after_clause(
    columns: Sequence[Any],
    page: PageRequest,
    parsers: Sequence[Callable[[str], Any]],
    *,
    descending: bool = False,
) -> ColumnElement[bool] | None:
    """``(c1, c2, ...) > cursor`` (``<`` when descending), or None on the first page."""
    if page.after is None:
        return None
    raw = decode_cursor(page.after, len(columns))
    try:
        values = [parse(value) for parse, value in zip(parsers, raw, strict=True)]
    except ValueError as error:
        raise InvalidInput(
            [UserError(("after",), "The cursor is not valid.", "INVALID")]
        ) from error
    if not all(_fits(column, value) for column, value in zip(columns, values, strict=True)):
        raise InvalidInput([UserError(("after",), "The cursor is not valid.", "INVALID")])
    key, bound = tuple_(*columns), tuple_(*values)
    return key < bound if descending else key > bound


def _fits(column: Any, value: Any) -> bool:
    """Whether PostgreSQL can compare ``column`` with ``value``, read from a cursor.

    A cursor the API wrote always can; a forged one may hold an integer past the
    column's range, a decimal past numeric's, or a time that leaves the calendar once
    moved to UTC, which the driver or the server refuse with an error of their own."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        kind = getattr(column, "type", None)
        bits = 63 if isinstance(kind, BigInteger) else 15 if isinstance(kind, SmallInteger) else 31
        return -(1 << bits) <= value < 1 << bits
    if isinstance(value, Decimal):
        return value.is_finite() and -1000 < value.adjusted() < 1000
    if isinstance(value, datetime) and value.tzinfo is not None:
        try:
            value.astimezone(UTC)
        except OverflowError:
            return False
    return True


def limit_page(statement: Select[Any], page: PageRequest) -> Select[Any]:
    return statement.limit(page.first + 1)


def build_page(
    rows: Sequence[T], page: PageRequest, total_count: int, sort_key: Callable[[T], Sequence[Any]]
) -> Page[T]:
    """Turn ``first + 1`` fetched rows into a page (the extra row only signals more)."""
    items = list(rows[: page.first])
    return Page(
        items=items,
        cursors=[encode_cursor(sort_key(item)) for item in items],
        has_next_page=len(rows) > page.first,
        total_count=total_count,
    )


@dataclass(frozen=True)
class SortKey:
    """The order of a list: ORM attributes (last one unique), how to read each back from
    a cursor, and the direction."""

    columns: Sequence[Any]
    parsers: Sequence[Callable[[str], Any]]
    descending: bool = False


async def fetch_page(
    session: AsyncSession, statement: Select[Any], page: PageRequest, key: SortKey
) -> Page[Any]:
    """One page of ``statement``'s rows in ``key`` order, with the total: two statements.

    ``statement`` selects one ORM entity and carries every filter (tenant included).
    """
    check_page_request(page)
    total = await session.scalar(select(func.count()).select_from(statement.subquery()))
    condition = after_clause(key.columns, page, key.parsers, descending=key.descending)
    if condition is not None:
        statement = statement.where(condition)
    order = [column.desc() if key.descending else column for column in key.columns]
    rows = list(await session.scalars(statement.order_by(*order).limit(page.first + 1)))
    names = [column.key for column in key.columns]
    return build_page(
        rows, page, total or 0, lambda row: tuple(getattr(row, name) for name in names)
    )


async def fetch_pages_by_parent(
    session: AsyncSession,
    principal: Principal,
    statement: Select[Any],
    parent: InstrumentedAttribute[uuid.UUID],
    parent_ids: Sequence[uuid.UUID],
    page: PageRequest,
    key: SortKey,
) -> dict[uuid.UUID, Page[Any]]:
    """``fetch_page`` for many parents in ONE statement: each parent's page of
    ``statement``'s rows (in ``key`` order, starting after ``page.after``) and its total.

    ``statement`` selects one tenant-scoped ORM entity (``parent``'s) and carries every
    filter, ``principal``'s tenant included. The rows are numbered per parent by a
    window function (after the cursor's condition); the totals are counted per parent
    without it, so a parent's total is there even when its page is empty.
    """
    check_page_request(page)
    wanted = list(dict.fromkeys(parent_ids))
    model: Any = parent.class_
    filtered = statement.where(parent.in_(wanted))
    order = [column.desc() if key.descending else column for column in key.columns]
    totals = (
        filtered.with_only_columns(parent.label("parent"), func.count().label("total"))
        .group_by(parent)
        .subquery("totals")
    )
    ranked = filtered.with_only_columns(
        model.id.label("id"),
        parent.label("parent"),
        func.row_number().over(partition_by=parent, order_by=order).label("position"),
    )
    condition = after_clause(key.columns, page, key.parsers, descending=key.descending)
    if condition is not None:
        ranked = ranked.where(condition)
    numbered = ranked.subquery("numbered")
    paged = (
        select(numbered.c.id, numbered.c.parent)
        .where(numbered.c.position <= page.first + 1)
        .subquery("paged")
    )
    rows = await session.execute(
        select(totals.c.parent, totals.c.total, model)
        .select_from(totals)
        .outerjoin(paged, paged.c.parent == totals.c.parent)
        .outerjoin(model, and_(in_tenant(model, principal), model.id == paged.c.id))
        .order_by(totals.c.parent, *order)
    )
    found: dict[uuid.UUID, list[Any]] = {parent_id: [] for parent_id in wanted}
    counts: dict[uuid.UUID, int] = {}
    for parent_id, total, row in rows:
        counts[parent_id] = total
        if row is not None:
            found[parent_id].append(row)
    names = [column.key for column in key.columns]
    return {
        parent_id: build_page(
            items,
            page,
            counts.get(parent_id, 0),
            lambda row: tuple(getattr(row, name) for name in names),
        )
        for parent_id, items in found.items()
    }
