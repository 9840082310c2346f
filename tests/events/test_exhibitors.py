"""Asking to exhibit, the organizer's decision, sessions, and who sees which exhibitor."""

from __future__ import annotations

from coalition.db.engine import SessionFactory
from tests.events.support import DECIDE, REQUEST, add_event, add_exhibitor
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World, global_id

EXHIBITORS = """query($id: ID!) { event(id: $id) { exhibitors { status organization { name }
  note openings { occupationCode openings } } sessions { title kind exhibitor { status } } } }"""
ADD_SESSION = """mutation($input: AddEventSessionInput!) { addEventSession(input: $input) {
  session { title kind capacity } userErrors { field code } } }"""


def _request(world: World, event_id: object, organization: str, **overrides: object) -> dict:
    given = {
        "eventId": global_id("Event", event_id),  # type: ignore[arg-type]
        "organizationId": global_id("Organization", world.organizations[organization]),
        "note": "Four CNC openings",
        "openings": [
            {"occupationCode": "51-4041", "openings": 4, "wageMinMinor": 2400, "wageMaxMinor": 3100}
        ],
    }
    return {"input": given | overrides}


async def test_an_employer_asks_to_exhibit_and_the_organizer_approves(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)

    asked = await gql(
        REQUEST, _request(world, event_id, "other_employer"), token=world.tokens["other_org_admin"]
    )
    exhibitor = asked["data"]["requestToExhibit"]["exhibitor"]
    before = await gql(
        EXHIBITORS, {"id": global_id("Event", event_id)}, token=world.tokens["college_member"]
    )
    decided = await gql(
        DECIDE, {"id": exhibitor["id"], "status": "APPROVED"}, token=world.tokens["org_admin"]
    )
    after = await gql(
        EXHIBITORS, {"id": global_id("Event", event_id)}, token=world.tokens["college_member"]
    )

    assert exhibitor["status"] == "REQUESTED"
    assert exhibitor["openings"] == [
        {
            "occupationCode": "51-4041",
            "openings": 4,
            "wageMin": {"amountMinor": "2400"},
            "wageMax": {"amountMinor": "3100"},
        }
    ]
    assert before["data"]["event"]["exhibitors"] == []
    assert decided["data"]["decideExhibitor"]["exhibitor"]["status"] == "APPROVED"
    [shown] = after["data"]["event"]["exhibitors"]
    assert shown["status"] == "APPROVED"
    assert shown["note"] is None  # the note is for the organizer
    organizer = await gql(
        EXHIBITORS, {"id": global_id("Event", event_id)}, token=world.tokens["org_admin"]
    )
    assert [x["note"] for x in organizer["data"]["event"]["exhibitors"]] == ["Four CNC openings"]
    assert shown["openings"] == [{"occupationCode": "51-4041", "openings": 4}]


async def test_only_a_member_organization_s_own_admins_ask_for_it(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory, other_world: World
) -> None:
    event_id = await add_event(owner_sessions, world)

    not_admin = await gql(
        REQUEST, _request(world, event_id, "employer"), token=world.tokens["member"]
    )
    not_theirs = await gql(
        REQUEST, _request(world, event_id, "college"), token=world.tokens["other_org_admin"]
    )
    foreign_org = _request(world, event_id, "college")
    foreign_org["input"]["organizationId"] = global_id(
        "Organization", other_world.organizations["employer"]
    )
    foreign = await gql(REQUEST, foreign_org, token=world.tokens["admin"])
    app = await gql(REQUEST, _request(world, event_id, "employer"), token=world.tokens["writer"])

    for body in (not_admin, not_theirs, foreign):
        [error] = body["data"]["requestToExhibit"]["userErrors"]
        assert (error["field"], error["code"]) == (["organizationId"], "NOT_MEMBER")
    assert error_codes(app) == ["FORBIDDEN"]


