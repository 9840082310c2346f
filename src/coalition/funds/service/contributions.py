"""Recording contributions (verifying them, which matches them, is in ``verifications``;
the package's docstring has the locking and idempotency conventions)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import scoped
from coalition.funds import idempotency, permissions
from coalition.funds.lookups import find_organization, is_participant, today
from coalition.funds.models.contributions import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    ValuationMethod,
)
from coalition.funds.models.initiatives import Initiative
from coalition.funds.models.pools import FundPool, FundPoolStatus, FundPurpose
from coalition.tenancy.models import Organization
from coalition.validation import Checker


@dataclass(frozen=True)
class ContributionInput:
    initiative_id: uuid.UUID
    organization_id: uuid.UUID
    pool_id: uuid.UUID
    kind: str
    purpose: str
    amount_minor: int | str
    currency: str
    contributed_on: date
    valuation_method: str | None = None
    evidence_note: str | None = None


async def record_contribution(
    session: AsyncSession,
    principal: Principal,
    given: ContributionInput,
    *,
    idempotency_key: str | None,
) -> Contribution:
    """A member records its cash or in-kind contribution and names the pool to match it."""
    check = Checker()
    key = idempotency.check_key(check, idempotency_key)
    permissions.require_contributor(principal, given.organization_id)
    organization = await find_organization(
        session, principal, check, given.organization_id, "organizationId"
    )
    pool = await session.scalar(
        scoped(FundPool, principal)
        .where(FundPool.id == given.pool_id)
        .execution_options(populate_existing=True)
    )
    if pool is None:
        check.add(("poolId",), "No fund pool with this ID.", "NOT_FOUND")
    initiative = await session.scalar(
        scoped(Initiative, principal).where(Initiative.id == given.initiative_id)
    )
    if initiative is None:
        check.add(("initiativeId",), "No initiative with this ID.", "NOT_FOUND")
    return await idempotency.once(
        session,
        principal,
        check,
        key,
        "recordContribution",
        idempotency.payload_of(given),
        Contribution,
        lambda: _record(session, principal, check, given, organization, pool, initiative),
    )


def _check_kind(
    check: Checker, kind: ContributionKind | None, given: ContributionInput, note: str
) -> ValuationMethod | None:
    """An in-kind contribution says how it was valued and what the evidence is; cash
    has no valuation method."""
    if kind is ContributionKind.IN_KIND:
        valuation: ValuationMethod | None = None
        if given.valuation_method is None:
            check.add(
                ("valuationMethod",), "Say how the in-kind contribution was valued.", "REQUIRED"
            )
        else:
            valuation = check.choice(("valuationMethod",), given.valuation_method, ValuationMethod)
        if not note:
            check.add(("evidenceNote",), "Describe the evidence for the in-kind value.", "REQUIRED")
        return valuation
    if kind is ContributionKind.CASH and given.valuation_method is not None:
        check.add(
            ("valuationMethod",), "Only in-kind contributions have a valuation method.", "INVALID"
        )
    return None


def _check_dates(
    check: Checker, pool: FundPool | None, initiative: Initiative | None, contributed_on: date
) -> None:
    if pool is not None and not pool.starts_on <= contributed_on <= pool.ends_on:
        check.add(
            ("contributedOn",),
            f"The date must be within the pool's term, {pool.starts_on} to {pool.ends_on}.",
            "OUT_OF_RANGE",
        )
    elif contributed_on > today():
        check.add(("contributedOn",), "Record a contribution once it is made.", "OUT_OF_RANGE")
    if initiative is not None and (
        (initiative.ends_on is not None and contributed_on > initiative.ends_on)
        or contributed_on < initiative.starts_on
    ):
        check.add(
            ("contributedOn",), "The date must be within the initiative's dates.", "OUT_OF_RANGE"
        )


async def _record(
    session: AsyncSession,
    principal: Principal,
    check: Checker,
    given: ContributionInput,
    organization: Organization | None,
    pool: FundPool | None,
    initiative: Initiative | None,
) -> Contribution:
    kind = check.choice(("kind",), given.kind, ContributionKind)
    purpose = check.choice(("purpose",), given.purpose, FundPurpose)
    pool_currency = pool.currency if pool is not None else None
    amount = check.amount(("amount", "amountMinor"), given.amount_minor, currency=pool_currency)
    currency = check.currency(("amount", "currency"), given.currency, expected=pool_currency)
    note = check.text(("evidenceNote",), given.evidence_note, required=False) or ""
    valuation = _check_kind(check, kind, given, note)
    if pool is not None:
        if pool.status is not FundPoolStatus.OPEN:
            check.add(("poolId",), f"This pool is {pool.status}, not OPEN.", "POOL_NOT_OPEN")
        if purpose is not None and purpose.value not in pool.eligible_purposes:
            check.add(("purpose",), "This pool does not match this purpose.", "NOT_ELIGIBLE")
        if (
            organization is not None
            and organization.kind.value not in pool.eligible_recipient_kinds
        ):
            check.add(
                ("organizationId",),
                f"This pool does not match {organization.kind} members.",
                "NOT_ELIGIBLE",
            )
    _check_dates(check, pool, initiative, given.contributed_on)
    if (
        initiative is not None
        and organization is not None
        and not await is_participant(session, principal, initiative.id, organization.id)
    ):
        check.add(
            ("organizationId",),
            "This organization does not take part in the initiative.",
            "NOT_PARTICIPANT",
        )
    check.done()
    assert kind is not None and purpose is not None and amount is not None
    assert currency is not None and pool is not None and initiative is not None
    assert organization is not None
    contribution = Contribution(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        initiative_id=initiative.id,
        organization_id=organization.id,
        pool_id=pool.id,
        kind=kind,
        purpose=purpose,
        amount_minor=amount,
        currency=currency,
        contributed_on=given.contributed_on,
        valuation_method=valuation,
        evidence_note=note,
        status=ContributionStatus.RECORDED,
        match_requested_minor=0,
        matched_minor=0,
        unmatched_minor=0,
        scheduled_minor=0,
    )
    session.add(contribution)
    await session.flush()
    await record_event(
        session,
        principal,
        action="contribution.create",
        object_type="Contribution",
        object_id=contribution.id,
        changes={"pool_id": str(pool.id), "amount_minor": amount, "kind": kind.value},
    )
    return contribution
