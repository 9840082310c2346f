# mypy: disable-error-code="untyped-decorator"
"""The DemandSignal type, its payload, and the queries and mutations of signals.

The employer organization, the occupation and the skills are the tenancy and
skills domains' own types: annotated lazily (``strawberry.lazy``), and imported
directly only because the resolvers build them from the rows demand's loaders
read (whoever may see a signal may see its employer, which tenancy's own
lookup would refuse a demand:read partner app).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.money import Money
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import After, Connection, First, Node, NodeId, from_global_id, to_global_id
from coalition.auth.principal import Principal
from coalition.demand import models, reads, service
from coalition.demand.permissions import public_timeline
from coalition.demand.quarters import format_quarter
from coalition.demand.schema import enums  # noqa: F401  (describes the enums before use)
from coalition.demand.schema.history import DemandSignalVersionType
from coalition.demand.schema.loaders import DemandLoaders
from coalition.demand.schema.signal_inputs import (
    CreateDemandSignalInput,
    DemandSignalFilter,
    UpdateDemandSignalInput,
    WithdrawDemandSignalInput,
    create_fields,
    update_fields,
)
from coalition.errors import InvalidInput
from coalition.errors import UserError as DomainUserError
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest
from coalition.skills.schema import OccupationType, SkillsLoaders, SkillType
from coalition.tenancy.schema import OrganizationType

SKILLS_SCHEMA = "coalition.skills.schema"
TENANCY_SCHEMA = "coalition.tenancy.schema"


@strawberry.type(name="DemandSkill", description="A skill a demand signal requires.")
class DemandSkill:
    skill: Annotated[SkillType, strawberry.lazy(SKILLS_SCHEMA)] = strawberry.field(
        description="The skill."
    )
    level: int = strawberry.field(description="Level required, 1 (basic) to 4 (expert).")


@strawberry.type(
    name="DemandSignal",
    description="An employer's expected openings for one occupation over a horizon of quarters.",
)
class DemandSignalType(Node):
    openings: int = strawberry.field(description="Number of openings expected.")
    start_quarter: str = strawberry.field(description="First quarter of the horizon, e.g. 2027Q1.")
    end_quarter: str = strawberry.field(description="Last quarter of the horizon, e.g. 2027Q4.")
    openings_kind: models.OpeningsKind = strawberry.field(description="Growth or replacement.")
    wage_min: Money | None = strawberry.field(description="Lowest wage offered, if given.")
    wage_max: Money | None = strawberry.field(description="Highest wage offered, if given.")
    wage_unit: models.WageUnit | None = strawberry.field(
        description="Per hour or per year; set whenever a wage is."
    )
    is_degree_required: bool = strawberry.field(
        description="Whether a degree is required (default no: skills-based hiring)."
    )
    credentials: list[str] = strawberry.field(description="Credentials accepted.")
    work_based_learning: list[models.WorkBasedLearning] = strawberry.field(
        description="Work-based learning the employer will host."
    )
    city: str | None = strawberry.field(description="Work location: city.")
    postal_code: str | None = strawberry.field(description="Work location: ZIP code.")
    external_id: str | None = strawberry.field(
        description="The employer's own ID for the posting (a CSV file's posting_id), if given."
    )
    sharing_level: models.SharingLevel = strawberry.field(description="Who may see the signal.")
    status: models.DemandStatus = strawberry.field(description="Draft, active, filled, withdrawn.")
    model: strawberry.Private[models.DemandSignal]

    @strawberry.field(
        description="Version number: 1 as posted, +1 per change. Viewers outside the "
        "employer (other than partnership admins) count from when it last became NAMED."
    )
    def version(self, info: Info) -> int:
        return public_timeline(info.context.require_principal(), self.model).version

    @strawberry.field(
        description="When it was posted; for viewers outside the employer (other than "
        "partnership admins), when it last became NAMED."
    )
    def created_at(self, info: Info) -> datetime:
        return public_timeline(info.context.require_principal(), self.model).created_at

    @strawberry.field(description="When it last changed (as far as the viewer may know).")
    def updated_at(self, info: Info) -> datetime:
        return public_timeline(info.context.require_principal(), self.model).updated_at

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> DemandSignalType | None:
        signal = await info.context.loaders.of(DemandLoaders).signal.load(object_id)
        return cls.from_model(signal) if signal else None

    @classmethod
    def from_model(cls, signal: models.DemandSignal) -> DemandSignalType:
        return cls(
            id=to_global_id("DemandSignal", signal.id),
            openings=signal.openings,
            start_quarter=format_quarter(signal.start_quarter),
            end_quarter=format_quarter(signal.end_quarter),
            openings_kind=signal.openings_kind,
            wage_min=Money.of(signal.wage_min_minor, signal.currency),
            wage_max=Money.of(signal.wage_max_minor, signal.currency),
            wage_unit=signal.wage_unit,
            is_degree_required=signal.is_degree_required,
            credentials=list(signal.credentials),
            work_based_learning=[models.WorkBasedLearning(k) for k in signal.work_based_learning],
            city=signal.city,
            postal_code=signal.postal_code,
            external_id=signal.external_id,
            sharing_level=signal.sharing_level,
            status=signal.status,
            model=signal,
        )

    @strawberry.field(
        description="The employer. Whoever may see a signal may see who posted it: its own "
        "people (PRIVATE, DRAFT), partnership admins too (POOLED), everyone (NAMED)."
    )
    async def organization(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(TENANCY_SCHEMA)] | None:
        organization = await info.context.loaders.of(DemandLoaders).employer.load(self.model.id)
        return OrganizationType.from_model(organization) if organization else None

    @strawberry.field(description="The occupation (SOC 2018).")
    async def occupation(
        self, info: Info
    ) -> Annotated[OccupationType, strawberry.lazy(SKILLS_SCHEMA)] | None:
        record = await info.context.loaders.of(SkillsLoaders).occupation.load(
            self.model.occupation_code
        )
        return OccupationType.from_record(record) if record else None

    @strawberry.field(description="Required skills with their levels, by skill ID.")
    async def skills(self, info: Info) -> list[DemandSkill]:
        found: list[reads.SignalSkill] = (
            await info.context.loaders.of(DemandLoaders).skills.load(self.model.id) or []
        )
        return [DemandSkill(skill=SkillType.from_model(s.skill), level=s.level) for s in found]

    @strawberry.field(
        description="Earlier and current versions, newest first: who changed what, when. Null "
        "for viewers outside the employer other than partnership admins."
    )
    async def history(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[DemandSignalVersionType] | None:
        page = await info.context.loaders.of(DemandLoaders).history.load(
            (self.model.id, PageRequest(first=first, after=after))
        )
        return None if page is None else Connection.of(page, DemandSignalVersionType.from_model)


@strawberry.type(description="Result of a change to a demand signal.")
class DemandSignalPayload:
    demand_signal: DemandSignalType | None = strawberry.field(description="The signal.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


def _payload(signal: models.DemandSignal | None, errors: list[UserError]) -> DemandSignalPayload:
    return DemandSignalPayload(
        demand_signal=DemandSignalType.from_model(signal) if signal else None, user_errors=errors
    )


@strawberry.type
class SignalQuery:
    @strawberry.field(description="Demand signals the caller may see, newest first.")
    async def demand_signals(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        filter: Annotated[
            DemandSignalFilter | None,
            strawberry.argument(description="Which signals: employer, occupations, statuses."),
        ] = None,
    ) -> Connection[DemandSignalType]:
        principal = info.context.require_principal()
        chosen = filter or DemandSignalFilter()
        organization_id = None
        if chosen.organization_id is not None:
            decoded = from_global_id(chosen.organization_id, "Organization")
            if decoded is None:
                raise InvalidInput(
                    [DomainUserError(("organizationId",), "Not an organization ID.", "INVALID")]
                )
            organization_id = decoded[1]
        async with info.context.session() as session:
            page = await reads.list_demand_signals(
                session,
                principal,
                page=PageRequest(first=first, after=after),
                organization_id=organization_id,
                occupation_codes=chosen.occupation_codes or (),
                statuses=chosen.statuses or (),
                sharing_levels=chosen.sharing_levels or (),
            )
        return Connection.of(page, DemandSignalType.from_model)

    @strawberry.field(description="One demand signal; null if there is none the caller may see.")
    async def demand_signal(self, info: Info, id: NodeId) -> DemandSignalType | None:
        info.context.require_principal()
        decoded = from_global_id(id, "DemandSignal")
        if decoded is None:
            return None
        signal = await info.context.loaders.of(DemandLoaders).signal.load(decoded[1])
        return DemandSignalType.from_model(signal) if signal else None


@strawberry.type
class SignalMutation:
    @strawberry.mutation(description="Post an employer's demand (its members, partnership admins).")
    async def create_demand_signal(
        self,
        info: Info,
        input: Annotated[CreateDemandSignalInput, strawberry.argument(description="The signal.")],
    ) -> DemandSignalPayload:
        async def action(session: Any, principal: Principal) -> models.DemandSignal:
            organization_id = decode_id(input.organization_id, "Organization", "organizationId")
            return await service.create_demand_signal(
                session, principal, organization_id=organization_id, fields=create_fields(input)
            )

        return _payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Change a demand signal; its earlier version is kept.")
    async def update_demand_signal(
        self,
        info: Info,
        input: Annotated[
            UpdateDemandSignalInput, strawberry.argument(description="The signal and changes.")
        ],
    ) -> DemandSignalPayload:
        async def action(session: Any, principal: Principal) -> models.DemandSignal:
            signal_id = decode_id(input.id, "DemandSignal", "id")
            return await service.update_demand_signal(
                session, principal, signal_id=signal_id, fields=update_fields(input)
            )

        return _payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Withdraw a DRAFT or ACTIVE demand signal (final).")
    async def withdraw_demand_signal(
        self,
        info: Info,
        input: Annotated[WithdrawDemandSignalInput, strawberry.argument(description="The signal.")],
    ) -> DemandSignalPayload:
        async def action(session: Any, principal: Principal) -> models.DemandSignal:
            signal_id = decode_id(input.id, "DemandSignal", "id")
            return await service.withdraw_demand_signal(session, principal, signal_id=signal_id)

        return _payload(*await run_mutation(info, action))


__all__ = [
    "DemandSignalPayload",
    "DemandSignalType",
    "DemandSkill",
    "SignalMutation",
    "SignalQuery",
]
