"""Relay conventions: opaque global IDs, the Node interface, connections."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Generic, TypeVar

import strawberry

from coalition.ids import global_id, parse_global_id
from coalition.pagination import Page

if TYPE_CHECKING:
    from coalition.api.context import Info

T = TypeVar("T")
M = TypeVar("M")


def to_global_id(type_name: str, object_id: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(global_id(type_name, object_id))


def from_global_id(text: str, expected_type: str | None = None) -> tuple[str, uuid.UUID] | None:
    """Decode a global ID; None for anything malformed or of another type."""
    return parse_global_id(text, expected_type)


First = Annotated[
    int, strawberry.argument(description="How many items to return, from 1 to 100 (default 20).")
]
After = Annotated[
    str | None,
    strawberry.argument(description="Return the items after this cursor (a page's endCursor)."),
]
NodeId = Annotated[strawberry.ID, strawberry.argument(description="The object's global ID.")]


@strawberry.interface(description="An object with a globally unique, opaque ID.")
class Node:
    id: strawberry.ID = strawberry.field(description="The object's global ID.")

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> Node | None:
        """The object behind ``node(id:)``, or None when the caller may not see it.

        Every Node type a domain registers implements this, through its loaders,
        so a hidden object reads exactly like a missing one."""
        raise NotImplementedError(f"{cls.__name__} does not resolve its own IDs")


@strawberry.type(description="Where a page of a connection ends.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` to fetch the next page; null on an empty page."
    )


@strawberry.type(description="An item in a connection, with the cursor that points at it.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of items, with the cursors to fetch the next page.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page ends.")
    total_count: int = strawberry.field(description="How many items match, on all pages.")

    @classmethod
    def of(cls, page: Page[M], node: Callable[[M], T]) -> Connection[T]:
        """Wrap a service page, converting each item with ``node`` (a type's ``from_model``)."""
        return cls(
            edges=[
                Edge(cursor=cursor, node=node(item))
                for item, cursor in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )
