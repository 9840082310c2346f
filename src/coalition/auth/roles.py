"""The roles a person holds in a partnership, one per membership."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    PARTNERSHIP_ADMIN = "PARTNERSHIP_ADMIN"
    ORGANIZATION_ADMIN = "ORGANIZATION_ADMIN"
    MEMBER = "MEMBER"
    ANALYST = "ANALYST"


__all__ = ["Role"]
