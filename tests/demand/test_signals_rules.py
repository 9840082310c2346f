"""Rules a newcomer met one by one: every problem in one round, wages in cents, a horizon
that is not in the past nor too far ahead, and the employer's own posting ID."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand import service
from coalition.demand.models import DemandStatus
from coalition.errors import InvalidInput
from tests.demand.support import (
    CREATE,
    UPDATE,
    DemandRows,
    PostSignal,
    full_input,
    principal_of,
    signal_fields,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

ON_DECEMBER_FIRST = date(2026, 12, 1)


def _errors(body: dict[str, Any], field: str) -> list[tuple[list[str], str, str]]:
    return [(e["field"], e["code"], e["message"]) for e in body["data"][field]["userErrors"]]


async def _create(
    owner_sessions: SessionFactory, world: World, today: date, **fields: Any
) -> list[tuple[tuple[str, ...], str, str]]:
    """The userErrors of creating a signal as the employer's member on ``today``."""
    try:
        async with tenant_transaction(owner_sessions, world.id) as session:
            await service.create_demand_signal(
                session,
                principal_of(world, "member"),
                organization_id=world.organizations["employer"],
                fields=signal_fields(**fields),
                today=today,
            )
    except InvalidInput as error:
        return [(e.field, e.code, e.message) for e in error.errors]
    return []


async def test_cross_field_problems_come_with_the_others_in_one_round(
    gql: GraphQLClient, world: World, demand_rows: DemandRows
) -> None:
    given = full_input(world) | {
        "occupationCode": "99-9999",
        "startQuarter": "2027Q3",
        "endQuarter": "2027Q2",
        "wageMin": {"amountMinor": "3000", "currency": "USD"},
        "wageMax": {"amountMinor": "12.50", "currency": "USD"},
        "wageUnit": None,
    }

    body = await gql(CREATE, {"input": given}, token=world.tokens["member"])

    assert _errors(body, "createDemandSignal") == [
        (["occupationCode"], "NOT_FOUND", "No occupation with SOC code '99-9999'."),
        (
            ["wageMax", "amountMinor"],
            "INVALID",
            "Give wageMax in cents, without a decimal point: 2350 for $23.50.",
        ),
        (["endQuarter"], "OUT_OF_RANGE", "endQuarter must not be before startQuarter."),
        (["wageUnit"], "REQUIRED", "Say whether the wages are per HOUR or per YEAR."),
    ]
    assert (await demand_rows(world.id))["demand_signals"] == []


async def test_wage_messages_say_cents(gql: GraphQLClient, world: World) -> None:
    given = full_input(world) | {
        "wageMin": {"amountMinor": "-5", "currency": "USD"},
        "wageMax": {"amountMinor": "10000000001", "currency": "USD"},
    }

    body = await gql(CREATE, {"input": given}, token=world.tokens["member"])

    assert _errors(body, "createDemandSignal") == [
        (["wageMin", "amountMinor"], "OUT_OF_RANGE", "wageMin cannot be negative."),
        (
            ["wageMax", "amountMinor"],
            "OUT_OF_RANGE",
            "wageMax may be at most 10000000000 cents (100,000,000.00).",
        ),
    ]
    assert not any("minor units" in e[2] for e in _errors(body, "createDemandSignal"))


async def test_demand_for_a_past_quarter_is_refused(gql: GraphQLClient, world: World) -> None:
    given = full_input(world) | {"startQuarter": "2001Q1", "endQuarter": "2001Q1"}

    body = await gql(CREATE, {"input": given}, token=world.tokens["member"])

    [(field, code, message)] = _errors(body, "createDemandSignal")
    assert (field, code) == (["endQuarter"], "OUT_OF_RANGE")
    assert message.startswith("endQuarter must not be before the current quarter, ")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026Q4", "2026Q4", []),
        ("2025Q1", "2026Q4", []),
        ("2031Q4", "2032Q2", []),
        (
            "2026Q3",
            "2026Q3",
            [
                (
                    ("endQuarter",),
                    "OUT_OF_RANGE",
                    "endQuarter must not be before the current quarter, 2026Q4.",
                )
            ],
        ),
        (
            "2032Q1",
            "2032Q1",
            [
                (
                    ("startQuarter",),
                    "OUT_OF_RANGE",
                    "startQuarter must be at most 20 quarters ahead: 2031Q4 or earlier.",
                )
            ],
        ),
    ],
)
async def test_the_horizon_ends_no_earlier_than_this_quarter_and_starts_within_20(
    owner_sessions: SessionFactory,
    world: World,
    start: str,
    end: str,
    expected: list[tuple[tuple[str, ...], str, str]],
) -> None:
    errors = await _create(
        owner_sessions, world, ON_DECEMBER_FIRST, start_quarter=start, end_quarter=end
    )

    assert errors == expected


