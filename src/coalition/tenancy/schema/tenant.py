"""The partnership: its type, its settings, and changing them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import strawberry

from coalition.api.context import Info
from coalition.api.mutations import UserError, run_mutation
from coalition.api.relay import Node, to_global_id
from coalition.tenancy import models, reads
from coalition.tenancy.settings import MEANING, settings_in_effect, update_tenant_settings


@strawberry.type(description="Partnership-wide settings, as in effect (defaults where never set).")
class TenantSettings:
    time_zone: str = strawberry.field(
        description="IANA time zone used for the partnership's dates."
    )
    disclosure_min_employers: int = strawberry.field(description=MEANING["min_employers"])
    disclosure_p_percent: int = strawberry.field(description=MEANING["p_percent"])
    disclosure_noise_min_percent: int = strawberry.field(description=MEANING["noise_min_percent"])
    disclosure_noise_max_percent: int = strawberry.field(description=MEANING["noise_max_percent"])
    release_every_hours: int = strawberry.field(description=MEANING["every_hours"])
    release_min_interval_hours: int = strawberry.field(description=MEANING["min_interval_hours"])
    public_programs: bool = strawberry.field(description=MEANING["public_programs"])
    outcomes_min_people: int = strawberry.field(description=MEANING["min_people"])

    @classmethod
    def from_model(cls, tenant: models.Tenant) -> TenantSettings:
        settings = settings_in_effect(tenant.settings)
        rule, schedule = settings["disclosure"], settings["releases"]
        return cls(
            time_zone=settings["time_zone"],
            disclosure_min_employers=rule["min_employers"],
            disclosure_p_percent=rule["p_percent"],
            disclosure_noise_min_percent=rule["noise_min_percent"],
            disclosure_noise_max_percent=rule["noise_max_percent"],
            release_every_hours=schedule["every_hours"],
            release_min_interval_hours=schedule["min_interval_hours"],
            public_programs=settings["public_programs"],
            outcomes_min_people=settings["outcomes"]["min_people"],
        )


@strawberry.type(name="Tenant", description="A regional sector partnership.")
class TenantType(Node):
    slug: str = strawberry.field(description="Short unique name, used in URLs and the CLI.")
    name: str = strawberry.field(description="The partnership's name.")
    region: str = strawberry.field(description="The region it serves.")
    settings: TenantSettings = strawberry.field(description="Partnership-wide settings.")
    created_at: datetime = strawberry.field(description="When the partnership was created.")

    @classmethod
    def from_model(cls, tenant: models.Tenant) -> TenantType:
        return cls(
            id=to_global_id("Tenant", tenant.id),
            slug=tenant.slug,
            name=tenant.name,
            region=tenant.region,
            settings=TenantSettings.from_model(tenant),
            created_at=tenant.created_at,
        )

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> TenantType | None:
        principal = info.context.require_principal()
        if object_id != principal.tenant_id:
            return None
        async with info.context.session() as session:
            return cls.from_model(await reads.get_tenant(session, principal))


@strawberry.input(description="New settings for the partnership: omitted ones stay.")
class UpdateTenantSettingsInput:
    min_employers: int | None = strawberry.field(default=None, description=MEANING["min_employers"])
    p_percent: int | None = strawberry.field(default=None, description=MEANING["p_percent"])
    noise_min_percent: int | None = strawberry.field(
        default=None, description=MEANING["noise_min_percent"]
    )
    noise_max_percent: int | None = strawberry.field(
        default=None, description=MEANING["noise_max_percent"]
    )
    release_every_hours: int | None = strawberry.field(
        default=None, description=MEANING["every_hours"]
    )
    release_min_interval_hours: int | None = strawberry.field(
        default=None, description=MEANING["min_interval_hours"]
    )
    time_zone: str | None = strawberry.field(default=None, description="IANA time zone.")
    public_programs: bool | None = strawberry.field(
        default=None, description=MEANING["public_programs"]
    )
    outcomes_min_people: int | None = strawberry.field(
        default=None, description=MEANING["min_people"]
    )


@strawberry.type(description="Result of changing the partnership's settings.")
class TenantPayload:
    tenant: TenantType | None = strawberry.field(description="The partnership.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type
class TenantQuery:
    @strawberry.field(description="The caller's partnership.")
    async def tenant(self, info: Info) -> TenantType:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            return TenantType.from_model(await reads.get_tenant(session, principal))


@strawberry.type
class TenantMutation:
    @strawberry.mutation(description="Change the partnership's settings (partnership admins).")
    async def update_tenant_settings(
        self,
        info: Info,
        input: Annotated[
            UpdateTenantSettingsInput,
            strawberry.argument(description="The settings to change."),
        ],
    ) -> TenantPayload:
        tenant, errors = await run_mutation(
            info,
            lambda s, p: update_tenant_settings(
                s,
                p,
                min_employers=input.min_employers,
                p_percent=input.p_percent,
                noise_min_percent=input.noise_min_percent,
                noise_max_percent=input.noise_max_percent,
                release_every_hours=input.release_every_hours,
                release_min_interval_hours=input.release_min_interval_hours,
                time_zone=input.time_zone,
                public_programs=input.public_programs,
                outcomes_min_people=input.outcomes_min_people,
            ),
        )
        return TenantPayload(
            tenant=TenantType.from_model(tenant) if tenant else None, user_errors=errors
        )
