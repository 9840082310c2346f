"""A pool's money split by recipient, initiative, purpose or month."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.funds import permissions
from coalition.funds.models.contributions import Contribution, ContributionStatus
from coalition.funds.models.initiatives import Initiative
from coalition.funds.models.ledger import LedgerEntry, LedgerTransaction
from coalition.funds.models.pools import FundPurpose
from coalition.funds.report.ledger_sums import (
    recipient_entries,
    stage_sums,
    with_contribution,
    with_transaction,
)
from coalition.tenancy.models import Organization

Column = ColumnElement[Any] | QueryableAttribute[Any]
PURPOSE_LABELS = {
    FundPurpose.TRAINING_COSTS: "Training costs",
    FundPurpose.WORK_BASED_LEARNING_WAGES: "Wages during work-based learning",
    FundPurpose.SUPPORT_SERVICES: "Support services",
    FundPurpose.TRAINING_EQUIPMENT: "Training equipment",
}
# English names, not the process locale's: labels must not change with LC_TIME.
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class BreakdownBy(enum.StrEnum):
    RECIPIENT = "RECIPIENT"
    INITIATIVE = "INITIATIVE"
    PURPOSE = "PURPOSE"
    MONTH = "MONTH"


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    contributed: int
    matched: int
    disbursed: int
    paid: int


def _breakdown_statements(
    principal: Principal, pool_id: uuid.UUID, by: BreakdownBy
) -> tuple[Select[Any], Select[Any]]:
    """(key, [label,] matched, disbursed, paid) from the ledger and (key, [label,]
    contributed) from verified contributions, both grouped by ``by``."""
    ledger = recipient_entries(principal).where(
        LedgerEntry.pool_id == pool_id,
        permissions.overseen_pool_clause(principal, LedgerEntry.pool_id),
    )
    contributions = select().where(
        in_tenant(Contribution, principal),
        Contribution.pool_id == pool_id,
        Contribution.status == ContributionStatus.VERIFIED,
        permissions.overseen_pool_clause(principal, Contribution.pool_id),
    )
    ledger_key: Column
    contribution_key: Column
    labels: list[Column] = []
    if by is BreakdownBy.RECIPIENT:
        # A recipient entry names the contributing organization itself: no join needed.
        ledger_key, contribution_key = LedgerEntry.organization_id, Contribution.organization_id
        labels = [Organization.name]
        ledger = ledger.join(
            Organization,
            and_(
                in_tenant(Organization, principal),
                Organization.id == LedgerEntry.organization_id,
            ),
        )
        contributions = contributions.join(
            Organization,
            and_(
                in_tenant(Organization, principal),
                Organization.id == Contribution.organization_id,
            ),
        )
    elif by is BreakdownBy.INITIATIVE:
        ledger_key = contribution_key = Contribution.initiative_id
        labels = [Initiative.name]
        named = and_(
            in_tenant(Initiative, principal),
            Initiative.id == Contribution.initiative_id,
        )
        ledger = with_contribution(ledger, principal).join(Initiative, named)
        contributions = contributions.join(Initiative, named)
    elif by is BreakdownBy.PURPOSE:
        ledger_key = contribution_key = Contribution.purpose
        ledger = with_contribution(ledger, principal)
    else:
        ledger_key = func.to_char(LedgerTransaction.occurred_on, "YYYY-MM")
        contribution_key = func.to_char(Contribution.contributed_on, "YYYY-MM")
        ledger = with_transaction(ledger, principal)
    return (
        ledger.add_columns(ledger_key, *labels, *stage_sums()).group_by(ledger_key, *labels),
        contributions.add_columns(
            contribution_key, *labels, func.sum(Contribution.amount_minor)
        ).group_by(contribution_key, *labels),
    )


def _key_and_label(by: BreakdownBy, key: Any, label: str | None) -> tuple[str, str]:
    if by is BreakdownBy.PURPOSE:
        purpose = FundPurpose(key)
        return purpose.value, PURPOSE_LABELS[purpose]
    if by is BreakdownBy.MONTH:
        year, month = str(key).split("-")
        return str(key), f"{MONTHS[int(month) - 1]} {year}"
    return str(key), label or ""


async def pool_breakdown(
    session: AsyncSession, principal: Principal, pool_id: uuid.UUID, by: BreakdownBy
) -> list[BreakdownRow]:
    """A pool's money split by recipient (the contributing organization), initiative,
    purpose or month; the rows add up to the pool's summary.

    Matched, disbursed and paid are sums of the ledger's recipient-account entries.
    By MONTH, they fall in the month of their transaction's ``occurred_on`` and are
    net of what was undone that month: a match reversed in May counts +x in the month
    of the match and -x in May, an approval cancelled in May moves disbursed back in
    May. Contributed falls in the month of ``contributed_on`` of VERIFIED contributions
    (reversed ones are not counted in any month). By the other dimensions a reversal
    nets out within its contribution's row.

    Rows whose four figures are all zero are left out. Months come in calendar order;
    the other rows by matched descending, then contributed descending, then label.
    Two statements; an unknown pool (or another tenant's), and a pool the caller does
    not oversee, has no rows.
    """
    permissions.require_funds_read(principal)
    ledger, contributions = _breakdown_statements(principal, pool_id, by)
    figures: dict[str, list[Any]] = {}
    for *head, matched, disbursed, paid in await session.execute(ledger):
        key, label = _key_and_label(by, head[0], head[1] if len(head) > 1 else None)
        figures[key] = [label, 0, int(matched), int(disbursed), int(paid)]
    for *head, contributed in await session.execute(contributions):
        key, label = _key_and_label(by, head[0], head[1] if len(head) > 1 else None)
        figures.setdefault(key, [label, 0, 0, 0, 0])[1] = int(contributed)
    rows = [BreakdownRow(key, *values) for key, values in figures.items() if any(values[1:])]
    if by is BreakdownBy.MONTH:
        return sorted(rows, key=lambda row: row.key)
    return sorted(rows, key=lambda row: (-row.matched, -row.contributed, row.label, row.key))
