# mypy: disable-error-code="untyped-decorator"
"""The Cohort type, its inputs and payload, and the mutations of cohorts.

A cohort names its program, a type of ``program.py`` (which imports this module for
its ``cohorts`` connection): annotated through ``strawberry.lazy`` and built by the
schema's own Node type for it, so neither module imports the other back.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import Node, to_global_id
from coalition.api.schema import node_types_of
from coalition.auth.principal import Principal
from coalition.supply import models, service
from coalition.supply.completers import expected_completers
from coalition.supply.schema import enums  # noqa: F401  (describes the enums before use)
from coalition.supply.schema.loaders import SupplyLoaders

if TYPE_CHECKING:
    from coalition.supply.schema.program import TrainingProgramType

PROGRAM = "coalition.supply.schema.program"


@strawberry.type(name="Cohort", description="One run of a training program.")
class CohortType(Node):
    starts_on: date = strawberry.field(description="First day.")
    ends_on: date = strawberry.field(description="Last day (when its people complete).")
    seats: int = strawberry.field(description="Places offered.")
    enrolled: int | None = strawberry.field(description="People enrolled, once known; null before.")
    expected_completion_rate: float = strawberry.field(
        description="The provider's estimate of the share who complete, in percent (0 to 100, "
        "two decimals)."
    )
    expected_completers: float = strawberry.field(
        description="People expected to complete: enrolled once known (else seats) times the "
        "completion rate, over 100. Exact, not rounded (at most four decimals: 17 enrolled at "
        "85.55% is 14.5435); 0 for a CANCELLED cohort."
    )
    status: models.CohortStatus = strawberry.field(description="Where the run stands.")
    created_at: datetime = strawberry.field(description="When it was added.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    model: strawberry.Private[models.Cohort]

    @classmethod
    def from_model(cls, cohort: models.Cohort) -> CohortType:
        return cls(
            id=to_global_id("Cohort", cohort.id),
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            seats=cohort.seats,
            enrolled=cohort.enrolled,
            expected_completion_rate=float(cohort.completion_rate_percent),
            expected_completers=float(expected_completers(cohort)),
            status=cohort.status,
            created_at=cohort.created_at,
            updated_at=cohort.updated_at,
            model=cohort,
        )

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> CohortType | None:
        cohort = await info.context.loaders.of(SupplyLoaders).cohort.load(object_id)
        return cls.from_model(cohort) if cohort else None

    @strawberry.field(description="The program this is a run of.")
    async def program(
        self, info: Info
    ) -> Annotated[TrainingProgramType, strawberry.lazy(PROGRAM)] | None:
        program = await info.context.loaders.of(SupplyLoaders).program.load(self.model.program_id)
        if program is None:
            return None
        built: TrainingProgramType = node_types_of(info)["TrainingProgram"].from_model(program)  # type: ignore[attr-defined]
        return built


@strawberry.input(description="A new run of a program.")
class CreateCohortInput:
    program_id: strawberry.ID = strawberry.field(description="The program (not DISCONTINUED).")
    starts_on: date = strawberry.field(description="First day.")
    ends_on: date = strawberry.field(description="Last day: not before the first.")
    seats: int = strawberry.field(description="Places offered, 0 to 10000.")
    enrolled: int | None = strawberry.field(
        default=None, description="People enrolled, if known: 0 to seats."
    )
    expected_completion_rate: float = strawberry.field(
        description="Share expected to complete, in percent: 0 to 100, at most two decimals."
    )
    status: models.CohortStatus = strawberry.field(
        default=models.CohortStatus.PLANNED,
        description="Where it stands (default PLANNED; any status, to record past runs).",
    )


@strawberry.input(description="Changes to a cohort: omitted fields stay.")
class UpdateCohortInput:
    id: strawberry.ID = strawberry.field(description="The cohort.")
    starts_on: date | None = strawberry.field(default=strawberry.UNSET, description="First day.")
    ends_on: date | None = strawberry.field(
        default=strawberry.UNSET, description="Last day: not before the first."
    )
    seats: int | None = strawberry.field(
        default=strawberry.UNSET, description="Places offered, 0 to 10000."
    )
    enrolled: int | None = strawberry.field(
        default=strawberry.UNSET, description="People enrolled (0 to seats); null: not known."
    )
    expected_completion_rate: float | None = strawberry.field(
        default=strawberry.UNSET, description="Share expected to complete, in percent."
    )
    status: models.CohortStatus | None = strawberry.field(
        default=strawberry.UNSET,
        description="PLANNED may become ENROLLING, RUNNING or CANCELLED; ENROLLING may become "
        "RUNNING, CANCELLED or PLANNED; RUNNING may become COMPLETED or CANCELLED; COMPLETED "
        "and CANCELLED are final.",
    )


FIELDS = {
    "starts_on": "starts_on",
    "ends_on": "ends_on",
    "seats": "seats",
    "enrolled": "enrolled",
    "expected_completion_rate": "completion_rate_percent",
    "status": "status",
}


def cohort_fields(data: CreateCohortInput | UpdateCohortInput) -> dict[str, Any]:
    """The service's fields of the input: those given (an explicit null is given)."""
    found = {
        column: getattr(data, name)
        for name, column in FIELDS.items()
        if getattr(data, name) is not strawberry.UNSET
    }
    if found.get("completion_rate_percent") is not None:
        # The shortest text that reads back as the same float: 72.5, not 72.5000000001.
        found["completion_rate_percent"] = repr(float(found["completion_rate_percent"]))
    return found


@strawberry.type(description="Result of a change to a cohort.")
class CohortPayload:
    cohort: CohortType | None = strawberry.field(description="The cohort.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


def _payload(cohort: models.Cohort | None, errors: list[UserError]) -> CohortPayload:
    return CohortPayload(
        cohort=CohortType.from_model(cohort) if cohort else None, user_errors=errors
    )


@strawberry.type
class CohortMutation:
    @strawberry.mutation(
        description="Add a run of a program (its provider's admins, partnership admins)."
    )
    async def create_cohort(
        self,
        info: Info,
        input: Annotated[CreateCohortInput, strawberry.argument(description="The cohort.")],
    ) -> CohortPayload:
        async def action(session: Any, principal: Principal) -> models.Cohort:
            program_id = decode_id(input.program_id, "TrainingProgram", "programId")
            return await service.create_cohort(
                session, principal, program_id=program_id, fields=cohort_fields(input)
            )

        return _payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Change a cohort: its dates, seats, enrollment, rate, status.")
    async def update_cohort(
        self,
        info: Info,
        input: Annotated[
            UpdateCohortInput, strawberry.argument(description="The cohort and changes.")
        ],
    ) -> CohortPayload:
        async def action(session: Any, principal: Principal) -> models.Cohort:
            cohort_id = decode_id(input.id, "Cohort", "id")
            return await service.update_cohort(
                session, principal, cohort_id=cohort_id, fields=cohort_fields(input)
            )

        return _payload(*await run_mutation(info, action))


__all__ = [
    "CohortMutation",
    "CohortPayload",
    "CohortType",
    "CreateCohortInput",
    "UpdateCohortInput",
]