async def test_asking_twice_is_refused_and_a_declined_organization_may_ask_again(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    exhibitor_id = await add_exhibitor(
        owner_sessions,
        world,
        event_id,
        person="college_admin",
        organization="college",
        approve=False,
    )
    token = world.tokens["college_admin"]

    twice = await gql(REQUEST, _request(world, event_id, "college"), token=token)
    await gql(
        DECIDE,
        {"id": global_id("Exhibitor", exhibitor_id), "status": "DECLINED"},
        token=world.tokens["org_admin"],
    )
    again = await gql(REQUEST, _request(world, event_id, "college"), token=token)

    assert twice["data"]["requestToExhibit"]["userErrors"][0]["code"] == "ALREADY_REQUESTED"
    assert again["data"]["requestToExhibit"]["exhibitor"]["status"] == "REQUESTED"


async def test_bad_openings_are_each_reported(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    openings = [
        {"occupationCode": "51-4041", "openings": 0},
        {"occupationCode": "99-9999", "openings": 2, "wageMinMinor": 3000, "wageMaxMinor": 2000},
        {"occupationCode": "welder", "openings": 1},
        {"occupationCode": "51-4121", "openings": 1, "demandSignalIds": ["RGVtYW5kU2lnbmFs"]},
    ]

    body = await gql(
        REQUEST,
        _request(world, event_id, "employer", openings=openings),
        token=world.tokens["org_admin"],
    )

    errors = {
        (tuple(e["field"]), e["code"]) for e in body["data"]["requestToExhibit"]["userErrors"]
    }
    assert errors == {
        (("openings", "0", "openings"), "OUT_OF_RANGE"),
        (("openings", "1", "wageMaxMinor"), "OUT_OF_RANGE"),
        (("openings", "1", "occupationCode"), "NOT_FOUND"),
        (("openings", "2", "occupationCode"), "INVALID"),
        (("openings", "3", "demandSignalIds", "0"), "NOT_FOUND"),
    }


async def test_a_draft_event_takes_no_exhibitors_and_is_not_found_by_outsiders(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    from coalition.events.models import EventStatus

    event_id = await add_event(owner_sessions, world, status=EventStatus.DRAFT)

    outsider = await gql(
        REQUEST, _request(world, event_id, "college"), token=world.tokens["college_admin"]
    )
    organizer = await gql(
        REQUEST, _request(world, event_id, "employer"), token=world.tokens["org_admin"]
    )

    assert outsider["data"]["requestToExhibit"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert organizer["data"]["requestToExhibit"]["userErrors"][0]["code"] == "INVALID"


async def test_an_interview_slot_belongs_to_an_approved_exhibitor_within_the_event(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    event_id = await add_event(owner_sessions, world)
    approved = await add_exhibitor(
        owner_sessions, world, event_id, person="college_admin", organization="college"
    )
    base = {
        "eventId": global_id("Event", event_id),
        "kind": "INTERVIEW_SLOT",
        "title": "Interviews with the college",
        "startsAt": "2027-04-15T11:00:00-05:00",
        "endsAt": "2027-04-15T11:30:00-05:00",
        "capacity": 1,
    }
    token = world.tokens["org_admin"]

    missing = await gql(ADD_SESSION, {"input": base}, token=token)
    outside = await gql(
        ADD_SESSION,
        {
            "input": base
            | {
                "exhibitorId": global_id("Exhibitor", approved),
                "startsAt": "2027-04-15T08:00:00-05:00",
            }
        },
        token=token,
    )
    added = await gql(
        ADD_SESSION,
        {"input": base | {"exhibitorId": global_id("Exhibitor", approved)}},
        token=token,
    )
    listed = await gql(
        EXHIBITORS, {"id": global_id("Event", event_id)}, token=world.tokens["member"]
    )

    assert missing["data"]["addEventSession"]["userErrors"] == [
        {"field": ["exhibitorId"], "code": "REQUIRED"}
    ]
    assert outside["data"]["addEventSession"]["userErrors"] == [
        {"field": ["startsAt"], "code": "OUT_OF_RANGE"}
    ]
    assert added["data"]["addEventSession"]["session"] == {
        "title": "Interviews with the college",
        "kind": "INTERVIEW_SLOT",
        "capacity": 1,
    }
    assert listed["data"]["event"]["sessions"] == [
        {
            "title": "Interviews with the college",
            "kind": "INTERVIEW_SLOT",
            "exhibitor": {"status": "APPROVED"},
        }
    ]
