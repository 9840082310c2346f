"""Column and constraint helpers shared by the funds tables."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKeyConstraint


def enum_column(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(kind, name=name, native_enum=False, length=40, validate_strings=True)


def organization_fk(column: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["tenant_id", column], ["organizations.tenant_id", "organizations.id"]
    )


def pool_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["tenant_id", "pool_id"], ["fund_pools.tenant_id", "fund_pools.id"])
