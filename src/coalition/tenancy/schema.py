"""GraphQL types, queries and mutations of the tenancy domain (translation only)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.enums import expose_enum
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
from coalition.auth.principal import Principal, PrincipalKind
from coalition.disclosure.rule import DisclosureRule
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest
from coalition.tenancy import models, service
from coalition.tenancy.loaders import TenancyLoaders
from coalition.tenancy.models import OrganizationKind as Kind

expose_enum(
    models.OrganizationKind,
    name="OrganizationKind",
    description="What a member organization is.",
    values={
        Kind.EMPLOYER: "Hires workers: a shop, a hospital, a franchisee.",
        Kind.TRAINING_PROVIDER: "Trains people: a bootcamp, an apprenticeship sponsor.",
        Kind.WORKER_ORGANIZATION: "Speaks for workers: a union, a worker center.",
        Kind.FUNDER: "Funds the partnership's work: a foundation, a state agency.",
        Kind.COMMUNITY_ORGANIZATION: "Serves people in the community: navigators, "
        "wrap-around services, recruitment.",
        Kind.PUBLIC_AGENCY: "A public body: a workforce board, an apprenticeship office.",
        Kind.EDUCATION_INSTITUTION: "A school or college: a community college, a K-12 district.",
    },
)
expose_enum(
    models.Role,
    name="Role",
    description="A person's role in one organization.",
    values={
        models.Role.PARTNERSHIP_ADMIN: "The convener: manages organizations, memberships, API "
        "clients, and reads the audit log.",
        models.Role.ORGANIZATION_ADMIN: "Manages their own organization and its members.",
        models.Role.MEMBER: "Takes part in the partnership for their organization.",
        models.Role.ANALYST: "Reads everything members may read; changes nothing.",
    },
)
expose_enum(
    service.SizeBand,
    name="SizeBand",
    description="Head-count band of an organization.",
    values={
        service.SizeBand.MICRO: "Fewer than 10 employees.",
        service.SizeBand.SMALL: "10 to 49 employees.",
        service.SizeBand.MEDIUM: "50 to 499 employees.",
        service.SizeBand.LARGE: "500 employees or more.",
    },
)


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


def _settings(tenant: models.Tenant) -> TenantSettings:
    rule = DisclosureRule.from_settings(tenant.settings)
    return TenantSettings(
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
            settings=_settings(tenant),
            created_at=tenant.created_at,
        )

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> TenantType | None:
        principal = info.context.require_principal()
        if object_id != principal.tenant_id:
            return None
        async with info.context.session() as session:
            return cls.from_model(await service.get_tenant(session, principal))


@strawberry.type(name="User", description="A person in the partnership.")
class UserType(Node):
    display_name: str = strawberry.field(description="How the person is named.")
    email: str | None = strawberry.field(
        description="Email address; visible to people in the partnership, null for partner apps."
    )

    @classmethod
    def from_model(cls, user: models.User, viewer: Principal) -> UserType:
        return cls(
            id=to_global_id("User", user.id),
            display_name=user.display_name,
            email=user.email if viewer.is_user else None,
        )

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> UserType | None:
        principal = info.context.require_principal()
        user = await info.context.loaders.of(TenancyLoaders).user.load(object_id)
        return cls.from_model(user, principal) if user else None


@strawberry.type(name="Membership", description="A person's role in one organization.")
class MembershipType(Node):
    role: models.Role = strawberry.field(description="What the person may do.")
    created_at: datetime = strawberry.field(description="When the membership began.")
    organization_id: strawberry.Private[Any]
    user_id: strawberry.Private[Any]

    @classmethod
    def from_model(cls, membership: models.Membership) -> MembershipType:
        return cls(
            id=to_global_id("Membership", membership.id),
            role=membership.role,
            created_at=membership.created_at,
            organization_id=membership.organization_id,
            user_id=membership.user_id,
        )

    @strawberry.field(description="The organization.")
    async def organization(self, info: Info) -> OrganizationType | None:
        organization = await info.context.loaders.of(TenancyLoaders).organization.load(
            self.organization_id
        )
        return OrganizationType.from_model(organization) if organization else None

    @strawberry.field(description="The person.")
    async def user(self, info: Info) -> UserType | None:
        user = await info.context.loaders.of(TenancyLoaders).user.load(self.user_id)
        return UserType.from_model(user, info.context.require_principal()) if user else None

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> MembershipType | None:
        membership = await info.context.loaders.of(TenancyLoaders).membership.load(object_id)
        return cls.from_model(membership) if membership else None


@strawberry.type(name="Organization", description="A member organization of the partnership.")
class OrganizationType(Node):
    name: str = strawberry.field(description="The organization's name, unique in the partnership.")
    kind: models.OrganizationKind = strawberry.field(description="What kind of organization it is.")
    employee_count: int | None = strawberry.field(description="Number of employees, if known.")
    size_band: service.SizeBand | None = strawberry.field(description="Head-count band, if known.")
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
        band = service.size_band(organization.employee_count)
        return cls(
            id=to_global_id("Organization", organization.id),
            name=organization.name,
            kind=organization.kind,
            employee_count=organization.employee_count,
            size_band=band,
            is_sme=None if band is None else band is not service.SizeBand.LARGE,
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


@strawberry.type(name="ApiClient", description="A partner application's OAuth2 client.")
class ApiClientType(Node):
    name: str = strawberry.field(description="What the application is.")
    client_id: str = strawberry.field(description="The OAuth2 client_id.")
    scopes: list[str] = strawberry.field(description="What the client may do.")
    created_at: datetime = strawberry.field(description="When it was created.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked, if it was.")

    @classmethod
    def from_model(cls, client: models.ApiClient) -> ApiClientType:
        return cls(
            id=to_global_id("ApiClient", client.id),
            name=client.name,
            client_id=client.client_id,
            scopes=list(client.scopes),
            created_at=client.created_at,
            revoked_at=client.revoked_at,
        )

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> ApiClientType | None:
        if not info.context.require_principal().is_partnership_admin:
            return None
        client = await info.context.loaders.of(TenancyLoaders).api_client.load(object_id)
        return cls.from_model(client) if client else None


@strawberry.input(description="Which organizations to list.")
class OrganizationFilter:
    kinds: list[models.OrganizationKind] | None = strawberry.field(
        default=None, description="Only these kinds."
    )
    search: str | None = strawberry.field(default=None, description="Words in the name.")
    include_archived: bool = strawberry.field(default=False, description="Include archived ones.")


@strawberry.input(description="A new member organization.")
class CreateOrganizationInput:
    name: str = strawberry.field(description="Name, unique in the partnership (max 200).")
    kind: models.OrganizationKind = strawberry.field(description="What kind of organization.")
    employee_count: int | None = strawberry.field(default=None, description="Employees.")
    naics_code: str | None = strawberry.field(default=None, description="NAICS 2022 code.")
    city: str | None = strawberry.field(default=None, description="City (max 120).")
    region: str | None = strawberry.field(default=None, description="Region (max 120).")
    website: str | None = strawberry.field(default=None, description="http(s) address.")


@strawberry.input(description="Changes to an organization: omitted fields stay, null clears.")
class UpdateOrganizationInput:
    id: strawberry.ID = strawberry.field(description="The organization.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New name.")
    kind: models.OrganizationKind | None = strawberry.field(
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


@strawberry.input(description="Give a person a role in an organization.")
class AddMembershipInput:
    organization_id: strawberry.ID = strawberry.field(description="The organization.")
    email: str = strawberry.field(description="The person's email; a new person is created.")
    role: models.Role = strawberry.field(description="The role to give.")
    display_name: str | None = strawberry.field(default=None, description="Name for a new person.")


@strawberry.input(description="The membership to end.")
class RemoveMembershipInput:
    id: strawberry.ID = strawberry.field(description="The membership.")


@strawberry.input(description="A new partner application.")
class CreateApiClientInput:
    name: str = strawberry.field(description="What the application is.")
    scopes: list[str] = strawberry.field(description="Scopes, e.g. read, write.")


@strawberry.input(description="The client to revoke.")
class RevokeApiClientInput:
    id: strawberry.ID = strawberry.field(description="The client.")


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


@strawberry.type(description="Result of a change to an organization.")
class OrganizationPayload:
    organization: OrganizationType | None = strawberry.field(description="The organization.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="Result of a change to a membership.")
class MembershipPayload:
    membership: MembershipType | None = strawberry.field(description="The membership.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="Result of creating a client: the secret is shown only here.")
class CreateApiClientPayload:
    api_client: ApiClientType | None = strawberry.field(description="The new client.")
    client_secret: str | None = strawberry.field(
        description="The client secret. Store it now: it is not kept and cannot be shown again."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="Result of revoking a client.")
class ApiClientPayload:
    api_client: ApiClientType | None = strawberry.field(description="The client.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


def _given(value: Any) -> bool:
    return value is not strawberry.UNSET


expose_enum(
    PrincipalKind,
    name="ViewerKind",
    description="Who is calling.",
    values={
        PrincipalKind.USER: "A person, with a token from the identity provider or the CLI.",
        PrincipalKind.CLIENT: "A partner application, with an OAuth2 client-credentials token.",
        PrincipalKind.SYSTEM: "The operator at the command line (never seen through the API).",
    },
)


@strawberry.type(description="Who is calling.")
class Viewer:
    kind: PrincipalKind = strawberry.field(description="A person (user) or a partner app (client).")
    label: str = strawberry.field(description="The person's email or the client's name.")
    user: UserType | None = strawberry.field(description="The person, for a person's token.")
    client_id: str | None = strawberry.field(description="The client_id, for a partner app.")
    scopes: list[str] = strawberry.field(description="What the token allows.")
    roles: list[models.Role] = strawberry.field(
        description="The person's roles across memberships."
    )
    memberships: list[MembershipType] = strawberry.field(description="The person's memberships.")
    tenant: TenantType = strawberry.field(description="The partnership.")


@strawberry.type
class TenancyQuery:
    @strawberry.field(description="The caller: a person or a partner app.")
    async def viewer(self, info: Info) -> Viewer:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            tenant = await service.get_tenant(session, principal)
            memberships = (
                await service.memberships_of_user(session, principal, principal.id)
                if principal.is_user
                else []
            )
        loaders = info.context.loaders.of(TenancyLoaders)
        user = await loaders.user.load(principal.id) if principal.is_user else None
        return Viewer(
            kind=principal.kind,
            label=principal.label,
            user=UserType.from_model(user, principal) if user else None,
            client_id=None
            if principal.is_user
            else models.format_client_id(principal.tenant_id, principal.id),
            scopes=sorted(principal.scopes),
            roles=sorted(principal.roles),
            memberships=[MembershipType.from_model(m) for m in memberships],
            tenant=TenantType.from_model(tenant),
        )

    @strawberry.field(description="The caller's partnership.")
    async def tenant(self, info: Info) -> TenantType:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            return TenantType.from_model(await service.get_tenant(session, principal))

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
            page = await service.list_organizations(
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
        organization = await info.context.loaders.of(TenancyLoaders).organization.load(decoded[1])
        return OrganizationType.from_model(organization) if organization else None

    @strawberry.field(description="Partner applications' clients (partnership admins only).")
    async def api_clients(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[ApiClientType]:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            page = await service.list_api_clients(
                session, principal, page=PageRequest(first=first, after=after)
            )
        return Connection.of(page, ApiClientType.from_model)


@strawberry.type
class TenancyMutation:
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
            lambda s, p: service.update_tenant_settings(
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

    @strawberry.mutation(description="Add a member organization.")
    async def create_organization(
        self,
        info: Info,
        input: Annotated[
            CreateOrganizationInput, strawberry.argument(description="The new organization.")
        ],
    ) -> OrganizationPayload:
        fields = {
            "name": input.name,
            "kind": input.kind,
            "employee_count": input.employee_count,
            "naics_code": input.naics_code,
            "city": input.city,
            "region": input.region,
            "website": input.website,
        }
        organization, errors = await run_mutation(
            info, lambda s, p: service.create_organization(s, p, fields=fields)
        )
        return OrganizationPayload(
            organization=OrganizationType.from_model(organization) if organization else None,
            user_errors=errors,
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
        candidates = {
            "name": input.name,
            "kind": input.kind,
            "employee_count": input.employee_count,
            "naics_code": input.naics_code,
            "city": input.city,
            "region": input.region,
            "website": input.website,
            "recognition_opt_out": input.recognition_opt_out,
        }
        fields = {key: value for key, value in candidates.items() if _given(value)}

        async def action(session: Any, principal: Principal) -> models.Organization:
            organization_id = decode_id(input.id, "Organization", "id")
            return await service.update_organization(
                session, principal, organization_id=organization_id, fields=fields
            )

        organization, errors = await run_mutation(info, action)
        return OrganizationPayload(
            organization=OrganizationType.from_model(organization) if organization else None,
            user_errors=errors,
        )

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
            return await service.archive_organization(
                session, principal, organization_id=organization_id
            )

        organization, errors = await run_mutation(info, action)
        return OrganizationPayload(
            organization=OrganizationType.from_model(organization) if organization else None,
            user_errors=errors,
        )

    @strawberry.mutation(description="Give a person a role in an organization.")
    async def add_membership(
        self,
        info: Info,
        input: Annotated[
            AddMembershipInput,
            strawberry.argument(description="The person, organization and role."),
        ],
    ) -> MembershipPayload:
        async def action(session: Any, principal: Principal) -> models.Membership:
            organization_id = decode_id(input.organization_id, "Organization", "organizationId")
            return await service.add_membership(
                session,
                principal,
                organization_id=organization_id,
                email=input.email,
                display_name=input.display_name,
                role=input.role,
            )

        membership, errors = await run_mutation(info, action)
        return MembershipPayload(
            membership=MembershipType.from_model(membership) if membership else None,
            user_errors=errors,
        )

    @strawberry.mutation(description="End a membership.")
    async def remove_membership(
        self,
        info: Info,
        input: Annotated[
            RemoveMembershipInput, strawberry.argument(description="The membership to end.")
        ],
    ) -> MembershipPayload:
        async def action(session: Any, principal: Principal) -> models.Membership:
            membership_id = decode_id(input.id, "Membership", "id")
            return await service.remove_membership(session, principal, membership_id=membership_id)

        membership, errors = await run_mutation(info, action)
        return MembershipPayload(
            membership=MembershipType.from_model(membership) if membership else None,
            user_errors=errors,
        )

    @strawberry.mutation(description="Create a partner application's client.")
    async def create_api_client(
        self,
        info: Info,
        input: Annotated[CreateApiClientInput, strawberry.argument(description="The new client.")],
    ) -> CreateApiClientPayload:
        result, errors = await run_mutation(
            info, lambda s, p: service.create_api_client(s, p, name=input.name, scopes=input.scopes)
        )
        client, secret = result if result else (None, None)
        return CreateApiClientPayload(
            api_client=ApiClientType.from_model(client) if client else None,
            client_secret=secret,
            user_errors=errors,
        )

    @strawberry.mutation(description="Revoke a client: its tokens stop working at once.")
    async def revoke_api_client(
        self,
        info: Info,
        input: Annotated[
            RevokeApiClientInput, strawberry.argument(description="The client to revoke.")
        ],
    ) -> ApiClientPayload:
        async def action(session: Any, principal: Principal) -> models.ApiClient:
            client_id = decode_id(input.id, "ApiClient", "id")
            return await service.revoke_api_client(session, principal, client_id=client_id)

        client, errors = await run_mutation(info, action)
        return ApiClientPayload(
            api_client=ApiClientType.from_model(client) if client else None, user_errors=errors
        )


Query = TenancyQuery
Mutation = TenancyMutation
NODE_TYPES = (OrganizationType, MembershipType, UserType, ApiClientType, TenantType)
TYPES = ()