async def test_a_signal_whose_horizon_has_passed_may_be_filled_but_not_moved(
    owner_sessions: SessionFactory, world: World, demand_rows: DemandRows
) -> None:
    # given: posted in 2026 for 2027, and it is now 2028
    assert await _create(owner_sessions, world, ON_DECEMBER_FIRST) == []
    [signal] = (await demand_rows(world.id))["demand_signals"]
    later = date(2028, 2, 1)
    member = principal_of(world, "member")

    # when
    moved: list[tuple[tuple[str, ...], str]] = []
    try:
        async with tenant_transaction(owner_sessions, world.id) as session:
            await service.update_demand_signal(
                session,
                member,
                signal_id=signal["id"],
                fields={"start_quarter": "2027Q2"},
                today=later,
            )
    except InvalidInput as error:
        moved = [(e.field, e.code) for e in error.errors]
    async with tenant_transaction(owner_sessions, world.id) as session:
        filled = await service.update_demand_signal(
            session,
            member,
            signal_id=signal["id"],
            # The end quarter given as it is does not move the horizon.
            fields={"status": DemandStatus.FILLED, "end_quarter": "2027Q4"},
            today=later,
        )

    # then
    assert moved == [(("endQuarter",), "OUT_OF_RANGE")]
    assert (filled.status, filled.version) == (DemandStatus.FILLED, 2)


async def test_moving_an_active_horizon_into_the_past_is_refused(
    owner_sessions: SessionFactory, world: World, demand_rows: DemandRows
) -> None:
    assert await _create(owner_sessions, world, ON_DECEMBER_FIRST) == []
    [signal] = (await demand_rows(world.id))["demand_signals"]

    with pytest.raises(InvalidInput) as raised:
        async with tenant_transaction(owner_sessions, world.id) as session:
            await service.update_demand_signal(
                session,
                principal_of(world, "member"),
                signal_id=signal["id"],
                fields={"start_quarter": "2026Q1", "end_quarter": "2026Q3"},
                today=ON_DECEMBER_FIRST,
            )

    assert [(e.field, e.code) for e in raised.value.errors] == [(("endQuarter",), "OUT_OF_RANGE")]


async def test_the_external_id_is_shown_and_unique_per_employer(
    gql: GraphQLClient, world: World, post_signal: PostSignal
) -> None:
    # given
    taken = await post_signal(world, external_id="REQ-7")
    other = await post_signal(world, external_id="REQ-8")
    member = world.tokens["member"]

    # when
    again = await gql(CREATE, {"input": full_input(world) | {"externalId": "REQ-7"}}, token=member)
    elsewhere = await gql(
        CREATE,
        {
            "input": full_input(world)
            | {
                "externalId": "REQ-7",
                "organizationId": global_id("Organization", world.organizations["other_employer"]),
            }
        },
        token=world.tokens["admin"],
    )
    renamed = await gql(
        UPDATE,
        {"input": {"id": global_id("DemandSignal", other), "externalId": " REQ-7 "}},
        token=member,
    )
    kept = await gql(
        UPDATE,
        {"input": {"id": global_id("DemandSignal", taken), "externalId": "REQ-7"}},
        token=member,
    )
    cleared = await gql(
        "mutation($id: ID!) { updateDemandSignal(input: {id: $id, externalId: null}) "
        "{ demandSignal { externalId version } userErrors { code } } }",
        {"id": global_id("DemandSignal", other)},
        token=member,
    )

    # then
    message = "Another signal of this employer has the externalId 'REQ-7'."
    assert _errors(again, "createDemandSignal") == [(["externalId"], "TAKEN", message)]
    assert _errors(elsewhere, "createDemandSignal") == []
    assert _errors(renamed, "updateDemandSignal") == [(["externalId"], "TAKEN", message)]
    assert _errors(kept, "updateDemandSignal") == []
    assert cleared["data"]["updateDemandSignal"] == {
        "demandSignal": {"externalId": None, "version": 2},
        "userErrors": [],
    }


async def test_the_same_skills_in_another_order_are_no_change(
    gql: GraphQLClient, world: World, post_signal: PostSignal
) -> None:
    signal_id = await post_signal(world, skills=[("ES.teamwork", 2), ("2.B.3.h", 3)])

    body = await gql(
        UPDATE,
        {
            "input": {
                "id": global_id("DemandSignal", signal_id),
                "skills": [
                    {"skillId": "2.B.3.h", "level": 3},
                    {"skillId": "ES.teamwork", "level": 2},
                ],
            }
        },
        token=world.tokens["member"],
    )

    assert body["data"]["updateDemandSignal"]["demandSignal"]["version"] == 1
