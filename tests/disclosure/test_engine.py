"""The disclosure rule on its own (pure): settings, the primary test, breakdowns, filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from coalition.disclosure.cells import (
    Breakdown,
    Condition,
    Dimension,
    Disclosure,
    Record,
    median,
    round_half_even,
)
from coalition.disclosure.engine import disclose
from coalition.disclosure.rule import DisclosureRule, InvalidDisclosureSettings, hidden_in_line

RULE = DisclosureRule()
OCCUPATION = Dimension("OCCUPATION", "occupation")
QUARTER = Dimension("QUARTER", "quarter")
EVERY_ATTRIBUTE = frozenset({"occupation", "quarter", "degree"})


def record(
    employer: str,
    openings: float,
    occupation: str = "A",
    quarter: str = "Q1",
    degree: bool = False,
    wages: tuple[int, ...] = (),
    currency: str = "USD",
) -> Record:
    return Record(
        employer,
        openings,
        {"occupation": occupation, "quarter": quarter, "degree": degree},
        wages,
        currency if wages else None,
    )


def table(result: Disclosure) -> dict[Any, tuple[float | None, int | None]]:
    cells = {cell.key: (cell.amount, cell.contributor_count) for cell in result.cells}
    return cells | {"total": (result.total.amount, result.total.contributor_count)}


HIDDEN = (None, None)


def test_the_default_rule_is_three_employers_p_10_and_noise_from_10_to_25_percent() -> None:
    assert DisclosureRule.from_settings({}) == DisclosureRule(3, 10, 10, 25)
    assert DisclosureRule.from_settings(None) == DisclosureRule(3, 10, 10, 25)
    assert DisclosureRule.from_settings({"disclosure": {"min_employers": 4}}) == DisclosureRule(
        4, 10, 10, 25
    )
    configured = {"min_employers": 5, "p_percent": 20, "noise_min_percent": 15}
    assert DisclosureRule.from_settings(
        {"time_zone": "UTC", "disclosure": configured | {"noise_max_percent": 30}}
    ) == DisclosureRule(5, 20, 15, 30)
    assert DisclosureRule(5, 20, 15, 30).as_settings() == configured | {"noise_max_percent": 30}


@pytest.mark.parametrize(
    "configured",
    [
        {"min_employers": 2, "p_percent": 1, "noise_min_percent": 5, "noise_max_percent": 10},
        {"min_employers": 50, "p_percent": 50, "noise_min_percent": 40, "noise_max_percent": 50},
        {"noise_min_percent": 10, "noise_max_percent": 15},
    ],
)
def test_settings_at_the_bounds_are_taken_as_they_are(configured: dict[str, int]) -> None:
    rule = DisclosureRule.from_settings({"disclosure": configured})

    assert rule.as_settings() == DisclosureRule().as_settings() | configured


@pytest.mark.parametrize(
    "configured",
    [
        {"disclosure": {"min_employers": 1}},
        {"disclosure": {"min_employers": 51}},
        {"disclosure": {"min_employers": True}},
        {"disclosure": {"min_employers": "3"}},
        {"disclosure": {"p_percent": 0}},
        {"disclosure": {"p_percent": 51}},
        {"disclosure": {"p_percent": 10.5}},
        {"disclosure": {"p_percent": True}},
        {"disclosure": {"noise_min_percent": 4}},
        {"disclosure": {"noise_min_percent": 41, "noise_max_percent": 50}},
        {"disclosure": {"noise_min_percent": 10.0}},
        {"disclosure": {"noise_max_percent": 14}},
        {"disclosure": {"noise_min_percent": 40, "noise_max_percent": 44}},
        {"disclosure": {"noise_max_percent": 51}},
        {"disclosure": {"noise_max_percent": "25"}},
        {"disclosure": {"max_share_percent": 80}},
        {"disclosure": {"min_k": 3}},
        {"disclosure": [3, 10]},
    ],
)
def test_settings_weaker_than_allowed_or_malformed_are_refused(
    configured: dict[str, Any],
) -> None:
    with pytest.raises(InvalidDisclosureSettings):
        DisclosureRule.from_settings(configured)


def test_the_primary_test_counts_employers_and_the_p_percent_rule() -> None:
    assert RULE.allows({"a": 1, "b": 1, "c": 1}) is True
    assert RULE.allows({"a": 5, "b": 5}) is False
    assert RULE.allows({"a": 5, "b": 5, "c": 0}) is False
    # The rest (total minus the two largest) must be at least 10% of the largest.
    assert RULE.allows({"a": 100, "b": 50, "c": 10}) is True
    assert RULE.allows({"a": 100, "b": 50, "c": 9.5}) is False
    assert RULE.allows({"c": 100, "a": 10, "b": 10}) is True
    # Not a share: half of the total fails when the runner-up holds nearly all the rest,
    # and 100 of 120 passes when the others split theirs.
    assert RULE.allows({"a": 50, "b": 49, "c": 1}) is False
    assert RULE.allows({"a": 100, "b": 10, "c": 10}) is True
    assert DisclosureRule(3, 20).allows({"a": 100, "b": 10, "c": 10}) is False
    # Two contributors never pass: each knows the other's amount exactly.
    assert DisclosureRule(2).allows({"a": 5, "b": 5}) is False
    assert DisclosureRule(2, 50).allows({"a": 10, "b": 5, "c": 5}) is True
    assert DisclosureRule(2, 50).allows({"a": 10, "b": 5, "c": 4.75}) is False
    assert DisclosureRule(4).allows({"a": 1, "b": 1, "c": 1}) is False


def test_rounding_is_half_to_even_and_medians_average_the_middle_pair() -> None:
    assert [round_half_even(n, 2) for n in (3, 5, 7, -5, -7)] == [2, 2, 4, -2, -4]
    assert round_half_even(2080, 4160) == 0
    assert round_half_even(6240, 4160) == 2
    assert median([]) is None
    assert median([5, 1, 3]) == 3
    assert median([1, 2, 4, 3]) == 2
    assert median([1, 4]) == 2
    assert median([4160, 3 * 4160, 4 * 4160], lambda v: round_half_even(v, 4160)) == 3


def test_a_line_hides_the_failing_atoms_and_the_smallest_others_until_they_pass() -> None:
    atoms = {
        "A": {"x": 25},
        "B": {"a": 5, "b": 6, "c": 7},
        "C": {"a": 9, "b": 9, "c": 9},
        "D": {"a": 4, "b": 6, "c": 7},
    }

    assert hidden_in_line(atoms, RULE) == {"A", "D"}
    assert hidden_in_line({"B": atoms["B"], "C": atoms["C"]}, RULE) == frozenset()
    # Only failing atoms when the whole fails too: nothing can be subtracted from it.
    assert hidden_in_line({"A": {"x": 25}, "B": {"x": 1, "y": 1}}, RULE) == {"A", "B"}
    # Ties break by key; the union must pass, so a dominant atom takes several partners.
    even = {"a": 5, "b": 5, "c": 5}
    assert hidden_in_line({"A": {"x": 30}, "C": even, "B": even}, RULE) == {"A", "B"}
    big = {"a": 40, "b": 40, "c": 40}
    assert hidden_in_line({"A": {"x": 200}, "B": even, "C": even, "D": big}, RULE) == {
        "A",
        "B",
        "C",
    }


def test_one_small_cell_and_its_partner_are_hidden_with_no_numbers() -> None:
    records = [
        record("x", 25, "A"),
        *(record(e, 5, "B") for e in "abc"),
        *(record(e, 9, "C") for e in "abc"),
        *(record(e, 7, "D") for e in "bcd"),
    ]

    result = disclose(records, RULE, Breakdown((OCCUPATION,), (), EVERY_ATTRIBUTE))

    assert table(result) == {
        ("A",): HIDDEN,
        ("B",): HIDDEN,
        ("C",): (27, 3),
        ("D",): (21, 3),
        "total": (88, 5),
    }
    assert [cell.key for cell in result.cells] == [("A",), ("B",), ("C",), ("D",)]
    hidden = result.cells[0]
    assert (hidden.suppressed, hidden.median, hidden.unit) == (True, None, None)


def test_a_filter_dropping_one_employer_hides_the_cell_and_the_total() -> None:
    records = [
        *(record(e, 10, "A") for e in "abc"),
        record("d", 11, "A", degree=True),
        *(record(e, 10, "B") for e in "abcd"),
    ]
    keep_no_degree = (Condition("degree", lambda required: required is False),)

    # The differencing test alone (no breakdown consistency), then the whole rule.
    alone = disclose(records, RULE, Breakdown((OCCUPATION,), keep_no_degree))
    whole = disclose(records, RULE, Breakdown((OCCUPATION,), keep_no_degree, EVERY_ATTRIBUTE))

    # The total is hidden too, so B need not be: nothing can be subtracted from it.
    assert table(alone) == {("A",): HIDDEN, ("B",): (40, 4), "total": HIDDEN}
    assert table(whole) == {("A",): HIDDEN, ("B",): HIDDEN, "total": HIDDEN}


def test_a_filter_dropping_enough_employers_keeps_the_cell() -> None:
    records = [
        *(record(e, 10, "A") for e in "abc"),
        *(record(e, 4, "A", degree=True) for e in "def"),
        *(record(e, 10, "B") for e in "abc"),
    ]
    keep_no_degree = (Condition("degree", lambda required: required is False),)

    result = disclose(records, RULE, Breakdown((OCCUPATION,), keep_no_degree, EVERY_ATTRIBUTE))

    assert table(result) == {("A",): (30, 3), ("B",): (30, 3), "total": (60, 3)}


def test_a_filter_cannot_publish_a_cell_hidden_as_a_partner() -> None:
    records = [
        record("x", 25, "A"),
        *(record(e, 5, "B") for e in "abc"),
        *(record(e, 9, "C") for e in "abc"),
    ]

    def only(*codes: str) -> Breakdown:
        return Breakdown(
            (), (Condition("occupation", lambda code: code in codes),), EVERY_ATTRIBUTE
        )

    assert table(disclose(records, RULE, only("B")))["total"] == HIDDEN
    assert table(disclose(records, RULE, only("A")))["total"] == HIDDEN
    assert table(disclose(records, RULE, only("A", "B")))["total"] == (40, 4)
    assert table(disclose(records, RULE, only("C")))["total"] == (27, 3)


def test_a_breakdown_by_another_attribute_cannot_publish_a_partner() -> None:
    # Occupations hide A (one employer) and D (the smallest); D is all of quarter Q2.
    records = [
        record("x", 25, "A"),
        *(record(e, 9, "C") for e in "abc"),
        *(record(e, 5, "D", quarter="Q2") for e in "bcd"),
    ]

    by_quarter = disclose(records, RULE, Breakdown((QUARTER,), (), EVERY_ATTRIBUTE))
    without_the_check = disclose(records, RULE, Breakdown((QUARTER,), (), frozenset()))

    assert table(by_quarter) == {("Q1",): HIDDEN, ("Q2",): HIDDEN, "total": (67, 5)}
    assert table(without_the_check)[("Q2",)] == (15, 3)


def test_a_row_of_a_two_way_breakdown_hides_a_partner_too() -> None:
    records = [
        *(
            record(e, 10, occupation, quarter)
            for e in "abc"
            for occupation in "AB"
            for quarter in ("Q1", "Q2")
        ),
        record("x", 3, "C", "Q1"),
        *(record(e, 10, "C", "Q2") for e in "abc"),
    ]

    result = disclose(records, RULE, Breakdown((OCCUPATION, QUARTER)))

    hidden = sorted(cell.key for cell in result.cells if cell.suppressed)
    assert hidden == [("A", "Q1"), ("A", "Q2"), ("C", "Q1"), ("C", "Q2")]
    assert table(result)["total"] == (153, 4)


def test_medians_need_wages_from_employers_passing_the_rule_in_one_currency() -> None:
    base = [
        record("a", 5, wages=(2000, 2400)),
        record("b", 5, wages=(2100,)),
        record("c", 5, wages=(3000,)),
    ]
    # Counted in wages per employer: 10 of a's against 1 and 1 pass (1 is 10% of 10), 11 fail.
    leading = [record("a", 5, wages=(2000,) * 10), *base[1:]]
    dominant = [record("a", 5, wages=(2000,) * 11), *base[1:]]
    mixed = [*base[:2], record("c", 5, wages=(3000,), currency="CAD")]
    two = [*base[:2], record("c", 5)]

    def medians(records: list[Record]) -> tuple[int | None, str | None]:
        total = disclose(records, RULE, Breakdown((OCCUPATION,))).total
        return total.median, total.unit

    assert medians(base) == (2250, "USD")
    assert medians(leading) == (2000, "USD")
    assert medians(dominant) == (None, None)
    assert medians(mixed) == (None, None)
    assert medians(two) == (None, None)


def test_fractional_amounts_are_tested_and_summed_as_they_are() -> None:
    """Openings spread over quarters: a year's 5 openings are 1.25 a quarter."""
    spread = [record("a", 10.5), record("b", 1.25)]

    hidden = disclose([*spread, record("c", 1.0)], RULE, Breakdown((OCCUPATION,)))
    shown = disclose([*spread, record("c", 1.25)], RULE, Breakdown((OCCUPATION,)))

    # 1.0 is less than 10% of 10.5; 1.25 is not.
    assert table(hidden) == {("A",): HIDDEN, "total": HIDDEN}
    assert table(shown) == {("A",): (13.0, 3), "total": (13.0, 3)}
    # A contributor there with nothing adds no contributor with something.
    none = disclose([*spread, record("c", 0.0)], RULE, Breakdown((OCCUPATION,)))
    assert table(none) == {("A",): HIDDEN, "total": HIDDEN}
    with pytest.raises(ValueError, match="negative"):
        disclose([*spread, record("c", -1.0)], RULE, Breakdown((OCCUPATION,)))


