"""Who may read and change outcomes data: the outcomes domain's rules.

Participant records and aggregate counts.

A participant record is one person's data. It is read and changed only by the
reporting member's own ORGANIZATION_ADMINs, and by the operator at the command line.
Nobody else: not the convener (a partnership admin of another organization), not the
member's own people of MEMBER role, not a funder, never a partner app whatever its
scopes. Everyone else will see aggregates (with small cells suppressed), never a row.

The outcome report of an initiative (``report``) is read by the convener (partnership
admins) and the operator for every initiative, and by the people of a funder
organization for the initiatives its pools fund; nobody else.

A record the caller may not see is treated everywhere exactly like a missing ID:
``visible_participant_records`` is the one query every read starts from, and it holds
no row of an organization the caller does not administer. Writing to an organization
the caller does not administer is Forbidden (the organization itself is not secret).
A member's aggregate counts (for members that keep no person-level records) follow
exactly the same rule: unsuppressed, they can single out a few people.

Outcome targets. An initiative's targets are set and removed by partnership admins (the
convener), as initiatives are managed (``funds.permissions``); partner apps never
change them. They are read by whoever may read the initiative: every member of the
partnership and apps with ``funds:read``.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Select, exists, false, select

from coalition.auth.principal import Principal
from coalition.auth.scopes import OUTCOMES_READ
from coalition.db.scoping import in_tenant, scoped
from coalition.errors import Forbidden
from coalition.funds.models.contributions import Contribution
from coalition.funds.models.pools import FundPool
from coalition.funds.permissions import require_funds_read
from coalition.outcomes.models import AggregateCount, OutcomeTarget, ParticipantRecord


def reporting_organization_ids(principal: Principal) -> frozenset[uuid.UUID] | None:
    """The organizations whose records the caller may read and change: those it is an
    ORGANIZATION_ADMIN of; None for the operator (every organization). A partnership
    admin's role gives it none: only its own organization admin grants count."""
    if principal.is_system:
        return None
    return principal.administered_organization_ids


def may_keep_records_of(principal: Principal, organization_id: uuid.UUID) -> bool:
    """Whether the caller may read and change this organization's participant records."""
    allowed = reporting_organization_ids(principal)
    return allowed is None or organization_id in allowed


def require_record_keeper(principal: Principal, organization_id: uuid.UUID) -> None:
    """The caller may change this organization's participant records, or Forbidden."""
    if not may_keep_records_of(principal, organization_id):
        raise Forbidden(
            "Only the reporting organization's own organization admins may keep its "
            "participant records."
        )


def visible_participant_records(principal: Principal) -> Select[ParticipantRecord]:
    """The participant records of the caller's tenant the caller may see: every read
    starts here."""
    statement = scoped(ParticipantRecord, principal)
    allowed = reporting_organization_ids(principal)
    if allowed is None:
        return statement
    if not allowed:
        return statement.where(false())
    return statement.where(ParticipantRecord.organization_id.in_(sorted(allowed)))


def may_read_outcomes(principal: Principal) -> bool:
    """Whether the caller may read outcome metrics, scorecards and reports (suppressed
    aggregates): the partnership's people, the operator, partner apps with
    ``outcomes:read``."""
    if principal.is_system:
        return True
    if principal.is_user:
        return bool(principal.grants)
    return principal.has_scope(OUTCOMES_READ)


def require_outcomes_read(principal: Principal) -> None:
    """The caller may read outcomes (``may_read_outcomes``), or Forbidden saying why not."""
    if not may_read_outcomes(principal):
        if principal.is_user:
            raise Forbidden("You are not a member of this partnership.")
        raise Forbidden("This client lacks the 'outcomes:read' scope.")


def may_read_every_report(principal: Principal) -> bool:
    """The convener (partnership admins) and the operator read the outcome report of
    every initiative."""
    return principal.is_partnership_admin


def require_report_reader(principal: Principal) -> None:
    """The caller may read some initiative's outcome report (the convener, the operator,
    or a person of a funder organization), or Forbidden. Which initiatives a funder may
    read: ``funded_initiative_clause``."""
    if may_read_every_report(principal):
        return
    if not principal.is_user or not principal.organization_ids:
        raise Forbidden(
            "Only the convener and the funders of an initiative may read its outcome report."
        )


def funded_initiative_clause(principal: Principal, initiative_id: uuid.UUID) -> ColumnElement[bool]:
    """The initiative has a contribution in a pool whose funder organization the caller
    belongs to (the pools the funder oversees, funds' ``overseen_pool_clause``)."""
    own = sorted(principal.organization_ids)
    if not own:
        return false()
    pools = select(FundPool.id).where(
        in_tenant(FundPool, principal), FundPool.funder_organization_id.in_(own)
    )
    return exists(
        select(Contribution.id).where(
            in_tenant(Contribution, principal),
            Contribution.initiative_id == initiative_id,
            Contribution.pool_id.in_(pools.scalar_subquery()),
        )
    )


def visible_aggregate_counts(principal: Principal) -> Select[AggregateCount]:
    """The aggregate counts of the caller's tenant the caller may see (those of the
    organizations it keeps records of): every read of counts starts here."""
    statement = scoped(AggregateCount, principal)
    allowed = reporting_organization_ids(principal)
    if allowed is None:
        return statement
    if not allowed:
        return statement.where(false())
    return statement.where(AggregateCount.organization_id.in_(sorted(allowed)))


def require_target_manager(principal: Principal) -> None:
    """The caller may set and remove initiatives' targets (a partnership admin, or the
    operator), or Forbidden."""
    if not (principal.is_user or principal.is_system):
        raise Forbidden("Partner apps may not set outcome targets.")
    if not principal.is_partnership_admin:
        raise Forbidden("Only a partnership admin may set an initiative's outcome targets.")


def visible_outcome_targets(principal: Principal) -> Select[OutcomeTarget]:
    """The targets of the caller's tenant, for a caller who may read initiatives (else
    Forbidden, as for the initiatives themselves): every read of targets starts here."""
    require_funds_read(principal)
    return scoped(OutcomeTarget, principal)


__all__ = [
    "funded_initiative_clause",
    "may_keep_records_of",
    "may_read_every_report",
    "may_read_outcomes",
    "reporting_organization_ids",
    "require_outcomes_read",
    "require_record_keeper",
    "require_report_reader",
    "require_target_manager",
    "visible_aggregate_counts",
    "visible_outcome_targets",
    "visible_participant_records",
]
