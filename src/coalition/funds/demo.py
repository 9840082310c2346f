"""The demo partnerships' matching funds: a funded pool each, with verified, matched
and partly disbursed contributions (``coalition demo``; runs as the owner).

Everything goes through the service layer as the system principal, with fixed
idempotency keys: running the demo again replays every money step and writes
nothing new. The contribution dates lie in 2026 (before any day the demo runs).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import system_principal
from coalition.db.engine import SessionFactory
from coalition.db.scoping import in_tenant
from coalition.db.session import tenant_transaction
from coalition.funds.models.initiatives import Initiative
from coalition.funds.models.pools import FundPoolStatus
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import ContributionInput, record_contribution
from coalition.funds.service.disbursements import (
    DisbursementInput,
    approve_disbursement,
    pay_disbursement,
    schedule_disbursement,
)
from coalition.funds.service.initiatives import create_initiative
from coalition.funds.service.pools import PoolInput, create_pool, set_pool_status
from coalition.funds.service.verifications import verify_contribution


@dataclass(frozen=True)
class DemoContribution:
    organization: str
    kind: str
    purpose: str
    amount_minor: int
    contributed_on: date
    valuation: str | None = None
    evidence: str | None = None
    verify: bool = True
    # Tranches: (amount, payee or None for the contributor, requirement, final status).
    tranches: tuple[tuple[int, str | None, str | None, str], ...] = ()


@dataclass(frozen=True)
class DemoFund:
    initiative: str
    initiative_description: str
    participants: tuple[str, ...]
    pool: str
    purpose: str
    funder: str
    tiers: tuple[tuple[int | None, str], ...]
    cap_minor: int
    annual_cap_minor: int | None
    commitments: tuple[tuple[str, str, int], ...]
    contributions: tuple[DemoContribution, ...]


FUNDS: dict[str, DemoFund] = {
    "lakeshore-manufacturing": DemoFund(
        initiative="CNC Machinist Apprenticeship Pathway",
        initiative_description="Registered apprenticeship for CNC machinists, with related "
        "instruction at West Shore Apprenticeship Center.",
        participants=(
            "Precision Tool & Die",
            "Harbor Fabrication",
            "Lakeshore Plastics Molding",
            "Great Lakes Castings",
            "West Shore Apprenticeship Center",
        ),
        pool="Lakeshore Manufacturing Skills Match Fund",
        purpose="Matches what small and mid-sized manufacturers invest in apprenticeship.",
        funder="Lakeshore Community Foundation",
        tiers=((49, "2"), (499, "1")),
        cap_minor=15_000_000,
        annual_cap_minor=7_500_000,
        commitments=(
            ("Lakeshore Community Foundation", "PHILANTHROPIC", 25_000_000),
            ("Lakeshore Workforce Board", "STATE", 40_000_000),
        ),
        contributions=(
            DemoContribution(
                "Precision Tool & Die",
                "CASH",
                "TRAINING_COSTS",
                2_400_000,
                date(2026, 3, 16),
                tranches=(
                    (3_000_000, "West Shore Apprenticeship Center", None, "PAID"),
                    (
                        1_800_000,
                        "West Shore Apprenticeship Center",
                        "Cohort 1 completion report",
                        "APPROVED",
                    ),
                ),
            ),
            DemoContribution(
                "Harbor Fabrication",
                "IN_KIND",
                "WORK_BASED_LEARNING_WAGES",
                850_000,
                date(2026, 4, 30),
                "WAGE_RATE",
                "170 hours of journeyworker mentoring at $50.00 an hour, from signed timesheets.",
                tranches=((1_700_000, None, None, "APPROVED"),),
            ),
            DemoContribution(
                "Lakeshore Plastics Molding",
                "CASH",
                "TRAINING_COSTS",
                6_000_000,
                date(2026, 5, 12),
                tranches=((2_000_000, None, None, "PAID"), (2_000_000, None, None, "SCHEDULED")),
            ),
            DemoContribution(
                "Great Lakes Castings", "CASH", "TRAINING_EQUIPMENT", 3_000_000, date(2026, 6, 3)
            ),
            DemoContribution(
                "Precision Tool & Die",
                "CASH",
                "TRAINING_EQUIPMENT",
                1_200_000,
                date(2026, 9, 21),
                verify=False,
            ),
        ),
    ),
    "metro-healthcare": DemoFund(
        initiative="Certified Nursing Assistant Cohort",
        initiative_description="An eight-week CNA cohort with paid clinical hours.",
        participants=(
            "Northside Family Clinic",
            "Riverside Senior Living",
            "HomeCare Partners",
            "CareerPath Nursing Academy",
        ),
        pool="Metro Healthcare Training Match",
        purpose="Matches employers' spending on CNA training and support services.",
        funder="Metro Health Foundation",
        tiers=((99, "1"), (499, "0.5")),
        cap_minor=2_000_000,
        annual_cap_minor=None,
        commitments=(("Metro Health Foundation", "PHILANTHROPIC", 10_000_000),),
        contributions=(
            DemoContribution(
                "Northside Family Clinic",
                "CASH",
                "TRAINING_COSTS",
                1_000_000,
                date(2026, 2, 9),
                tranches=((1_000_000, "CareerPath Nursing Academy", None, "PAID"),),
            ),
            DemoContribution(
                "Riverside Senior Living",
                "CASH",
                "SUPPORT_SERVICES",
                1_500_000,
                date(2026, 3, 2),
                tranches=((500_000, None, "Childcare receipts for Q2", "SCHEDULED"),),
            ),
            DemoContribution(
                "HomeCare Partners",
                "CASH",
                "WORK_BASED_LEARNING_WAGES",
                2_000_000,
                date(2026, 4, 20),
            ),
        ),
    ),
}

TERM = (date(2025, 1, 1), date(2029, 12, 31))


def _key(slug: str, *parts: object) -> str:
    return "demo:" + slug + ":" + ":".join(str(part) for part in parts)


async def _seed(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    slug: str,
    fund: DemoFund,
    orgs: Mapping[str, uuid.UUID],
) -> None:
    system = system_principal(tenant_id, "coalition demo")
    initiative = await session.scalar(
        select(Initiative).where(
            in_tenant(Initiative, tenant_id), Initiative.name == fund.initiative
        )
    )
    if initiative is None:
        initiative = await create_initiative(
            session,
            system,
            name=fund.initiative,
            description=fund.initiative_description,
            starts_on=TERM[0],
            ends_on=None,
            participant_ids=[orgs[name] for name in fund.participants],
        )
    pool = await create_pool(
        session,
        system,
        PoolInput(
            funder_organization_id=orgs[fund.funder],
            name=fund.pool,
            purpose=fund.purpose,
            currency="USD",
            starts_on=TERM[0],
            ends_on=TERM[1],
            match_tiers=list(fund.tiers),
            cap_per_recipient_minor=fund.cap_minor,
            annual_cap_per_recipient_minor=fund.annual_cap_minor,
            eligible_recipient_kinds=["EMPLOYER"],
            eligible_purposes=[
                "TRAINING_COSTS",
                "WORK_BASED_LEARNING_WAGES",
                "SUPPORT_SERVICES",
                "TRAINING_EQUIPMENT",
            ],
        ),
        idempotency_key=_key(slug, "pool"),
    )
    for index, (funder, source, amount) in enumerate(fund.commitments):
        await add_commitment(
            session,
            system,
            CommitmentInput(pool.id, orgs[funder], source, amount, "USD", TERM[0]),
            idempotency_key=_key(slug, "commitment", index),
        )
    if pool.status is FundPoolStatus.DRAFT:
        pool = await set_pool_status(session, system, pool.id, FundPoolStatus.OPEN)
    for index, given in enumerate(fund.contributions):
        contribution = await record_contribution(
            session,
            system,
            ContributionInput(
                initiative_id=initiative.id,
                organization_id=orgs[given.organization],
                pool_id=pool.id,
                kind=given.kind,
                purpose=given.purpose,
                amount_minor=given.amount_minor,
                currency="USD",
                contributed_on=given.contributed_on,
                valuation_method=given.valuation,
                evidence_note=given.evidence,
            ),
            idempotency_key=_key(slug, "contribution", index),
        )
        if not given.verify:
            continue
        await verify_contribution(
            session, system, contribution.id, idempotency_key=_key(slug, "verify", index)
        )
        for number, (amount, payee, requirement, status) in enumerate(given.tranches):
            tranche_key = _key(slug, "tranche", index, number)
            tranche = await schedule_disbursement(
                session,
                system,
                DisbursementInput(
                    contribution.id,
                    orgs[payee or given.organization],
                    amount,
                    "USD",
                    given.contributed_on,
                    requirement,
                ),
                idempotency_key=tranche_key,
            )
            if status in {"APPROVED", "PAID"}:
                tranche = await approve_disbursement(
                    session, system, tranche.id, idempotency_key=tranche_key + ":approve"
                )
            if status == "PAID":
                await pay_disbursement(
                    session, system, tranche.id, idempotency_key=tranche_key + ":pay"
                )


async def seed_funds(
    sessions: SessionFactory,
    *,
    tenant_id: uuid.UUID,
    slug: str,
    organizations: Mapping[str, uuid.UUID],
) -> None:
    """Seed the demo fund of partnership ``slug``, if it has one, through the services
    (replayed by idempotency key when it exists). ``organizations`` maps every
    organization the fund names to its ID."""
    fund = FUNDS.get(slug)
    if fund is None:
        return
    async with tenant_transaction(sessions, tenant_id) as session:
        await _seed(session, tenant_id, slug, fund, organizations)


__all__ = ["FUNDS", "seed_funds"]
