# mypy: disable-error-code="untyped-decorator"
"""GraphQL types of a demand signal's history (translation only)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import strawberry

from coalition.api.money import Money
from coalition.demand import models
from coalition.demand.history import SNAPSHOT_FIELDS
from coalition.demand.models import WorkBasedLearning
from coalition.demand.schema import enums  # noqa: F401  (describes the enums before use)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True)


def _position(item: tuple[str, Any]) -> int:
    field = item[0]
    return SNAPSHOT_FIELDS.index(field) if field in SNAPSHOT_FIELDS else len(SNAPSHOT_FIELDS)


def _camel(field: str) -> str:
    head, *rest = field.split("_")
    return head + "".join(part.title() for part in rest)


# Snapshot keys whose API name differs from the camelCase of the key.
_API_NAMES = {
    "organization_id": "organizationId",
    "wage_min_cents": "wageMin",
    "wage_max_cents": "wageMax",
}


@strawberry.type(description="A skill in a recorded state of a signal, and its level.")
class DemandSkillLevel:
    skill_id: strawberry.ID = strawberry.field(description="The skill's ID, e.g. 2.B.3.h.")
    level: int = strawberry.field(description="Level required, 1 (basic) to 4 (expert).")


@strawberry.type(description="One field that a change set: its value before and after.")
class DemandSignalChange:
    field: str = strawberry.field(
        description="The field, named as in the API (openings, startQuarter, wageMin...)."
    )
    from_value: str | None = strawberry.field(
        name="from",
        description="The earlier value as JSON (wages in minor units); null if it had none.",
    )
    to_value: str | None = strawberry.field(
        name="to", description="The new value as JSON (wages in minor units); null if cleared."
    )


@strawberry.type(description="A demand signal's complete state as of one version.")
class DemandSignalState:
    occupation_code: str = strawberry.field(description="SOC 2018 code of the occupation.")
    openings: int = strawberry.field(description="Number of openings.")
    start_quarter: str = strawberry.field(description="First quarter of the horizon, e.g. 2027Q1.")
    end_quarter: str = strawberry.field(description="Last quarter of the horizon, e.g. 2027Q4.")
    openings_kind: models.OpeningsKind = strawberry.field(description="Growth or replacement.")
    skills: list[DemandSkillLevel] = strawberry.field(description="Required skills and levels.")
    wage_min: Money | None = strawberry.field(description="Lowest wage offered, if given.")
    wage_max: Money | None = strawberry.field(description="Highest wage offered, if given.")
    wage_unit: models.WageUnit | None = strawberry.field(description="Per hour or per year.")
    is_degree_required: bool = strawberry.field(description="Whether a degree is required.")
    credentials: list[str] = strawberry.field(description="Credentials accepted.")
    work_based_learning: list[WorkBasedLearning] = strawberry.field(
        description="Work-based learning the employer will host."
    )
    city: str | None = strawberry.field(description="Work location: city.")
    postal_code: str | None = strawberry.field(description="Work location: ZIP code.")
    external_id: str | None = strawberry.field(
        description="The employer's own ID for the posting, if it gave one."
    )
    sharing_level: models.SharingLevel = strawberry.field(description="Who may see the signal.")
    status: models.DemandStatus = strawberry.field(description="Draft, active, filled, withdrawn.")

    @classmethod
    def from_snapshot(cls, state: dict[str, Any]) -> DemandSignalState:
        currency = state["currency"]
        return cls(
            occupation_code=state["occupation_code"],
            openings=state["openings"],
            start_quarter=state["start_quarter"],
            end_quarter=state["end_quarter"],
            openings_kind=models.OpeningsKind(state["openings_kind"]),
            skills=[
                DemandSkillLevel(skill_id=strawberry.ID(item["skill_id"]), level=item["level"])
                for item in state["skills"]
            ],
            wage_min=Money.of(state["wage_min_cents"], currency),
            wage_max=Money.of(state["wage_max_cents"], currency),
            wage_unit=None if state["wage_unit"] is None else models.WageUnit(state["wage_unit"]),
            is_degree_required=state["is_degree_required"],
            credentials=list(state["credentials"]),
            work_based_learning=[WorkBasedLearning(kind) for kind in state["work_based_learning"]],
            city=state["city"],
            postal_code=state["postal_code"],
            # Versions written before signals had an external ID lack the key.
            external_id=state.get("external_id"),
            sharing_level=models.SharingLevel(state["sharing_level"]),
            status=models.DemandStatus(state["status"]),
        )


@strawberry.type(
    name="DemandSignalVersion",
    description="One version of a demand signal: who changed what, when, and the result.",
)
class DemandSignalVersionType:
    version: int = strawberry.field(description="The version number; 1 is the signal as posted.")
    changed_at: datetime = strawberry.field(description="When this version was made.")
    changed_by_kind: str = strawberry.field(
        description="Who made it: user (a person), client (a partner app) or system (the CLI)."
    )
    changed_by_label: str = strawberry.field(
        description="The person's email, the client's name, or the operator."
    )
    changes: list[DemandSignalChange] = strawberry.field(
        description="The fields this version changed (every field for version 1)."
    )
    state: DemandSignalState = strawberry.field(
        description="The signal's complete state as of this version."
    )

    @classmethod
    def from_model(cls, row: models.DemandSignalVersion) -> DemandSignalVersionType:
        return cls(
            version=row.version,
            changed_at=row.changed_at,
            changed_by_kind=row.changed_by_kind,
            changed_by_label=row.changed_by_label,
            changes=[
                DemandSignalChange(
                    field=_API_NAMES.get(field, _camel(field)),
                    from_value=_json(change["from"]),
                    to_value=_json(change["to"]),
                )
                for field, change in sorted(row.changes.items(), key=_position)
            ],
            state=DemandSignalState.from_snapshot(row.snapshot),
        )


__all__ = ["DemandSignalChange", "DemandSignalState", "DemandSignalVersionType"]
