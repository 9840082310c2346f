"""Properties of the disclosure rule over random markets (hypothesis, bounded).

What is proved for every example, from the records alone (not the engine's internals):
(a) every shown number passes the rule; (b) in a one-way breakdown with a shown
total, the hidden cells are none or at least two, and together they pass the rule:
all an attacker can compute from one response is their sum, a number that passes;
(c) a filtered number shown never hides a part that fails: what the filter drops
from it is none or passes; (d) a suppressed number carries no numbers; (e) an
occupation the occupation breakdown hides (failing, or its partner) is shown in
no cell of a one- or two-way breakdown nor as a total filtered to it: no response
publishes what another hides to protect a neighbour; (f) the rule itself is the p%
rule: a number passes exactly when it has k contributors and no contributor can
estimate any other's amount within p% by subtracting its own from the total.
Exact recovery across many responses is attacked in test_summary_attacks.py.

Amounts are multiples of 1/4 (openings spread over quarters), so their sums are
exact in floating point and compare equal in any order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coalition.disclosure.cells import Breakdown, Condition, Dimension, Disclosure, Figure, Record
from coalition.disclosure.engine import disclose
from coalition.disclosure.rule import DisclosureRule, hidden_in_line

ATTRIBUTES = frozenset({"occupation", "quarter", "degree"})
DIMENSIONS = {name: Dimension(name, name) for name in ("occupation", "quarter", "degree")}

record_strategy = st.builds(
    lambda employer, openings, occupation, quarter, degree: Record(
        employer, openings, {"occupation": occupation, "quarter": quarter, "degree": degree}
    ),
    st.sampled_from("abcdefg"),
    st.integers(1, 240).map(lambda quarters: quarters / 4),
    st.sampled_from("ABCDE"),
    st.sampled_from(("Q1", "Q2", "Q3")),
    st.booleans(),
)
# Small markets (edge cases), and larger ones, where the p% rule leaves cells to show.
records_strategy = st.one_of(
    st.lists(record_strategy, min_size=1, max_size=10),
    st.lists(record_strategy, min_size=10, max_size=40),
)
rules = st.builds(DisclosureRule, st.integers(2, 5), st.integers(1, 50))
EXAMPLES = settings(max_examples=200, deadline=None, database=None, derandomize=True)


def contributions(records: list[Record], member: Callable[[Record], bool]) -> dict[str, float]:
    totals: defaultdict[str, float] = defaultdict(float)
    for record in records:
        if member(record):
            totals[str(record.contributor)] += record.amount
    return totals


def in_cell(dimensions: tuple[str, ...], key: tuple[Any, ...]) -> Callable[[Record], bool]:
    return lambda r: all(r.values[d] == k for d, k in zip(dimensions, key, strict=True))


def assert_no_numbers(figure: Figure) -> None:
    assert (figure.amount, figure.contributor_count, figure.median, figure.unit) == (
        None,
        None,
        None,
        None,
    )


def breakdown_of(result: Disclosure) -> dict[tuple[Any, ...], Figure]:
    return {cell.key: cell for cell in result.cells}


@EXAMPLES
@given(
    records_strategy,
    rules,
    st.sampled_from(
        [("occupation",), ("quarter",), ("occupation", "quarter"), ("quarter", "degree")]
    ),
)
def test_shown_numbers_pass_and_hidden_ones_carry_nothing(
    records: list[Record], rule: DisclosureRule, dimensions: tuple[str, ...]
) -> None:
    breakdown = Breakdown(tuple(DIMENSIONS[d] for d in dimensions), (), ATTRIBUTES)

    result = disclose(records, rule, breakdown)

    for cell in [*result.cells, result.total]:
        member = in_cell(dimensions, cell.key) if cell.key else (lambda r: True)
        if cell.suppressed:
            assert_no_numbers(cell)
        else:
            found = contributions(records, member)
            assert rule.allows(found)
            assert (cell.amount, cell.contributor_count) == (sum(found.values()), len(found))
    keys = {tuple(r.values[d] for d in dimensions) for r in records}
    assert [cell.key for cell in result.cells] == sorted(keys)


@EXAMPLES
@given(records_strategy, rules, st.sampled_from(("occupation", "quarter", "degree")))
def test_hidden_cells_of_a_shown_total_are_two_or_more_and_pass_together(
    records: list[Record], rule: DisclosureRule, dimension: str
) -> None:
    result = disclose(records, rule, Breakdown((DIMENSIONS[dimension],), (), ATTRIBUTES))

    hidden = {cell.key[0] for cell in result.cells if cell.suppressed}
    if not result.total.suppressed and hidden:
        assert len(hidden) >= 2
        assert rule.allows(contributions(records, lambda r: r.values[dimension] in hidden))
        shown = sum(cell.amount or 0 for cell in result.cells)
        assert result.total.amount is not None
        assert result.total.amount - shown == sum(
            r.amount for r in records if r.values[dimension] in hidden
        )


def _in_part(record: Record, *, place: Callable[[Record], bool], degree: bool, keep: bool) -> bool:
    """In the cell, and kept (or dropped) by the filter on the degree."""
    return place(record) and (record.values["degree"] is degree) is keep


@EXAMPLES
@given(records_strategy, rules, st.booleans(), st.sampled_from(("occupation", "quarter")))
def test_what_a_filter_drops_from_a_shown_number_passes_or_is_nothing(
    records: list[Record], rule: DisclosureRule, degree: bool, dimension: str
) -> None:
    condition = Condition("degree", lambda required: required is degree)
    breakdown = Breakdown((DIMENSIONS[dimension],), (condition,), ATTRIBUTES)

    result = disclose(records, rule, breakdown)

    for cell in [*result.cells, result.total]:
        if cell.suppressed:
            assert_no_numbers(cell)
            continue
        place = in_cell((dimension,), cell.key) if cell.key else (lambda r: True)

        kept = contributions(records, partial(_in_part, place=place, degree=degree, keep=True))
        dropped = contributions(records, partial(_in_part, place=place, degree=degree, keep=False))
        assert rule.allows(kept)
        assert not dropped or rule.allows(dropped)


@EXAMPLES
@given(records_strategy, rules, st.sampled_from("ABCDE"))
def test_no_response_shows_an_occupation_the_occupation_breakdown_hides(
    records: list[Record], rule: DisclosureRule, occupation: str
) -> None:
    by_occupation = {
        code: contributions(records, in_cell(("occupation",), (code,)))
        for code in {r.values["occupation"] for r in records}
    }
    hidden = hidden_in_line(by_occupation, rule)

    one_way = disclose(records, rule, Breakdown((DIMENSIONS["occupation"],), (), ATTRIBUTES))
    two_way = disclose(
        records, rule, Breakdown((DIMENSIONS["occupation"], DIMENSIONS["quarter"]), (), ATTRIBUTES)
    )
    filtered = disclose(
        records,
        rule,
        Breakdown((), (Condition("occupation", lambda code: code == occupation),), ATTRIBUTES),
    )

    for result in (one_way, two_way):
        assert not any(cell.key[0] in hidden and not cell.suppressed for cell in result.cells)
    if occupation in hidden:
        assert filtered.total.suppressed


@EXAMPLES
@given(
    st.dictionaries(st.sampled_from("abcdefghij"), st.integers(0, 80).map(lambda n: n / 4)),
    rules,
)
def test_a_number_passes_when_no_contributor_can_estimate_another_within_p_percent(
    amounts: dict[str, float], rule: DisclosureRule
) -> None:
    """Contributor ``j`` knows its own amount: the total minus it bounds ``i``'s from above,
    off by what the others hold. The p% rule: that error is at least p% of ``i``'s, for every
    pair (the leader against the runner-up is the worst)."""
    positive = {who: amount for who, amount in amounts.items() if amount > 0}
    total = sum(positive.values())
    nobody_estimates_anyone = all(
        (total - positive[i] - positive[j]) * 100 >= rule.p_percent * positive[i]
        for i in positive
        for j in positive
        if i != j
    )

    assert rule.allows(amounts) is (len(positive) >= rule.min_employers and nobody_estimates_anyone)


@EXAMPLES
@given(
    st.dictionaries(st.sampled_from("abcdefghij"), st.integers(1, 400).map(lambda n: n / 4)),
    rules,
    st.integers(1, 400).map(lambda n: n / 4),
)
def test_a_newcomer_no_larger_than_the_runner_up_never_hides_a_shown_number(
    amounts: dict[str, float], rule: DisclosureRule, newcomer: float
) -> None:
    """Monotone where it must be: more small contributors only widen every estimate."""
    assume(rule.allows(amounts) and newcomer <= sorted(amounts.values())[-2])

    assert rule.allows(amounts | {"newcomer": newcomer}) is True


@EXAMPLES
@given(rules, st.integers(1, 20), st.floats(0, 1))
def test_the_rest_at_exactly_p_percent_of_the_largest_passes_and_a_quarter_less_fails(
    rule: DisclosureRule, scale: int, runner_up_place: float
) -> None:
    """k contributors: the largest, the runner-up anywhere between the others and the
    largest, and k - 2 others holding exactly p% of the largest together."""
    others = max(rule.min_employers - 2, 1)
    largest = 25 * scale * others
    other = rule.p_percent * scale / 4
    runner_up = other + (largest - other) * runner_up_place // 0.25 * 0.25
    amounts = {"largest": largest, "runner-up": runner_up} | {
        f"other {n}": other for n in range(others)
    }

    assert rule.allows(amounts) is True
    assert rule.allows(amounts | {"other 0": other - 0.25}) is False
