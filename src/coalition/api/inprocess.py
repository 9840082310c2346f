"""The GraphQL schema executed in-process, for the web app's pages.

A page is a GraphQL document and a template: it reads and writes through the same
schema, services and permission checks as a partner app does over HTTP, as the
signed-in person (or, for the public pages, as an anonymous visitor of one
partnership). Nothing here decides who may see what.

Like ``/graphql``: one call is one tenant transaction, committed only when the
operation finished without errors; a query whose connection was lost runs again on a
fresh one within the retry budget; a mutation is never run twice (``Interrupted``);
refused fields are written to the audit log afterwards.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.datastructures import State

from coalition.api.context import Context, open_as
from coalition.api.endpoint import audit_denials, denials_of
from coalition.api.errors import format_error, log_errors
from coalition.api.retry import Backoff
from coalition.auth.authenticate import Identity
from coalition.auth.principal import PrincipalKind
from coalition.auth.scopes import USER_SCOPES
from coalition.config import Settings
from coalition.db.lost import is_connection_lost
from coalition.db.session import RequestTransaction


class Interrupted(Exception):
    """The database connection was lost while a mutation ran: it may or may not have
    been written (never run again without the person's say)."""


class Unavailable(Exception):
    """The database could not be reached within the retry budget."""


@dataclass(frozen=True)
class Answer:
    """What the operation returned: its data and its errors as a client sees them."""

    data: dict[str, Any] | None
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(str(error.get("extensions", {}).get("code", "")) for error in self.errors)


def _is_query(query: str, operation_name: str | None) -> bool:
    operation = get_operation_ast(parse(query), operation_name)
    return operation is not None and operation.operation is OperationType.QUERY


def person_identity(tenant_id: uuid.UUID, user_id: uuid.UUID) -> Identity:
    """A signed-in person of a partnership, as a person's own token identifies them."""
    return Identity(
        tenant_id=tenant_id, kind=PrincipalKind.USER, subject=str(user_id), scopes=USER_SCOPES
    )


async def _once(
    state: State,
    *,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID | None,
    query: str,
    variables: dict[str, Any] | None,
    request_id: str,
    client_address: str | None,
) -> tuple[Context, Any]:
    settings: Settings = state.settings
    principal = None
    if user_id is None:
        transaction = RequestTransaction(state.sessions, tenant_id)
    else:
        transaction, principal = await open_as(state.sessions, person_identity(tenant_id, user_id))
    committed = False
    try:
        context = Context(
            settings=settings,
            request_id=request_id,
            principal=principal,
            transaction=transaction,
            client_address=client_address,
        )
        result = await state.schema.execute(query, variable_values=variables, context_value=context)
        lost = any(is_connection_lost(error.original_error) for error in result.errors or [])
        await transaction.finish(commit=not result.errors)
        committed = True
    finally:
        if not committed:
            await transaction.finish(commit=False)
    if lost:
        raise ConnectionResetError("database connection lost")
    return context, result


async def execute(
    state: State,
    *,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID | None,
    query: str,
    variables: dict[str, Any] | None = None,
    request_id: str | None = None,
    client_address: str | None = None,
) -> Answer:
    """Run ``query`` as the person ``user_id`` of ``tenant_id`` (None: an anonymous
    visitor of that partnership; ``client_address``, the page's visitor, counts toward
    the anonymous registration limits as on ``/graphql``). Raises ``Unauthenticated``
    when the person is no longer a member, ``Interrupted``/``Unavailable`` when the
    database failed."""
    settings: Settings = state.settings
    request_id = request_id or uuid.uuid4().hex
    is_query = _is_query(query, None)
    backoff = Backoff(settings.db_retry_seconds)
    while True:
        try:
            context, result = await _once(
                state,
                tenant_id=tenant_id,
                user_id=user_id,
                query=query,
                variables=variables,
                request_id=request_id,
                client_address=client_address,
            )
            break
        except Exception as error:
            if not is_connection_lost(error) and not isinstance(error, ConnectionResetError):
                raise
            if not is_query:
                raise Interrupted from error
            delay = backoff.next_delay()
            if delay is None:
                raise Unavailable from error
            await asyncio.sleep(delay)
    denials = denials_of(result)
    if denials and context.principal is not None:
        await audit_denials(state.sessions, context.principal, denials)
    errors: list[GraphQLError] = list(result.errors or [])
    if errors:
        log_errors(errors)
    return Answer(
        data=result.data,
        errors=[
            format_error(
                error,
                request_id=request_id,
                production=settings.is_production,
                schema=state.schema._schema,
            )
            for error in errors
        ],
    )


__all__ = ["Answer", "Interrupted", "Unavailable", "execute", "person_identity"]
