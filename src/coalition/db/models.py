"""Imports every model so the metadata is complete (Alembic, tests)."""

from coalition.audit.models import AuditEvent
from coalition.auth.models import SigningKey
from coalition.db.base import Base
from coalition.demand.models import DemandSignal, DemandSignalSkill, DemandSignalVersion
from coalition.skills.models import (
    EssentialSkillOverride,
    Industry,
    InstructionalProgram,
    Occupation,
    OccupationAlias,
    OccupationGroup,
    OccupationSkillRating,
    OnetOccupation,
    ProgramOccupation,
    Skill,
)
from coalition.tenancy.models import ApiClient, Membership, Organization, Tenant, User

__all__ = [
    "ApiClient",
    "AuditEvent",
    "Base",
    "DemandSignal",
    "DemandSignalSkill",
    "DemandSignalVersion",
    "EssentialSkillOverride",
    "Industry",
    "InstructionalProgram",
    "Membership",
    "Occupation",
    "OccupationAlias",
    "OccupationGroup",
    "OccupationSkillRating",
    "OnetOccupation",
    "Organization",
    "ProgramOccupation",
    "SigningKey",
    "Skill",
    "Tenant",
    "User",
]
