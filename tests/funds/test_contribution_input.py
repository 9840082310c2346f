"""Bad amounts and currencies, and bad input to recording and verifying contributions: a
userError on the right field, and nothing is written."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.lookups import today
from coalition.funds.models.contributions import ContributionStatus
from coalition.funds.models.ledger import LedgerTransactionKind
from coalition.funds.models.pools import FundPoolStatus
from coalition.funds.service.contributions import record_contribution
from coalition.funds.service.initiatives import add_initiative_participant
from coalition.funds.service.pools import create_pool
from coalition.funds.service.verifications import verify_contribution
from coalition.tenancy.models import Organization
from tests.funds.support.steps import (
    AMOUNT_FIELD,
    CURRENCY_FIELD,
    Action,
    Errors,
    close,
    commitment_action,
    contribution_row,
    create_initiative_action,
    new_pool,
    pool_row,
    record,
    rejected,
    reverse_action,
    run,
    tranche_action,
    transaction_of,
    verified,
)
from tests.funds.support.world import (
    FundsWorld,
    contribution_input,
    key,
    pool_input,
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
UNKNOWN_CURRENCIES = ["XXX", "DEM", "usd?", "US", ""]


def _contribution(fw: FundsWorld, by: str = "org_admin", **overrides: Any) -> Action:
    return lambda s: record_contribution(
        s, fw.principal(by), contribution_input(fw, **overrides), idempotency_key=key()
    )


@pytest.mark.parametrize(("amount", "code"), BAD_AMOUNTS, ids=repr)
async def test_a_commitment_needs_a_positive_whole_amount(
    funds: FundsWorld, owner_sessions: SessionFactory, amount: int | str, code: str
) -> None:
    errors = await rejected(owner_sessions, funds, commitment_action(funds, amount))

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

    errors = await rejected(owner_sessions, funds, tranche_action(funds, contribution_id, amount))

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
        "commitment": (commitment_action(funds, 1000, currency), CURRENCY_FIELD),
        "contribution": (_contribution(funds, currency=currency), CURRENCY_FIELD),
        "tranche": (
            tranche_action(funds, contribution_id, 1000, currency=currency),
            CURRENCY_FIELD,
        ),
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
        "commitment": commitment_action(funds, 1000, "EUR"),
        "contribution": _contribution(funds, currency="EUR"),
        "tranche": tranche_action(funds, contribution_id, 1000, currency="CAD"),
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
    initiative = await run(owner_sessions, funds, create_initiative_action(funds))
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
    initiative = await run(owner_sessions, funds, create_initiative_action(funds))

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
    initiative = await run(
        owner_sessions, funds, create_initiative_action(funds, participant_ids=[])
    )

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
    await run(owner_sessions, funds, reverse_action(funds, match))

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
