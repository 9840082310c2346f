"""The partnership: its type, its settings, and changing them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import strawberry

from coalition.api.context import Info
from coalition.api.mutations import UserError, run_mutation
from coalition.api.relay import Node, to_global_id
from coalition.disclosure.rule import DisclosureRule
from coalition.tenancy import models, reads
from coalition.tenancy.settings import update_tenant_settings


@strawberry.type(description="Partnership-wide settings.")
class TenantSettings:
    time_zone: str = strawberry.field(
        description="IANA time zone used for the partnership's dates."
    )
    disclosure_min_employers: int = strawberry.field(
        description="Pooled demand: a figure is shown only with at least this many employers."
    )
    disclosure_max_share_percent: int = strawberry.field(
        description="Pooled demand: a figure is hidden when one employer holds more than this "
        "percentage of its openings."
    )

    @classmethod
    def from_model(cls, tenant: models.Tenant) -> TenantSettings:
        rule = DisclosureRule.from_settings(tenant.settings)
        return cls(
            time_zone=tenant.settings.get("time_zone", "UTC"),
            disclosure_min_employers=rule.min_employers,
            disclosure_max_share_percent=rule.max_share_percent,
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
    min_employers: int | None = strawberry.field(
        default=None,
        description="Pooled demand: employers a figure needs to be shown (k, at least 2).",
    )
    max_share_percent: int | None = strawberry.field(
        default=None,
        description="Pooled demand: most of a figure's openings one employer may hold "
        "(p, 50 to 100).",
    )
    time_zone: str | None = strawberry.field(default=None, description="IANA time zone.")


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
                max_share_percent=input.max_share_percent,
                time_zone=input.time_zone,
            ),
        )
        return TenantPayload(
            tenant=TenantType.from_model(tenant) if tenant else None, user_errors=errors
        )
