"""Statement counts do not grow with the size of an answer: nextSteps (steps, their
skills and programs) and careerPathways with steps, employers, programs and the skills
each step adds."""

from __future__ import annotations

from tests.pathways import documents as doc
from tests.pathways.conftest import AddProgram, CreatePathway, step
from tests.support.graphql import GraphQLClient
from tests.support.statements import StatementCounter, without_tenant_filter
from tests.support.world import World

NEXT_STEPS = """
query($first: Int!) {
  occupation(code: "31-9092") {
    nextSteps(first: $first) {
      occupation { code title majorGroup { code } skillProfile { hasRatings } }
      similarity medianHourlyWage { amountMinor }
      skillsToAdd { skill { id name } shortfall }
      programs { program { id name providerName } skills { id name } }
    }
  }
}"""


async def test_next_steps_take_the_same_statements_for_1_or_20(
    gql: GraphQLClient,
    world: World,
    add_program: AddProgram,
    count_statements: StatementCounter,
) -> None:
    await gql(NEXT_STEPS, {"first": 1}, token=world.tokens["member"])  # builds the space
    count_statements.statements.clear()
    small = await gql(NEXT_STEPS, {"first": 1}, token=world.tokens["member"])
    few = count_statements.count
    for n, skill in enumerate(["2.C.4.e", "2.C.4.a", "2.B.1.b", "2.B.1.f", "2.A.2.d"]):
        await add_program(world, f"Program {n}", [(skill, 4)])
    count_statements.statements.clear()

    large = await gql(NEXT_STEPS, {"first": 20}, token=world.tokens["member"])

    steps = large["data"]["occupation"]["nextSteps"]
    assert len(small["data"]["occupation"]["nextSteps"]) == 1
    assert len(steps) == 20
    assert sum(len(s["programs"]) for s in steps) > 20
    assert count_statements.count == few
    assert without_tenant_filter(count_statements.statements) == []


async def test_pathways_with_steps_take_the_same_statements_for_1_or_5(
    gql: GraphQLClient,
    world: World,
    add_program: AddProgram,
    create_pathway: CreatePathway,
    count_statements: StatementCounter,
) -> None:
    program = await add_program(world, "Practical Nursing", [("2.C.4.e", 4)])
    employer = world.organizations["employer"]

    def steps() -> list[object]:
        return [
            step("31-9092", employer_ids=[employer]),
            step("29-2061", employer_ids=[employer], program_ids=[program]),
            step("29-1141", program_ids=[program]),
        ]

    await create_pathway(world, [], steps=steps())
    await gql(doc.PATHWAYS, {"first": 10}, token=world.tokens["member"])
    count_statements.statements.clear()
    await gql(doc.PATHWAYS, {"first": 10}, token=world.tokens["member"])
    one = count_statements.count
    for _ in range(4):
        await create_pathway(world, [], steps=steps())
    count_statements.statements.clear()

    body = await gql(doc.PATHWAYS, {"first": 10}, token=world.tokens["member"])

    nodes = [e["node"] for e in body["data"]["careerPathways"]["edges"]]
    assert len(nodes) == 5
    assert all(n["steps"][1]["skillsAdded"][0]["shortfall"] == 2.14 for n in nodes)
    assert all(n["steps"][1]["bridgingPrograms"][0]["name"] == "Practical Nursing" for n in nodes)
    assert count_statements.count == one
    assert without_tenant_filter(count_statements.statements) == []
