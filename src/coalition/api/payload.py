"""Checks on a GraphQL-over-HTTP payload that run before anything else reads it.

Each returns the message of a 400 (or None): text PostgreSQL cannot store,
JSON nested deeper than any operation needs, and an ``operationName`` that
names no single operation of the document. None of them recurses, so none
can be made to raise a recursion error, and none of the messages echoes what
the caller sent (they are logged as they are).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    Visitor,
    parse,
    visit,
)

MAX_JSON_DEPTH = 64
# Texts whose parsed documents are kept for the next request that sends the same text.
PARSED_DOCUMENTS = 256
MAX_OPERATION_NAME_LENGTH = 256

NUL_TEXT = "Text may not contain the NUL character (U+0000); it cannot be stored."
SURROGATE_TEXT = (
    "Text may not contain a lone UTF-16 surrogate (U+D800 to U+DFFF); it cannot be stored."
)
BODY_TOO_DEEP = f"The request body nests arrays and objects more than {MAX_JSON_DEPTH} levels deep."
VARIABLES_TOO_DEEP = (
    f"The variables parameter nests arrays and objects more than {MAX_JSON_DEPTH} levels deep."
)
EMPTY_OPERATION_NAME = (
    "'operationName' is empty: leave it out or name an operation of the document."
)
LONG_OPERATION_NAME = f"'operationName' is longer than {MAX_OPERATION_NAME_LENGTH} characters."
UNKNOWN_OPERATION = "The document has no operation of the name given in 'operationName'."
NO_OPERATION = "The document holds no operation: send a query or a mutation."
SUBSCRIPTION = (
    "Subscriptions run over WebSocket (graphql-transport-ws) at /graphql: send a query or a "
    "mutation."
)
UNNAMED_OPERATION = "The document holds several operations: name the one to run in 'operationName'."

# U+0000 and the surrogate code points: a Python string decoded from JSON holds one of
# the latter only when the JSON escaped half of a pair (a whole pair decodes to one
# character), and PostgreSQL stores neither.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# What the depth scan stops at: a bracket, or the quote that opens a string (whose
# brackets are text), and the rest of a string after its opening quote. Matched one
# string at a time from its start, never searched for: a search for whole strings
# retries at every quote of an unterminated one, which took seconds on 100 KB.
_JSON_MARK = re.compile(r'[\[\]{}"]')
_JSON_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# A GraphQL escape of a surrogate, which graphql-core refuses as a syntax error.
_SURROGATE_ESCAPE = re.compile(
    r"\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}|\{0*[dD][89a-fA-F][0-9a-fA-F]{2}\})"
)


def unstorable_text(value: Any) -> str | None:
    """The message refusing ``value`` (decoded JSON) if any key or string in it holds
    text a PostgreSQL text column cannot store."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found = _UNSTORABLE.search(item)
            if found is not None:
                return NUL_TEXT if found.group() == "\x00" else SURROGATE_TEXT
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


def nested_too_deep(text: str) -> bool:
    """Whether JSON ``text`` nests arrays and objects more than ``MAX_JSON_DEPTH`` deep.

    Read from the text, before ``json.loads`` (whose decoder recurses) and before
    anything walks the result. Invalid JSON may be misjudged; ``json.loads``
    refuses it next in any case."""
    depth = 0
    position = 0
    while (mark := _JSON_MARK.search(text, position)) is not None:
        position = mark.end()
        character = mark.group()
        if character == '"':
            rest = _JSON_STRING_REST.match(text, position)
            if rest is None:
                return False  # an unterminated string: json.loads refuses the text
            position = rest.end()
        elif character in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        else:
            depth -= 1
    return False


def operation_name_problem(name: str) -> str | None:
    """The message refusing a given (string) ``operationName`` before the document is read."""
    if not name:
        return EMPTY_OPERATION_NAME
    if len(name) > MAX_OPERATION_NAME_LENGTH:
        return LONG_OPERATION_NAME
    return None


def read_document(
    query: str, operation_name: str | None, *, max_tokens: int
) -> tuple[DocumentNode | None, str | None]:
    """The document ``query`` parsed (None if it does not parse), and the message
    refusing it with ``operation_name``: a string literal spelling text that cannot be
    stored, or a name that picks no operation. The endpoint hands the document on to
    execution, so a request's text is parsed once (a document of 2,000 tokens takes
    20 to 60 ms), and the last texts seen are parsed once for all requests: the same
    text gives the same document object, which the validation cache
    (``api/known_documents.py``) recognizes.

    A document that does not parse for any other reason passes: execution reports
    its syntax error as it reports every other."""
    document, problem = _parsed(query, max_tokens)
    if document is None or problem is not None:
        return document, problem
    return document, _operation_problem(document, operation_name)


@lru_cache(maxsize=PARSED_DOCUMENTS)
def _parsed(query: str, max_tokens: int) -> tuple[DocumentNode | None, str | None]:
    """The document and the problem of its text alone (before any operation name).
    Bounded: at most ``PARSED_DOCUMENTS`` texts of at most the body limit each."""
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLSyntaxError as error:
        positions = list(error.positions or ())
        if positions and _SURROGATE_ESCAPE.match(query, positions[0]):
            return None, SURROGATE_TEXT
        return None, None
    if "\\u" in query:
        strings = _StringValues()
        visit(document, strings)
        if any("\x00" in value for value in strings.found):
            return document, NUL_TEXT
    return document, None


def _operation_problem(document: DocumentNode, operation_name: str | None) -> str | None:
    operations = [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    if not operations:
        return NO_OPERATION
    if operation_name is None:
        if len(operations) > 1:
            return UNNAMED_OPERATION
        chosen = operations
    else:
        chosen = [
            operation
            for operation in operations
            if operation.name is not None and operation.name.value == operation_name
        ]
        if not chosen:
            return UNKNOWN_OPERATION
    # Several of that name fail validation, which says so.
    if all(operation.operation is OperationType.SUBSCRIPTION for operation in chosen):
        return SUBSCRIPTION
    return None


class _StringValues(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        self.found.append(node.value)
