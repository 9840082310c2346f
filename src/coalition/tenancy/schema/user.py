"""A person of the partnership."""

from __future__ import annotations

import uuid

import strawberry

from coalition.api.context import Info
from coalition.api.relay import Node, to_global_id
from coalition.auth.principal import Principal
from coalition.tenancy import models
from coalition.tenancy.schema.loaders import TenancyLoaders


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
