"""``/graphql`` over WebSocket: GraphQL subscriptions in the ``graphql-transport-ws``
protocol (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md).

The client sends ``connection_init`` with ``{"Authorization": "Bearer <token>"}`` (and,
for a person's OpenID Connect token, ``X-Coalition-Tenant``) within ``INIT_SECONDS``;
the token is verified and its principal loaded exactly as for an HTTP request, and a
bad one closes the socket with 4403. Each ``subscribe`` then runs as its own operation:
authenticated again, with its own context, its subscribe-time checks in a transaction
of its own, and a fresh transaction per delivery (``api.subscriptions``). Only
subscriptions run here; queries and mutations go over HTTP, where a request is one
transaction. A connection holds at most ``MAX_OPERATIONS`` subscriptions.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from contextlib import aclosing
from typing import Any

from graphql import DocumentNode, GraphQLError
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from coalition.api import payload as payload_checks
from coalition.api.context import Context, LiveSource, open_as
from coalition.api.errors import format_error, log_errors
from coalition.audit.service import record_event
from coalition.auth.authenticate import TENANT_HEADER, bearer_token
from coalition.auth.principal import Principal
from coalition.config import Settings
from coalition.db.lost import is_connection_lost
from coalition.db.session import tenant_transaction
from coalition.errors import Forbidden, Unauthenticated
from coalition.observability import request_id_var

logger = logging.getLogger("coalition.api")

PROTOCOL = "graphql-transport-ws"
INIT_SECONDS = 10.0
MAX_OPERATIONS = 20
NOT_SUBSCRIPTION = "Only subscriptions run over WebSocket: send queries and mutations over HTTP."

# The protocol's close codes.
BAD_MESSAGE = 4400
UNAUTHORIZED = 4401
FORBIDDEN = 4403
SUBPROTOCOL_NOT_ACCEPTABLE = 4406
INIT_TIMEOUT = 4408
DUPLICATE_SUBSCRIBER = 4409
TOO_MANY_INITIALISATIONS = 4429


class _Closed(Exception):
    """The connection was closed (by the client, or by us for a protocol error)."""


class _Connection:
    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        self.state = websocket.app.state
        self.settings: Settings = self.state.settings
        self.is_initialising = False
        self.live: LiveSource | None = None
        self.operations: dict[str, asyncio.Task[None]] = {}
        self._sending = asyncio.Lock()

    async def serve(self) -> None:
        if PROTOCOL not in self.websocket.scope.get("subprotocols", []):
            await self.websocket.close(SUBPROTOCOL_NOT_ACCEPTABLE, "Subprotocol not acceptable")
            return
        await self.websocket.accept(subprotocol=PROTOCOL)
        timer = asyncio.create_task(self._close_unless_initialised())
        try:
            while True:
                message = await self.websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                await self._receive(message.get("text"))
        except _Closed:
            pass
        except Exception:
            logger.exception("unexpected error on a websocket")
            await self._close(1011, "Unexpected error.")
        finally:
            timer.cancel()
            for task in list(self.operations.values()):
                task.cancel()
            for task in list(self.operations.values()):
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _close_unless_initialised(self) -> None:
        await asyncio.sleep(INIT_SECONDS)
        if self.live is None:
            await self._close(INIT_TIMEOUT, "Connection initialisation timeout")

    async def _close(self, code: int, reason: str) -> None:
        # A close frame's reason holds at most 123 bytes.
        short = reason.encode()[:123].decode(errors="ignore")
        if self.websocket.application_state is WebSocketState.CONNECTED:
            with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
                await self.websocket.close(code, short)

    async def _send(self, message: dict[str, Any]) -> None:
        async with self._sending:
            if self.websocket.application_state is not WebSocketState.CONNECTED:
                raise _Closed()
            try:
                await self.websocket.send_text(json.dumps(message))
            except (RuntimeError, OSError, WebSocketDisconnect) as error:
                raise _Closed() from error

    async def _refuse(self, code: int, reason: str) -> None:
        await self._close(code, reason)
        raise _Closed()

    async def _receive(self, text: str | None) -> None:
        if text is None or len(text) > self.settings.max_body_bytes:
            await self._refuse(BAD_MESSAGE, "Send each message as JSON text.")
        if payload_checks.nested_too_deep(text or ""):
            await self._refuse(BAD_MESSAGE, payload_checks.BODY_TOO_DEEP)
        try:
            message = json.loads(text or "")
        except ValueError:
            message = None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self._refuse(BAD_MESSAGE, "Invalid message: JSON with a 'type'.")
        kind = message["type"]
        if kind == "connection_init":
            await self._initialise(message.get("payload"))
        elif kind == "ping":
            await self._send({"type": "pong"})
        elif kind == "pong":
            pass
        elif kind == "subscribe":
            await self._subscribe(message.get("id"), message.get("payload"))
        elif kind == "complete":
            task = self.operations.get(str(message.get("id")))
            if task is not None:
                task.cancel()
        else:
            await self._refuse(BAD_MESSAGE, f"Unknown message type {kind[:40]!r}.")

    async def _initialise(self, given: Any) -> None:
        if self.is_initialising:
            await self._refuse(TOO_MANY_INITIALISATIONS, "Too many initialisation requests")
        self.is_initialising = True
        params = {str(k).lower(): v for k, v in given.items()} if isinstance(given, dict) else {}
        authorization, slug = params.get("authorization"), params.get(TENANT_HEADER)
        if not isinstance(authorization, str) or (slug is not None and not isinstance(slug, str)):
            await self._refuse(FORBIDDEN, "Forbidden: send 'Authorization: Bearer <token>'.")
        try:
            token = bearer_token(authorization)
            if token is None:
                raise Unauthenticated()
            live = LiveSource(
                hub=self.state.live,
                authenticator=self.state.authenticator,
                sessions=self.state.sessions,
                token=token,
                tenant_slug=slug,
            )
            await _finish(await _context(live, self.settings, uuid.uuid4().hex, None, None))
        except Unauthenticated as error:
            logger.info("websocket refused: %s", error, extra={"error_codes": ["UNAUTHENTICATED"]})
            await self._refuse(FORBIDDEN, f"Forbidden: {str(error)[:100]}")
        else:
            self.live = live
            await self._send({"type": "connection_ack"})

    async def _subscribe(self, operation_id: Any, given: Any) -> None:
        if self.live is None:
            await self._refuse(UNAUTHORIZED, "Unauthorized")
        if not isinstance(operation_id, str) or not operation_id or len(operation_id) > 256:
            await self._refuse(BAD_MESSAGE, "A subscribe message needs an 'id'.")
        if operation_id in self.operations:
            await self._refuse(
                DUPLICATE_SUBSCRIBER, f"Subscriber for {operation_id} already exists"
            )
        problem, operation = _operation(given, self.settings)
        if problem is None and len(self.operations) >= MAX_OPERATIONS:
            problem = f"At most {MAX_OPERATIONS} subscriptions run on one connection."
        if problem is not None:
            error = {"message": problem, "extensions": {"code": "BAD_REQUEST"}}
            await self._send({"id": operation_id, "type": "error", "payload": [error]})
            return
        assert self.live is not None and operation is not None
        self.operations[operation_id] = asyncio.create_task(
            self._operate(operation_id, self.live, *operation)
        )

    async def _operate(
        self,
        operation_id: str,
        live: LiveSource,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        document: DocumentNode | None,
    ) -> None:
        request_id = uuid.uuid4().hex
        request_id_var.set(request_id)
        client = self.websocket.client
        try:
            try:
                context = await _context(
                    live,
                    self.settings,
                    request_id,
                    document,
                    client.host if client is not None else None,
                )
            except Unauthenticated as error:
                refusal = {"message": str(error), "extensions": {"code": "UNAUTHENTICATED"}}
                await self._send({"id": operation_id, "type": "error", "payload": [refusal]})
                return
            try:
                await self._stream(operation_id, context, query, variables, operation_name)
            finally:
                await _finish(context)
        except _Closed:
            pass
        except Exception as error:
            # Outside any resolver (authenticating, a lost connection): never a trace to
            # the client, a request id to quote.
            lost = is_connection_lost(error)
            logger.log(
                logging.WARNING if lost else logging.ERROR,
                "a subscription failed",
                exc_info=not lost,
            )
            code = "RETRYABLE" if lost else "INTERNAL_SERVER_ERROR"
            failure = {
                "message": "The subscription failed: subscribe again.",
                "extensions": {"code": code, "requestId": request_id},
            }
            with contextlib.suppress(_Closed):
                await self._send({"id": operation_id, "type": "error", "payload": [failure]})
        finally:
            self.operations.pop(operation_id, None)

    async def _stream(
        self,
        operation_id: str,
        context: Context,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> None:
        results = await self.state.schema.subscribe(
            query, variable_values=variables, context_value=context, operation_name=operation_name
        )
        async with aclosing(results):
            async for result in results:
                # Refused before it started (validation, the subscribe-time checks): an
                # ``error`` message, which ends the operation.
                errors = await self._errors(result, context)
                if isinstance(result, PreExecutionError):
                    await self._send({"id": operation_id, "type": "error", "payload": errors})
                    return
                body: dict[str, Any] = {"data": result.data}
                if errors:
                    body["errors"] = errors
                await self._send({"id": operation_id, "type": "next", "payload": body})
        await self._send({"id": operation_id, "type": "complete"})

    async def _errors(self, result: ExecutionResult, context: Context) -> list[dict[str, Any]]:
        if not result.errors:
            return []
        log_errors(result.errors)
        if context.principal is not None:
            await _audit_denials(self.state.sessions, context.principal, result.errors)
        return [
            format_error(
                error,
                request_id=context.request_id,
                production=self.settings.is_production,
                schema=self.state.schema._schema,
            )
            for error in result.errors
        ]


def _operation(
    given: Any, settings: Settings
) -> tuple[str | None, tuple[str, dict[str, Any] | None, str | None, DocumentNode | None] | None]:
    """The subscribe message's operation, or the message refusing it (as HTTP would)."""
    if not isinstance(given, dict):
        return "A subscribe message needs a 'payload' with the operation.", None
    query, variables, name = given.get("query"), given.get("variables"), given.get("operationName")
    if not isinstance(query, str) or not query.strip():
        return "Provide the operation as a string in 'query'.", None
    if variables is not None and not isinstance(variables, dict):
        return "'variables' must be a JSON object.", None
    if name is not None and not isinstance(name, str):
        return "'operationName' must be a string.", None
    problem = payload_checks.unstorable_text(given)
    if problem is None and name is not None:
        problem = payload_checks.operation_name_problem(name)
    document = None
    if problem is None:
        document, problem = payload_checks.read_document(
            query, name, max_tokens=settings.max_tokens
        )
        if problem == payload_checks.SUBSCRIPTION:
            problem = None  # what this endpoint is for
        elif problem is None and document is not None:
            problem = NOT_SUBSCRIPTION
    if problem is not None:
        return problem, None
    return None, (query, variables, name, document)


