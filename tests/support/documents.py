"""Random GraphQL documents over a schema, for the seeded fuzz (``tests/api/test_edge_fuzz.py``).

Everything comes from one ``random.Random``: the same seed gives the same documents. A
document picks one to three root fields of a query or a mutation, gives their arguments
values of the right type most of the time (real global IDs, page sizes, dates) and of a
wrong one now and then (text for a number, a number for text, a misspelt enum value, null
for a required value, an unknown input field), as literals or as variables, and selects
random fields below them, through inline fragments and named fragments, with aliases, to
a bounded depth.
"""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass, field
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

WRONG = 0.02  # how often a value is of the wrong type
SLIPS = 0.005  # how often a document breaks a rule of its own (an unknown argument)
MAX_DEPTH = 5
AWKWARD = ["", " ", "%_", "\\", "'", '"', "\u202e", "\U0001f600", "\t\n", "x" * 300, "null"]
INTS = [0, 1, 2, 5, 20, 100, 101, -1, 2**31 - 1, -(2**31)]
OUT_OF_RANGE = [2**31, -(2**31) - 1, 10**20]
DATES = ["2027-01-04", "2024-02-29", "2025-03-14", "2027-13-45", "0000-01-01", "", "tomorrow"]
DATES += ["9999-12-31", "0001-01-01"]
# What a forged cursor may hold: text no column holds, integers and decimals past their
# columns, times at the ends of the calendar, and values like the real ones.
CURSOR_VALUES = ["\x00", "a\ud800", "9" * 30, "-1", "0", "1", "1e-100000", "NaN", "0.5", "x"]
CURSOR_VALUES += ["9999-12-31T23:59:59-14:00", "2027-01-04T10:00:00+00:00", "2027-01-04"]
CURSOR_VALUES += ["00000000-0000-0000-0000-000000000000", "51-4041", ""]


class Enum(str):
    """An enum value: bare in a literal, a string in variables."""


