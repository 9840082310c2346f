"""Limits checked before any resolver runs: page sizes and the operation's cost.

The cost of an operation is the number of objects it could return: each
field counts once per parent object, and a connection's ``first`` (or a
``nodes`` list's length) multiplies everything under it. A nested
``first: 100`` inside ``first: 100`` costs at least 10,000 and is refused
even though each page size alone is allowed.

Every response says what its operation cost in ``extensions.cost``
(``requestedQueryCost`` and ``maximumQueryCost``), accepted or refused, as
GitHub and Shopify report theirs, so a client can see how close it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from coalition.pagination import DEFAULT_PAGE_SIZE

LIMIT_CODE = "QUERY_LIMIT_EXCEEDED"


# A GraphQL Int is 32-bit; a value outside it (or of another type) is a type error, which
# graphql-core reports itself: the cost rule leaves it alone rather than call it a limit.
_INT_RANGE = range(-(2**31), 2**31)


def _as_int(value: Any) -> int | None:
    """``value`` as a GraphQL Int, or None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and value in _INT_RANGE:
        return value
    return None


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        max_page_size: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.max_page_size = max_page_size
        self.errors: list[str] = []

    def _value(self, node: Any) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, ListValueNode):
            return list(node.values)
        return None

    def _multiplier(self, field: FieldNode, field_def_args: Mapping[str, Any]) -> int:
        arguments = {argument.name.value: argument.value for argument in field.arguments or ()}
        if "first" in field_def_args:
            value = self._value(arguments["first"]) if "first" in arguments else None
            first = _as_int(value)
            if first is None:
                return DEFAULT_PAGE_SIZE
            if not 1 <= first <= self.max_page_size:
                self.errors.append(
                    f"'first' on '{field.name.value}' must be between 1 and {self.max_page_size}."
                )
                return 1
            return first
        if "ids" in field_def_args and "ids" in arguments:
            ids = self._value(arguments["ids"])
            if isinstance(ids, list):
                if len(ids) > self.max_page_size:
                    self.errors.append(
                        f"'ids' on '{field.name.value}' may list at most {self.max_page_size} IDs."
                    )
                return max(len(ids), 1)
        return 1

    def _fields(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, seen: frozenset[str]
    ) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                yield from self._fields(selection.selection_set, target or parent, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value) or parent
                yield from self._fields(fragment.selection_set, target, seen | {name})

    def cost(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        multiplier: int,
        seen: frozenset[str] = frozenset(),
    ) -> int:
        total = 0
        for field, owner in self._fields(selection_set, parent, seen):
            total += multiplier
            if field.selection_set is None or not isinstance(
                owner, (GraphQLObjectType, GraphQLInterfaceType)
            ):
                continue
            definition = owner.fields.get(field.name.value)
            if definition is None:
                continue
            child = get_named_type(definition.type)
            total += self.cost(
                field.selection_set,
                child,
                multiplier * self._multiplier(field, definition.args),
                seen,
            )
        return total


def cost_rule(
    variables: Mapping[str, Any] | None,
    *,
    max_page_size: int,
    max_cost: int,
    costs: dict[str | None, int] | None = None,
) -> type[ValidationRule]:
    """A validation rule (one per request: it needs the request's variables).

    It writes each operation's cost into ``costs``, by operation name (None for
    an anonymous operation).
    """

    class OperationCost(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            schema = self.context.schema
            root = {
                OperationType.QUERY: schema.query_type,
                OperationType.MUTATION: schema.mutation_type,
                OperationType.SUBSCRIPTION: schema.subscription_type,
            }[node.operation]
            if root is None:
                return
            fragments = {
                definition.name.value: definition
                for definition in self.context.document.definitions
                if isinstance(definition, FragmentDefinitionNode)
            }
            values = dict(variables or {})
            # A variable the client left out takes the operation's default: price that.
            for definition in node.variable_definitions or ():
                name = definition.variable.name.value
                if name not in values and definition.default_value is not None:
                    values[name] = value_from_ast_untyped(definition.default_value)
            walker = _Walker(schema, fragments, values, max_page_size)
            cost = walker.cost(node.selection_set, root, 1)
            if costs is not None:
                costs[node.name.value if node.name else None] = cost
            for message in walker.errors:
                self.report_error(GraphQLError(message, node, extensions={"code": LIMIT_CODE}))
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"This operation could return {cost} objects; the limit is {max_cost}. "
                        "Ask for smaller pages.",
                        node,
                        extensions={"code": LIMIT_CODE},
                    )
                )

    return OperationCost


class OperationLimits(SchemaExtension):
    """Adds the cost rule, built with this request's variables, to validation, and
    reports the cost of the operation that runs in ``extensions.cost``."""

    def __init__(self, *, max_page_size: int, max_cost: int) -> None:
        self.max_page_size = max_page_size
        self.max_cost = max_cost
        self.costs: dict[str | None, int] = {}

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = (
            *context.validation_rules,
            cost_rule(
                context.variables,
                max_page_size=self.max_page_size,
                max_cost=self.max_cost,
                costs=self.costs,
            ),
        )
        yield

    def get_results(self) -> dict[str, Any]:
        cost = self._requested_cost()
        if cost is None:
            return {}  # not priced: the document did not parse, or names no operation in it
        return {"cost": {"requestedQueryCost": cost, "maximumQueryCost": self.max_cost}}

    def _requested_cost(self) -> int | None:
        name = self.execution_context.operation_name
        if name is not None:
            return self.costs.get(name)
        if len(self.costs) == 1:
            return next(iter(self.costs.values()))
        return None
