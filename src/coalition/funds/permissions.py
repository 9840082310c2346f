"""Who may do what with matching funds: the rules of the funds domain, in one place.

Reading. Funds are read by every member of the partnership (a person with any
membership) and by partner apps with ``funds:read``; nobody else reads anything.
What a reader sees depends on whether they oversee the pool concerned.

- The **overseers** of a pool: the operator (the system principal, as
  ``coalition export funds`` runs); partner apps with ``funds:read``; people with
  a PARTNERSHIP_ADMIN or ANALYST membership (the convener's staff); and people
  with any membership in the pool's funder organization, for that funder's pools
  only.
- Open to every reader (aggregates, no one employer's private numbers by name):
  pools and their fields, summaries (committed, matched, disbursed, paid,
  remaining, contributed, leverage, small-employer shares), match tiers,
  commitments, initiatives and their participants, an initiative's funding per
  pool (totals), the investment-recognition ranking (opted-out employers left out).
- Contributions: a pool's overseers see all of its contributions; every other
  reader sees only the contributions of organizations they belong to.
- Disbursements: a pool's overseers see all of its tranches; every other reader
  sees only tranches whose contribution is from, or whose payee is, an
  organization they belong to (a payee sees the tranche, not the contribution).
- Per-recipient detail (the ledger's transactions and entries, which name
  recipients; a pool's breakdowns, any of the four kinds, since a slice can single
  out one employer; the funder report CSV): the pool's overseers only.

Every read of contributions, disbursements and the ledger starts from
``visible_contributions``, ``visible_disbursements``, ``visible_transactions`` or
``visible_entries``, which carry the rule in SQL: a record the caller may not see is
handled exactly like a missing ID (null, absent from lists, not counted in totals),
never refused. Mutations look records up the same way (``funds.lookups``): one naming a
contribution, tranche or ledger transaction the caller may not see gets NOT_FOUND, as for a
random ID, before any FORBIDDEN could tell them it exists. A pool's per-recipient
fields (``ledgerEntries``, ``breakdown``, ``reportCsv``) and ``Query.fundReportCsv``
refuse non-overseers with FORBIDDEN (``require_pool_oversight``): the pool itself is
visible to them.

Changing things:

- Initiatives: partnership admins create them and add participants.
- A pool is managed by partnership admins and by the admins of its funder
  organization ("pool managers"): they open and close it, add commitments,
  verify contributions, schedule, approve, pay and cancel disbursements, and
  post reversals. A funder admin commits only their own organization's money.
- Contributions are recorded by the contributing organization's admins, or by a
  partnership admin on its behalf.
- Nobody verifies a contribution of an organization they belong to.
- Analysts and partner apps only read.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute

from coalition.auth.principal import Principal
from coalition.auth.roles import Role
from coalition.auth.scopes import FUNDS_READ
from coalition.db.scoping import in_tenant, scoped
from coalition.errors import Forbidden
from coalition.funds.models.contributions import Contribution
from coalition.funds.models.disbursements import Disbursement
from coalition.funds.models.ledger import LedgerEntry, LedgerTransaction
from coalition.funds.models.pools import FundPool

# Roles whose holders oversee every pool of the partnership (the convener's staff).
OVERSEER_ROLES = frozenset({Role.PARTNERSHIP_ADMIN, Role.ANALYST})


def may_read_funds(principal: Principal) -> bool:
    return (
        principal.is_system or bool(principal.organization_ids) or principal.has_scope(FUNDS_READ)
    )


def require_funds_read(principal: Principal) -> None:
    if not may_read_funds(principal):
        if principal.is_user:
            raise Forbidden("You are not a member of this partnership.")
        raise Forbidden("This client lacks the 'funds:read' scope.")


def oversees_all_pools(principal: Principal) -> bool:
    """The operator, ``funds:read`` apps, partnership admins and analysts."""
    return (
        principal.is_system
        or principal.has_role(*OVERSEER_ROLES)
        or principal.has_scope(FUNDS_READ)
    )


def may_oversee_pool(principal: Principal, funder_organization_id: uuid.UUID) -> bool:
    """Whether the caller oversees a pool of this funder (the Python twin of
    ``overseen_pool_clause``)."""
    if not may_read_funds(principal):
        return False
    return oversees_all_pools(principal) or funder_organization_id in principal.organization_ids


def require_pool_oversight(principal: Principal, funder_organization_id: uuid.UUID) -> None:
    """Per-recipient detail of a pool: its overseers only."""
    require_funds_read(principal)
    if not may_oversee_pool(principal, funder_organization_id):
        raise Forbidden(
            "Only partnership admins, analysts, the pool's funder and funds:read apps may "
            "see its per-recipient detail."
        )


def overseen_pool_clause(
    principal: Principal, pool_id: InstrumentedAttribute[uuid.UUID]
) -> ColumnElement[bool]:
    """``pool_id`` names a pool the caller oversees (in the caller's tenant)."""
    if not may_read_funds(principal):
        return false()
    if oversees_all_pools(principal):
        return true()
    own = sorted(principal.organization_ids)
    if not own:
        return false()
    funded = select(FundPool.id).where(
        in_tenant(FundPool, principal), FundPool.funder_organization_id.in_(own)
    )
    # Never correlated: a statement that also selects from fund_pools keeps its own rows.
    return pool_id.in_(funded.correlate(None).scalar_subquery())


def contribution_clause(principal: Principal) -> ColumnElement[bool]:
    """The contributions the caller may see: all of the pools they oversee, and their
    own organizations' anywhere."""
    oversight = overseen_pool_clause(principal, Contribution.pool_id)
    own = sorted(principal.organization_ids)
    if not own:
        return oversight
    return or_(oversight, Contribution.organization_id.in_(own))


def disbursement_clause(principal: Principal) -> ColumnElement[bool]:
    """The tranches the caller may see: all of the pools they oversee, and those whose
    contribution is from, or whose payee is, one of their organizations."""
    oversight = overseen_pool_clause(principal, Disbursement.pool_id)
    own = sorted(principal.organization_ids)
    if not own:
        return oversight
    theirs = select(Contribution.id).where(
        in_tenant(Contribution, principal), Contribution.organization_id.in_(own)
    )
    return or_(
        oversight,
        Disbursement.payee_organization_id.in_(own),
        Disbursement.contribution_id.in_(theirs.correlate(None).scalar_subquery()),
    )


def visible_contributions(principal: Principal) -> Select[Contribution]:
    """The contributions of the caller's tenant the caller may see: every read of
    contributions starts here."""
    require_funds_read(principal)
    return scoped(Contribution, principal).where(contribution_clause(principal))


def visible_disbursements(principal: Principal) -> Select[Disbursement]:
    """The tranches of the caller's tenant the caller may see: every read of
    disbursements starts here."""
    require_funds_read(principal)
    return scoped(Disbursement, principal).where(disbursement_clause(principal))


def visible_transactions(principal: Principal) -> Select[LedgerTransaction]:
    """Ledger transactions of the pools the caller oversees."""
    require_funds_read(principal)
    return scoped(LedgerTransaction, principal).where(
        overseen_pool_clause(principal, LedgerTransaction.pool_id)
    )


def visible_entries(principal: Principal) -> Select[LedgerEntry]:
    """Ledger entries of the pools the caller oversees."""
    require_funds_read(principal)
    return scoped(LedgerEntry, principal).where(
        overseen_pool_clause(principal, LedgerEntry.pool_id)
    )


def _refuse_apps(principal: Principal, action: str) -> None:
    if not (principal.is_user or principal.is_system):
        raise Forbidden(f"Partner apps may not {action}.")


def require_initiative_manager(principal: Principal) -> None:
    _refuse_apps(principal, "manage initiatives")
    if not principal.is_partnership_admin:
        raise Forbidden("Only a partnership admin may manage initiatives.")


def require_pool_creator(principal: Principal, funder_organization_id: uuid.UUID) -> None:
    """Opening a pool: a partnership admin, or an admin of the funder organization."""
    _refuse_apps(principal, "manage fund pools")
    if principal.administers(funder_organization_id):
        return
    raise Forbidden("Only a partnership admin or the funder's admin may open a pool for it.")


def may_manage_pool(principal: Principal, funder_organization_id: uuid.UUID) -> bool:
    return principal.administers(funder_organization_id)


def require_pool_manager(principal: Principal, funder_organization_id: uuid.UUID) -> None:
    _refuse_apps(principal, "manage fund pools")
    if not may_manage_pool(principal, funder_organization_id):
        raise Forbidden("Only a partnership admin or the pool's funder may do this.")


def require_committer(
    principal: Principal, pool_funder_id: uuid.UUID, committing_funder_id: uuid.UUID
) -> None:
    """Adding a commitment: a partnership admin for any funder; a pool's funder admin
    only for their own organization's money."""
    require_pool_manager(principal, pool_funder_id)
    if principal.administers(committing_funder_id):
        return
    raise Forbidden("A funder may only commit its own organization's money.")


def require_contributor(principal: Principal, organization_id: uuid.UUID) -> None:
    """Recording a contribution: the organization's admins, or a partnership admin."""
    _refuse_apps(principal, "record contributions")
    if principal.administers(organization_id):
        return
    raise Forbidden("Only the organization's admins or a partnership admin may record this.")


def require_verifier(
    principal: Principal, pool_funder_id: uuid.UUID, contributor_id: uuid.UUID
) -> None:
    """Verifying: a pool manager who does not belong to the contributing organization."""
    require_pool_manager(principal, pool_funder_id)
    if contributor_id in principal.organization_ids:
        raise Forbidden("Nobody may verify a contribution of their own organization.")


__all__ = [
    "OVERSEER_ROLES",
    "contribution_clause",
    "disbursement_clause",
    "may_manage_pool",
    "may_oversee_pool",
    "may_read_funds",
    "overseen_pool_clause",
    "oversees_all_pools",
    "require_committer",
    "require_contributor",
    "require_funds_read",
    "require_initiative_manager",
    "require_pool_creator",
    "require_pool_manager",
    "require_pool_oversight",
    "require_verifier",
    "visible_contributions",
    "visible_disbursements",
    "visible_entries",
    "visible_transactions",
]
