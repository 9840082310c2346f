"""Who is calling: a person (through their memberships) or a partner app (through scopes)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field

from coalition.auth.roles import Role


class PrincipalKind(enum.StrEnum):
    USER = "user"
    CLIENT = "client"
    SYSTEM = "system"
    PUBLIC = "public"


@dataclass(frozen=True)
class Grant:
    membership_id: uuid.UUID
    organization_id: uuid.UUID
    role: Role


@dataclass(frozen=True, kw_only=True)
class Principal:
    kind: PrincipalKind
    id: uuid.UUID
    tenant_id: uuid.UUID
    label: str
    scopes: frozenset[str]
    grants: tuple[Grant, ...] = field(default=())

    @property
    def is_user(self) -> bool:
        return self.kind is PrincipalKind.USER

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.grants)

    @property
    def is_system(self) -> bool:
        return self.kind is PrincipalKind.SYSTEM

    @property
    def is_partnership_admin(self) -> bool:
        return self.is_system or (self.is_user and Role.PARTNERSHIP_ADMIN in self.roles)

    @property
    def organization_ids(self) -> frozenset[uuid.UUID]:
        """Organizations the caller has a membership in (any role); none for apps."""
        if not self.is_user:
            return frozenset()
        return frozenset(grant.organization_id for grant in self.grants)

    @property
    def administered_organization_ids(self) -> frozenset[uuid.UUID]:
        """Organizations the caller is an organization admin of (partnership admins
        administer all of them: ask ``administers`` for one)."""
        if not self.is_user:
            return frozenset()
        return frozenset(
            grant.organization_id for grant in self.grants if grant.role is Role.ORGANIZATION_ADMIN
        )

    @property
    def administers_any_organization(self) -> bool:
        return self.is_partnership_admin or bool(self.administered_organization_ids)

    def has_role(self, *roles: Role) -> bool:
        """Whether a person holds any of ``roles`` in some membership."""
        return self.is_user and any(grant.role in roles for grant in self.grants)

    def has_scope(self, scope: str) -> bool:
        """Whether a partner app's token carries ``scope`` (people and the operator act
        by role, not scope, and answer False)."""
        return self.kind is PrincipalKind.CLIENT and scope in self.scopes

    def administers(self, organization_id: uuid.UUID) -> bool:
        """Partnership admins administer every organization; organization admins their own."""
        if self.is_partnership_admin:
            return True
        return self.is_user and any(
            grant.organization_id == organization_id and grant.role is Role.ORGANIZATION_ADMIN
            for grant in self.grants
        )


SYSTEM_ACTOR_ID = uuid.UUID(int=0)


def system_principal(tenant_id: uuid.UUID, label: str) -> Principal:
    """The operator (the command line, the server's own scheduled jobs): acts as a
    partnership admin of one tenant.

    Only the CLI and the scheduled jobs build one; a request never does.
    """
    return Principal(
        kind=PrincipalKind.SYSTEM,
        id=SYSTEM_ACTOR_ID,
        tenant_id=tenant_id,
        label=label,
        scopes=frozenset({"read", "write"}),
    )


PUBLIC_ACTOR_ID = uuid.UUID(int=1)


def public_principal(tenant_id: uuid.UUID, label: str = "public registration") -> Principal:
    """An anonymous visitor of one tenant: the audit log's actor for what a person does
    with no login (registering for a PUBLIC event, cancelling with a confirmation token).

    It has no grants and no scopes, so every permission check refuses it; only the
    public registration services accept it.
    """
    return Principal(
        kind=PrincipalKind.PUBLIC,
        id=PUBLIC_ACTOR_ID,
        tenant_id=tenant_id,
        label=label,
        scopes=frozenset(),
    )
