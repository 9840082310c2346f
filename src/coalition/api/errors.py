"""How errors reach clients: a code in ``extensions.code``; internals masked."""

from __future__ import annotations

import logging
import re
from typing import Any

from graphql import GraphQLError

from coalition.errors import Forbidden, InvalidInput, NotFound, Unauthenticated

logger = logging.getLogger("coalition.api")

UNEXPECTED = "Unexpected error."
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


class BadRequest(Exception):
    """A GraphQL argument that is well-typed but unusable (``first: 0``)."""


def error_code(error: GraphQLError) -> str | None:
    """The code for an error we expect, or None for one to mask."""
    preset = (error.extensions or {}).get("code")
    if isinstance(preset, str):
        return preset
    original = error.original_error
    if original is None:
        if error.path is None and not error.message.startswith("Variable '$"):
            return "GRAPHQL_VALIDATION_FAILED"
        return "BAD_USER_INPUT"
    if isinstance(original, GraphQLError):
        return error_code(original)
    if isinstance(original, Unauthenticated):
        return "UNAUTHENTICATED"
    if isinstance(original, Forbidden):
        return "FORBIDDEN"
    if isinstance(original, NotFound):
        return "NOT_FOUND"
    if isinstance(original, (BadRequest, InvalidInput)):
        return "BAD_USER_INPUT"
    return None


def format_error(error: GraphQLError, *, request_id: str, production: bool) -> dict[str, Any]:
    code = error_code(error)
    if code is None:
        logger.error(
            "unexpected error in %s",
            ".".join(map(str, error.path or [])) or "operation",
            exc_info=error.original_error,
        )
        formatted: dict[str, Any] = {"message": UNEXPECTED}
        if error.path is not None:
            formatted["path"] = error.path
        formatted["extensions"] = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        return formatted
    formatted = dict(error.formatted)
    if production:
        formatted["message"] = _SUGGESTION.sub("", formatted["message"])
    formatted["extensions"] = {**(formatted.get("extensions") or {}), "code": code}
    return formatted
