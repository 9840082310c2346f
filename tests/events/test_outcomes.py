"""Hires traced back to events: exhibitors report, the convener sees exact sums, an
exhibitor sees its own report, and everyone else sees only final, published figures
under the disclosure rule; the attacks on those figures that a rival could try."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from coalition.db.engine import SessionFactory
from tests.events.support import (
    OUTCOMES,
    REPORT,
    add_event,
    add_exhibitor,
    move_event,
    report,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

EVENT_OUTCOMES = f"query($id: ID!) {{ event(id: $id) {{ outcomes {{ {OUTCOMES} }} }} }}"
POOLED = f"query {{ eventOutcomes {{ {OUTCOMES} eventsCounted eventsWithheld }} }}"
OWN = """query($id: ID!) { node(id: $id) { ... on Exhibitor { report { hires } } } }"""
EXHIBITORS = (
    ("org_admin", "employer"),
    ("other_org_admin", "other_employer"),
    ("college_admin", "college"),
)


async def _past_event(sessions: SessionFactory, world: World, days_ago: int) -> uuid.UUID:
    event_id = await add_event(sessions, world)
    await move_event(sessions, world, event_id, datetime.now(UTC) - timedelta(days=days_ago))
    return event_id


async def _three_exhibitors(
    sessions: SessionFactory, world: World, event_id: uuid.UUID
) -> dict[str, uuid.UUID]:
    found: dict[str, uuid.UUID] = {}
    for person, organization in EXHIBITORS:
        # Exhibitors joined before the event: approve while it is still ahead.
        found[organization] = await add_exhibitor(
            sessions, world, event_id, person=person, organization=organization
        )
    return found


async def _reported_event(
    sessions: SessionFactory,
    world: World,
    hires: tuple[int, int, int],
    *,
    final: bool,
    by_occupation: dict[str, list[dict[str, Any]]] | None = None,
) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    event_id = await add_event(sessions, world)
    exhibitors = await _three_exhibitors(sessions, world, event_id)
    await move_event(sessions, world, event_id, datetime.now(UTC) - timedelta(days=2))
    for (person, organization), count in zip(EXHIBITORS, hires, strict=True):
        await report(
            sessions,
            world,
            exhibitors[organization],
            person=person,
            interviews=count * 3,
            offers=count * 2,
            hires=count,
            by_occupation=(by_occupation or {}).get(organization),
        )
    if final:
        await move_event(sessions, world, event_id, datetime.now(UTC) - timedelta(days=60))
    return event_id, exhibitors


async def _outcomes(gql: GraphQLClient, token: str, event_id: uuid.UUID) -> dict[str, Any]:
    body = await gql(EVENT_OUTCOMES, {"id": global_id("Event", event_id)}, token=token)
    outcomes: dict[str, Any] = body["data"]["event"]["outcomes"]
    return outcomes


async def test_the_convener_sees_exact_sums_while_reports_are_open(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id, _ = await _reported_event(owner_sessions, world, (3, 3, 4), final=False)

    convener = await _outcomes(gql, world.tokens["admin"], event_id)
    member = await _outcomes(gql, world.tokens["member"], event_id)

    assert (convener["interviews"], convener["offers"], convener["hires"]) == (30, 20, 10)
    assert (convener["exhibitorsReporting"], convener["exact"], convener["final"]) == (
        3,
        True,
        False,
    )
    assert (member["hires"], member["exact"], member["final"]) == (None, False, False)


async def test_members_see_final_figures_that_pass_the_rule(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id, _ = await _reported_event(owner_sessions, world, (3, 3, 4), final=True)

    member = await _outcomes(gql, world.tokens["college_member"], event_id)

    assert (member["interviews"], member["offers"], member["hires"]) == (30, 20, 10)
    assert (member["exact"], member["final"], member["exhibitorsReporting"]) == (
        False,
        True,
        None,
    )


async def test_a_dominant_exhibitor_s_hires_stay_hidden(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id, _ = await _reported_event(owner_sessions, world, (1, 1, 50), final=True)

    member = await _outcomes(gql, world.tokens["member"], event_id)
    convener = await _outcomes(gql, world.tokens["admin"], event_id)

    assert member["hires"] is None
    assert convener["hires"] == 52


async def test_an_exhibitor_s_own_report_is_seen_only_by_itself_and_the_convener(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    _, exhibitors = await _reported_event(owner_sessions, world, (3, 3, 4), final=False)
    node = {"id": global_id("Exhibitor", exhibitors["employer"])}

    seen = {
        person: (await gql(OWN, node, token=world.tokens[person]))["data"]["node"]
        for person in ("org_admin", "member", "admin", "other_org_admin", "college_admin")
    }

    assert seen == {
        "org_admin": {"report": {"hires": 3}},
        "member": {"report": {"hires": 3}},
        "admin": {"report": {"hires": 3}},
        "other_org_admin": {"report": None},
        "college_admin": {"report": None},
    }


async def test_reports_are_refused_before_the_event_and_after_they_close(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    ahead = await add_event(owner_sessions, world)
    exhibitor = await add_exhibitor(owner_sessions, world, ahead)
    variables = {
        "input": {
            "exhibitorId": global_id("Exhibitor", exhibitor),
            "interviews": 3,
            "offers": 2,
            "hires": 1,
        }
    }
    token = world.tokens["org_admin"]

    early = await gql(REPORT, variables, token=token)
    await move_event(owner_sessions, world, ahead, datetime.now(UTC) - timedelta(days=60))
    late = await gql(REPORT, variables, token=token)

    assert early["data"]["reportEventOutcomes"]["userErrors"][0]["code"] == "NOT_STARTED"
    assert late["data"]["reportEventOutcomes"]["userErrors"][0]["code"] == "EVENT_CLOSED"


async def test_a_report_that_does_not_add_up_is_refused_whole(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    exhibitor = await add_exhibitor(owner_sessions, world, event_id)
    await move_event(owner_sessions, world, event_id, datetime.now(UTC) - timedelta(days=1))

    body = await gql(
        REPORT,
        {
            "input": {
                "exhibitorId": global_id("Exhibitor", exhibitor),
                "interviews": 2,
                "offers": 3,
                "hires": 1,
                "byOccupation": [
                    {"occupationCode": "51-4041", "interviews": 9, "offers": 1, "hires": 1}
                ],
            }
        },
        token=world.tokens["org_admin"],
    )

    errors = {
        (tuple(e["field"]), e["code"]) for e in body["data"]["reportEventOutcomes"]["userErrors"]
    }
    assert errors == {(("offers",), "OUT_OF_RANGE")}


async def test_only_the_exhibitor_s_admins_report_and_only_when_approved(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    pending = await add_exhibitor(
        owner_sessions,
        world,
        event_id,
        person="college_admin",
        organization="college",
        approve=False,
    )
    approved = await add_exhibitor(owner_sessions, world, event_id)
    await move_event(owner_sessions, world, event_id, datetime.now(UTC) - timedelta(days=1))

    def variables(exhibitor: uuid.UUID) -> dict[str, Any]:
        return {
            "input": {
                "exhibitorId": global_id("Exhibitor", exhibitor),
                "interviews": 1,
                "offers": 1,
                "hires": 1,
            }
        }

    not_approved = await gql(REPORT, variables(pending), token=world.tokens["college_admin"])
    rival = await gql(REPORT, variables(approved), token=world.tokens["other_org_admin"])
    member = await gql(REPORT, variables(approved), token=world.tokens["member"])

    assert not_approved["data"]["reportEventOutcomes"]["userErrors"][0]["code"] == "NOT_APPROVED"
    assert rival["data"]["reportEventOutcomes"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert rival["data"]["reportEventOutcomes"]["exhibitor"] is None
    assert member["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_hidden_occupation_cannot_be_had_by_subtracting_shown_ones(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    lines = {
        "employer": [{"occupation_code": "51-4041", "interviews": 9, "offers": 6, "hires": 3}],
        "other_employer": [
            {"occupation_code": "51-4041", "interviews": 6, "offers": 4, "hires": 2},
            {"occupation_code": "51-4121", "interviews": 3, "offers": 2, "hires": 1},
        ],
        "college": [{"occupation_code": "51-4041", "interviews": 12, "offers": 8, "hires": 4}],
    }
    event_id, _ = await _reported_event(
        owner_sessions, world, (3, 3, 4), final=True, by_occupation=lines
    )

    member = await _outcomes(gql, world.tokens["member"], event_id)
    convener = await _outcomes(gql, world.tokens["admin"], event_id)

    welding = {line["occupationCode"]: line for line in member["byOccupation"]}
    assert welding["51-4121"]["hires"] is None
    for measure in ("interviews", "offers", "hires"):
        hidden = [line for line in member["byOccupation"] if line[measure] is None]
        if member[measure] is not None:
            # Never one hidden cell beside a shown total: it would be the difference.
            assert len(hidden) != 1, measure
    exact = {line["occupationCode"]: line["hires"] for line in convener["byOccupation"]}
    assert exact == {"51-4041": 9, "51-4121": 1}


async def test_pooled_figures_are_sums_of_published_ones_over_time(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    """The rival's attack: read the pool, wait for one more event's reports to close,
    read again and subtract. The new event alone fails the rule, so the pool must not
    move by its numbers."""
    await _reported_event(owner_sessions, world, (3, 3, 4), final=True)
    token = world.tokens["member"]
    before = (await gql(POOLED, token=token))["data"]["eventOutcomes"]

    lone = await add_event(owner_sessions, world, title="Small hiring hall")
    exhibitor = await add_exhibitor(owner_sessions, world, lone)
    await move_event(owner_sessions, world, lone, datetime.now(UTC) - timedelta(days=2))
    await report(owner_sessions, world, exhibitor, interviews=5, offers=3, hires=2)
    await move_event(owner_sessions, world, lone, datetime.now(UTC) - timedelta(days=60))
    after = (await gql(POOLED, token=token))["data"]["eventOutcomes"]
    convener = (await gql(POOLED, token=world.tokens["admin"]))["data"]["eventOutcomes"]

    assert (before["hires"], after["hires"]) == (10, 10)
    assert (before["eventsWithheld"], after["eventsWithheld"]) == (0, 1)
    assert convener["hires"] == 12