def test_overlapping_cells_count_a_signal_in_each_and_the_total_once() -> None:
    skill = Dimension("SKILL", "skills", lambda skills: skills)
    records = [Record(e, 4, {"skills": ("s1", "s2")}) for e in "abc"]
    records += [Record(e, 2, {"skills": ()}) for e in "abc"]

    result = disclose(records, RULE, Breakdown((skill,)))

    assert table(result) == {("s1",): (12, 3), ("s2",): (12, 3), "total": (18, 3)}


def test_any_rule_and_any_contributor_work_the_same_way() -> None:
    """People counts (outcomes): "fewer than 10 people" cells, contributors are providers."""

    class AtLeastTenPeople:
        def allows(self, contributions: Mapping[Any, float]) -> bool:
            return len(contributions) >= 2 and sum(contributions.values()) >= 10

    program = Dimension("PROGRAM", "program")
    records = [
        Record("college", 8, {"program": "welding"}, measurements=(4100, 4300), unit="USD"),
        Record("union", 6, {"program": "welding"}, measurements=(4500,), unit="USD"),
        Record("college", 3, {"program": "nursing"}),
        Record("union", 2, {"program": "nursing"}),
        Record("union", 12, {"program": "machining"}),
    ]

    result = disclose(records, AtLeastTenPeople(), Breakdown((program,)))

    assert [(c.key, c.suppressed, c.amount, c.contributor_count) for c in result.cells] == [
        (("machining",), True, None, None),
        (("nursing",), True, None, None),
        (("welding",), False, 14, 2),
    ]
    # Three wages are too few people for this rule: a median needs the rule's consent too.
    assert (result.cells[2].median, result.cells[2].unit) == (None, None)
    assert (result.total.amount, result.total.contributor_count) == (31, 2)
