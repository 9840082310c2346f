"""Helpers of the vocabulary tests (a plain module: test modules import it, not conftest)."""

from __future__ import annotations

import uuid

from coalition.auth.principal import Grant, Principal, PrincipalKind
from coalition.tenancy.models import Role
from tests.support.world import World


def person(world: World, name: str, role: Role, organization: str = "convener") -> Principal:
    """The principal the API would build for ``name`` of ``world``."""
    return Principal(
        kind=PrincipalKind.USER,
        id=world.users.get(name, uuid.uuid4()),
        tenant_id=world.id,
        label=f"{name}@{world.slug}.example",
        scopes=frozenset({"read", "write"}),
        grants=(
            Grant(
                world.memberships.get(name, uuid.uuid4()), world.organizations[organization], role
            ),
        ),
    )
