# mypy: disable-error-code="untyped-decorator"
"""GraphQL inputs of demand signals (create, update, withdraw, filter), and their
translation into the service's fields."""

from __future__ import annotations

from typing import Any

import strawberry

from coalition.api.money import MoneyInput
from coalition.demand import models
from coalition.demand.schema import enums  # noqa: F401  (describes the enums before use)


@strawberry.input(description="A skill a signal requires, and at which level.")
class DemandSkillInput:
    skill_id: strawberry.ID = strawberry.field(
        description="The skill's ID: an O*NET element ID (2.B.3.h) or ES.<name>."
    )
    level: int = strawberry.field(description="Level required, 1 (basic) to 4 (expert).")


@strawberry.input(description="Which demand signals to list.")
class DemandSignalFilter:
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this employer's signals."
    )
    occupation_codes: list[str] | None = strawberry.field(
        default=None, description="Only these SOC codes."
    )
    statuses: list[models.DemandStatus] | None = strawberry.field(
        default=None, description="Only these statuses."
    )
    sharing_levels: list[models.SharingLevel] | None = strawberry.field(
        default=None, description="Only these sharing levels."
    )


@strawberry.input(description="A new demand signal.")
class CreateDemandSignalInput:
    organization_id: strawberry.ID = strawberry.field(description="The employer.")
    occupation_code: str = strawberry.field(description="SOC 2018 code, e.g. 51-4041.")
    openings: int = strawberry.field(description="Number of openings, 1 to 100000.")
    start_quarter: str = strawberry.field(
        description="First quarter, e.g. 2027Q1: at most 20 quarters after the current one."
    )
    end_quarter: str = strawberry.field(
        description="Last quarter: not before the first, nor before the current quarter (in "
        "the partnership's time zone)."
    )
    openings_kind: models.OpeningsKind = strawberry.field(description="Growth or replacement.")
    skills: list[DemandSkillInput] = strawberry.field(
        default_factory=list, description="Required skills, at most 30, each once."
    )
    wage_min: MoneyInput | None = strawberry.field(
        default=None, description="Lowest wage, in cents: 2350 is $23.50."
    )
    wage_max: MoneyInput | None = strawberry.field(
        default=None, description="Highest wage, in cents, in the same currency."
    )
    wage_unit: models.WageUnit | None = strawberry.field(
        default=None, description="Per hour or per year: required with a wage."
    )
    is_degree_required: bool = strawberry.field(
        default=False, description="Whether a degree is required (default no)."
    )
    credentials: list[str] = strawberry.field(
        default_factory=list, description="Credentials accepted: at most 20, 200 characters each."
    )
    work_based_learning: list[models.WorkBasedLearning] = strawberry.field(
        default_factory=list, description="Work-based learning the employer will host."
    )
    city: str | None = strawberry.field(default=None, description="City (max 120).")
    postal_code: str | None = strawberry.field(
        default=None, description="ZIP code: 12345 or 12345-6789."
    )
    external_id: str | None = strawberry.field(
        default=None,
        description="The employer's own ID for the posting (at most 100 characters), unique "
        "among its signals: a CSV import with the same posting_id updates this signal.",
    )
    sharing_level: models.SharingLevel = strawberry.field(
        default=models.SharingLevel.POOLED, description="Who may see it (default POOLED)."
    )
    status: models.DemandStatus = strawberry.field(
        default=models.DemandStatus.ACTIVE, description="DRAFT or ACTIVE (default ACTIVE)."
    )


@strawberry.input(description="Changes to a demand signal: omitted fields stay, null clears.")
class UpdateDemandSignalInput:
    id: strawberry.ID = strawberry.field(description="The signal.")
    occupation_code: str | None = strawberry.field(
        default=strawberry.UNSET, description="SOC 2018 code."
    )
    openings: int | None = strawberry.field(default=strawberry.UNSET, description="Openings.")
    start_quarter: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="First quarter: at most 20 quarters after the current one.",
    )
    end_quarter: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Last quarter: not before the first, nor before the current quarter.",
    )
    openings_kind: models.OpeningsKind | None = strawberry.field(
        default=strawberry.UNSET, description="Growth or replacement."
    )
    skills: list[DemandSkillInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Required skills: replaces the whole list."
    )
    wage_min: MoneyInput | None = strawberry.field(
        default=strawberry.UNSET, description="Lowest wage, in cents; null clears it."
    )
    wage_max: MoneyInput | None = strawberry.field(
        default=strawberry.UNSET, description="Highest wage, in cents; null clears it."
    )
    wage_unit: models.WageUnit | None = strawberry.field(
        default=strawberry.UNSET, description="Per hour or per year."
    )
    is_degree_required: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Whether a degree is required."
    )
    credentials: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Credentials accepted: replaces the list."
    )
    work_based_learning: list[models.WorkBasedLearning] | None = strawberry.field(
        default=strawberry.UNSET, description="Work-based learning: replaces the list."
    )
    city: str | None = strawberry.field(default=strawberry.UNSET, description="City.")
    postal_code: str | None = strawberry.field(default=strawberry.UNSET, description="ZIP code.")
    external_id: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="The employer's own ID for the posting, unique among its signals; null "
        "clears it.",
    )
    sharing_level: models.SharingLevel | None = strawberry.field(
        default=strawberry.UNSET, description="Who may see it."
    )
    status: models.DemandStatus | None = strawberry.field(
        default=strawberry.UNSET,
        description="DRAFT may become ACTIVE or WITHDRAWN; ACTIVE may become FILLED or "
        "WITHDRAWN; FILLED and WITHDRAWN are final.",
    )


@strawberry.input(description="The demand signal to withdraw.")
class WithdrawDemandSignalInput:
    id: strawberry.ID = strawberry.field(description="The signal.")


FIELDS = (
    "occupation_code",
    "openings",
    "start_quarter",
    "end_quarter",
    "openings_kind",
    "skills",
    "wage_min",
    "wage_max",
    "wage_unit",
    "is_degree_required",
    "credentials",
    "work_based_learning",
    "city",
    "postal_code",
    "external_id",
    "sharing_level",
    "status",
)


def _service_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "skills":
        return [(str(item.skill_id), item.level) for item in value]
    if name in ("wage_min", "wage_max"):
        return (value.amount_minor, value.currency)
    if name in ("credentials", "work_based_learning"):
        return list(value)
    return value


def create_fields(data: CreateDemandSignalInput) -> dict[str, Any]:
    return {name: _service_value(name, getattr(data, name)) for name in FIELDS}


def update_fields(data: UpdateDemandSignalInput) -> dict[str, Any]:
    """Only the fields the caller gave (an explicit null is given: it clears)."""
    return {
        name: _service_value(name, getattr(data, name))
        for name in FIELDS
        if getattr(data, name) is not strawberry.UNSET
    }


__all__ = [
    "CreateDemandSignalInput",
    "DemandSignalFilter",
    "DemandSkillInput",
    "UpdateDemandSignalInput",
    "WithdrawDemandSignalInput",
    "create_fields",
    "update_fields",
]
