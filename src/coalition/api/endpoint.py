"""``/graphql`` over HTTP: POST JSON for everything, GET for queries only.

One request is one transaction, bound to the caller's tenant before any
query runs; it commits only when the operation finished without errors. A
query (never a mutation) whose database connection was lost or could not be
had runs again on a fresh connection, with backoff, within a time budget
(``api/retry.py``): reading twice is harmless, and the caller sees the answer
instead of an error. A mutation is never run again once it started: its
client gets a 503 ``RETRYABLE`` and sends it again with the same idempotency
key. A connection lost while authenticating, before the operation ran, is
retried for either.
A request with no token may name its partnership (``X-Coalition-Tenant``): it then has
a transaction bound to that tenant and no principal, which only the public registration
mutations use (``Context.anonymous_session``).
Authorization denials are written to the audit log afterwards, in their
own transaction, so they survive the rollback of the refused change.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any

from graphql import DocumentNode, FieldNode, GraphQLError, get_operation_ast
from graphql import OperationType as AstOperationType
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from coalition.api import payload as payload_checks
from coalition.api.context import Context, open_as
from coalition.api.errors import format_error, log_errors
from coalition.api.graphiql import graphiql_page
from coalition.api.observed import note_operation, note_result, note_tenant, note_unavailable
from coalition.api.retry import MUTATION_INTERRUPTED, UNAVAILABLE, Backoff, retryable
from coalition.audit.service import record_event
from coalition.auth.authenticate import TENANT_HEADER, bearer_token
from coalition.auth.principal import Principal
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.lost import is_connection_lost
from coalition.db.session import RequestTransaction, tenant_transaction
from coalition.errors import Forbidden, Unauthenticated
from coalition.observability import request_id_var

logger = logging.getLogger("coalition.api")


def _error(message: str, status: int, code: str, headers: dict[str, str] | None = None) -> Response:
    """A request refused for the client's mistake (400, 401, 405, 413), logged at INFO.

    Never a traceback: the mistake is the client's. The message echoes nothing it sent."""
    logger.info("bad request: %s", message, extra={"status": status, "error_codes": [code]})
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers)


def _bad_request(message: str) -> Response:
    return _error(message, 400, "BAD_REQUEST")


