"""Every place a caller's text enters the API, read from the built schema: each argument and
input-object field of type String or ID, of a custom scalar (read from text), or a list of
them, on every field a query or mutation can reach; and a document that sends a chosen
value there, in its variables or as a GraphQL literal.

A new field, argument or input field is found here without any test changing."""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

# Scalars that are not text; every other scalar (String, ID, Date, DateTime, JSON, and any
# new one) is sent as a JSON string.
NOT_TEXT = {"Int", "Float", "Boolean"}
# A value each scalar accepts, for the arguments around the one under test.
SAMPLES: dict[str, Any] = {
    "String": "x",
    "ID": "x",
    "Int": 1,
    "Float": 1.5,
    "Boolean": True,
    "Date": "2027-01-04",
    "DateTime": "2027-01-04T10:00:00+00:00",
    "JSON": "x",
}
MAX_INPUT_DEPTH = 4


class Enum(str):
    """An enum value: bare in a literal, a string in variables."""


class Marked:
    """Where the value under test goes."""


MARK = Marked()


@dataclass(frozen=True)
class Step:
    """A field on the way from the root, under an inline fragment when it belongs to a
    type of an interface or union."""

    on: str | None
    name: str
    field: GraphQLField


@dataclass(frozen=True)
class StringInput:
    """One text input: the operation it is sent in, the fields leading to its field, the
    argument and the input fields inside it (a list is crossed with one item)."""

    operation: str
    root: str
    steps: tuple[Step, ...]
    argument: str
    path: tuple[str, ...]
    scalar: str

    def __str__(self) -> str:
        fields = ".".join(step.name for step in self.steps)
        return f"{self.root}.{fields}({'.'.join((self.argument, *self.path))}: {self.scalar})"

    def document(self, *, value: Any, literal: bool) -> tuple[str, dict[str, Any] | None]:
        """A document sending ``value`` (text, or a GraphQL escape when ``literal``) to this
        input, every other required argument and input field given a valid sample. With
        ``literal`` the value is written into the document, else passed as ``$v``."""
        *leading, last = self.steps
        argument = last.field.args[self.argument]
        marked = sample(argument.type, self.path)
        given = _render(marked, value) if literal else "$v"
        selection = f"{last.name}{_arguments(last.field, {self.argument: given})}"
        selection = _on(last, selection + _subselection(last.field))
        for step in reversed(leading):
            selection = _on(step, f"{step.name}{_arguments(step.field, {})} {{ {selection} }}")
        if literal:
            return f"{self.operation} Probe {{ {selection} }}", None
        header = f"{self.operation} Probe($v: {argument.type})"
        return f"{header} {{ {selection} }}", {"v": _variables(marked, value)}


def _on(step: Step, selection: str) -> str:
    return selection if step.on is None else f"... on {step.on} {{ {selection} }}"


def _subselection(field: GraphQLField) -> str:
    named = get_named_type(field.type)
    return " { __typename }" if not isinstance(named, (GraphQLScalarType, GraphQLEnumType)) else ""


def _arguments(field: GraphQLField, given: dict[str, str]) -> str:
    parts = [f"{name}: {text}" for name, text in given.items()]
    for name, argument in field.args.items():
        if name in given:
            continue
        if isinstance(argument.type, GraphQLNonNull) and argument.default_value is _undefined():
            parts.append(f"{name}: {_render(sample(argument.type, None), None)}")
    return f"({', '.join(parts)})" if parts else ""


def _undefined() -> Any:
    from graphql.pyutils import Undefined

    return Undefined


def sample(graphql_type: GraphQLInputType, path: tuple[str, ...] | None, depth: int = 0) -> Any:
    """A valid value of ``graphql_type``: its required input fields only, lists of one item;
    ``MARK`` at the end of ``path`` (None: no mark)."""
    if isinstance(graphql_type, GraphQLNonNull):
        return sample(graphql_type.of_type, path, depth)
    if isinstance(graphql_type, GraphQLList):
        return [sample(graphql_type.of_type, path, depth)]
    if path == ():
        return MARK
    if isinstance(graphql_type, GraphQLScalarType):
        return SAMPLES[graphql_type.name]
    if isinstance(graphql_type, GraphQLEnumType):
        return Enum(next(iter(graphql_type.values)))
    assert isinstance(graphql_type, GraphQLInputObjectType)
    value: dict[str, Any] = {}
    for name, input_field in graphql_type.fields.items():
        if path and path[0] == name:
            value[name] = sample(input_field.type, path[1:], depth + 1)
        elif (
            isinstance(input_field.type, GraphQLNonNull)
            and input_field.default_value is _undefined()
        ):
            value[name] = sample(input_field.type, None, depth + 1)
    return value


def _render(value: Any, marked: Any) -> str:
    """``value`` as a GraphQL literal; ``MARK`` becomes ``marked`` (already GraphQL text)."""
    if value is MARK:
        return str(marked)
    if isinstance(value, Enum):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_render(item, marked) for item in value) + "]"
    return "{" + ", ".join(f"{k}: {_render(v, marked)}" for k, v in value.items()) + "}"


def _variables(value: Any, marked: Any) -> Any:
    if value is MARK:
        return marked
    if isinstance(value, list):
        return [_variables(item, marked) for item in value]
    if isinstance(value, dict):
        return {key: _variables(item, marked) for key, item in value.items()}
    return str(value) if isinstance(value, Enum) else value


def _text_paths(
    graphql_type: GraphQLInputType, seen: frozenset[str] = frozenset()
) -> list[tuple[tuple[str, ...], str]]:
    """The paths to every text scalar inside ``graphql_type``, with the scalar's name."""
    named = get_named_type(graphql_type)
    if isinstance(named, GraphQLScalarType):
        return [] if named.name in NOT_TEXT else [((), named.name)]
    if not isinstance(named, GraphQLInputObjectType) or named.name in seen:
        return []
    if len(seen) >= MAX_INPUT_DEPTH:
        return []
    found = []
    for name, input_field in named.fields.items():
        for path, scalar in _text_paths(input_field.type, seen | {named.name}):
            found.append(((name, *path), scalar))
    return found


def string_inputs(schema: GraphQLSchema) -> list[StringInput]:
    """Every text input of ``schema``, each once: on the root fields of Query and
    Mutation, and on the fields of every type they reach (by its shortest way from the
    root, through ``... on`` where an interface or union is in between)."""
    found: list[StringInput] = []
    reached: set[str] = set()
    for operation, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        if root is None:
            continue
        queue: deque[tuple[GraphQLNamedType, tuple[Step, ...], str | None]] = deque(
            [(root, (), None)]
        )
        while queue:
            named, steps, on = queue.popleft()
            if named.name in reached:
                continue
            reached.add(named.name)
            if isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
                queue.extend((kind, steps, kind.name) for kind in schema.get_possible_types(named))
            if not isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)):
                continue
            for name, field in named.fields.items():
                to_field = (*steps, Step(on, name, field))
                for argument_name, argument in field.args.items():
                    for path, scalar in _text_paths(argument.type):
                        found.append(
                            StringInput(operation, root.name, to_field, argument_name, path, scalar)
                        )
                target = get_named_type(field.type)
                if isinstance(target, (GraphQLObjectType, GraphQLInterfaceType, GraphQLUnionType)):
                    queue.append((target, to_field, None))
    return found
