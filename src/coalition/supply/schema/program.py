# mypy: disable-error-code="untyped-decorator"
"""The TrainingProgram type, its payload, and the queries and mutations of programs.

The provider organization, the occupations and the skills are the tenancy and skills
domains' own types: annotated lazily (``strawberry.lazy``), and built here from the
rows supply's loaders read (whoever may see a program may see its provider, which
tenancy's own lookup would refuse a ``programs:read`` partner app).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from coalition.api.context import Info
from coalition.api.money import Money
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import After, Connection, First, Node, NodeId, from_global_id, to_global_id
from coalition.auth.permissions import require_reference_read
from coalition.auth.principal import Principal
from coalition.demand.models import WorkBasedLearning
from coalition.errors import InvalidInput
from coalition.errors import UserError as DomainUserError
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest
from coalition.skills.schema import OccupationType, SkillType
from coalition.supply import models, reads, service
from coalition.supply.ctdl import Coded, learning_program
from coalition.supply.schema import enums  # noqa: F401  (describes the enums before use)
from coalition.supply.schema.cohort import CohortType
from coalition.supply.schema.loaders import SupplyLoaders
from coalition.supply.schema.program_inputs import (
    CreateTrainingProgramInput,
    SetTrainingProgramStatusInput,
    TrainingProgramFilter,
    UpdateTrainingProgramInput,
    program_fields,
)
from coalition.tenancy.schema import OrganizationType

SKILLS_SCHEMA = "coalition.skills.schema"
TENANCY_SCHEMA = "coalition.tenancy.schema"


@strawberry.type(name="InstructionalProgram", description="A CIP 2020 instructional program.")
class InstructionalProgramType:
    code: str = strawberry.field(description="The CIP code, e.g. 48.0501.")
    title: str = strawberry.field(description="The official NCES title.")


@strawberry.type(name="ProgramSkill", description="A skill a training program teaches.")
class ProgramSkillType:
    skill: Annotated[SkillType, strawberry.lazy(SKILLS_SCHEMA)] = strawberry.field(
        description="The skill."
    )
    level: int = strawberry.field(description="Level taught, 1 (basic) to 4 (expert).")


@strawberry.type(name="Credential", description="The credential a program's completers earn.")
class CredentialType:
    kind: models.CredentialKind = strawberry.field(description="What kind of credential.")
    name: str | None = strawberry.field(description="Its name, if given.")
    ctid: str | None = strawberry.field(
        description="Its Credential Engine CTID (ce- and a UUID), if given."
    )


@strawberry.type(
    name="TrainingProgram",
    description="What a provider member teaches: one program and the credential it leads to.",
)
class TrainingProgramType(Node):
    name: str = strawberry.field(description="Its name.")
    description: str = strawberry.field(description="What it teaches, for learners.")
    cip_code: str = strawberry.field(description="Its CIP 2020 program code, e.g. 48.0501.")
    credential: CredentialType = strawberry.field(description="What completers earn.")
    hours: int | None = strawberry.field(description="Length in hours of instruction, if given.")
    weeks: int | None = strawberry.field(description="Length in weeks, if given.")
    cost: Money | None = strawberry.field(
        description="Cost to the learner (0 when free), if given."
    )
    modality: models.Modality = strawberry.field(description="In person, online or hybrid.")
    schedules: list[models.Schedule] = strawberry.field(description="When classes meet.")
    work_based_learning: list[WorkBasedLearning] = strawberry.field(
        description="Work-based learning it includes (the kinds employers host in demand)."
    )
    supports: list[models.Support] = strawberry.field(description="Supports it offers learners.")
    is_eligible_training_provider: bool = strawberry.field(
        description="Whether it is on the state's Eligible Training Provider List (WIOA ETPL)."
    )
    status: models.ProgramStatus = strawberry.field(description="Draft, active, discontinued.")
    external_id: str | None = strawberry.field(
        description="The provider's own ID for it, if given."
    )
    created_at: datetime = strawberry.field(description="When it was added.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    model: strawberry.Private[models.TrainingProgram]

    @classmethod
    def from_model(cls, program: models.TrainingProgram) -> TrainingProgramType:
        return cls(
            id=to_global_id("TrainingProgram", program.id),
            name=program.name,
            description=program.description,
            cip_code=program.cip_code,
            credential=CredentialType(
                kind=program.credential_kind,
                name=program.credential_name,
                ctid=program.credential_ctid,
            ),
            hours=program.hours,
            weeks=program.weeks,
            cost=Money.of(program.cost_minor, program.currency),
            modality=program.modality,
            schedules=[models.Schedule(value) for value in program.schedules],
            work_based_learning=[WorkBasedLearning(value) for value in program.work_based_learning],
            supports=[models.Support(value) for value in program.supports],
            is_eligible_training_provider=program.is_etpl,
            status=program.status,
            external_id=program.external_id,
            created_at=program.created_at,
            updated_at=program.updated_at,
            model=program,
        )

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> TrainingProgramType | None:
        program = await info.context.loaders.of(SupplyLoaders).program.load(object_id)
        return cls.from_model(program) if program else None

    @strawberry.field(description="The CIP 2020 program its code names.")
    async def instructional_program(self, info: Info) -> InstructionalProgramType | None:
        found = await info.context.loaders.of(SupplyLoaders).instructional_program.load(
            self.model.cip_code
        )
        return InstructionalProgramType(code=found.cip_code, title=found.title) if found else None

    @strawberry.field(
        description="The provider organization. Whoever may see a program may see who runs it."
    )
    async def provider(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(TENANCY_SCHEMA)] | None:
        organization = await info.context.loaders.of(SupplyLoaders).provider.load(self.model.id)
        return OrganizationType.from_model(organization) if organization else None

    @strawberry.field(description="The occupations (SOC 2018) it prepares for, by code.")
    async def occupations(
        self, info: Info
    ) -> list[Annotated[OccupationType, strawberry.lazy(SKILLS_SCHEMA)]]:
        found = await info.context.loaders.of(SupplyLoaders).occupations.load(self.model.id)
        return [OccupationType.from_record(record) for record in found or []]

    @strawberry.field(description="The skills it teaches with their levels, by skill ID.")
    async def skills(self, info: Info) -> list[ProgramSkillType]:
        found = await info.context.loaders.of(SupplyLoaders).skills.load(self.model.id)
        return [
            ProgramSkillType(skill=SkillType.from_model(item.skill), level=item.level)
            for item in found or []
        ]

    @strawberry.field(
        description="The program as linked data: a CTDL ceterms:LearningProgram JSON-LD "
        "document with its credential, CIP ceterms:instructionalProgramType and SOC "
        "ceterms:occupationType (the same document as the public listing's)."
    )
    async def ctdl(self, info: Info) -> JSON:
        loaders = info.context.loaders.of(SupplyLoaders)
        provider, occupations, cip = await asyncio.gather(
            loaders.provider.load(self.model.id),
            loaders.occupations.load(self.model.id),
            loaders.instructional_program.load(self.model.cip_code),
        )
        document = learning_program(
            self.model,
            provider_name=provider.name if provider else "",
            occupations=[Coded(record.code, record.title) for record in occupations or []],
            cip_title=cip.title if cip else None,
        )
        return cast(JSON, document)

    @strawberry.field(description="Its cohorts (runs), earliest start first.")
    async def cohorts(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[CohortType]:
        page = await info.context.loaders.of(SupplyLoaders).cohorts.load(
            (self.model.id, PageRequest(first=first, after=after))
        )
        return Connection.of(page, CohortType.from_model)


@strawberry.type(description="Result of a change to a training program.")
class TrainingProgramPayload:
    training_program: TrainingProgramType | None = strawberry.field(description="The program.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


def _payload(
    program: models.TrainingProgram | None, errors: list[UserError]
) -> TrainingProgramPayload:
    return TrainingProgramPayload(
        training_program=TrainingProgramType.from_model(program) if program else None,
        user_errors=errors,
    )


def _filter(chosen: TrainingProgramFilter) -> reads.ProgramFilter:
    provider_id = None
    if chosen.provider_id is not None:
        decoded = from_global_id(chosen.provider_id, "Organization")
        if decoded is None:
            raise InvalidInput(
                [DomainUserError(("filter", "providerId"), "Not an organization ID.", "INVALID")]
            )
        provider_id = decoded[1]
    return reads.ProgramFilter(
        cip_code=chosen.cip_code,
        occupation_code=chosen.occupation_code,
        skill_id=None if chosen.skill_id is None else str(chosen.skill_id),
        modality=chosen.modality,
        schedule=chosen.schedule,
        supports=tuple(chosen.supports or ()),
        provider_id=provider_id,
        search=chosen.search,
        status=chosen.status,
    )


@strawberry.type
class ProgramQuery:
    @strawberry.field(description="Training programs the caller may see, newest first.")
    async def training_programs(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        filter: Annotated[
            TrainingProgramFilter | None,
            strawberry.argument(
                description="Which programs: CIP code, occupation, skill, modality, schedule, "
                "supports, provider, words, status."
            ),
        ] = None,
    ) -> Connection[TrainingProgramType]:
        principal = info.context.require_principal()
        chosen = _filter(filter or TrainingProgramFilter())
        async with info.context.session() as session:
            page = await reads.list_training_programs(
                session, principal, page=PageRequest(first=first, after=after), chosen=chosen
            )
        return Connection.of(page, TrainingProgramType.from_model)

    @strawberry.field(description="One training program; null if there is none the caller may see.")
    async def training_program(self, info: Info, id: NodeId) -> TrainingProgramType | None:
        info.context.require_principal()
        decoded = from_global_id(id, "TrainingProgram")
        if decoded is None:
            return None
        program = await info.context.loaders.of(SupplyLoaders).program.load(decoded[1])
        return TrainingProgramType.from_model(program) if program else None

    @strawberry.field(
        description="The occupations the NCES CIP 2020 to SOC 2018 crosswalk pairs with a "
        "program code (experts' judgement of what it prepares for), by SOC code: a starting "
        "point for a program's occupationCodes. Empty for a code the crosswalk lacks."
    )
    async def suggested_occupations(
        self,
        info: Info,
        cip_code: Annotated[
            str, strawberry.argument(description="A 6-digit CIP 2020 code, e.g. 48.0501.")
        ],
    ) -> list[Annotated[OccupationType, strawberry.lazy(SKILLS_SCHEMA)]]:
        require_reference_read(info.context.require_principal())
        async with info.context.session() as session:
            found = await reads.suggested_occupations(session, cip_code)
        return [OccupationType.from_record(record) for record in found]


@strawberry.type
class ProgramMutation:
    @strawberry.mutation(
        description="Add a provider's training program (its organization admins, partnership "
        "admins)."
    )
    async def create_training_program(
        self,
        info: Info,
        input: Annotated[
            CreateTrainingProgramInput, strawberry.argument(description="The program.")
        ],
    ) -> TrainingProgramPayload:
        async def action(session: Any, principal: Principal) -> models.TrainingProgram:
            organization_id = decode_id(input.organization_id, "Organization", "organizationId")
            return await service.create_training_program(
                session, principal, organization_id=organization_id, fields=program_fields(input)
            )

        return _payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Change a training program (only the fields given).")
    async def update_training_program(
        self,
        info: Info,
        input: Annotated[
            UpdateTrainingProgramInput, strawberry.argument(description="The program and changes.")
        ],
    ) -> TrainingProgramPayload:
        async def action(session: Any, principal: Principal) -> models.TrainingProgram:
            program_id = decode_id(input.id, "TrainingProgram", "id")
            return await service.update_training_program(
                session, principal, program_id=program_id, fields=program_fields(input)
            )

        return _payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Publish, discontinue or reinstate a training program.")
    async def set_training_program_status(
        self,
        info: Info,
        input: Annotated[
            SetTrainingProgramStatusInput,
            strawberry.argument(description="The program and its new status."),
        ],
    ) -> TrainingProgramPayload:
        async def action(session: Any, principal: Principal) -> models.TrainingProgram:
            program_id = decode_id(input.id, "TrainingProgram", "id")
            return await service.set_training_program_status(
                session, principal, program_id=program_id, status=input.status
            )

        return _payload(*await run_mutation(info, action))


@strawberry.type(description="Training programs an organization runs.")
class OrganizationPrograms:
    """Fields supply adds to tenancy's Organization (``FIELDS``): ``self`` is the host."""

    @strawberry.field(
        description="The training programs this organization runs that the caller may see, "
        "newest first."
    )
    async def training_programs(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[TrainingProgramType]:
        decoded = from_global_id(str(getattr(self, "id")), "Organization")  # noqa: B009
        assert decoded is not None
        page = await info.context.loaders.of(SupplyLoaders).programs_of_organization.load(
            (decoded[1], PageRequest(first=first, after=after))
        )
        return Connection.of(page, TrainingProgramType.from_model)


__all__ = [
    "CredentialType",
    "InstructionalProgramType",
    "OrganizationPrograms",
    "ProgramMutation",
    "ProgramQuery",
    "ProgramSkillType",
    "TrainingProgramPayload",
    "TrainingProgramType",
]
