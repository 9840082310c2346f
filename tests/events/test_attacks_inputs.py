"""A careless or hostile client's inputs to every events mutation and read: each is a
clear refusal (a userError, a GraphQL error or a 4xx), never a 500 or "Unexpected
error.". Instants at the edges of what Python can hold (year 1 east of UTC, year 9999
west of it) overflow when converted to UTC: they must be refused before any SQL."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from tests.events.registration_support import REGISTER, person, tenant_header
from tests.events.support import add_event, add_exhibitor, event_input, move_event
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

ERRORS = "userErrors { code }"
MUTATIONS = {
    "createEvent": "CreateEventInput",
    "updateEvent": "UpdateEventInput",
    "requestToExhibit": "RequestToExhibitInput",
    "reportEventOutcomes": "ReportEventOutcomesInput",
    "addEventSession": "AddEventSessionInput",
}
HUGE = "x" * 200_000
EARLIEST = "0001-01-01T00:30:00+05:00"  # before datetime.min in UTC
LATEST = "9999-12-31T23:30:00-05:00"  # after datetime.max in UTC
BAD_TEXT = [HUGE, "\x00", "a\ud800b"]  # and blank, where the field is required


async def _post(
    gql: GraphQLClient, query: str, variables: dict[str, Any], headers: dict[str, str]
) -> Any:
    """A POST whose JSON escapes every character (``\\ud800`` survives the trip)."""
    body = json.dumps({"query": query, "variables": variables})
    return await gql.http.post(
        "/graphql", content=body, headers=headers | {"Content-Type": "application/json"}
    )


def _bearer(world: World, person: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[person]}"}


def _mutation(name: str) -> str:
    return f"mutation($input: {MUTATIONS[name]}!) {{ {name}(input: $input) {{ {ERRORS} }} }}"


def _assert_refused(response: Any, name: str | None, case: str) -> None:
    assert response.status_code in (200, 400, 413), (case, response.status_code)
    assert "Unexpected error" not in response.text, (case, response.text[:300])
    if response.status_code != 200:
        return
    body = response.json()
    if body.get("errors"):
        return
    assert name is not None
    assert body["data"][name]["userErrors"], (case, body)


async def _targets(sessions: SessionFactory, world: World) -> dict[str, str]:
    event_id = await add_event(sessions, world)
    ended = await add_event(sessions, world)
    exhibitor = await add_exhibitor(sessions, world, ended)
    await move_event(sessions, world, ended, datetime.now(UTC) - timedelta(days=2))
    return {
        "event": global_id("Event", event_id),
        "exhibitor": global_id("Exhibitor", exhibitor),
        "employer": global_id("Organization", world.organizations["employer"]),
    }


def _cases(ids: dict[str, str], world: World) -> list[tuple[str, str, dict[str, Any]]]:
    create = event_input(world)["input"]
    opening = {"occupationCode": "51-4041", "openings": 2}
    line = {"occupationCode": "51-4041", "interviews": 1, "offers": 1, "hires": 1}
    report = {"exhibitorId": ids["exhibitor"], "interviews": 3, "offers": 2, "hires": 1}
    exhibit = {"eventId": ids["event"], "organizationId": ids["employer"]}
    session = {
        "eventId": ids["event"],
        "kind": "GROUP",
        "title": "Welding demo",
        "startsAt": "2027-04-15T10:30:00-05:00",
        "endsAt": "2027-04-15T11:00:00-05:00",
        "capacity": 10,
    }
    cases: list[tuple[str, str, dict[str, Any]]] = []
    for field in ("title", "timeZone"):
        cases.append(("createEvent", f"{field} blank", create | {field: "   "}))
    for text in BAD_TEXT:
        for field in ("title", "description", "timeZone", "onlineUrl"):
            cases.append(("createEvent", f"{field}={text[:8]!r}", create | {field: text}))
        cases.append(("updateEvent", f"title={text[:8]!r}", {"id": ids["event"], "title": text}))
        cases.append(("createEvent", f"venue={text[:8]!r}", create | {"venue": {"name": text}}))
        cases.append(("addEventSession", f"title={text[:8]!r}", session | {"title": text}))
        cases.append(
            (
                "requestToExhibit",
                f"code={text[:8]!r}",
                exhibit | {"openings": [{**opening, "occupationCode": text}]},
            )
        )
    for zone in ("Factory", "localtime", "UTC\x00", "../../etc/passwd", "EST5EDT,M3.2.0", "+05:00"):
        cases.append(("createEvent", f"zone={zone!r}", create | {"timeZone": zone}))
    for number in (-1, 2**31 - 1, 2**31, -(2**31) - 1):
        cases.append(("createEvent", f"capacity={number}", create | {"capacityInPerson": number}))
        cases.append(("addEventSession", f"capacity={number}", session | {"capacity": number}))
        cases.append(("reportEventOutcomes", f"hires={number}", report | {"hires": number}))
        cases.append(
            (
                "reportEventOutcomes",
                f"line={number}",
                report | {"byOccupation": [{**line, "offers": number}]},
            )
        )
        cases.append(
            (
                "requestToExhibit",
                f"openings={number}",
                exhibit | {"openings": [{**opening, "openings": number}]},
            )
        )
        cases.append(
            (
                "requestToExhibit",
                f"wage={number}",
                exhibit | {"openings": [{**opening, "wageMinMinor": number}]},
            )
        )
    for instant in (EARLIEST, LATEST, "2027-04-15T10:00:00", "not a date"):
        cases.append(("createEvent", f"startsAt={instant}", create | {"startsAt": instant}))
        cases.append(("updateEvent", f"endsAt={instant}", {"id": ids["event"], "endsAt": instant}))
        cases.append(("addEventSession", f"startsAt={instant}", session | {"startsAt": instant}))
    cases.append(("createEvent", "10k codes", create | {"occupationCodes": ["51-4041"] * 10_000}))
    cases.append(("requestToExhibit", "10k openings", exhibit | {"openings": [opening] * 10_000}))
    cases.append(("reportEventOutcomes", "10k lines", report | {"byOccupation": [line] * 10_000}))
    cases.append(
        (
            "createEvent",
            "foreign organization",
            create | {"organizationId": global_id("Organization", uuid.uuid4())},
        )
    )
    cases.append(("updateEvent", "not an id", {"id": "\x00\ud800", "title": "x"}))
    cases.append(("updateEvent", "wrong type", {"id": ids["exhibitor"], "title": "x"}))
    return cases


async def test_hostile_inputs_to_every_mutation_are_refused_clearly(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    ids = await _targets(owner_sessions, world)
    for name, case, given in _cases(ids, world):
        response = await _post(gql, _mutation(name), {"input": given}, _bearer(world, "org_admin"))
        _assert_refused(response, name, f"{name} {case}")


@pytest.mark.parametrize("instant", [EARLIEST, LATEST])
async def test_instants_at_the_edges_of_time_in_reads_are_refused_clearly(
    gql: GraphQLClient, world: World, instant: str
) -> None:
    reads = [
        (
            "query($t: DateTime) { events(first: 5, filter: {from: $t}) { edges { cursor } } }",
            None,
        ),
        (
            "query($t: DateTime) { events(first: 5, filter: {to: $t}) { edges { cursor } } }",
            None,
        ),
        ("query($t: DateTime) { eventOutcomes(from: $t) { hires } }", None),
        ("query($t: DateTime) { eventOutcomes(to: $t) { hires } }", None),
    ]
    for query, name in reads:
        response = await _post(gql, query, {"t": instant}, _bearer(world, "member"))
        _assert_refused(response, name, f"{query} {instant}")
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert "between the years 1 and 9999" in error["message"], error


async def test_hostile_registrations_are_refused_clearly(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    hostile: list[dict[str, Any]] = (
        [{"name": text} for text in [*BAD_TEXT, "   "]]
        + [{"email": text} for text in [*BAD_TEXT, "   ", "a@b", "@example.org", "a b@example.org"]]
        + [{"phone": text} for text in [*BAD_TEXT, "+" + "1" * 100]]
        + [{"accessibilityNeeds": text} for text in BAD_TEXT]
        + [
            {"eventId": value}
            for value in ["", "\x00", global_id("Exhibitor", uuid.uuid4()), "Zm9v" * 1000]
        ]
        + [{"attendance": "SIDEWAYS"}]
    )
    for overrides in hostile:
        given = {"input": person(event_id, **overrides)}
        response = await _post(gql, REGISTER, given, tenant_header(world))
        _assert_refused(response, "registerForEvent", repr(overrides)[:60])
