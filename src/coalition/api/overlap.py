"""Bounding the work of graphql-core's OverlappingFieldsCanBeMerged rule.

The rule compares every two fields that answer under the same response name in
one selection set (fragments and inline fragments merged in), then every two
fields under the same name in their selections, and so on down; and in each
selection set every fragment spread into it against its fields and against every
other such fragment. Its work grows with the square of how often one name (or
fragment) repeats: ``{ __typename __typename ... }`` 600 times is 180,000 pairs and
held the event loop for 150 ms, 115 ``a: organizations(first: n)`` for 90 ms, 180
fragments spread into one selection for 100 ms. No other limit sees this
(repeating a name is no alias, costs no depth, and each field is cheap), so the
comparisons are counted first, in work linear in the document, and a document
with too many is refused before any rule runs. One comparison took 0.4 to 16 us
(a pair of fields whose selections differ deep down is the dearest).

The count walks each operation with its fragments expanded, which the expansion
limit (``limits.expansion_errors``) has already bounded. A fragment no operation
uses would escape that walk (and any bound), so ``limits.overlap_errors`` refuses
such a document first, with graphql-core's own error for it.
"""

from __future__ import annotations

from collections import Counter

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

# Every limit's code (the cost, expansion and overlap limits share it).
LIMIT_CODE = "QUERY_LIMIT_EXCEEDED"


def overlap_work(document: DocumentNode, *, cap: int) -> int:
    """The comparisons the overlap rule makes on ``document``'s operations, counted on
    their expansion (fragments and inline fragments merged into the selection set that
    holds them, each fragment once), or a number above ``cap`` once the count passes
    it: each pair of fields that share a response path, and in each selection set each
    fragment it reaches against its fields and against every other such fragment. The caller must
    have bounded the expansion and refused fragment cycles: this walks the expansion."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    paths: dict[tuple[int, str], int] = {}
    work = 0
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        # One count per operation: two operations' fields are never compared.
        seen: Counter[int] = Counter()
        pending: list[tuple[SelectionSetNode, int]] = [(definition.selection_set, 0)]
        while pending:
            selection_set, parent = pending.pop()
            fields = 0
            spread: set[str] = set()  # the rule compares a fragment once per selection set
            merged = [selection_set]
            while merged:
                for selection in merged.pop().selections:
                    if isinstance(selection, FieldNode):
                        fields += 1
                        name = (selection.alias or selection.name).value
                        path = paths.setdefault((parent, name), len(paths) + 1)
                        work += seen[path]  # it pairs with each field seen there before
                        seen[path] += 1
                        if work > cap:
                            return cap + 1
                        if selection.selection_set is not None:
                            pending.append((selection.selection_set, path))
                    elif isinstance(selection, InlineFragmentNode):
                        merged.append(selection.selection_set)
                    elif isinstance(selection, FragmentSpreadNode):
                        fragment = fragments.get(selection.name.value)
                        # an unknown one is validation's to refuse
                        if fragment is not None and fragment.name.value not in spread:
                            spread.add(fragment.name.value)
                            merged.append(fragment.selection_set)
            spreads = len(spread)
            work += fields * spreads + spreads * (spreads - 1) // 2
            if work > cap:
                return cap + 1
    return work


def unused_fragment_errors(document: DocumentNode) -> list[GraphQLError]:
    """graphql-core's NoUnusedFragments errors, found in one pass over the document (the
    rule itself walks every node with the schema's type information: 40 ms for 2,000
    tokens)."""
    fragments = [
        definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    ]
    by_name = {fragment.name.value: fragment for fragment in fragments}
    reached: set[str] = set()
    pending = [
        definition.selection_set
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in by_name and name not in reached:
                    reached.add(name)
                    pending.append(by_name[name].selection_set)
            elif (
                isinstance(selection, (FieldNode, InlineFragmentNode))
                and selection.selection_set is not None
            ):
                pending.append(selection.selection_set)
    return [
        GraphQLError(f"Fragment '{fragment.name.value}' is never used.", fragment)
        for fragment in fragments
        if fragment.name.value not in reached
    ]


def overlap_errors(document: DocumentNode, *, max_comparisons: int) -> list[GraphQLError]:
    """Why ``document`` must not reach validation: a fragment no operation uses, or more
    than ``max_comparisons`` for the overlap rule to make. Call it only once
    ``limits.expansion_errors`` found nothing (it refuses cycles and bounds the walk)."""
    unused = unused_fragment_errors(document)
    if unused:
        return unused
    if overlap_work(document, cap=max_comparisons) <= max_comparisons:
        return []
    return [
        GraphQLError(
            "This document selects the same fields too often: checking that they merge "
            f"takes more than {max_comparisons} comparisons. Select each field once, and "
            "spread fewer fragments into one selection.",
            extensions={"code": LIMIT_CODE},
        )
    ]
