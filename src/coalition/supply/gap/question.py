"""What a reader of the skills gap asks: the horizon, the grouping and the filter, checked
before anything is read."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.demand.quarters import QuarterError, add_quarters, parse_quarter
from coalition.errors import InvalidInput, UserError
from coalition.skills.models import Occupation, OccupationGroup, Skill

MAX_HORIZON_QUARTERS = 20
"""The longest horizon (five years), as demand's trend allows."""


class GapGroup(enum.StrEnum):
    OCCUPATION = "OCCUPATION"
    SKILL = "SKILL"


@dataclass(frozen=True)
class GapFilter:
    """Keep only these rows (an empty list restricts nothing). ``occupation_codes`` and
    ``major_group_codes`` narrow demand (as demandSummary's filter does) and supply (the
    programs' shares of those occupations); ``skill_ids`` keeps those skills' rows
    (grouping by SKILL only)."""

    occupation_codes: Sequence[str] = ()
    major_group_codes: Sequence[str] = ()
    skill_ids: Sequence[str] = ()


@dataclass(frozen=True)
class Horizon:
    """Quarters ``first`` to ``last`` (their first days); cohorts ending from ``starts``
    to ``ends`` (the last quarter's last day) count."""

    first: date
    last: date

    @property
    def starts(self) -> date:
        return self.first

    @property
    def ends(self) -> date:
        return add_quarters(self.last, 1) - timedelta(days=1)

    @property
    def quarters(self) -> int:
        return (
            (self.last.year - self.first.year) * 4 + (self.last.month - self.first.month) // 3 + 1
        )


def _quarter(text: str, field: str, errors: list[UserError]) -> date | None:
    try:
        return parse_quarter(text)
    except QuarterError as error:
        errors.append(UserError((field,), str(error), "INVALID"))
        return None


def horizon_of(start: str, end: str) -> Horizon:
    """The horizon ``start`` to ``end`` (quarters like 2027Q1), or InvalidInput: a bad
    quarter, ``to`` before ``from``, or more than ``MAX_HORIZON_QUARTERS`` quarters."""
    errors: list[UserError] = []
    first, last = _quarter(start, "from", errors), _quarter(end, "to", errors)
    if first is not None and last is not None:
        if last < first:
            errors.append(UserError(("to",), "to must not be before from.", "INVALID"))
        elif Horizon(first, last).quarters > MAX_HORIZON_QUARTERS:
            errors.append(
                UserError(
                    ("to",),
                    f"The horizon is at most {MAX_HORIZON_QUARTERS} quarters.",
                    "OUT_OF_RANGE",
                )
            )
    if errors or first is None or last is None:
        raise InvalidInput(errors)
    return Horizon(first, last)


def _cleaned(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(str(value).strip() for value in values))


async def check_filter(
    session: AsyncSession, group_by: GapGroup, gap_filter: GapFilter
) -> GapFilter:
    """The filter with its codes trimmed, or InvalidInput naming each unknown code (global
    reference data: one small read per kind of code given)."""
    errors: list[UserError] = []
    codes = _cleaned(gap_filter.occupation_codes)
    majors = _cleaned(gap_filter.major_group_codes)
    skills = _cleaned(gap_filter.skill_ids)
    for field, given, column in (
        ("occupationCodes", codes, Occupation.soc_code),
        ("majorGroupCodes", majors, OccupationGroup.code),
        ("skillIds", skills, Skill.id),
    ):
        if not given:
            continue
        statement = select(column).where(column.in_(given))
        if column is OccupationGroup.code:
            statement = statement.where(OccupationGroup.code.like("%-0000"))
        found = set(await session.scalars(statement))
        for index, value in enumerate(given):
            if value not in found:
                errors.append(
                    UserError(
                        ("filter", field, str(index)), f"Unknown code {value[:40]!r}.", "NOT_FOUND"
                    )
                )
    if skills and group_by is not GapGroup.SKILL:
        errors.append(
            UserError(("filter", "skillIds"), "skillIds filters rows grouped by SKILL.", "INVALID")
        )
    if errors:
        raise InvalidInput(errors)
    return GapFilter(occupation_codes=codes, major_group_codes=majors, skill_ids=skills)


__all__ = [
    "MAX_HORIZON_QUARTERS",
    "GapFilter",
    "GapGroup",
    "Horizon",
    "check_filter",
    "horizon_of",
]
