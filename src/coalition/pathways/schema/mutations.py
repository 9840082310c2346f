# mypy: disable-error-code="untyped-decorator"
"""The inputs, payloads and mutations of career pathways: create one, add, change,
reorder and retire its steps. Each parses its input, calls one service function and
wraps the result; every bad field comes back in ``userErrors``."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.money import MoneyInput
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import from_global_id
from coalition.auth.principal import Principal
from coalition.demand.models import WageUnit, WorkBasedLearning
from coalition.demand.schema import enums as _demand_enums  # noqa: F401 (describes the enums)
from coalition.pathways import models, service
from coalition.pathways.schema.pathway import CareerPathwayStepType, CareerPathwayType
from coalition.pathways.validation import StepFields


@strawberry.input(description="One step of a career pathway; every field is set as given.")
class CareerPathwayStepInput:
    occupation_code: str = strawberry.field(description="The SOC 2018 code, e.g. 29-2061.")
    typical_employer_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Member organizations that typically hire into it (at most 20).",
    )
    wage_min: MoneyInput | None = strawberry.field(
        default=None, description="Lowest typical wage, in cents."
    )
    wage_max: MoneyInput | None = strawberry.field(
        default=None, description="Highest typical wage, in cents; not below wageMin."
    )
    wage_unit: WageUnit | None = strawberry.field(
        default=None, description="Per HOUR or per YEAR; required with any wage."
    )
    bridging_program_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="The partnership's training programs that bridge into it (at most 20).",
    )
    work_based_learning: list[WorkBasedLearning] = strawberry.field(
        default_factory=list, description="Work-based learning on the way in."
    )


def _decoded(ids: list[strawberry.ID], type_name: str) -> list[uuid.UUID | None]:
    return [decoded[1] if (decoded := from_global_id(i, type_name)) else None for i in ids]


def step_fields(step: CareerPathwayStepInput) -> StepFields:
    return StepFields(
        occupation_code=step.occupation_code,
        employer_ids=_decoded(step.typical_employer_ids, "Organization"),
        wage_min=(step.wage_min.amount_minor, step.wage_min.currency) if step.wage_min else None,
        wage_max=(step.wage_max.amount_minor, step.wage_max.currency) if step.wage_max else None,
        wage_unit=step.wage_unit,
        program_ids=_decoded(step.bridging_program_ids, "TrainingProgram"),
        work_based_learning=list(step.work_based_learning),
    )


@strawberry.input(description="A new career pathway and its first steps.")
class CreateCareerPathwayInput:
    name: str = strawberry.field(description="Its name (at most 200 characters).")
    description: str = strawberry.field(
        default="", description="What it is for (at most 5,000 characters)."
    )
    organization_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The employer that owns it (its organization admins may change it); "
        "leave out for the partnership's own (partnership admins only).",
    )
    steps: list[CareerPathwayStepInput] = strawberry.field(
        default_factory=list, description="Its steps in order (at most 30)."
    )


@strawberry.input(description="A step to add at the end of a pathway.")
class AddCareerPathwayStepInput:
    pathway_id: strawberry.ID = strawberry.field(description="The pathway.")
    step: CareerPathwayStepInput = strawberry.field(description="The step.")


@strawberry.input(description="A step's new fields (all of them: what is left out is cleared).")
class UpdateCareerPathwayStepInput:
    step_id: strawberry.ID = strawberry.field(description="The step.")
    step: CareerPathwayStepInput = strawberry.field(description="Its fields.")


@strawberry.input(description="A new order of a pathway's current steps.")
class ReorderCareerPathwayStepsInput:
    pathway_id: strawberry.ID = strawberry.field(description="The pathway.")
    step_ids: list[strawberry.ID] = strawberry.field(
        description="Every current (not retired) step of the pathway, each once, in the new "
        "order; retired steps follow."
    )


@strawberry.input(description="A step to retire.")
class RetireCareerPathwayStepInput:
    step_id: strawberry.ID = strawberry.field(description="The step.")


@strawberry.type(description="Result of a change to a career pathway.")
class CareerPathwayPayload:
    career_pathway: CareerPathwayType | None = strawberry.field(description="The pathway.")
    step: CareerPathwayStepType | None = strawberry.field(
        description="The step added, changed or retired (null for create and reorder). Its "
        "skillsAdded is empty here: read it in careerPathway.steps, where it has its place."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


Result = tuple[models.CareerPathway, models.CareerPathwayStep | None]


def _payload(result: Result | None, errors: list[UserError]) -> CareerPathwayPayload:
    if result is None:
        return CareerPathwayPayload(career_pathway=None, step=None, user_errors=errors)
    pathway, step = result
    return CareerPathwayPayload(
        career_pathway=CareerPathwayType.from_model(pathway),
        # Its skillsAdded is read from the pathway's steps, where it has a previous one.
        step=CareerPathwayStepType.from_model(step, None) if step else None,
        user_errors=errors,
    )


@strawberry.type
class PathwayMutation:
    @strawberry.mutation(
        description="Create a career pathway (partnership admins; an employer's organization "
        "admins for a pathway their employer owns)."
    )
    async def create_career_pathway(
        self,
        info: Info,
        input: Annotated[
            CreateCareerPathwayInput,
            strawberry.argument(description="The new pathway and its first steps."),
        ],
    ) -> CareerPathwayPayload:
        async def action(session: Any, principal: Principal) -> Result:
            organization_id = (
                decoded[1]
                if input.organization_id is not None
                and (decoded := from_global_id(input.organization_id, "Organization"))
                else None
            )
            pathway = await service.create_pathway(
                session,
                principal,
                name=input.name,
                description=input.description,
                organization_id=organization_id,
                organization_given=input.organization_id is not None,
                steps=[step_fields(step) for step in input.steps],
            )
            return pathway, None

        return _payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Add a step at the end of a career pathway.")
    async def add_career_pathway_step(
        self,
        info: Info,
        input: Annotated[
            AddCareerPathwayStepInput,
            strawberry.argument(description="The pathway and its new last step."),
        ],
    ) -> CareerPathwayPayload:
        async def action(session: Any, principal: Principal) -> Result:
            pathway_id = decode_id(input.pathway_id, "CareerPathway", "pathwayId")
            return await service.add_step(
                session, principal, pathway_id=pathway_id, step=step_fields(input.step)
            )

        return _payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Change every field of a career pathway step.")
    async def update_career_pathway_step(
        self,
        info: Info,
        input: Annotated[
            UpdateCareerPathwayStepInput,
            strawberry.argument(description="The step and all its new fields."),
        ],
    ) -> CareerPathwayPayload:
        async def action(session: Any, principal: Principal) -> Result:
            step_id = decode_id(input.step_id, "CareerPathwayStep", "stepId")
            return await service.update_step(
                session, principal, step_id=step_id, step=step_fields(input.step)
            )

        return _payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Put a career pathway's current steps in a new order.")
    async def reorder_career_pathway_steps(
        self,
        info: Info,
        input: Annotated[
            ReorderCareerPathwayStepsInput,
            strawberry.argument(description="The pathway and its steps in the new order."),
        ],
    ) -> CareerPathwayPayload:
        async def action(session: Any, principal: Principal) -> Result:
            pathway_id = decode_id(input.pathway_id, "CareerPathway", "pathwayId")
            pathway = await service.reorder_steps(
                session,
                principal,
                pathway_id=pathway_id,
                step_ids=_decoded(input.step_ids, "CareerPathwayStep"),
            )
            return pathway, None

        return _payload(*await run_mutation(info, action))

    @strawberry.mutation(
        description="Retire a career pathway step: kept, listed with includeRetired, no "
        "longer counted."
    )
    async def retire_career_pathway_step(
        self,
        info: Info,
        input: Annotated[
            RetireCareerPathwayStepInput, strawberry.argument(description="The step to retire.")
        ],
    ) -> CareerPathwayPayload:
        async def action(session: Any, principal: Principal) -> Result:
            step_id = decode_id(input.step_id, "CareerPathwayStep", "stepId")
            return await service.retire_step(session, principal, step_id=step_id)

        return _payload(*await run_mutation(info, action))
