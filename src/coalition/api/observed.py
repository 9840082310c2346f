"""What the GraphQL endpoint tells the request's metrics and trace (``telemetry.facts``):
the operation's type and document hash, its tenant, outcome and cost.

The outcome is the worst thing that happened: ``internal`` (an error the client sees
masked), ``FORBIDDEN`` (or unauthenticated), ``validation`` (the document, its variables
or a limit refused), ``userErrors`` (a payload's userErrors, or NOT_FOUND), else ``ok``;
``unavailable`` when the database could not be had.
"""

from __future__ import annotations

import uuid
from typing import Any

from graphql import DocumentNode, GraphQLError, get_operation_ast
from starlette.requests import Request
from strawberry.types import ExecutionResult

from coalition.api.errors import error_code
from coalition.telemetry.facts import current_facts
from coalition.telemetry.labels import document_label

DENIED = frozenset({"FORBIDDEN", "UNAUTHENTICATED"})
REFUSED = frozenset(
    {"GRAPHQL_VALIDATION_FAILED", "QUERY_LIMIT_EXCEEDED", "BAD_USER_INPUT", "BAD_REQUEST"}
)


def note_operation(
    request: Request, query: str, document: DocumentNode | None, operation_name: str | None
) -> None:
    facts = current_facts()
    if facts is None:
        return
    operation = get_operation_ast(document, operation_name) if document is not None else None
    facts.operation_type = operation.operation.value if operation is not None else ""
    facts.operation = request.app.state.operation_labels.label(document_label(query))


async def note_tenant(request: Request, tenant_id: uuid.UUID | None) -> None:
    facts = current_facts()
    if facts is None or tenant_id is None:
        return
    facts.tenant_id = tenant_id
    facts.tenant_label = await request.app.state.tenant_labels.label(tenant_id)


def note_result(result: ExecutionResult) -> None:
    facts = current_facts()
    if facts is None:
        return
    facts.outcome = outcome_of(result.errors or [], result.data)
    cost = (result.extensions or {}).get("cost", {}).get("requestedQueryCost")
    if isinstance(cost, int):
        facts.cost = cost


def note_unavailable() -> None:
    facts = current_facts()
    if facts is not None:
        facts.outcome = "unavailable"


def outcome_of(errors: list[GraphQLError], data: dict[str, Any] | None) -> str:
    codes = {error_code(error) for error in errors}
    if None in codes:
        return "internal"
    if codes & DENIED:
        return "FORBIDDEN"
    if codes & REFUSED:
        return "validation"
    if codes or _has_user_errors(data):
        return "userErrors"
    return "ok"


def _has_user_errors(data: dict[str, Any] | None) -> bool:
    """Whether a root field's payload reports userErrors (the mutations' convention)."""
    return any(
        isinstance(payload, dict) and bool(payload.get("userErrors"))
        for payload in (data or {}).values()
    )
