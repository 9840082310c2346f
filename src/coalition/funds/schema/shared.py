# mypy: disable-error-code="untyped-decorator"
"""Helpers the funds GraphQL modules share: turning input into service arguments, and
records into GraphQL objects.

The funds types refer to each other in cycles (a pool lists its contributions, a
contribution names its pool), so a module refers to a type of a module that imports
it through ``strawberry.lazy`` in the annotation and builds the object through the
schema's own registry of Node types (``node_of``): no module imports one that
imports it back.
"""

from __future__ import annotations

import uuid
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeVar

import strawberry

from coalition.api.context import Info
from coalition.api.money import MoneyInput
from coalition.api.relay import from_global_id
from coalition.api.schema import node_types_of
from coalition.errors import InvalidInput, UserError
from coalition.funds.models.pools import FundPool
from coalition.funds.schema.loaders import FundsLoaders
from coalition.money import format_ratio

if TYPE_CHECKING:
    from decimal import Decimal

    from coalition.tenancy.models import Organization
    from coalition.tenancy.schema import OrganizationType

TENANCY = "coalition.tenancy.schema"
T = TypeVar("T")
KEY_DESCRIPTION = (
    "A key you choose for this request (a UUID is a good choice), 1 to 255 printable "
    "characters: retrying with the same key and input returns the first result and changes "
    "nothing; the same key with other input is refused."
)


def key_field() -> str:
    """The ``idempotencyKey`` field of a money mutation's input."""
    return strawberry.field(description=KEY_DESCRIPTION)  # type: ignore[no-any-return]


def node_of(info: Info, type_name: str, model: object) -> Any:
    """The GraphQL object of ``model``, built by the schema's Node type ``type_name``."""
    return node_types_of(info)[type_name].from_model(model)  # type: ignore[attr-defined]


def exists(found: T | None, object_id: uuid.UUID) -> T:
    """A row a foreign key guarantees (same tenant): its absence is a bug, not a 404."""
    if found is None:
        raise RuntimeError(f"missing funds record {object_id}")
    return found


def organization_type(
    info: Info, organization: Organization | None, object_id: uuid.UUID
) -> OrganizationType:
    """The tenancy domain's GraphQL organization (its type, built by its own Node type)."""
    found: OrganizationType = node_of(info, "Organization", exists(organization, object_id))
    return found


async def pool_of(info: Info, pool_id: uuid.UUID) -> FundPool:
    """A record's pool (in the same tenant, bound by a foreign key: always there)."""
    return exists(await info.context.loaders.of(FundsLoaders).pool.load(pool_id), pool_id)


async def pool_currency(info: Info, pool_id: uuid.UUID) -> str:
    return (await pool_of(info, pool_id)).currency


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def ratio_text(numerator: int | None, denominator: int | None) -> str | None:
    if numerator is None or denominator is None:
        return None
    return format_ratio(Fraction(numerator, denominator))


def money_parts(given: MoneyInput | None) -> tuple[str | None, str | None]:
    if given is None:
        return None, None
    return given.amount_minor, given.currency


def optional_id(global_id: str | None, type_name: str, field: str) -> uuid.UUID | None:
    """A filter's ID: a malformed or wrong-type one is bad input."""
    if global_id is None:
        return None
    decoded = from_global_id(global_id, type_name)
    if decoded is None:
        raise InvalidInput([UserError(("filter", field), f"Not a {type_name} ID.", "INVALID")])
    return decoded[1]


def organization_ids(global_ids: list[strawberry.ID]) -> list[uuid.UUID | None]:
    """Organization IDs of a list, None for each that names no organization (the service
    reports it at its index, with every other problem of the input)."""
    decoded = [from_global_id(global_id, "Organization") for global_id in global_ids]
    return [found[1] if found is not None else None for found in decoded]
