"""Limits checked before any resolver runs: page sizes and the operation's cost.

The cost of an operation is the number of objects it could return: each
field counts once per parent object, and a connection's ``first`` (or a
``nodes`` list's length) multiplies everything under it. A nested
``first: 100`` inside ``first: 100`` costs at least 10,000 and is refused
even though each page size alone is allowed.

Before any of that (and before any validation rule), a document whose fragments
expand to more than ``max_selections`` fields and spreads is refused: the depth,
alias and cost rules walk the expansion, which a fragment spread twice at each of 40
levels makes 2^40 long. Then one whose fields would take the overlap rule too many
comparisons (``api/overlap.py``) is refused too.

Every response says what its operation cost in ``extensions.cost``
(``requestedQueryCost`` and ``maximumQueryCost``), accepted or refused, as
GitHub and Shopify report theirs, so a client can see how close it is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
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
    NoFragmentCyclesRule,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    validate,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from coalition.api.overlap import LIMIT_CODE, overlap_errors
from coalition.pagination import DEFAULT_PAGE_SIZE

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
    """Prices an operation. Each fragment is priced once, for one parent object (a
    subtree's price scales with its multiplier), so a fragment spread twice at every
    level of a chain costs linear work, not exponential."""

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
        self._fragment_costs: dict[tuple[str, str], int] = {}

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

    def cost(self, selection_set: SelectionSetNode, parent: GraphQLNamedType) -> int:
        """The objects ``selection_set`` could return for one ``parent`` object."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += 1 + self._below(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.cost(selection.selection_set, target or parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, parent)
        return total

    def _below(self, field: FieldNode, owner: GraphQLNamedType) -> int:
        if field.selection_set is None or not isinstance(
            owner, (GraphQLObjectType, GraphQLInterfaceType)
        ):
            return 0
        definition = owner.fields.get(field.name.value)
        if definition is None:
            return 0
        child = get_named_type(definition.type)
        return self._multiplier(field, definition.args) * self.cost(field.selection_set, child)

    def _fragment(self, name: str, parent: GraphQLNamedType) -> int:
        fragment = self.fragments.get(name)
        if fragment is None:
            return 0
        target = self.schema.get_type(fragment.type_condition.name.value) or parent
        key = (name, target.name)
        if key not in self._fragment_costs:
            self._fragment_costs[key] = 0  # a cycle (NoFragmentCycles reports it) adds nothing
            self._fragment_costs[key] = self.cost(fragment.selection_set, target)
        return self._fragment_costs[key]


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
        # Depends on the request (its variables): run even for a known document.
        per_request = True

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
            cost = walker.cost(node.selection_set, root)
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


class _Expansion:
    """How many selections (fields, inline fragments and fragment spreads) the operations
    of a document hold once every fragment spread is replaced by its fragment: the work
    of any rule that walks the operations through their fragments. Each fragment is
    counted once, without recursion, so a document of any shape costs linear work."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments: dict[str, tuple[int, Counter[str]]] = {}
        self.operations: list[tuple[int, Counter[str]]] = []
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                self.fragments[definition.name.value] = _own(definition.selection_set)
            elif isinstance(definition, OperationDefinitionNode):
                self.operations.append(_own(definition.selection_set))
        self.has_cycle = False
        self._sizes: dict[str, int] = {}

    def size(self, cap: int) -> int:
        """The operations' expanded size, or a number above ``cap`` once it passes it."""
        total = 0
        for own, spreads in self.operations:
            for name in spreads:
                self._fragment(name, cap)
            total += own + self._spread(spreads, cap)
            if total > cap:
                return cap + 1
        return total

    def _spread(self, spreads: Counter[str], cap: int) -> int:
        """What ``spreads`` add, once every fragment they name is sized (one in a cycle,
        or unknown, adds nothing: validation refuses those anyway)."""
        total = 0
        for name, count in spreads.items():
            total = min(total + count * self._sizes.get(name, 0), cap + 1)
        return total

    def _fragment(self, name: str, cap: int) -> None:
        if name not in self.fragments:
            return  # KnownFragmentNames reports it
        # Depth-first over the spreads with an explicit stack: a chain of fragments as long
        # as the token limit allows must not reach Python's recursion limit.
        visiting: set[str] = set()
        stack = [name]
        while stack:
            current = stack[-1]
            if current in self._sizes:
                stack.pop()
                continue
            own, spreads = self.fragments[current]
            if current not in visiting:
                visiting.add(current)
                for spread in spreads:
                    if spread in visiting and spread not in self._sizes:
                        self.has_cycle = True
                    elif spread in self.fragments and spread not in self._sizes:
                        stack.append(spread)
                continue
            self._sizes[current] = min(own + self._spread(spreads, cap), cap + 1)
            stack.pop()


def _own(selection_set: SelectionSetNode) -> tuple[int, Counter[str]]:
    """A definition's selections, not counting into the fragments it spreads, and how
    often it spreads each fragment."""
    count = 0
    spreads: Counter[str] = Counter()
    pending = [selection_set]
    while pending:
        for selection in pending.pop().selections:
            count += 1
            if isinstance(selection, FragmentSpreadNode):
                spreads[selection.name.value] += 1
            elif (
                isinstance(selection, (FieldNode, InlineFragmentNode))
                and selection.selection_set is not None
            ):
                pending.append(selection.selection_set)
    return count, spreads


def expansion_errors(
    schema: GraphQLSchema, document: DocumentNode, *, max_selections: int
) -> list[GraphQLError]:
    """Why ``document`` must not reach validation: its fragments expand past
    ``max_selections`` or spread each other in a cycle. Rules that expand fragments
    (depth, aliases, cost) take work proportional to the expansion, and along a cycle
    to the number of its paths, so this check runs first and alone."""
    expansion = _Expansion(document)
    size = expansion.size(max_selections)
    if expansion.has_cycle:
        return validate(schema, document, [NoFragmentCyclesRule])
    if size > max_selections:
        return [
            GraphQLError(
                f"This document holds more than {max_selections} fields and fragment "
                "spreads once its fragments are expanded. Spread fewer fragments.",
                extensions={"code": LIMIT_CODE},
            )
        ]
    return []


class OperationLimits(SchemaExtension):
    """Refuses a document whose fragments expand too far, or whose fields would take the
    overlap rule too long to compare, before validation starts; adds
    the cost rule, built with this request's variables, to validation, and reports the
    cost of the operation that runs in ``extensions.cost``."""

    def __init__(
        self,
        *,
        max_page_size: int,
        max_cost: int,
        max_selections: int,
        max_field_comparisons: int,
    ) -> None:
        self.max_page_size = max_page_size
        self.max_cost = max_cost
        self.max_selections = max_selections
        self.max_field_comparisons = max_field_comparisons
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

    def on_validate(self) -> Iterator[None]:
        # Every extension's on_validate runs before any validation rule does; errors set
        # here make strawberry skip the rules altogether.
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            schema = context.schema._schema
            errors = expansion_errors(schema, document, max_selections=self.max_selections)
            if not errors:
                errors = overlap_errors(document, max_comparisons=self.max_field_comparisons)
            if errors:
                context.pre_execution_errors = errors
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
