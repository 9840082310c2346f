"""A member organization: its type, listing and finding them, and changing them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import (
    After,
    Connection,
    First,
    Node,
    NodeId,
    from_global_id,
    to_global_id,
)
from coalition.auth.principal import Principal
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest
from coalition.tenancy import models, organizations, reads
from coalition.tenancy.schema.enums import OrganizationKind, SizeBand
from coalition.tenancy.schema.loaders import TenancyLoaders
from coalition.tenancy.schema.membership import MembershipType


@strawberry.type(name="Organization", description="A member organization of the partnership.")
class OrganizationType(Node):
    name: str = strawberry.field(description="The organization's name, unique in the partnership.")
    kind: OrganizationKind = strawberry.field(description="What kind of organization it is.")
    employee_count: int | None = strawberry.field(description="Number of employees, if known.")
    size_band: SizeBand | None = strawberry.field(description="Head-count band, if known.")
    is_sme: bool | None = strawberry.field(
        description="Small or medium-sized (fewer than 500 employees); null if unknown."
    )
    naics_code: str | None = strawberry.field(description="NAICS 2022 industry code (2-6 digits).")
    city: str | None = strawberry.field(description="City.")
    region: str | None = strawberry.field(description="Region or state.")
    website: str | None = strawberry.field(description="Website address.")
    created_at: datetime = strawberry.field(description="When it joined the platform.")
    archived_at: datetime | None = strawberry.field(description="When it was archived, if it was.")
    recognition_opt_out: bool = strawberry.field(
        description="Whether it chose to stay out of the public investment-recognition ranking."
    )

    @classmethod
    def from_model(cls, organization: models.Organization) -> OrganizationType:
        band = models.size_band(organization.employee_count)
        return cls(
            id=to_global_id("Organization", organization.id),
            name=organization.name,
            kind=organization.kind,
            employee_count=organization.employee_count,
            size_band=band,
            is_sme=None if band is None else band is not SizeBand.LARGE,
            naics_code=organization.naics_code,
            city=organization.city,
            region=organization.region,
            website=organization.website,
            created_at=organization.created_at,
            archived_at=organization.archived_at,
            recognition_opt_out=organization.recognition_opt_out,
        )

    @strawberry.field(description="People in this organization, oldest membership first.")
    async def memberships(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[MembershipType]:
        organization_id = from_global_id(self.id, "Organization")
        assert organization_id is not None
        page = await info.context.loaders.of(TenancyLoaders).memberships_of_organization.load(
            (organization_id[1], PageRequest(first=first, after=after))
        )
        return Connection.of(page, MembershipType.from_model)

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> OrganizationType | None:
        organization = await info.context.loaders.of(TenancyLoaders).organization.load(object_id)
        return cls.from_model(organization) if organization else None


@strawberry.input(description="Which organizations to list.")
class OrganizationFilter:
    kinds: list[OrganizationKind] | None = strawberry.field(
        default=None, description="Only these kinds."
    )
    search: str | None = strawberry.field(default=None, description="Words in the name.")
    include_archived: bool = strawberry.field(default=False, description="Include archived ones.")


@strawberry.input(description="A new member organization.")
class CreateOrganizationInput:
    name: str = strawberry.field(description="Name, unique in the partnership (max 200).")
    kind: OrganizationKind = strawberry.field(description="What kind of organization.")
    employee_count: int | None = strawberry.field(default=None, description="Employees.")
    naics_code: str | None = strawberry.field(default=None, description="NAICS 2022 code.")
    city: str | None = strawberry.field(default=None, description="City (max 120).")
    region: str | None = strawberry.field(default=None, description="Region (max 120).")
    website: str | None = strawberry.field(default=None, description="http(s) address.")


@strawberry.input(description="Changes to an organization: omitted fields stay, null clears.")
class UpdateOrganizationInput:
    id: strawberry.ID = strawberry.field(description="The organization.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New name.")
    kind: OrganizationKind | None = strawberry.field(
        default=strawberry.UNSET, description="New kind."
    )
    employee_count: int | None = strawberry.field(
        default=strawberry.UNSET, description="Employees."
    )
    naics_code: str | None = strawberry.field(default=strawberry.UNSET, description="NAICS code.")
    city: str | None = strawberry.field(default=strawberry.UNSET, description="City.")
    region: str | None = strawberry.field(default=strawberry.UNSET, description="Region.")
    website: str | None = strawberry.field(default=strawberry.UNSET, description="Website.")
    recognition_opt_out: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Stay out of the public investment-recognition ranking (true) or appear "
        "in it (false); omitted or null: unchanged.",
    )


@strawberry.input(description="The organization to archive.")
class ArchiveOrganizationInput:
    id: strawberry.ID = strawberry.field(description="The organization.")


@strawberry.type(description="Result of a change to an organization.")
class OrganizationPayload:
    organization: OrganizationType | None = strawberry.field(description="The organization.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")

    @classmethod
    def of(
        cls, organization: models.Organization | None, errors: list[UserError]
    ) -> OrganizationPayload:
        return cls(
            organization=OrganizationType.from_model(organization) if organization else None,
            user_errors=errors,
        )


CHANGEABLE = (
    "name",
    "kind",
    "employee_count",
    "naics_code",
    "city",
    "region",
    "website",
    "recognition_opt_out",
)


@strawberry.type
class OrganizationQuery:
    @strawberry.field(description="Member organizations, by name.")
    async def organizations(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        filter: Annotated[
            OrganizationFilter | None,
            strawberry.argument(description="Which organizations: by kind, by words in the name."),
        ] = None,
    ) -> Connection[OrganizationType]:
        principal = info.context.require_principal()
        chosen = filter or OrganizationFilter()
        async with info.context.session() as session:
            page = await reads.list_organizations(
                session,
                principal,
                page=PageRequest(first=first, after=after),
                kinds=chosen.kinds or (),
                search=chosen.search,
                include_archived=chosen.include_archived,
            )
        return Connection.of(page, OrganizationType.from_model)

    @strawberry.field(description="One organization; null if there is none with this ID.")
    async def organization(self, info: Info, id: NodeId) -> OrganizationType | None:
        info.context.require_principal()
        decoded = from_global_id(id, "Organization")
        if decoded is None:
            return None
        return await OrganizationType.resolve_node(info, decoded[1])


@strawberry.type
class OrganizationMutation:
    @strawberry.mutation(description="Add a member organization.")
    async def create_organization(
        self,
        info: Info,
        input: Annotated[
            CreateOrganizationInput, strawberry.argument(description="The new organization.")
        ],
    ) -> OrganizationPayload:
        fields = {name: getattr(input, name) for name in CHANGEABLE if hasattr(input, name)}
        return OrganizationPayload.of(
            *await run_mutation(
                info, lambda s, p: organizations.create_organization(s, p, fields=fields)
            )
        )

    @strawberry.mutation(description="Change an organization's details.")
    async def update_organization(
        self,
        info: Info,
        input: Annotated[
            UpdateOrganizationInput,
            strawberry.argument(description="The organization and its changes."),
        ],
    ) -> OrganizationPayload:
        # Omitted fields stay as they are; a null clears the field.
        fields = {
            name: getattr(input, name)
            for name in CHANGEABLE
            if getattr(input, name) is not strawberry.UNSET
        }

        async def action(session: Any, principal: Principal) -> models.Organization:
            organization_id = decode_id(input.id, "Organization", "id")
            return await organizations.update_organization(
                session, principal, organization_id=organization_id, fields=fields
            )

        return OrganizationPayload.of(*await run_mutation(info, action))

    @strawberry.mutation(description="Archive an organization (partnership admins).")
    async def archive_organization(
        self,
        info: Info,
        input: Annotated[
            ArchiveOrganizationInput,
            strawberry.argument(description="The organization to archive."),
        ],
    ) -> OrganizationPayload:
        async def action(session: Any, principal: Principal) -> models.Organization:
            organization_id = decode_id(input.id, "Organization", "id")
            return await organizations.archive_organization(
                session, principal, organization_id=organization_id
            )

        return OrganizationPayload.of(*await run_mutation(info, action))
