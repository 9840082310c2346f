"""What a reader of pooled demand asks: the dimensions, the filter, and the keys of the cells.

``summary`` answers; this module turns a question into the disclosure engine's
``Dimension``s and ``Condition``s and its keys back into ``CellKey``s, and refuses a
malformed question before anything is read.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from coalition.demand.models import WorkBasedLearning
from coalition.demand.quarters import QuarterError, format_quarter, parse_quarter
from coalition.demand.summary_rows import Labels
from coalition.disclosure.cells import Condition, Dimension
from coalition.errors import InvalidInput, UserError

MAX_DIMENSIONS = 3
MAX_TREND_QUARTERS = 20
# Attributes whose breakdowns a number may not split (coalition.disclosure, rule 2). Not skills:
# a signal has many, so skill cells overlap and no subtraction isolates one.
SPLIT_CHECKED = frozenset({"occupation", "quarter", "work_based_learning", "degree"})
# Read by every response, grouped or not, so that no breakdown of one exposes what a
# breakdown of the other hides; the other two when grouped or filtered (cost: rows).
ALWAYS_READ = frozenset({"occupation", "quarter"})


class DemandDimension(enum.StrEnum):
    OCCUPATION = "OCCUPATION"
    MAJOR_GROUP = "MAJOR_GROUP"
    SKILL = "SKILL"
    QUARTER = "QUARTER"
    WORK_BASED_LEARNING = "WORK_BASED_LEARNING"
    DEGREE_REQUIRED = "DEGREE_REQUIRED"


@dataclass(frozen=True)
class DemandFilter:
    """Keep only signals matching every given part (an empty list restricts nothing)."""

    occupation_codes: Sequence[str] = ()
    major_group_codes: Sequence[str] = ()
    quarter_from: str | None = None  # openings in this quarter and later
    quarter_to: str | None = None  # openings in this quarter and earlier
    work_based_learning: Sequence[WorkBasedLearning] = ()
    is_degree_required: bool | None = None


@dataclass(frozen=True)
class CodeTitle:
    code: str
    title: str


@dataclass(frozen=True)
class CellKey:
    """The cell's value of each grouped dimension; None for the others."""

    occupation: CodeTitle | None = None
    major_group: CodeTitle | None = None
    skill: CodeTitle | None = None
    quarter: str | None = None
    work_based_learning: WorkBasedLearning | None = None
    is_degree_required: bool | None = None


def invalid(field: tuple[str, ...], message: str) -> InvalidInput:
    return InvalidInput([UserError(field, message, "INVALID")])


def quarter_given(text: str | None, field: tuple[str, ...]) -> date | None:
    if text is None:
        return None
    try:
        return parse_quarter(text)
    except QuarterError as error:
        raise invalid(field, str(error)) from None


def dimension_of(dimension: DemandDimension, labels: Labels) -> Dimension:
    if dimension is DemandDimension.OCCUPATION:
        return Dimension(dimension.value, "occupation")
    if dimension is DemandDimension.MAJOR_GROUP:
        return Dimension(dimension.value, "occupation", lambda code: (labels.major_of[code],))
    if dimension is DemandDimension.SKILL:
        return Dimension(dimension.value, "skills", lambda ids: ids)
    if dimension is DemandDimension.QUARTER:
        return Dimension(dimension.value, "quarter")
    if dimension is DemandDimension.WORK_BASED_LEARNING:
        return Dimension(dimension.value, "work_based_learning", sorted)
    return Dimension(dimension.value, "degree")


ATTRIBUTES = {
    DemandDimension.OCCUPATION: "occupation",
    DemandDimension.MAJOR_GROUP: "occupation",
    DemandDimension.SKILL: "skills",
    DemandDimension.QUARTER: "quarter",
    DemandDimension.WORK_BASED_LEARNING: "work_based_learning",
    DemandDimension.DEGREE_REQUIRED: "degree",
}


def conditions_of(demand_filter: DemandFilter, labels: Labels) -> tuple[Condition, ...]:
    conditions: list[Condition] = []
    codes = frozenset(demand_filter.occupation_codes)
    majors = frozenset(demand_filter.major_group_codes)
    if codes or majors:

        def occupation(code: str) -> bool:
            return (not codes or code in codes) and (not majors or labels.major_of[code] in majors)

        conditions.append(Condition("occupation", occupation))
    start = quarter_given(demand_filter.quarter_from, ("filter", "quarterFrom"))
    end = quarter_given(demand_filter.quarter_to, ("filter", "quarterTo"))
    if start and end and start > end:
        raise invalid(("filter", "quarterTo"), "quarterTo must not be before quarterFrom.")
    if start or end:
        conditions.append(
            Condition(
                "quarter",
                lambda day: (start is None or day >= start) and (end is None or day <= end),
            )
        )
    kinds = frozenset(kind.value for kind in demand_filter.work_based_learning)
    if kinds:
        conditions.append(Condition("work_based_learning", lambda hosted: bool(hosted & kinds)))
    wanted = demand_filter.is_degree_required
    if wanted is not None:
        conditions.append(Condition("degree", lambda required: required is wanted))
    return tuple(conditions)


def cell_key(
    key: tuple[Any, ...], dimensions: Sequence[DemandDimension], labels: Labels
) -> CellKey:
    parts: dict[str, Any] = {}
    value: Any
    for dimension, value in zip(dimensions, key, strict=True):
        if dimension is DemandDimension.OCCUPATION:
            parts["occupation"] = CodeTitle(value, labels.occupations[value])
        elif dimension is DemandDimension.MAJOR_GROUP:
            parts["major_group"] = CodeTitle(value, labels.majors[value])
        elif dimension is DemandDimension.SKILL:
            parts["skill"] = CodeTitle(value, labels.skills.get(value, value))
        elif dimension is DemandDimension.QUARTER:
            parts["quarter"] = format_quarter(value)
        elif dimension is DemandDimension.WORK_BASED_LEARNING:
            parts["work_based_learning"] = WorkBasedLearning(value)
        else:
            parts["is_degree_required"] = value
    return CellKey(**parts)


def check_group_by(group_by: Sequence[DemandDimension]) -> None:
    if not group_by:
        raise invalid(("groupBy",), "Group by at least one dimension.")
    if len(set(group_by)) != len(group_by):
        raise invalid(("groupBy",), "Name each dimension at most once.")
    if len(group_by) > MAX_DIMENSIONS:
        raise invalid(("groupBy",), f"Group by at most {MAX_DIMENSIONS} dimensions.")


__all__ = [
    "ALWAYS_READ",
    "ATTRIBUTES",
    "MAX_DIMENSIONS",
    "MAX_TREND_QUARTERS",
    "SPLIT_CHECKED",
    "CellKey",
    "CodeTitle",
    "DemandDimension",
    "DemandFilter",
    "cell_key",
    "check_group_by",
    "conditions_of",
    "dimension_of",
    "invalid",
    "quarter_given",
]
