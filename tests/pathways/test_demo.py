"""The demo's pathways: made through the service once, whatever the number of runs."""

from __future__ import annotations

from coalition.db.engine import SessionFactory
from coalition.pathways.demo import PATHWAYS, seed_pathways
from tests.pathways import documents as doc
from tests.support.graphql import GraphQLClient
from tests.support.world import World


async def test_the_care_pathway_is_seeded_once(
    gql: GraphQLClient, world: World, owner_sessions: SessionFactory
) -> None:
    _, _, steps = PATHWAYS["metro-healthcare"]
    names = sorted({name for s in steps for name in s[1]})
    organizations = dict(zip(names, world.organizations.values(), strict=False))
    for _ in range(2):
        await seed_pathways(
            owner_sessions, tenant_id=world.id, slug="metro-healthcare", organizations=organizations
        )

    body = await gql(doc.PATHWAYS, {"first": 5}, token=world.tokens["member"])

    connection = body["data"]["careerPathways"]
    assert connection["totalCount"] == 1
    pathway = connection["edges"][0]["node"]
    assert pathway["name"] == "Care: medical assistant to registered nurse"
    assert [s["occupation"]["code"] for s in pathway["steps"]] == ["31-9092", "29-2061", "29-1141"]
    lpn = pathway["steps"][1]
    assert lpn["wageMin"]["amountMinor"] == "2700" and lpn["wageUnit"] == "HOUR"
    assert lpn["workBasedLearning"] == ["EARN_AND_LEARN"]
    assert lpn["skillsAdded"][0]["skill"] == {"id": "2.C.4.e"}
