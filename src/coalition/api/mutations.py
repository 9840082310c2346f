"""Shared shape of every mutation: one ``input``, a payload with ``userErrors``."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.api.context import Info
from coalition.api.relay import from_global_id
from coalition.auth.principal import Principal
from coalition.errors import InvalidInput
from coalition.errors import UserError as DomainUserError

R = TypeVar("R")


@strawberry.type(description="A problem with the input that the caller can fix.")
class UserError:
    field: list[str] = strawberry.field(description="Path to the input field at fault.")
    message: str = strawberry.field(description="What is wrong, in plain words.")
    code: str = strawberry.field(
        description="Stable machine-readable code: REQUIRED, BLANK, TOO_SHORT, TOO_LONG, INVALID, "
        "OUT_OF_RANGE, TAKEN, DUPLICATE, TOO_MANY, NOT_FOUND, ARCHIVED, ALREADY_ARCHIVED, "
        "ALREADY_REVOKED, LAST_ADMIN, INVALID_TRANSITION, CURRENCY_MISMATCH, POOL_NOT_OPEN, "
        "POOL_CLOSED, NOT_ELIGIBLE, NOT_PARTICIPANT, EXCEEDS_MATCH, REQUIREMENT_NOT_MET, "
        "NOT_REVERSIBLE, INSUFFICIENT_FUNDS, IDEMPOTENCY_KEY_REUSED, RATE_LIMITED, NOT_REGISTERED, "
        "WAITLISTED, ALREADY_CANCELLED, ALREADY_CHECKED_IN."
    )


def _convert(errors: list[DomainUserError]) -> list[UserError]:
    return [UserError(field=list(e.field), message=e.message, code=e.code) for e in errors]


def decode_id(global_id: str, type_name: str, field: str) -> uuid.UUID:
    """A foreign, malformed or wrong-type ID fails exactly like one that does not exist."""
    decoded = from_global_id(global_id, type_name)
    if decoded is None:
        raise InvalidInput([DomainUserError((field,), "No object with this ID.", "NOT_FOUND")])
    return decoded[1]


async def run_mutation(
    info: Info, action: Callable[[AsyncSession, Principal], Awaitable[R]]
) -> tuple[R | None, list[UserError]]:
    """Run ``action`` in a savepoint: on userErrors nothing it did is kept."""
    principal = info.context.require_principal()
    try:
        async with info.context.savepoint() as session:
            return await action(session, principal), []
    except InvalidInput as error:
        return None, _convert(error.errors)
