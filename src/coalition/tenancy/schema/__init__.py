"""Tenancy's GraphQL: the partnership, its organizations, people and partner apps.

The public interface other domains use: ``Query``, ``Mutation``, ``NODE_TYPES`` and
``TYPES`` for the schema root, the types by name (``OrganizationType``, ``UserType``,
...) for ``strawberry.lazy("coalition.tenancy.schema")``, the enums, and the loaders.
"""

from __future__ import annotations

import strawberry

from coalition.tenancy.schema.api_client import ApiClientMutation, ApiClientQuery, ApiClientType
from coalition.tenancy.schema.enums import OrganizationKind, Role, SizeBand
from coalition.tenancy.schema.loaders import TenancyLoaders
from coalition.tenancy.schema.membership import MembershipMutation, MembershipType
from coalition.tenancy.schema.organization import (
    OrganizationMutation,
    OrganizationQuery,
    OrganizationType,
)
from coalition.tenancy.schema.tenant import TenantMutation, TenantQuery, TenantSettings, TenantType
from coalition.tenancy.schema.user import UserType
from coalition.tenancy.schema.viewer import Viewer, ViewerQuery


# The fields appear in the SDL in the order of the bases.
@strawberry.type
class TenancyQuery(ViewerQuery, TenantQuery, OrganizationQuery, ApiClientQuery):
    pass


@strawberry.type
class TenancyMutation(TenantMutation, OrganizationMutation, MembershipMutation, ApiClientMutation):
    pass


Query = TenancyQuery
Mutation = TenancyMutation


NODE_TYPES = (OrganizationType, MembershipType, UserType, ApiClientType, TenantType)
TYPES = ()

__all__ = [
    "NODE_TYPES",
    "TYPES",
    "ApiClientType",
    "MembershipType",
    "Mutation",
    "OrganizationKind",
    "OrganizationType",
    "Query",
    "Role",
    "SizeBand",
    "TenancyLoaders",
    "TenancyMutation",
    "TenancyQuery",
    "TenantSettings",
    "TenantType",
    "UserType",
    "Viewer",
]
