"""Imports every model so the metadata is complete (Alembic, tests)."""

from coalition.audit.models import AuditEvent
from coalition.auth.models import SigningKey
from coalition.db.base import Base
from coalition.demand.models import DemandSignal, DemandSignalSkill, DemandSignalVersion
from coalition.funds.models.contributions import Contribution
from coalition.funds.models.disbursements import Disbursement
from coalition.funds.models.idempotency import IdempotencyKey
from coalition.funds.models.initiatives import Initiative, InitiativeParticipant
from coalition.funds.models.ledger import LedgerEntry, LedgerTransaction
from coalition.funds.models.pools import FundCommitment, FundPool, MatchTier
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
    "Contribution",
    "DemandSignal",
    "DemandSignalSkill",
    "DemandSignalVersion",
    "Disbursement",
    "EssentialSkillOverride",
    "FundCommitment",
    "FundPool",
    "IdempotencyKey",
    "Industry",
    "Initiative",
    "InitiativeParticipant",
    "InstructionalProgram",
    "LedgerEntry",
    "LedgerTransaction",
    "MatchTier",
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
