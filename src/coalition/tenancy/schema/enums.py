"""The enums tenancy exposes, each value described. Import them from here: the names
are the domain's own enums, registered with strawberry."""

from __future__ import annotations

from coalition.api.enums import expose_enum
from coalition.auth.principal import PrincipalKind
from coalition.tenancy.models import OrganizationKind, Role, SizeBand

expose_enum(
    OrganizationKind,
    name="OrganizationKind",
    description="What a member organization is.",
    values={
        OrganizationKind.EMPLOYER: "Hires workers: a shop, a hospital, a franchisee.",
        OrganizationKind.TRAINING_PROVIDER: "Trains people: a bootcamp, an apprenticeship sponsor.",
        OrganizationKind.WORKER_ORGANIZATION: "Speaks for workers: a union, a worker center.",
        OrganizationKind.FUNDER: "Funds the partnership's work: a foundation, a state agency.",
        OrganizationKind.COMMUNITY_ORGANIZATION: "Serves people in the community: navigators, "
        "wrap-around services, recruitment.",
        OrganizationKind.PUBLIC_AGENCY: "A public body: a workforce board, an apprenticeship "
        "office.",
        OrganizationKind.EDUCATION_INSTITUTION: "A school or college: a community college, a "
        "K-12 district.",
    },
)
expose_enum(
    Role,
    name="Role",
    description="A person's role in one organization.",
    values={
        Role.PARTNERSHIP_ADMIN: "The convener: manages organizations, memberships, API "
        "clients, and reads the audit log.",
        Role.ORGANIZATION_ADMIN: "Manages their own organization and its members.",
        Role.MEMBER: "Takes part in the partnership for their organization.",
        Role.ANALYST: "Reads everything members may read; changes nothing.",
    },
)
expose_enum(
    SizeBand,
    name="SizeBand",
    description="Head-count band of an organization.",
    values={
        SizeBand.MICRO: "Fewer than 10 employees.",
        SizeBand.SMALL: "10 to 49 employees.",
        SizeBand.MEDIUM: "50 to 499 employees.",
        SizeBand.LARGE: "500 employees or more.",
    },
)
expose_enum(
    PrincipalKind,
    name="ViewerKind",
    description="Who is calling.",
    values={
        PrincipalKind.USER: "A person, with a token from the identity provider or the CLI.",
        PrincipalKind.CLIENT: "A partner application, with an OAuth2 client-credentials token.",
        PrincipalKind.SYSTEM: "The operator at the command line (never seen through the API).",
        PrincipalKind.PUBLIC: "An anonymous visitor registering for a public event (never "
        "seen through the API: the audit log's actor for it).",
    },
)

__all__ = ["OrganizationKind", "PrincipalKind", "Role", "SizeBand"]
