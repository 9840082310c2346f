"""Bad input to creating pools, initiatives and commitments is a userError on the right field,
and nothing is written (each refused call runs as a mutation does, and every funds row and
audit event is compared before and after)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from coalition.db.engine import SessionFactory
from coalition.funds.models.contributions import ContributionStatus
from coalition.funds.models.pools import FundPoolStatus
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.initiatives import add_initiative_participant
from coalition.funds.service.pools import create_pool, set_pool_status
from tests.funds.support.steps import (
    AMOUNT_FIELD,
    CURRENCY_FIELD,
    Action,
    close,
    commitment_action,
    contribution_row,
    create_initiative_action,
    match_of,
    new_pool,
    pool_row,
    rejected,
    verified,
)
from tests.funds.support.world import (
    TERM,
    FundsWorld,
    key,
    pool_input,
)

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


async def test_an_initiative_may_not_end_before_it_starts(
    funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    errors = await rejected(
        owner_sessions, funds, create_initiative_action(funds, ends_on=date(2024, 12, 31))
    )

    assert errors == [(("endsOn",), "OUT_OF_RANGE")]


async def test_every_problem_of_an_initiative_is_reported_at_once(
    funds: FundsWorld, other_funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    errors = await rejected(
        owner_sessions,
        funds,
        create_initiative_action(
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

    errors = await rejected(owner_sessions, funds, commitment_action(funds, 1000))

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