async def _context(
    live: LiveSource,
    settings: Settings,
    request_id: str,
    document: DocumentNode | None,
    address: str | None,
) -> Context:
    """An operation's context, authenticated as an HTTP request is: the token verified,
    the principal loaded in the operation's first transaction."""
    identity = await live.authenticator.identify(live.token, tenant_slug=live.tenant_slug)
    transaction, principal = await open_as(live.sessions, identity)
    return Context(
        settings=settings,
        request_id=request_id,
        principal=principal,
        transaction=transaction,
        document=document,
        client_address=address,
        live=live,
    )


async def _finish(context: Context) -> None:
    if context.transaction is not None:
        await context.transaction.finish(commit=False)


async def _audit_denials(sessions: Any, principal: Principal, errors: list[GraphQLError]) -> None:
    """Each refused field, in the audit log, in a transaction of its own (as over HTTP)."""
    denials = [e for e in errors if isinstance(e.original_error, Forbidden) and e.path]
    if not denials:
        return
    async with tenant_transaction(sessions, principal.tenant_id) as session:
        for error in denials:
            await record_event(
                session,
                principal,
                action=f"{(error.path or ['operation'])[0]}.denied",
                object_type=None,
                object_id=None,
                changes={"reason": error.message},
            )


async def graphql_websocket(websocket: WebSocket) -> None:
    await _Connection(websocket).serve()