class _Rejected(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


async def _read_post(request: Request, settings: Settings) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise _Rejected(
            _bad_request("Send the operation as JSON (Content-Type: application/json).")
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > settings.max_body_bytes:
        raise _Rejected(_error("The request body is too large.", 413, "BAD_REQUEST"))
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > settings.max_body_bytes:
            raise _Rejected(_error("The request body is too large.", 413, "BAD_REQUEST"))
    try:
        text = body.decode(json.detect_encoding(body), "surrogatepass")
    except UnicodeDecodeError:
        raise _Rejected(_bad_request("The request body is not valid JSON.")) from None
    payload = _decode_json(
        text,
        invalid="The request body is not valid JSON.",
        too_deep=payload_checks.BODY_TOO_DEEP,
    )
    if isinstance(payload, list):
        raise _Rejected(_bad_request("Batched operations are not supported: send one at a time."))
    if not isinstance(payload, dict):
        raise _Rejected(_bad_request("The request body must be a JSON object."))
    return payload


def _read_get(request: Request) -> dict[str, Any]:
    params = request.query_params
    payload: dict[str, Any] = {
        "query": params.get("query"),
        "operationName": params.get("operationName"),
    }
    if "variables" in params:
        payload["variables"] = _decode_json(
            params["variables"],
            invalid="The variables parameter is not valid JSON.",
            too_deep=payload_checks.VARIABLES_TOO_DEEP,
        )
    return payload


def _decode_json(text: str, *, invalid: str, too_deep: str) -> Any:
    """``text`` decoded; refused with ``invalid`` if it is not JSON, with ``too_deep`` if it
    nests deeper than any operation needs (checked first: the decoder recurses)."""
    if payload_checks.nested_too_deep(text):
        raise _Rejected(_bad_request(too_deep))
    try:
        return json.loads(text)
    except ValueError:
        raise _Rejected(_bad_request(invalid)) from None
    except RecursionError:  # nested_too_deep misjudged invalid JSON; still not ours to fail on
        raise _Rejected(_bad_request(too_deep)) from None


def _operation(
    payload: dict[str, Any], *, max_tokens: int
) -> tuple[str, dict[str, Any] | None, str | None, DocumentNode | None]:
    """The operation's text, variables and name, and its document (None if it does not
    parse: execution reports the syntax error)."""
    query, variables, name = (
        payload.get("query"),
        payload.get("variables"),
        payload.get("operationName"),
    )
    if not isinstance(query, str) or not query.strip():
        raise _Rejected(_bad_request("Provide the operation as a string in 'query'."))
    if variables is not None and not isinstance(variables, dict):
        raise _Rejected(_bad_request("'variables' must be a JSON object."))
    if name is not None and not isinstance(name, str):
        raise _Rejected(_bad_request("'operationName' must be a string."))
    problem = payload_checks.unstorable_text(payload)
    if problem is None and name is not None:
        problem = payload_checks.operation_name_problem(name)
    document = None
    if problem is None:
        document, problem = payload_checks.read_document(query, name, max_tokens=max_tokens)
    if problem is not None:
        raise _Rejected(_bad_request(problem))
    return query, variables, name, document


async def _context(request: Request, request_id: str, document: DocumentNode | None) -> Context:
    state = request.app.state
    settings: Settings = state.settings
    try:
        token = bearer_token(request.headers.get("authorization"))
    except Unauthenticated as error:
        raise _Rejected(_unauthenticated(error)) from None
    address = request.client.host if request.client is not None else None
    if token is None:
        tenant_id = await _named_tenant(request)
        return Context(
            settings=settings,
            request_id=request_id,
            principal=None,
            transaction=None
            if tenant_id is None
            else RequestTransaction(state.sessions, tenant_id),
            document=document,
            client_address=address,
        )
    try:
        identity = await state.authenticator.identify(
            token, tenant_slug=request.headers.get(TENANT_HEADER)
        )
    except Unauthenticated as error:
        raise _Rejected(_unauthenticated(error)) from None
    try:
        transaction, principal = await open_as(state.sessions, identity)
    except Unauthenticated as error:
        raise _Rejected(_unauthenticated(error)) from None
    return Context(
        settings=settings,
        request_id=request_id,
        principal=principal,
        transaction=transaction,
        document=document,
        client_address=address,
    )


async def _named_tenant(request: Request) -> uuid.UUID | None:
    """The partnership a request with no token names (``X-Coalition-Tenant``), by slug
    in the directory of partnerships (a system read, like the public listing's); None
    for no header or an unknown slug (the request is then anonymous with no tenant, as
    before: only the public registration mutations look, and ask for one)."""
    tenant_id: uuid.UUID | None = await request.app.state.authenticator.named_tenant(
        request.headers.get(TENANT_HEADER)
    )
    return tenant_id


def _unauthenticated(error: Unauthenticated) -> Response:
    return _error(
        str(error),
        401,
        "UNAUTHENTICATED",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def denials_of(result: ExecutionResult) -> list[GraphQLError]:
    return [
        error
        for error in result.errors or []
        if isinstance(error.original_error, Forbidden) and error.path
    ]


def _field_name(error: GraphQLError) -> str:
    """The schema's name of the refused field (never the caller's alias for it)."""
    for node in error.nodes or ():
        if isinstance(node, FieldNode):
            return node.name.value
    return str((error.path or ["operation"])[-1])


async def audit_denials(
    sessions: SessionFactory, principal: Principal, denials: list[GraphQLError]
) -> None:
    """Write each refused field to the audit log, in its own transaction (the refused
    operation's own was rolled back)."""
    async with tenant_transaction(sessions, principal.tenant_id) as session:
        for error in denials:
            await record_event(
                session,
                principal,
                action=f"{_field_name(error)}.denied",
                object_type=None,
                object_id=None,
                changes={"reason": error.message},
            )


def _connection_lost(result: ExecutionResult) -> bool:
    """Whether the operation failed because its connection died or could not be had: a
    resolver's or a DataLoader batch's error that strawberry put into the result."""
    return any(is_connection_lost(error.original_error) for error in result.errors or [])


def _is_query(document: DocumentNode | None, operation_name: str | None) -> bool:
    if document is None:
        return False
    operation = get_operation_ast(document, operation_name)
    return operation is not None and operation.operation is AstOperationType.QUERY


async def _execute(
    request: Request,
    context: Context,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    allowed: tuple[OperationType, ...],
) -> ExecutionResult:
    """Run the operation in the request's transaction; commit only without errors."""
    committed = False
    try:
        result = await request.app.state.schema.execute(
            query,
            variable_values=variables,
            context_value=context,
            operation_name=operation_name,
            allowed_operation_types=allowed,
        )
        if context.transaction is not None:
            await context.transaction.finish(commit=not result.errors)
            committed = True
    finally:
        if context.transaction is not None and not committed:
            await context.transaction.finish(commit=False)
    return result  # type: ignore[no-any-return]


async def _run(
    request: Request,
    request_id: str,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    document: DocumentNode | None,
    allowed: tuple[OperationType, ...],
) -> tuple[Context, ExecutionResult] | Response:
    """Authenticate and execute, again on a fresh connection each time the connection is
    lost, while the operation may be retried and the budget lasts; else a 503."""
    is_query = _is_query(document, operation_name)
    backoff = Backoff(request.app.state.settings.db_retry_seconds)
    while True:
        started = False
        try:
            context = await _context(request, request_id, document)
            transaction = context.transaction
            await note_tenant(request, None if transaction is None else transaction.tenant_id)
            started = True
            result = await _execute(request, context, query, variables, operation_name, allowed)
            lost = _connection_lost(result)
        except Exception as error:
            if not is_connection_lost(error):
                raise
            lost = True
        if not lost:
            return context, result
        if started and not is_query:
            logger.warning("database connection lost during a mutation; the client may retry")
            return retryable(MUTATION_INTERRUPTED, request_id)
        delay = backoff.next_delay()
        if delay is None:
            logger.warning("database connection lost; the retry budget is spent")
            return retryable(UNAVAILABLE, request_id)
        logger.info("database connection lost; running the operation again in %.3f s", delay)
        await asyncio.sleep(delay)


async def graphql_endpoint(request: Request) -> Response:
    state = request.app.state
    settings: Settings = state.settings
    request_id = request_id_var.get() or uuid.uuid4().hex
    try:
        if request.method == "GET":
            if settings.is_production:
                return _error(
                    "Use POST for GraphQL requests.",
                    405,
                    "METHOD_NOT_ALLOWED",
                    headers={"Allow": "POST"},
                )
            if "query" not in request.query_params:
                if "text/html" in request.headers.get("accept", ""):
                    return graphiql_page(request)
                return _bad_request("Provide the operation in the 'query' parameter.")
            payload = _read_get(request)
            allowed: tuple[OperationType, ...] = (OperationType.QUERY,)
        else:
            payload = await _read_post(request, settings)
            allowed = (OperationType.QUERY, OperationType.MUTATION)
        query, variables, operation_name, document = _operation(
            payload, max_tokens=settings.max_tokens
        )
    except _Rejected as rejected:
        return rejected.response
    note_operation(request, query, document, operation_name)

    try:
        outcome = await _run(
            request, request_id, query, variables, operation_name, document, allowed
        )
    except InvalidOperationTypeError:
        return _error(
            "Mutations must be sent with POST.",
            405,
            "METHOD_NOT_ALLOWED",
            headers={"Allow": "POST"},
        )
    except _Rejected as rejected:
        return rejected.response
    if isinstance(outcome, Response):
        note_unavailable()
        return outcome
    context, result = outcome
    note_result(result)

    denials = denials_of(result)
    if denials and context.principal is not None:
        try:
            await audit_denials(state.sessions, context.principal, denials)
        except Exception as error:
            if not is_connection_lost(error):
                raise
            logger.warning("database connection lost while auditing denials")
            return retryable(UNAVAILABLE, request_id)

    body: dict[str, Any] = {}
    if result.errors:
        log_errors(result.errors)
        graphql_schema = state.schema._schema  # graphql-core's schema, for enum values
        body["errors"] = [
            format_error(
                error,
                request_id=request_id,
                production=settings.is_production,
                schema=graphql_schema,
            )
            for error in result.errors
        ]
    body["data"] = result.data
    if result.extensions:
        body["extensions"] = result.extensions
    return JSONResponse(body)