@dataclass
class DocumentGenerator:
    schema: GraphQLSchema
    rng: random.Random
    global_ids: list[str]
    wrong: float = WRONG
    codes: list[str] = field(default_factory=lambda: ["51-4121", "51-4041", "2.B.3.h"])

    def document(self) -> tuple[str, dict[str, Any]]:
        """A document and its variables."""
        self._variables: dict[str, tuple[str, Any]] = {}
        self._fragments: dict[str, str] = {}
        self._aliases = 0
        mutation = self.schema.mutation_type
        root: GraphQLObjectType | None = self.schema.query_type
        operation = "query"
        if mutation is not None and self.rng.random() < 0.3:
            root, operation = mutation, "mutation"
        assert root is not None
        names = self.rng.sample(sorted(root.fields), k=self.rng.randint(1, 3))
        selections = " ".join(self._field(name, root.fields[name], 1) for name in names)
        header = ""
        if self._variables:
            header = "(" + ", ".join(f"${n}: {t}" for n, (t, _) in self._variables.items()) + ")"
        name = self.rng.choice(["", " Fuzz", " F_1"])
        text = f"{operation}{name}{header} {{ {selections} }}"
        text += "".join(f" {fragment}" for fragment in self._fragments.values())
        variables = {n: value for n, (_, value) in self._variables.items()}
        return text, variables

    # -- selections ------------------------------------------------------------------------

    def _field(self, name: str, graphql_field: GraphQLField, depth: int) -> str:
        alias = ""
        if self.rng.random() < 0.2:  # now and then the same alias twice: a conflict
            self._aliases += self.rng.random() > SLIPS
            alias = f"a{self._aliases}: "
        arguments = self._arguments(graphql_field)
        return f"{alias}{name}{arguments}{self._subselection(graphql_field.type, depth)}"

    def _subselection(self, graphql_type: Any, depth: int) -> str:
        named = get_named_type(graphql_type)
        if isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
            return "" if self.rng.random() > SLIPS else " { __typename }"  # invalid
        if depth >= MAX_DEPTH:
            return " { __typename }"
        return " { " + self._selections(named, depth + 1) + " }"

    def _selections(self, named: GraphQLNamedType, depth: int) -> str:
        parts: list[str] = []
        if isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
            possible = list(self.schema.get_possible_types(named))
            for kind in self.rng.sample(possible, k=min(len(possible), self.rng.randint(1, 2))):
                parts.append(self._fragment_of(kind, depth))
        if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)):
            fields = sorted(named.fields)
            for name in self.rng.sample(fields, k=min(len(fields), self.rng.randint(1, 4))):
                parts.append(self._field(name, named.fields[name], depth))
            if self.rng.random() < 0.15:
                parts.append(self._fragment_of(named, depth))
        return " ".join(parts) or "__typename"

    def _fragment_of(self, kind: GraphQLNamedType, depth: int) -> str:
        inner = self._selections(kind, depth) if depth < MAX_DEPTH else "__typename"
        if self.rng.random() < 0.5:
            return f"... on {kind.name} {{ {inner} }}"
        name = f"Frag{len(self._fragments)}"
        self._fragments[name] = f"fragment {name} on {kind.name} {{ {inner} }}"
        return f"...{name}"

    # -- arguments and values --------------------------------------------------------------

    def _arguments(self, graphql_field: GraphQLField) -> str:
        parts: list[str] = []
        for name, argument in graphql_field.args.items():
            required = isinstance(argument.type, GraphQLNonNull)
            if not required and self.rng.random() < 0.5:
                continue
            value = self.value(argument.type)
            if name == "first" and self.rng.random() > WRONG:
                value = self.rng.choice([1, 2, 3, 5, 10, 20])  # a page size the limit allows
            if name == "after" and self.rng.random() < 0.6:
                value = self.cursor()
            if self.rng.random() < 0.3:
                variable = f"v{len(self._variables)}"
                declared = str(argument.type)
                if self.rng.random() < self.wrong:
                    declared = self.rng.choice(["String", "Int!", "[ID]", "Boolean", declared])
                self._variables[variable] = (declared, value)
                parts.append(f"{name}: ${variable}")
            else:
                parts.append(f"{name}: {literal(value)}")
        if self.rng.random() < SLIPS:
            parts.append("unknownArgument: 1")
        return f"({', '.join(parts)})" if parts else ""

    def value(self, graphql_type: GraphQLInputType, depth: int = 0) -> Any:
        """A value for ``graphql_type``: of that type, or (at ``WRONG``) of another."""
        if self.rng.random() < self.wrong:
            return self.rng.choice(
                [None, "10", 7, 1.5, True, [], {}, Enum("NOT_A"), ["x", 1], {"a": 1}, *OUT_OF_RANGE]
            )
        if isinstance(graphql_type, GraphQLNonNull):
            return self.value(graphql_type.of_type, depth)
        if isinstance(graphql_type, GraphQLList):
            if self.rng.random() < 0.1:
                return self.value(graphql_type.of_type, depth)  # one value for a list
            return [self.value(graphql_type.of_type, depth) for _ in range(self.rng.randint(0, 3))]
        if isinstance(graphql_type, GraphQLEnumType):
            return Enum(self.rng.choice(sorted(graphql_type.values)))
        if isinstance(graphql_type, GraphQLInputObjectType):
            return self._input_object(graphql_type, depth)
        assert isinstance(graphql_type, GraphQLScalarType)
        return self._scalar(graphql_type.name)

    def _input_object(self, graphql_type: GraphQLInputObjectType, depth: int) -> dict[str, Any]:
        value: dict[str, Any] = {}
        for name, input_field in graphql_type.fields.items():
            required = isinstance(input_field.type, GraphQLNonNull)
            if (required and self.rng.random() > SLIPS) or (depth < 3 and self.rng.random() < 0.5):
                value[name] = self.value(input_field.type, depth + 1)
        if self.rng.random() < SLIPS:
            value["notAField"] = "x"
        return value

    def _scalar(self, name: str) -> Any:
        rng = self.rng
        if name == "Int":
            return rng.choice(INTS) if rng.random() < 0.7 else rng.randint(-1000, 1000)
        if name == "Float":
            return rng.choice([0.0, 1.5, -2.25, 1e300])
        if name == "Boolean":
            return rng.random() < 0.5
        if name in ("Date", "DateTime"):
            day = rng.choice(DATES)
            return f"{day}T10:00:00+00:00" if name == "DateTime" and day[:1].isdigit() else day
        if name == "ID" and self.global_ids and rng.random() < 0.7:
            return rng.choice(self.global_ids)
        return self._text()

    def cursor(self) -> str:
        """A forged cursor: one to three values, each of the kinds cursors hold or of none."""
        values = [self.rng.choice(CURSOR_VALUES) for _ in range(self.rng.randint(1, 3))]
        raw = json.dumps(values if self.rng.random() > 0.05 else {"a": values}).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _text(self) -> str:
        rng = self.rng
        choice = rng.random()
        if choice < 0.3:
            return rng.choice(AWKWARD)
        if choice < 0.45:
            return rng.choice(self.codes)
        if choice < 0.55 and self.global_ids:
            return rng.choice(self.global_ids)[: rng.randint(0, 20)]
        if choice < 0.65:
            return str(rng.choice(INTS))
        if choice < 0.75:
            return rng.choice(
                ["USD", "EUR", "usd", "XXX", "2027Q1", "2027Q5", "9999Q4", "0001Q1", "1.5", "-3"]
            )
        alphabet = "abcXYZ019 -_.,;:!?@#/\\\"'éß漢\u0301\U0001f600\u200b\x7f"
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))


def literal(value: Any) -> str:
    """``value`` as a GraphQL literal (ASCII: every other character as an escape)."""
    if value is None:
        return "null"
    if isinstance(value, Enum):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    return "{" + ", ".join(f"{key}: {literal(item)}" for key, item in value.items()) + "}"
