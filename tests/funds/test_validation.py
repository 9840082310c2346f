"""Bad input to the funds services is a userError on the right field, and nothing is written.

Each refused call runs the way a mutation does (in a savepoint of a transaction that then
commits), and every row of the funds tables and the audit log is compared before and after.
The match rules themselves (tiers by size, rounding, caps, a pool running low) are here too.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import InvalidInput
from coalition.funds.lookups import today
from coalition.funds.models.contributions import Contribution, ContributionStatus
from coalition.funds.models.disbursements import Disbursement, TrancheStatus
from coalition.funds.models.idempotency import IdempotencyKey
from coalition.funds.models.initiatives import Initiative, InitiativeParticipant
from coalition.funds.models.ledger import LedgerEntry, LedgerTransaction, LedgerTransactionKind
from coalition.funds.models.pools import FundCommitment, FundPool, FundPoolStatus, MatchTier
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import record_contribution, verify_contribution
from coalition.funds.service.disbursements import (
    DisbursementInput,
    approve_disbursement,
    cancel_disbursement,
    mark_requirement_met,
    pay_disbursement,
    schedule_disbursement,
)
from coalition.funds.service.initiatives import add_initiative_participant, create_initiative
from coalition.funds.service.pools import create_pool, set_pool_status
from coalition.funds.service.reversals import reverse_transaction
from coalition.tenancy.models import Organization
from tests.funds.conftest import (
    CONTRIBUTED_ON,
    TERM,
    FundsWorld,
    contribution_input,
    key,
    pool_input,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import global_id

SNAPSHOT_MODELS = (
    Initiative,
    InitiativeParticipant,
    FundPool,
    MatchTier,
    FundCommitment,
    Contribution,
    Disbursement,
    LedgerTransaction,
    LedgerEntry,
    IdempotencyKey,
    AuditEvent,
)

Rows = dict[str, list[dict[str, Any]]]
Errors = list[tuple[tuple[str, ...], str]]
Action = Callable[[AsyncSession], Awaitable[object]]


async def snapshot(sessions: SessionFactory, tenant_id: uuid.UUID) -> Rows:
    """Every row of the funds tables and of the audit log of one partnership."""
    rows: Rows = {}
    async with tenant_transaction(sessions, tenant_id) as session:
        for model in SNAPSHOT_MODELS:
            table = model.__table__
            result = await session.execute(
                select(table).where(table.c.tenant_id == tenant_id).order_by(table.c.id)
            )
            rows[model.__tablename__] = [dict(row) for row in result.mappings()]
    return rows


async def rejected(sessions: SessionFactory, fw: FundsWorld, action: Action) -> Errors:
    """Run ``action`` as a mutation runs (a savepoint in a transaction that commits);
    it must raise InvalidInput and leave every funds row and audit event as it was."""
    before = await snapshot(sessions, fw.tenant_id)
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        with pytest.raises(InvalidInput) as raised:
            async with session.begin_nested():
                await action(session)
    assert await snapshot(sessions, fw.tenant_id) == before
    return [(error.field, error.code) for error in raised.value.errors]


async def run(sessions: SessionFactory, fw: FundsWorld, action: Action) -> Any:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        return await action(session)


# -- set-up helpers (each commits) ----------------------------------------------------------


async def new_pool(
    sessions: SessionFactory,
    fw: FundsWorld,
    *,
    commitment_minor: int = 10_000_000,
    status: FundPoolStatus = FundPoolStatus.OPEN,
    **overrides: object,
) -> uuid.UUID:
    admin = fw.principal("admin")
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        pool = await create_pool(
            session, admin, pool_input(fw.funder, **overrides), idempotency_key=key()
        )
        if commitment_minor:
            await add_commitment(
                session,
                admin,
                CommitmentInput(
                    pool.id, fw.funder, "STATE", commitment_minor, pool.currency, TERM[0]
                ),
                idempotency_key=key(),
            )
        if status is not FundPoolStatus.DRAFT:
            await set_pool_status(session, admin, pool.id, FundPoolStatus.OPEN)
        if status is FundPoolStatus.CLOSED:
            await set_pool_status(session, admin, pool.id, FundPoolStatus.CLOSED)
        return pool.id


async def close(sessions: SessionFactory, fw: FundsWorld, pool_id: uuid.UUID) -> None:
    await run(
        sessions,
        fw,
        lambda s: set_pool_status(s, fw.principal("admin"), pool_id, FundPoolStatus.CLOSED),
    )


async def record(
    sessions: SessionFactory, fw: FundsWorld, *, by: str = "org_admin", **overrides: object
) -> uuid.UUID:
    async def action(session: AsyncSession) -> uuid.UUID:
        contribution = await record_contribution(
            session, fw.principal(by), contribution_input(fw, **overrides), idempotency_key=key()
        )
        return contribution.id

    result: uuid.UUID = await run(sessions, fw, action)
    return result


async def verify(sessions: SessionFactory, fw: FundsWorld, contribution_id: uuid.UUID) -> None:
    await run(
        sessions,
        fw,
        lambda s: verify_contribution(
            s, fw.principal("admin"), contribution_id, idempotency_key=key()
        ),
    )


async def verified(
    sessions: SessionFactory, fw: FundsWorld, *, by: str = "org_admin", **overrides: object
) -> uuid.UUID:
    contribution_id = await record(sessions, fw, by=by, **overrides)
    await verify(sessions, fw, contribution_id)
    return contribution_id


async def schedule(
    sessions: SessionFactory,
    fw: FundsWorld,
    contribution_id: uuid.UUID,
    amount_minor: int,
    requirement: str | None = None,
) -> uuid.UUID:
    async def action(session: AsyncSession) -> uuid.UUID:
        tranche = await schedule_disbursement(
            session,
            fw.principal("admin"),
            tranche_input(fw, contribution_id, amount_minor, requirement=requirement),
            idempotency_key=key(),
        )
        return tranche.id

    result: uuid.UUID = await run(sessions, fw, action)
    return result


def tranche_input(
    fw: FundsWorld,
    contribution_id: uuid.UUID,
    amount_minor: int | str,
    *,
    currency: str = "USD",
    payee: uuid.UUID | None = None,
    requirement: str | None = None,
) -> DisbursementInput:
    return DisbursementInput(
        contribution_id,
        payee or fw.world.organizations["employer"],
        amount_minor,
        currency,
        CONTRIBUTED_ON,
        requirement,
    )


async def approve(sessions: SessionFactory, fw: FundsWorld, tranche_id: uuid.UUID) -> None:
    await run(
        sessions,
        fw,
        lambda s: approve_disbursement(
            s, fw.principal("admin"), tranche_id, idempotency_key=key()
        ),
    )


async def pay(sessions: SessionFactory, fw: FundsWorld, tranche_id: uuid.UUID) -> None:
    await run(
        sessions,
        fw,
        lambda s: pay_disbursement(
            s, fw.principal("admin"), tranche_id, idempotency_key=key()
        ),
    )


async def set_employees(
    sessions: SessionFactory, fw: FundsWorld, organization_id: uuid.UUID, count: int | None
) -> None:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        await session.execute(
            update(Organization)
            .where(Organization.tenant_id == fw.tenant_id, Organization.id == organization_id)
            .values(employee_count=count)
        )


async def contribution_row(
    sessions: SessionFactory, fw: FundsWorld, contribution_id: uuid.UUID
) -> Contribution:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        found = await session.scalar(
            select(Contribution).where(
                Contribution.tenant_id == fw.tenant_id, Contribution.id == contribution_id
            )
        )
    assert found is not None
    return found


async def pool_row(sessions: SessionFactory, fw: FundsWorld, pool_id: uuid.UUID) -> FundPool:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        found = await session.scalar(
            select(FundPool).where(FundPool.tenant_id == fw.tenant_id, FundPool.id == pool_id)
        )
    assert found is not None
    return found


async def transaction_of(
    sessions: SessionFactory, fw: FundsWorld, kind: LedgerTransactionKind, **where: uuid.UUID
) -> uuid.UUID:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        query = select(LedgerTransaction.id).where(
            LedgerTransaction.tenant_id == fw.tenant_id, LedgerTransaction.kind == kind
        )
        for column, value in where.items():
            query = query.where(getattr(LedgerTransaction, column) == value)
        found = list(await session.scalars(query))
    [transaction_id] = found
    return transaction_id


def match_of(row: Contribution) -> tuple[object, ...]:
    return (
        row.status,
        row.match_ratio_numerator,
        row.match_ratio_denominator,
        row.match_requested_minor,
        row.matched_minor,
        row.unmatched_minor,
    )


# -- amounts and currencies -----------------------------------------------------------------

BAD_AMOUNTS: list[tuple[int | str, str]] = [
    (0, "OUT_OF_RANGE"),
    (-1, "OUT_OF_RANGE"),
    ("-250", "OUT_OF_RANGE"),
    ("-0", "OUT_OF_RANGE"),
    (10**14 + 1, "OUT_OF_RANGE"),
    ("abc", "INVALID"),
    ("12.50", "INVALID"),
    ("1e5", "INVALID"),
    ("", "INVALID"),
    ("NaN", "INVALID"),
    ("\u0661\u0662", "INVALID"),  # Arabic-Indic digits: isdigit() but not a plain amount
]
AMOUNT_FIELD = ("amount", "amountMinor")
CURRENCY_FIELD = ("amount", "currency")
UNKNOWN_CURRENCIES = ["XXX", "DEM", "usd?", "US", ""]


def _commitment(fw: FundsWorld, amount: int | str, currency: str = "USD") -> Action:
    return lambda s: add_commitment(
        s,
        fw.principal("admin"),
        CommitmentInput(fw.pool, fw.funder, "STATE", amount, currency, TERM[0]),
        idempotency_key=key(),
    )


def _contribution(fw: FundsWorld, by: str = "org_admin", **overrides: Any) -> Action:
    return lambda s: record_contribution(
        s, fw.principal(by), contribution_input(fw, **overrides), idempotency_key=key()
    )


def _tranche(
    fw: FundsWorld, contribution_id: uuid.UUID, amount: int | str, **options: Any
) -> Action:
    return lambda s: schedule_disbursement(
        s,
        fw.principal("admin"),
        tranche_input(fw, contribution_id, amount, **options),
        idempotency_key=key(),
    )


@pytest.mark.parametrize(("amount", "code"), BAD_AMOUNTS, ids=repr)
async def test_a_commitment_needs_a_positive_whole_amount(
    funds: FundsWorld, owner_sessions: SessionFactory, amount: int | str, code: str
) -> None:
    errors = await rejected(owner_sessions, funds, _commitment(funds, amount))

    assert errors == [(AMOUNT_FIELD, code)]


@pytest.mark.parametrize(("amount", "code"), BAD_AMOUNTS, ids=repr)
async def test_a_contribution_needs_a_positive_whole_amount(
    funds: FundsWorld, owner_sessions: SessionFactory, amount: int | str, code: str
) -> None:
    errors = await rejected(owner_sessions, funds, _contribution(funds, amount_minor=amount))

    assert errors == [(AMOUNT_FIELD, code)]


@pytest.mark.parametrize(("amount", "code"), BAD_AMOUNTS, ids=repr)
async def test_a_tranche_needs_a_positive_whole_amount(
    funds: FundsWorld, owner_sessions: SessionFactory, amount: int | str, code: str
) -> None:
    contribution_id = await verified(owner_sessions, funds)

    errors = await rejected(owner_sessions, funds, _tranche(funds, contribution_id, amount))

    assert errors == [(AMOUNT_FIELD, code)]


@pytest.mark.parametrize("currency", UNKNOWN_CURRENCIES)
async def test_an_unknown_currency_is_refused_everywhere(
    funds: FundsWorld, owner_sessions: SessionFactory, currency: str
) -> None:
    # given
    contribution_id = await verified(owner_sessions, funds)
    actions: dict[str, tuple[Action, tuple[str, ...]]] = {
        "pool": (
            lambda s: create_pool(
                s,
                funds.principal("admin"),
                pool_input(funds.funder, currency=currency),
                idempotency_key=key(),
            ),
            ("currency",),
        ),
        "commitment": (_commitment(funds, 1000, currency), CURRENCY_FIELD),
        "contribution": (_contribution(funds, currency=currency), CURRENCY_FIELD),
        "tranche": (_tranche(funds, contribution_id, 1000, currency=currency), CURRENCY_FIELD),
    }

    for name, (action, field) in actions.items():
        # when
        errors = await rejected(owner_sessions, funds, action)

        # then
        assert errors == [(field, "INVALID")], name


async def test_a_lowercase_currency_code_is_read_as_upper_case(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    contribution_id = await record(owner_sessions, funds, currency="usd")

    row = await contribution_row(owner_sessions, funds, contribution_id)
    assert row.currency == "USD"


async def test_money_in_another_currency_than_the_pool_is_a_mismatch(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: a USD pool with a verified contribution
    contribution_id = await verified(owner_sessions, funds)
    actions: dict[str, Action] = {
        "commitment": _commitment(funds, 1000, "EUR"),
        "contribution": _contribution(funds, currency="EUR"),
        "tranche": _tranche(funds, contribution_id, 1000, currency="CAD"),
    }

    for name, action in actions.items():
        # when
        errors = await rejected(owner_sessions, funds, action)

        # then
        assert errors == [(CURRENCY_FIELD, "CURRENCY_MISMATCH")], name


async def test_caps_in_another_currency_than_the_pool_are_a_mismatch(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    given = pool_input(
        funds.funder,
        currency="USD",
        cap_per_recipient_minor=100_000,
        cap_currency="EUR",
        annual_cap_per_recipient_minor=50_000,
        annual_cap_currency="GBP",
    )

    errors = await rejected(
        owner_sessions,
        funds,
        lambda s: create_pool(s, funds.principal("admin"), given, idempotency_key=key()),
    )

    assert errors == [
        (("capPerRecipient", "currency"), "CURRENCY_MISMATCH"),
        (("annualCapPerRecipient", "currency"), "CURRENCY_MISMATCH"),
    ]


# -- pools and initiatives ------------------------------------------------------------------


def _create_pool(fw: FundsWorld, **overrides: object) -> Action:
    return lambda s: create_pool(
        s, fw.principal("admin"), pool_input(fw.funder, **overrides), idempotency_key=key()
    )


@pytest.mark.parametrize(
    ("ratio", "code"),
    [
        ("0", "OUT_OF_RANGE"),
        ("0.000", "OUT_OF_RANGE"),
        ("100.5", "OUT_OF_RANGE"),
        ("-1", "INVALID"),
        ("-0.5", "INVALID"),
        ("two", "INVALID"),
        ("1/2", "INVALID"),
        ("1.2.3", "INVALID"),
        ("1e2", "INVALID"),
        ("NaN", "INVALID"),
        ("", "INVALID"),
        ("0.0000001", "INVALID"),
    ],
)
async def test_a_match_ratio_must_be_a_positive_decimal(
    funds: FundsWorld, owner_sessions: SessionFactory, ratio: str, code: str
) -> None:
    errors = await rejected(
        owner_sessions, funds, _create_pool(funds, match_tiers=[(49, "2"), (None, ratio)])
    )

    assert errors == [(("matchTiers", "1", "ratio"), code)]


@pytest.mark.parametrize("field", ["cap_per_recipient_minor", "annual_cap_per_recipient_minor"])
@pytest.mark.parametrize(
    ("cap", "code"),
    [(-1, "OUT_OF_RANGE"), ("-500", "OUT_OF_RANGE"), ("ten", "INVALID"), ("1.5", "INVALID")],
)
async def test_a_cap_may_not_be_below_zero(
    funds: FundsWorld, owner_sessions: SessionFactory, field: str, cap: int | str, code: str
) -> None:
    path = "capPerRecipient" if field == "cap_per_recipient_minor" else "annualCapPerRecipient"

    errors = await rejected(owner_sessions, funds, _create_pool(funds, **{field: cap}))

    assert errors == [((path, "amountMinor"), code)]


async def test_a_cap_of_zero_is_allowed_and_matches_nothing(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given
    pool_id = await new_pool(owner_sessions, funds, cap_per_recipient_minor=0)

    # when
    contribution_id = await verified(owner_sessions, funds, pool_id=pool_id)

    # then: 2:1 asked, nothing left under the cap
    row = await contribution_row(owner_sessions, funds, contribution_id)
    assert match_of(row) == (ContributionStatus.VERIFIED, 2, 1, 200_000, 0, 200_000)


async def test_a_pool_may_not_end_before_it_starts(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    errors = await rejected(
        owner_sessions,
        funds,
        _create_pool(funds, starts_on=date(2025, 1, 2), ends_on=date(2025, 1, 1)),
    )

    assert errors == [(("endsOn",), "OUT_OF_RANGE")]


async def test_a_one_day_pool_is_allowed(funds: FundsWorld, owner_sessions: SessionFactory) -> None:
    pool_id = await new_pool(
        owner_sessions, funds, starts_on=date(2025, 1, 1), ends_on=date(2025, 1, 1)
    )

    assert (await pool_row(owner_sessions, funds, pool_id)).status is FundPoolStatus.OPEN


async def test_a_pool_name_is_taken_once_per_partnership(
    funds: FundsWorld, other_funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given
    existing = (await pool_row(owner_sessions, funds, funds.pool)).name
    other_name = (await pool_row(owner_sessions, other_funds, other_funds.pool)).name

    # when
    errors = await rejected(owner_sessions, funds, _create_pool(funds, name=f"  {existing} "))

    # then: taken here, but another partnership's pool names are no obstacle
    assert errors == [(("name",), "TAKEN")]
    await new_pool(owner_sessions, funds, name=other_name)


async def test_every_problem_of_a_pool_is_reported_at_once(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    errors = await rejected(
        owner_sessions,
        funds,
        _create_pool(
            funds,
            name="   ",
            currency="DEM",
            starts_on=date(2026, 1, 1),
            ends_on=date(2025, 1, 1),
            match_tiers=[(49, "0"), (-1, "2"), (49, "1"), (None, "x")],
            cap_per_recipient_minor=-1,
            annual_cap_per_recipient_minor="abc",
            eligible_recipient_kinds=["EMPLOYER", "ROBOT"],
            eligible_purposes=[],
        ),
    )

    assert sorted(errors) == sorted(
        [
            (("name",), "BLANK"),
            (("currency",), "INVALID"),
            (("endsOn",), "OUT_OF_RANGE"),
            (("matchTiers", "0", "ratio"), "OUT_OF_RANGE"),
            (("matchTiers", "1", "maxEmployees"), "OUT_OF_RANGE"),
            (("matchTiers", "2", "maxEmployees"), "DUPLICATE"),
            (("matchTiers", "3", "ratio"), "INVALID"),
            (("capPerRecipient", "amountMinor"), "OUT_OF_RANGE"),
            (("annualCapPerRecipient", "amountMinor"), "INVALID"),
            (("eligibleRecipientKinds",), "INVALID"),
            (("eligiblePurposes",), "REQUIRED"),
        ]
    )


async def test_a_pool_needs_match_tiers_and_eligible_kinds(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    errors = await rejected(
        owner_sessions, funds, _create_pool(funds, match_tiers=[], eligible_recipient_kinds=[])
    )

    assert sorted(errors) == [
        (("eligibleRecipientKinds",), "REQUIRED"),
        (("matchTiers",), "REQUIRED"),
    ]


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (FundPoolStatus.OPEN, FundPoolStatus.DRAFT),
        (FundPoolStatus.OPEN, FundPoolStatus.OPEN),
        (FundPoolStatus.CLOSED, FundPoolStatus.OPEN),
        (FundPoolStatus.CLOSED, FundPoolStatus.DRAFT),
        (FundPoolStatus.DRAFT, FundPoolStatus.DRAFT),
    ],
)
async def test_a_pool_moves_only_forward(
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    start: FundPoolStatus,
    to: FundPoolStatus,
) -> None:
    pool_id = await new_pool(owner_sessions, funds, status=start)

    errors = await rejected(
        owner_sessions,
        funds,
        lambda s: set_pool_status(s, funds.principal("admin"), pool_id, to),
    )

    assert errors == [(("status",), "INVALID_TRANSITION")]


def _create_initiative(fw: FundsWorld, **overrides: Any) -> Action:
    values: dict[str, Any] = {
        "name": "CNA cohort",
        "description": "",
        "starts_on": date(2025, 1, 1),
        "ends_on": date(2025, 12, 31),
        "participant_ids": [fw.world.organizations["employer"]],
    }
    values.update(overrides)
    return lambda s: create_initiative(s, fw.principal("admin"), **values)


async def test_an_initiative_may_not_end_before_it_starts(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    errors = await rejected(
        owner_sessions, funds, _create_initiative(funds, ends_on=date(2024, 12, 31))
    )

    assert errors == [(("endsOn",), "OUT_OF_RANGE")]


async def test_every_problem_of_an_initiative_is_reported_at_once(
    funds: FundsWorld, other_funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    errors = await rejected(
        owner_sessions,
        funds,
        _create_initiative(
            funds,
            name="Machinist apprenticeship",
            ends_on=date(2024, 1, 1),
            participant_ids=[
                funds.world.organizations["employer"],
                other_funds.world.organizations["employer"],
                uuid.uuid4(),
            ],
        ),
    )

    assert sorted(errors) == [
        (("endsOn",), "OUT_OF_RANGE"),
        (("name",), "TAKEN"),
        (("participantIds", "1"), "NOT_FOUND"),
        (("participantIds", "2"), "NOT_FOUND"),
    ]


async def test_a_participant_is_added_once(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    errors = await rejected(
        owner_sessions,
        funds,
        lambda s: add_initiative_participant(
            s, funds.principal("admin"), funds.initiative, funds.world.organizations["employer"]
        ),
    )

    assert errors == [(("organizationId",), "DUPLICATE")]


# -- commitments ----------------------------------------------------------------------------


async def test_nothing_is_committed_to_a_closed_pool(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    await close(owner_sessions, funds, funds.pool)

    errors = await rejected(owner_sessions, funds, _commitment(funds, 1000))

    assert errors == [(("poolId",), "POOL_CLOSED")]


async def test_a_commitment_with_an_unknown_source_is_refused(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    errors = await rejected(
        owner_sessions,
        funds,
        lambda s: add_commitment(
            s,
            funds.principal("admin"),
            CommitmentInput(funds.pool, funds.funder, "LOTTERY", 0, "EUR", TERM[0]),
            idempotency_key=key(),
        ),
    )

    assert errors == [
        (("source",), "INVALID"),
        (AMOUNT_FIELD, "OUT_OF_RANGE"),
        (CURRENCY_FIELD, "CURRENCY_MISMATCH"),
    ]


# -- contributions --------------------------------------------------------------------------


async def test_a_contribution_outside_the_pools_term_is_refused(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: a pool for 2025 only (the initiative runs from 2024 with no end)
    pool_id = await new_pool(
        owner_sessions, funds, starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)
    )

    for contributed_on in (date(2024, 12, 31), date(2026, 1, 1)):
        # when
        errors = await rejected(
            owner_sessions,
            funds,
            _contribution(funds, pool_id=pool_id, contributed_on=contributed_on),
        )

        # then
        assert errors == [(("contributedOn",), "OUT_OF_RANGE")], contributed_on

    # and the term's first and last days are inside it
    await record(owner_sessions, funds, pool_id=pool_id, contributed_on=date(2025, 1, 1))
    await record(owner_sessions, funds, pool_id=pool_id, contributed_on=date(2025, 12, 31))


async def test_a_contribution_outside_the_initiatives_dates_is_refused(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: an initiative of 2025 only
    initiative = await run(owner_sessions, funds, _create_initiative(funds))
    initiative_id = initiative.id

    for contributed_on in (date(2024, 12, 31), date(2026, 1, 1)):
        # when
        errors = await rejected(
            owner_sessions,
            funds,
            _contribution(funds, initiative_id=initiative_id, contributed_on=contributed_on),
        )

        # then
        assert errors == [(("contributedOn",), "OUT_OF_RANGE")], contributed_on


async def test_a_contribution_is_recorded_once_it_is_made(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    tomorrow = today() + timedelta(days=1)

    errors = await rejected(owner_sessions, funds, _contribution(funds, contributed_on=tomorrow))

    assert errors == [(("contributedOn",), "OUT_OF_RANGE")]
    await record(owner_sessions, funds, contributed_on=today())


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"valuation_method": None, "evidence_note": "Timesheets of 3 mentors."},
            [(("valuationMethod",), "REQUIRED")],
        ),
        (
            {"valuation_method": "WAGE_RATE", "evidence_note": None},
            [(("evidenceNote",), "REQUIRED")],
        ),
        (
            {"valuation_method": "WAGE_RATE", "evidence_note": "  \n "},
            [(("evidenceNote",), "REQUIRED")],
        ),
        (
            {"valuation_method": None, "evidence_note": ""},
            [(("valuationMethod",), "REQUIRED"), (("evidenceNote",), "REQUIRED")],
        ),
        (
            {"valuation_method": "GUESSWORK", "evidence_note": "Invoices."},
            [(("valuationMethod",), "INVALID")],
        ),
    ],
    ids=["no-valuation", "no-note", "blank-note", "neither", "unknown-valuation"],
)
async def test_an_in_kind_contribution_needs_a_valuation_and_evidence(
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    overrides: dict[str, Any],
    expected: Errors,
) -> None:
    errors = await rejected(
        owner_sessions, funds, _contribution(funds, kind="IN_KIND", **overrides)
    )

    assert sorted(errors) == sorted(expected)


async def test_an_in_kind_contribution_with_both_is_recorded(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    contribution_id = await record(
        owner_sessions,
        funds,
        kind="IN_KIND",
        valuation_method="FAIR_MARKET_VALUE",
        evidence_note="Two CNC lathes lent for 6 months, quote attached.",
    )

    row = await contribution_row(owner_sessions, funds, contribution_id)
    assert (row.kind, row.valuation_method, row.status) == (
        "IN_KIND",
        "FAIR_MARKET_VALUE",
        ContributionStatus.RECORDED,
    )


async def test_cash_has_no_valuation_method(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    errors = await rejected(
        owner_sessions, funds, _contribution(funds, kind="CASH", valuation_method="ACTUAL_COST")
    )

    assert errors == [(("valuationMethod",), "INVALID")]


@pytest.mark.parametrize("status", [FundPoolStatus.DRAFT, FundPoolStatus.CLOSED])
async def test_only_an_open_pool_takes_contributions(
    funds: FundsWorld, owner_sessions: SessionFactory, status: FundPoolStatus
) -> None:
    pool_id = await new_pool(owner_sessions, funds, status=status)

    errors = await rejected(owner_sessions, funds, _contribution(funds, pool_id=pool_id))

    assert errors == [(("poolId",), "POOL_NOT_OPEN")]


async def test_a_purpose_the_pool_does_not_match_is_refused(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    pool_id = await new_pool(owner_sessions, funds, eligible_purposes=["TRAINING_COSTS"])

    errors = await rejected(
        owner_sessions, funds, _contribution(funds, pool_id=pool_id, purpose="SUPPORT_SERVICES")
    )

    assert errors == [(("purpose",), "NOT_ELIGIBLE")]


async def test_an_organization_kind_the_pool_does_not_match_is_refused(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: an employers-only pool, and the college takes part in the initiative
    pool_id = await new_pool(owner_sessions, funds, eligible_recipient_kinds=["EMPLOYER"])
    college = funds.world.organizations["college"]
    await run(
        owner_sessions,
        funds,
        lambda s: add_initiative_participant(
            s, funds.principal("admin"), funds.initiative, college
        ),
    )

    # when
    errors = await rejected(
        owner_sessions,
        funds,
        _contribution(funds, by="admin", pool_id=pool_id, organization_id=college),
    )

    # then
    assert errors == [(("organizationId",), "NOT_ELIGIBLE")]


async def test_an_organization_outside_the_initiative_is_refused(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: an initiative of the employer only
    initiative = await run(owner_sessions, funds, _create_initiative(funds))

    # when: the other employer contributes to it
    errors = await rejected(
        owner_sessions,
        funds,
        _contribution(
            funds,
            by="other_org_admin",
            initiative_id=initiative.id,
            organization_id=funds.world.organizations["other_employer"],
        ),
    )

    # then
    assert errors == [(("organizationId",), "NOT_PARTICIPANT")]


async def test_unknown_kind_and_purpose_are_refused(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    errors = await rejected(
        owner_sessions, funds, _contribution(funds, kind="GIFT", purpose="PARTY")
    )

    assert errors == [(("kind",), "INVALID"), (("purpose",), "INVALID")]


async def test_every_problem_of_a_contribution_is_reported_at_once(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: a closed, employers-only, training-costs-only pool and an initiative of 2025
    pool_id = await new_pool(
        owner_sessions,
        funds,
        status=FundPoolStatus.CLOSED,
        eligible_recipient_kinds=["TRAINING_PROVIDER"],
        eligible_purposes=["TRAINING_COSTS"],
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
    )
    initiative = await run(owner_sessions, funds, _create_initiative(funds, participant_ids=[]))

    # when
    errors = await rejected(
        owner_sessions,
        funds,
        _contribution(
            funds,
            pool_id=pool_id,
            initiative_id=initiative.id,
            kind="IN_KIND",
            purpose="SUPPORT_SERVICES",
            amount_minor=0,
            currency="EUR",
            contributed_on=date(2024, 6, 1),
        ),
    )

    # then
    assert sorted(errors) == sorted(
        [
            (AMOUNT_FIELD, "OUT_OF_RANGE"),
            (CURRENCY_FIELD, "CURRENCY_MISMATCH"),
            (("valuationMethod",), "REQUIRED"),
            (("evidenceNote",), "REQUIRED"),
            (("poolId",), "POOL_NOT_OPEN"),
            (("purpose",), "NOT_ELIGIBLE"),
            (("organizationId",), "NOT_ELIGIBLE"),
            (("contributedOn",), "OUT_OF_RANGE"),
            (("contributedOn",), "OUT_OF_RANGE"),
            (("organizationId",), "NOT_PARTICIPANT"),
        ]
    )


async def test_an_archived_organization_records_nothing(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    employer = funds.world.organizations["employer"]
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        await session.execute(
            update(Organization)
            .where(Organization.tenant_id == funds.tenant_id, Organization.id == employer)
            .values(archived_at=datetime.now(UTC))
        )

    errors = await rejected(owner_sessions, funds, _contribution(funds))

    assert errors == [(("organizationId",), "ARCHIVED")]


# -- verification ---------------------------------------------------------------------------


def _verify(fw: FundsWorld, contribution_id: uuid.UUID, by: str = "admin") -> Action:
    return lambda s: verify_contribution(
        s, fw.principal(by), contribution_id, idempotency_key=key()
    )


async def test_a_contribution_is_verified_once(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given
    contribution_id = await verified(owner_sessions, funds)

    # when: a second verification with a new key, by either pool manager
    for by in ("admin", "funder_admin"):
        errors = await rejected(owner_sessions, funds, _verify(funds, contribution_id, by))

        # then
        assert errors == [(("contributionId",), "INVALID_TRANSITION")]
    row = await contribution_row(owner_sessions, funds, contribution_id)
    assert (
        row.matched_minor,
        (await pool_row(owner_sessions, funds, funds.pool)).matched_minor,
    ) == (
        200_000,
        200_000,
    )


async def test_a_reversed_contribution_is_not_verified_again(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given
    contribution_id = await verified(owner_sessions, funds)
    match = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.MATCH, contribution_id=contribution_id
    )
    await run(owner_sessions, funds, _reverse(funds, match))

    # when
    errors = await rejected(owner_sessions, funds, _verify(funds, contribution_id))

    # then
    assert errors == [(("contributionId",), "INVALID_TRANSITION")]


async def test_a_pool_closed_after_recording_matches_nothing(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given
    contribution_id = await record(owner_sessions, funds)
    await close(owner_sessions, funds, funds.pool)

    # when
    errors = await rejected(owner_sessions, funds, _verify(funds, contribution_id))

    # then: refused, and the contribution is still only recorded
    assert errors == [(("contributionId",), "POOL_NOT_OPEN")]
    row = await contribution_row(owner_sessions, funds, contribution_id)
    assert (row.status, row.verified_at, row.verified_by) == (
        ContributionStatus.RECORDED,
        None,
        None,
    )


# -- the match rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("employees", "ratio", "requested"),
    [
        (0, (2, 1), 200_000),
        (40, (2, 1), 200_000),
        (49, (2, 1), 200_000),
        (50, (1, 1), 100_000),
        (120, (1, 1), 100_000),
        (499, (1, 1), 100_000),
        (500, (None, None), 0),
        (800, (None, None), 0),
        (None, (None, None), 0),
    ],
)
async def test_the_tier_is_chosen_by_the_recipients_size(
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    employees: int | None,
    ratio: tuple[int | None, int | None],
    requested: int,
) -> None:
    # given: tiers 2:1 up to 49 employees, 1:1 up to 499, none above
    employer = funds.world.organizations["employer"]
    await set_employees(owner_sessions, funds, employer, employees)
    before = await pool_row(owner_sessions, funds, funds.pool)

    # when: $1,000.00 is verified
    contribution_id = await verified(owner_sessions, funds)

    # then: matched in full when a tier applies; with no tier, verified with nothing matched
    row = await contribution_row(owner_sessions, funds, contribution_id)
    assert match_of(row) == (ContributionStatus.VERIFIED, *ratio, requested, requested, 0)
    assert row.recipient_employee_count == employees
    pool = await pool_row(owner_sessions, funds, funds.pool)
    assert (pool.matched_minor, pool.contributed_minor) == (
        before.matched_minor + requested,
        before.contributed_minor + 100_000,
    )
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        matches = list(
            await session.scalars(
                select(LedgerTransaction.id).where(
                    LedgerTransaction.tenant_id == funds.tenant_id,
                    LedgerTransaction.contribution_id == contribution_id,
                )
            )
        )
    assert len(matches) == (1 if requested else 0)


async def test_an_unknown_size_gets_only_the_unbounded_tier(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: 3:1 up to 49 employees, 1:2 for anybody; the employer's size is not known
    pool_id = await new_pool(owner_sessions, funds, match_tiers=[(None, "0.5"), (49, "3")])
    employer = funds.world.organizations["employer"]
    await set_employees(owner_sessions, funds, employer, None)

    # when
    unknown = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=10_001)
    await set_employees(owner_sessions, funds, employer, 10)
    small = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=10_001)

    # then
    assert match_of(await contribution_row(owner_sessions, funds, unknown)) == (
        ContributionStatus.VERIFIED,
        1,
        2,
        5_000,
        5_000,
        0,
    )
    assert match_of(await contribution_row(owner_sessions, funds, small)) == (
        ContributionStatus.VERIFIED,
        3,
        1,
        30_003,
        30_003,
        0,
    )


@pytest.mark.parametrize(
    ("ratio", "amount", "expected", "fraction"),
    [
        ("1.5", 333, 499, (3, 2)),
        ("1.5", 1, 1, (3, 2)),
        ("0.333", 1000, 333, (333, 1000)),
        ("0.333", 3, 0, (333, 1000)),
        ("2.25", 7, 15, (9, 4)),
        ("100", 10**12, 10**14, (100, 1)),
    ],
)
async def test_the_match_is_rounded_down_to_a_whole_minor_unit(
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    ratio: str,
    amount: int,
    expected: int,
    fraction: tuple[int, int],
) -> None:
    pool_id = await new_pool(
        owner_sessions,
        funds,
        commitment_minor=10**14,
        cap_per_recipient_minor=None,
        match_tiers=[(None, ratio)],
    )

    contribution_id = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=amount)

    row = await contribution_row(owner_sessions, funds, contribution_id)
    assert match_of(row) == (ContributionStatus.VERIFIED, *fraction, expected, expected, 0)


async def test_a_pool_running_low_matches_in_part_and_records_the_rest(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: $1,000.00 committed, 2:1 for the 40-employee employers
    pool_id = await new_pool(owner_sessions, funds, commitment_minor=100_000)

    # when: three contributions of $400.00 each ask for $800.00 each
    first = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=40_000)
    second = await verified(
        owner_sessions,
        funds,
        by="other_org_admin",
        pool_id=pool_id,
        amount_minor=40_000,
        organization_id=funds.world.organizations["other_employer"],
    )
    third = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=40_000)

    # then
    rows = [await contribution_row(owner_sessions, funds, c) for c in (first, second, third)]
    assert [(r.match_requested_minor, r.matched_minor, r.unmatched_minor) for r in rows] == [
        (80_000, 80_000, 0),
        (80_000, 20_000, 60_000),
        (80_000, 0, 80_000),
    ]
    assert [r.status for r in rows] == [ContributionStatus.VERIFIED] * 3
    pool = await pool_row(owner_sessions, funds, pool_id)
    assert (pool.committed_minor, pool.matched_minor, pool.contributed_minor) == (
        100_000,
        100_000,
        120_000,
    )


async def test_the_cap_per_recipient_limits_the_term_per_organization(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: at most $1,500.00 per recipient over the term
    pool_id = await new_pool(owner_sessions, funds, cap_per_recipient_minor=150_000)
    other = funds.world.organizations["other_employer"]

    # when
    first = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=50_000)
    second = await verified(
        owner_sessions, funds, pool_id=pool_id, amount_minor=50_000, contributed_on=date(2026, 2, 1)
    )
    third = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=10_000)
    others = await verified(
        owner_sessions,
        funds,
        by="other_org_admin",
        pool_id=pool_id,
        amount_minor=75_000,
        organization_id=other,
    )

    # then: the employer reaches its cap; the other employer has its own
    rows = [
        await contribution_row(owner_sessions, funds, c) for c in (first, second, third, others)
    ]
    assert [(r.match_requested_minor, r.matched_minor, r.unmatched_minor) for r in rows] == [
        (100_000, 100_000, 0),
        (100_000, 50_000, 50_000),
        (20_000, 0, 20_000),
        (150_000, 150_000, 0),
    ]


async def test_the_annual_cap_limits_each_calendar_year(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: at most $600.00 a year and $1,000.00 over the term per recipient
    pool_id = await new_pool(
        owner_sessions,
        funds,
        cap_per_recipient_minor=100_000,
        annual_cap_per_recipient_minor=60_000,
    )

    # when: contributions of $250.00 each (2:1 asks for $500.00)
    amounts = [
        (date(2024, 3, 1), 25_000),
        (date(2024, 12, 31), 25_000),
        (date(2025, 1, 1), 25_000),
        (date(2025, 6, 1), 25_000),
    ]
    ids = [
        await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=a, contributed_on=d)
        for d, a in amounts
    ]

    # then: 2024 gets 500 + 100 (the year's cap), 2025 gets 400 (the term's cap), then 0
    rows = [await contribution_row(owner_sessions, funds, c) for c in ids]
    assert [(r.matched_minor, r.unmatched_minor) for r in rows] == [
        (50_000, 0),
        (10_000, 40_000),
        (40_000, 10_000),
        (0, 50_000),
    ]


async def test_a_reversed_match_frees_the_recipients_cap(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: a recipient at its cap
    pool_id = await new_pool(owner_sessions, funds, cap_per_recipient_minor=100_000)
    first = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=50_000)
    match = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.MATCH, contribution_id=first
    )

    # when: its match is reversed
    await run(owner_sessions, funds, _reverse(funds, match))
    second = await verified(owner_sessions, funds, pool_id=pool_id, amount_minor=50_000)

    # then
    row = await contribution_row(owner_sessions, funds, second)
    assert (row.matched_minor, row.unmatched_minor) == (100_000, 0)
    pool = await pool_row(owner_sessions, funds, pool_id)
    assert (pool.matched_minor, pool.contributed_minor) == (100_000, 50_000)


# -- disbursements --------------------------------------------------------------------------


async def test_a_tranche_may_not_exceed_the_match(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: $2,000.00 matched
    contribution_id = await verified(owner_sessions, funds)

    # when
    errors = await rejected(owner_sessions, funds, _tranche(funds, contribution_id, 200_001))

    # then
    assert errors == [(AMOUNT_FIELD, "EXCEEDS_MATCH")]


async def test_two_tranches_may_not_exceed_the_match(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: $2,000.00 matched, $1,500.00 scheduled
    contribution_id = await verified(owner_sessions, funds)
    await schedule(owner_sessions, funds, contribution_id, 150_000)

    # when
    errors = await rejected(owner_sessions, funds, _tranche(funds, contribution_id, 50_001))

    # then: one cent too much is refused, the exact rest is not
    assert errors == [(AMOUNT_FIELD, "EXCEEDS_MATCH")]
    await schedule(owner_sessions, funds, contribution_id, 50_000)
    row = await contribution_row(owner_sessions, funds, contribution_id)
    assert (row.matched_minor, row.scheduled_minor) == (200_000, 200_000)
    errors = await rejected(owner_sessions, funds, _tranche(funds, contribution_id, 1))
    assert errors == [(AMOUNT_FIELD, "EXCEEDS_MATCH")]


async def test_a_cancelled_tranche_frees_its_amount(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: the whole match in one approved tranche, then cancelled
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 200_000)
    await approve(owner_sessions, funds, tranche)
    await run(owner_sessions, funds, _cancel(funds, tranche))

    # when
    await schedule(owner_sessions, funds, contribution_id, 200_000)

    # then
    errors = await rejected(owner_sessions, funds, _tranche(funds, contribution_id, 1))
    assert errors == [(AMOUNT_FIELD, "EXCEEDS_MATCH")]


async def test_a_contribution_matched_with_nothing_has_nothing_to_disburse(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    await set_employees(owner_sessions, funds, funds.world.organizations["employer"], 800)
    contribution_id = await verified(owner_sessions, funds)

    errors = await rejected(owner_sessions, funds, _tranche(funds, contribution_id, 1))

    assert errors == [(AMOUNT_FIELD, "EXCEEDS_MATCH")]


async def test_only_a_verified_contribution_is_disbursed(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: a recorded contribution, and one whose match was reversed
    recorded = await record(owner_sessions, funds)
    reversed_ = await verified(owner_sessions, funds)
    match = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.MATCH, contribution_id=reversed_
    )
    await run(owner_sessions, funds, _reverse(funds, match))

    for contribution_id in (recorded, reversed_):
        # when
        errors = await rejected(owner_sessions, funds, _tranche(funds, contribution_id, 100))

        # then
        assert errors == [(("contributionId",), "INVALID_TRANSITION")]


async def test_the_payee_is_the_contributor_or_a_training_provider(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given
    contribution_id = await verified(owner_sessions, funds)

    for name in ("other_employer", "college", "convener"):
        # when
        errors = await rejected(
            owner_sessions,
            funds,
            _tranche(funds, contribution_id, 100, payee=funds.world.organizations[name]),
        )

        # then
        assert errors == [(("payeeOrganizationId",), "INVALID")], name
    await run(owner_sessions, funds, _tranche(funds, contribution_id, 100, payee=funds.provider))


async def test_every_problem_of_a_tranche_is_reported_at_once(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    contribution_id = await record(owner_sessions, funds)

    errors = await rejected(
        owner_sessions,
        funds,
        _tranche(
            funds,
            contribution_id,
            "-3",
            currency="JPY",
            payee=funds.world.organizations["other_employer"],
            requirement="x" * 5001,
        ),
    )

    assert sorted(errors) == sorted(
        [
            (AMOUNT_FIELD, "OUT_OF_RANGE"),
            (CURRENCY_FIELD, "CURRENCY_MISMATCH"),
            (("requirement",), "TOO_LONG"),
            (("payeeOrganizationId",), "INVALID"),
            (("contributionId",), "INVALID_TRANSITION"),
        ]
    )


def _pay(fw: FundsWorld, tranche_id: uuid.UUID) -> Action:
    return lambda s: pay_disbursement(
        s, fw.principal("admin"), tranche_id, idempotency_key=key()
    )


def _approve(fw: FundsWorld, tranche_id: uuid.UUID) -> Action:
    return lambda s: approve_disbursement(
        s, fw.principal("admin"), tranche_id, idempotency_key=key()
    )


def _cancel(fw: FundsWorld, tranche_id: uuid.UUID, reason: str = "Cohort postponed.") -> Action:
    return lambda s: cancel_disbursement(
        s, fw.principal("admin"), tranche_id, reason, idempotency_key=key()
    )


async def test_a_tranche_is_paid_only_once_its_requirement_is_met(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: an approved tranche that waits for an outcome report
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 50_000, "Outcome report")
    await approve(owner_sessions, funds, tranche)

    # when
    errors = await rejected(owner_sessions, funds, _pay(funds, tranche))

    # then
    assert errors == [(("disbursementId",), "REQUIREMENT_NOT_MET")]
    await run(
        owner_sessions,
        funds,
        lambda s: mark_requirement_met(s, funds.principal("admin"), tranche),
    )
    await pay(owner_sessions, funds, tranche)


async def test_a_scheduled_tranche_is_not_paid_before_approval(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 50_000)

    errors = await rejected(owner_sessions, funds, _pay(funds, tranche))

    assert errors == [(("disbursementId",), "INVALID_TRANSITION")]


async def test_a_tranche_moves_only_forward(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: a paid tranche and a cancelled one
    contribution_id = await verified(owner_sessions, funds)
    paid = await schedule(owner_sessions, funds, contribution_id, 50_000)
    await approve(owner_sessions, funds, paid)
    await pay(owner_sessions, funds, paid)
    cancelled = await schedule(owner_sessions, funds, contribution_id, 50_000)
    await run(owner_sessions, funds, _cancel(funds, cancelled))

    # when / then
    refused: dict[str, Action] = {
        "cancel paid": _cancel(funds, paid),
        "pay paid": _pay(funds, paid),
        "approve paid": _approve(funds, paid),
        "approve cancelled": _approve(funds, cancelled),
        "pay cancelled": _pay(funds, cancelled),
        "cancel cancelled": _cancel(funds, cancelled),
    }
    for name, action in refused.items():
        errors = await rejected(owner_sessions, funds, action)
        assert errors == [(("disbursementId",), "INVALID_TRANSITION")], name


async def test_a_requirement_is_met_only_where_there_is_one(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 50_000)

    errors = await rejected(
        owner_sessions,
        funds,
        lambda s: mark_requirement_met(s, funds.principal("admin"), tranche),
    )

    assert errors == [(("disbursementId",), "INVALID")]


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
async def test_a_cancellation_needs_a_reason(
    funds: FundsWorld, owner_sessions: SessionFactory, reason: str
) -> None:
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 50_000)

    errors = await rejected(owner_sessions, funds, _cancel(funds, tranche, reason))

    assert errors == [(("reason",), "BLANK")]


# -- reversals ------------------------------------------------------------------------------


def _reverse(fw: FundsWorld, transaction_id: uuid.UUID, reason: str = "Entered twice.") -> Action:
    return lambda s: reverse_transaction(
        s, fw.principal("admin"), transaction_id, reason, idempotency_key=key()
    )


async def test_only_commitments_and_matches_are_reversed(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: a paid tranche, a cancelled approved one, and a reversed commitment
    contribution_id = await verified(owner_sessions, funds)
    paid = await schedule(owner_sessions, funds, contribution_id, 50_000)
    await approve(owner_sessions, funds, paid)
    await pay(owner_sessions, funds, paid)
    cancelled = await schedule(owner_sessions, funds, contribution_id, 50_000)
    await approve(owner_sessions, funds, cancelled)
    await run(owner_sessions, funds, _cancel(funds, cancelled))
    await run(owner_sessions, funds, _commitment(funds, 30_000))
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        extra = await session.scalar(
            select(FundCommitment.id).where(
                FundCommitment.tenant_id == funds.tenant_id, FundCommitment.amount_minor == 30_000
            )
        )
    assert extra is not None
    commitment = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.COMMITMENT, commitment_id=extra
    )
    await run(owner_sessions, funds, _reverse(funds, commitment))
    transactions = {
        "payment": await transaction_of(
            owner_sessions, funds, LedgerTransactionKind.PAYMENT, disbursement_id=paid
        ),
        "approval": await transaction_of(
            owner_sessions,
            funds,
            LedgerTransactionKind.DISBURSEMENT_APPROVAL,
            disbursement_id=paid,
        ),
        "cancellation": await transaction_of(
            owner_sessions, funds, LedgerTransactionKind.CANCELLATION, disbursement_id=cancelled
        ),
        "reversal": await transaction_of(
            owner_sessions, funds, LedgerTransactionKind.REVERSAL, reverses_id=commitment
        ),
    }

    for name, transaction_id in transactions.items():
        # when
        errors = await rejected(owner_sessions, funds, _reverse(funds, transaction_id))

        # then
        assert errors == [(("transactionId",), "NOT_REVERSIBLE")], name


async def test_a_commitment_already_matched_is_not_reversed(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: the pool's one $100,000.00 commitment, $2,000.00 of it matched
    await verified(owner_sessions, funds)
    commitment = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.COMMITMENT, pool_id=funds.pool
    )

    # when
    errors = await rejected(owner_sessions, funds, _reverse(funds, commitment))

    # then
    assert errors == [(("transactionId",), "INSUFFICIENT_FUNDS")]
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        statuses = list(
            await session.scalars(
                select(FundCommitment.status).where(
                    FundCommitment.tenant_id == funds.tenant_id,
                    FundCommitment.pool_id == funds.pool,
                )
            )
        )
    assert statuses == ["ACTIVE"]
    # once another commitment covers what was matched, it can be reversed (to the cent)
    await run(owner_sessions, funds, _commitment(funds, 200_000))
    await run(owner_sessions, funds, _reverse(funds, commitment))
    pool = await pool_row(owner_sessions, funds, funds.pool)
    assert (pool.committed_minor, pool.matched_minor) == (200_000, 200_000)


async def test_a_match_with_scheduled_tranches_is_not_reversed(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 1)
    match = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.MATCH, contribution_id=contribution_id
    )

    # when
    errors = await rejected(owner_sessions, funds, _reverse(funds, match))

    # then: refused; once the tranche is cancelled the match can be reversed
    assert errors == [(("transactionId",), "INVALID_TRANSITION")]
    await run(owner_sessions, funds, _cancel(funds, tranche))
    await run(owner_sessions, funds, _reverse(funds, match))
    row = await contribution_row(owner_sessions, funds, contribution_id)
    assert row.status is ContributionStatus.REVERSED


async def test_a_transaction_is_reversed_once(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: a reversed match and a reversed commitment
    contribution_id = await verified(owner_sessions, funds)
    match = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.MATCH, contribution_id=contribution_id
    )
    await run(owner_sessions, funds, _reverse(funds, match))
    commitment = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.COMMITMENT, pool_id=funds.pool
    )
    await run(owner_sessions, funds, _reverse(funds, commitment))

    for transaction_id in (match, commitment):
        # when
        errors = await rejected(owner_sessions, funds, _reverse(funds, transaction_id))

        # then
        assert errors == [(("transactionId",), "INVALID_TRANSITION")]


@pytest.mark.parametrize("reason", ["", "  ", "x" * 2001])
async def test_a_reversal_needs_a_reason(
    funds: FundsWorld, owner_sessions: SessionFactory, reason: str
) -> None:
    commitment = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.COMMITMENT, pool_id=funds.pool
    )

    errors = await rejected(owner_sessions, funds, _reverse(funds, commitment, reason))

    assert errors == [(("reason",), "TOO_LONG" if reason.strip() else "BLANK")]


# -- the same over GraphQL: the shape of userErrors -----------------------------------------

USER_ERRORS = "userErrors { field message code }"
CREATE_POOL = f"""mutation($input: CreateFundPoolInput!) {{ createFundPool(input: $input) {{
    fundPool {{ id }} {USER_ERRORS} }} }}"""
RECORD = f"""mutation($input: RecordContributionInput!) {{ recordContribution(input: $input) {{
    contribution {{ id }} {USER_ERRORS} }} }}"""
SCHEDULE = f"""mutation($input: ScheduleDisbursementInput!) {{
    scheduleDisbursement(input: $input) {{ disbursement {{ id }} {USER_ERRORS} }} }}"""
REVERSE = f"""mutation($input: ReverseLedgerTransactionInput!) {{
    reverseLedgerTransaction(input: $input) {{ reversal {{ id }} {USER_ERRORS} }} }}"""


async def _gql_rejected(
    gql: GraphQLClient,
    sessions: SessionFactory,
    fw: FundsWorld,
    document: str,
    field: str,
    variables: dict[str, Any],
    token: str = "admin",
) -> list[tuple[list[str], str]]:
    before = await snapshot(sessions, fw.tenant_id)
    body = await gql(document, variables, token=fw.token(token))
    assert "errors" not in body, body
    payload = body["data"][field]
    assert [value for name, value in payload.items() if name != "userErrors"] == [None]
    assert all(isinstance(e["message"], str) and e["message"] for e in payload["userErrors"])
    assert await snapshot(sessions, fw.tenant_id) == before
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def _money(amount: str, currency: str = "USD") -> dict[str, str]:
    return {"amountMinor": amount, "currency": currency}


async def test_graphql_reports_every_problem_of_a_pool_with_its_path(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    variables = {
        "input": {
            "idempotencyKey": key(),
            "funderOrganizationId": global_id("Organization", funds.funder),
            "name": " ",
            "purpose": "",
            "currency": "XXX",
            "startsOn": "2026-01-01",
            "endsOn": "2025-12-31",
            "matchTiers": [
                {"maxEmployees": 49, "ratio": "0"},
                {"maxEmployees": None, "ratio": "-1"},
            ],
            "capPerRecipient": _money("-1"),
            "annualCapPerRecipient": _money("5000", "EUR"),
            "eligibleRecipientKinds": ["EMPLOYER"],
            "eligiblePurposes": ["TRAINING_COSTS"],
        }
    }

    errors = await _gql_rejected(
        gql, owner_sessions, funds, CREATE_POOL, "createFundPool", variables
    )

    # the annual cap's currency is compared only once the pool's currency is known
    assert sorted(errors) == sorted(
        [
            (["name"], "BLANK"),
            (["currency"], "INVALID"),
            (["endsOn"], "OUT_OF_RANGE"),
            (["matchTiers", "0", "ratio"], "OUT_OF_RANGE"),
            (["matchTiers", "1", "ratio"], "INVALID"),
            (["capPerRecipient", "amountMinor"], "OUT_OF_RANGE"),
        ]
    )


async def test_graphql_reports_a_cap_in_the_wrong_currency(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    variables = {
        "input": {
            "idempotencyKey": key(),
            "funderOrganizationId": global_id("Organization", funds.funder),
            "name": "Euro caps",
            "purpose": "",
            "currency": "USD",
            "startsOn": "2025-01-01",
            "endsOn": "2025-12-31",
            "matchTiers": [{"maxEmployees": None, "ratio": "1"}],
            "capPerRecipient": _money("100000", "EUR"),
            "annualCapPerRecipient": None,
            "eligibleRecipientKinds": ["EMPLOYER"],
            "eligiblePurposes": ["TRAINING_COSTS"],
        }
    }

    errors = await _gql_rejected(
        gql, owner_sessions, funds, CREATE_POOL, "createFundPool", variables
    )

    assert errors == [(["capPerRecipient", "currency"], "CURRENCY_MISMATCH")]


def _record_variables(fw: FundsWorld, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "idempotencyKey": key(),
        "initiativeId": global_id("Initiative", fw.initiative),
        "organizationId": global_id("Organization", fw.world.organizations["employer"]),
        "poolId": global_id("FundPool", fw.pool),
        "kind": "CASH",
        "purpose": "TRAINING_COSTS",
        "amount": _money("100000"),
        "contributedOn": CONTRIBUTED_ON.isoformat(),
    }
    values.update(overrides)
    return {"input": values}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"amount": _money("0")}, [(["amount", "amountMinor"], "OUT_OF_RANGE")]),
        ({"amount": _money("-100")}, [(["amount", "amountMinor"], "OUT_OF_RANGE")]),
        ({"amount": _money("10.50")}, [(["amount", "amountMinor"], "INVALID")]),
        ({"amount": _money("100", "EUR")}, [(["amount", "currency"], "CURRENCY_MISMATCH")]),
        ({"amount": _money("100", "usd?")}, [(["amount", "currency"], "INVALID")]),
        ({"contributedOn": "2099-01-01"}, [(["contributedOn"], "OUT_OF_RANGE")]),
        (
            {"kind": "IN_KIND"},
            [(["valuationMethod"], "REQUIRED"), (["evidenceNote"], "REQUIRED")],
        ),
        ({"valuationMethod": "WAGE_RATE"}, [(["valuationMethod"], "INVALID")]),
    ],
    ids=["zero", "negative", "decimal", "mismatch", "unknown", "future", "in-kind", "cash-valued"],
)
async def test_graphql_reports_a_bad_contribution_on_its_field(
    gql: GraphQLClient,
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    overrides: dict[str, Any],
    expected: list[tuple[list[str], str]],
) -> None:
    errors = await _gql_rejected(
        gql,
        owner_sessions,
        funds,
        RECORD,
        "recordContribution",
        _record_variables(funds, **overrides),
        token="org_admin",
    )

    assert sorted(errors) == sorted(expected)


async def test_graphql_refuses_disbursing_beyond_the_match(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: $2,000.00 matched, $1,500.00 of it scheduled
    contribution_id = await verified(owner_sessions, funds)
    await schedule(owner_sessions, funds, contribution_id, 150_000)
    variables = {
        "input": {
            "idempotencyKey": key(),
            "contributionId": global_id("Contribution", contribution_id),
            "payeeOrganizationId": global_id("Organization", funds.world.organizations["employer"]),
            "amount": _money("50001"),
            "scheduledOn": "2025-04-01",
            "requirement": None,
        }
    }

    # when
    errors = await _gql_rejected(
        gql, owner_sessions, funds, SCHEDULE, "scheduleDisbursement", variables
    )

    # then
    assert errors == [(["amount", "amountMinor"], "EXCEEDS_MATCH")]


async def test_graphql_refuses_reversing_a_payment(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 10_000)
    await approve(owner_sessions, funds, tranche)
    await pay(owner_sessions, funds, tranche)
    payment = await transaction_of(
        owner_sessions, funds, LedgerTransactionKind.PAYMENT, disbursement_id=tranche
    )
    variables = {
        "input": {
            "idempotencyKey": key(),
            "transactionId": global_id("LedgerTransaction", payment),
            "reason": "Paid twice by mistake.",
        }
    }

    # when
    errors = await _gql_rejected(
        gql, owner_sessions, funds, REVERSE, "reverseLedgerTransaction", variables
    )

    # then
    assert errors == [(["transactionId"], "NOT_REVERSIBLE")]


async def test_graphql_a_tranche_status_is_unchanged_after_a_refusal(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: a scheduled tranche
    contribution_id = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, contribution_id, 10_000)
    pay_document = f"""mutation($input: PayDisbursementInput!) {{
        payDisbursement(input: $input) {{ disbursement {{ id status }} {USER_ERRORS} }} }}"""

    # when
    errors = await _gql_rejected(
        gql,
        owner_sessions,
        funds,
        pay_document,
        "payDisbursement",
        {"input": {"idempotencyKey": key(), "disbursementId": global_id("Disbursement", tranche)}},
    )

    # then
    assert errors == [(["disbursementId"], "INVALID_TRANSITION")]
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        status = await session.scalar(
            select(Disbursement.status).where(
                Disbursement.tenant_id == funds.tenant_id, Disbursement.id == tranche
            )
        )
    assert status is TrancheStatus.SCHEDULED
