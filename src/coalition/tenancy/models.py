"""Tables of the tenancy domain."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    literal_column,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from coalition.auth.roles import Role
from coalition.db.base import Base, TenantScoped, Timestamp


class OrganizationKind(enum.StrEnum):
    EMPLOYER = "EMPLOYER"
    TRAINING_PROVIDER = "TRAINING_PROVIDER"
    WORKER_ORGANIZATION = "WORKER_ORGANIZATION"
    FUNDER = "FUNDER"
    COMMUNITY_ORGANIZATION = "COMMUNITY_ORGANIZATION"
    PUBLIC_AGENCY = "PUBLIC_AGENCY"
    EDUCATION_INSTITUTION = "EDUCATION_INSTITUTION"


SME_EMPLOYEE_LIMIT = 500


class SizeBand(enum.StrEnum):
    """Employer size by head count; MICRO, SMALL and MEDIUM together are SMEs (< 500)."""

    MICRO = "MICRO"
    SMALL = "SMALL"
    MEDIUM = "MEDIUM"
    LARGE = "LARGE"


def size_band(employee_count: int | None) -> SizeBand | None:
    if employee_count is None:
        return None
    if employee_count < 10:
        return SizeBand.MICRO
    if employee_count < 50:
        return SizeBand.SMALL
    if employee_count < SME_EMPLOYEE_LIMIT:
        return SizeBand.MEDIUM
    return SizeBand.LARGE


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(kind, name=name, native_enum=False, length=40, validate_strings=True)


class Tenant(Base):
    """A regional sector partnership. A global table: the directory of tenants."""

    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    created_at: Mapped[Timestamp]


UNIQUE_NAME_INDEX = "uq_organizations_tenant_id_lower_name"


class Organization(TenantScoped, Base):
    __tablename__ = "organizations"
    __table_args__ = (
        # Names are unique without regard to case: "harbor fabrication" is the same
        # organization as "Harbor Fabrication" (migration 0006).
        Index(UNIQUE_NAME_INDEX, "tenant_id", func.lower(literal_column("name")), unique=True),
        CheckConstraint("employee_count >= 0", name="employee_count_not_negative"),
    )

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganizationKind] = mapped_column(_enum(OrganizationKind, "organization_kind"))
    employee_count: Mapped[int | None] = mapped_column(Integer)
    naics_code: Mapped[str | None] = mapped_column(String(6))
    city: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(120))
    website: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Employers may opt out of the public investment-recognition ranking.
    recognition_opt_out: Mapped[bool] = mapped_column(Boolean, server_default=false())


class User(TenantScoped, Base):
    """A person known to one partnership, matched to tokens by subject or email."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("tenant_id", "email"),
        UniqueConstraint("tenant_id", "oidc_subject"),
    )

    email: Mapped[str] = mapped_column(String(320))
    display_name: Mapped[str] = mapped_column(String(200))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[Timestamp]


class Membership(TenantScoped, Base):
    """A person's role in one member organization."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id", "organization_id"),
        ForeignKeyConstraint(["tenant_id", "user_id"], ["users.tenant_id", "users.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
        ),
        Index(None, "tenant_id", "organization_id", "id"),
    )

    user_id: Mapped[uuid.UUID]
    organization_id: Mapped[uuid.UUID]
    role: Mapped[Role] = mapped_column(_enum(Role, "membership_role"))
    created_at: Mapped[Timestamp]


class ApiClient(TenantScoped, Base):
    """A partner application's OAuth2 client; the secret is stored only as a hash."""

    __tablename__ = "api_clients"

    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(128))
    scopes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    created_at: Mapped[Timestamp]
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def client_id(self) -> str:
        return format_client_id(self.tenant_id, self.id)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


CLIENT_ID_PREFIX = "ct_"


def format_client_id(tenant_id: uuid.UUID, client_uuid: uuid.UUID) -> str:
    """The public client_id carries its tenant, so the token endpoint can scope its
    lookup to that tenant under row-level security before it knows anything else."""
    return f"{CLIENT_ID_PREFIX}{tenant_id.hex}_{client_uuid.hex}"


def parse_client_id(client_id: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    if not client_id.startswith(CLIENT_ID_PREFIX):
        return None
    parts = client_id[len(CLIENT_ID_PREFIX) :].split("_")
    if len(parts) != 2:
        return None
    try:
        return uuid.UUID(hex=parts[0]), uuid.UUID(hex=parts[1])
    except ValueError:
        return None


__all__ = [
    "ApiClient",
    "Membership",
    "Organization",
    "OrganizationKind",
    "Role",
    "SizeBand",
    "Tenant",
    "User",
]
