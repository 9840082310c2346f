"""How errors reach clients (a code in ``extensions.code``; internals masked) and the log.

A client's mistake (a validation error, FORBIDDEN, a bad cursor, a refused
limit) is one INFO line per request with the codes and paths, no traceback
and no message (messages may echo what the caller sent). Anything unexpected
is logged at ERROR with its traceback, and the client sees only an ID to quote.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from typing import Any

from graphql import GraphQLEnumType, GraphQLError, GraphQLSchema, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

from coalition.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from coalition.live import Lagging

logger = logging.getLogger("coalition.api")

UNEXPECTED = "Unexpected error."
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
# graphql-core's words for a value that is not one of an enum's (literal, variable, or a
# string where a bare enum value belongs).
_NOT_IN_ENUM = re.compile(
    r"does not exist in '(?P<name>\w+)' enum\."
    r"|Enum '(?P<other>\w+)' cannot represent non-(?:enum|string) value: .*?\.(?=\s*Did you|$)"
)


class BadRequest(Exception):
    """A GraphQL argument that is well-typed but unusable (``first: 0``)."""


class ValidationCodes(SchemaExtension):
    """Gives each error of the document's validation the code GRAPHQL_VALIDATION_FAILED,
    unless its rule chose one (QUERY_LIMIT_EXCEEDED). The code follows where the error
    arose, not its wording: a variable used where its type does not fit is the
    document's fault ("Variable '$first' of type 'String!' used in position expecting
    type 'Int!'."), a variable's value that cannot be coerced is the input's ("Variable
    '$first' has invalid value: ..."), and both messages start alike."""

    def on_validate(self) -> Iterator[None]:
        yield
        for error in self.execution_context.pre_execution_errors or ():
            if not isinstance((error.extensions or {}).get("code"), str):
                error.extensions = {**(error.extensions or {}), "code": VALIDATION_FAILED}


def error_code(error: GraphQLError) -> str | None:
    """The code for an error we expect, or None for one to mask."""
    preset = (error.extensions or {}).get("code")
    if isinstance(preset, str):
        return preset
    original = error.original_error
    if original is None:
        # Validation errors carry their code (ValidationCodes); what remains without a
        # path is a document that does not parse, or a variable's value that graphql-core
        # could not coerce when execution began.
        if isinstance(error, GraphQLSyntaxError):
            return VALIDATION_FAILED
        return "BAD_USER_INPUT"
    if isinstance(original, GraphQLError):
        return error_code(original)
    if isinstance(original, Unauthenticated):
        return "UNAUTHENTICATED"
    if isinstance(original, Forbidden):
        return "FORBIDDEN"
    if isinstance(original, NotFound):
        return "NOT_FOUND"
    if isinstance(original, Lagging):
        return "LAGGING"
    if isinstance(original, (BadRequest, InvalidInput)):
        return "BAD_USER_INPUT"
    return None


def _with_enum_values(message: str, schema: GraphQLSchema | None) -> str:
    """``message`` with the valid values appended where it names a value an enum lacks."""
    match = _NOT_IN_ENUM.search(message)
    if match is None or schema is None:
        return message
    enum = schema.get_type(match.group("name") or match.group("other"))
    if not isinstance(enum, GraphQLEnumType):
        return message
    listing = f" Valid values: {', '.join(enum.values)}."
    return message[: match.end()] + listing + message[match.end() :]


def format_error(
    error: GraphQLError,
    *,
    request_id: str,
    production: bool,
    schema: GraphQLSchema | None = None,
) -> dict[str, Any]:
    """What the client sees of ``error``: masked if unexpected, its code otherwise.

    ``schema`` lets an unknown enum value's message list the valid values."""
    code = error_code(error)
    if code is None:
        formatted: dict[str, Any] = {"message": UNEXPECTED}
        if error.path is not None:
            formatted["path"] = error.path
        formatted["extensions"] = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        return formatted
    formatted = dict(error.formatted)
    message = formatted["message"]
    if production:
        # Suggestions name fields and types: the schema stays private in production.
        message = _SUGGESTION.sub("", message)
    formatted["message"] = _with_enum_values(message, schema)
    formatted["extensions"] = {**(formatted.get("extensions") or {}), "code": code}
    return formatted


def _where(error: GraphQLError) -> str:
    return ".".join(map(str, error.path or [])) or "operation"


def log_errors(errors: Sequence[GraphQLError]) -> None:
    """Log an operation's errors: each unexpected one at ERROR with its traceback, the
    client's mistakes together in one INFO line (code and path, never the message)."""
    mistakes: list[str] = []
    for error in errors:
        code = error_code(error)
        if code is None:
            logger.error("unexpected error in %s", _where(error), exc_info=error.original_error)
        else:
            mistakes.append(f"{code} at {_where(error)}")
    if mistakes:
        logger.info(
            "client errors: %s",
            ", ".join(mistakes),
            extra={"error_codes": sorted({mistake.split(" ")[0] for mistake in mistakes})},
        )
