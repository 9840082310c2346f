"""Lists of programs with their cohorts, skills, occupations and provider run a fixed
number of SQL statements, whatever the number of programs (DESIGN.md: no N+1)."""

from __future__ import annotations

from tests.supply.support import AddCohort, AddProgram
from tests.support.graphql import GraphQLClient
from tests.support.statements import StatementCounter, without_tenant_filter
from tests.support.world import World

NESTED = """
  name instructionalProgram { title } provider { name } ctdl
  occupations { title } skills { skill { name } level }
  cohorts(first: 5) { totalCount edges { node { seats expectedCompleters program { name } } } }
"""
PROGRAMS = f"{{ trainingPrograms(first: 50) {{ edges {{ node {{ {NESTED} }} }} }} }}"
OF_ORGANIZATIONS = f"""{{ organizations(first: 4) {{ edges {{ node {{ name
  trainingPrograms(first: 30) {{ totalCount edges {{ node {{ {NESTED} }} }} }} }} }} }} }}"""
OCCUPATIONS = [["51-4041"], ["51-9161", "51-4041"], ["51-4121"], []]


async def _add(
    world: World, new_program: AddProgram, new_cohort: AddCohort, start: int, count: int
) -> None:
    for index in range(start, start + count):
        program_id = await new_program(
            world,
            person="admin" if index % 3 else "college_admin",
            name=f"Program {index}",
            occupation_codes=OCCUPATIONS[index % len(OCCUPATIONS)],
            skills=[("2.B.3.h", 1 + index % 4), ("2.A.1.a", 2)][: 1 + index % 2],
        )
        for _ in range(index % 3):
            await new_cohort(world, program_id, person="admin")


async def _count(
    gql: GraphQLClient, token: str, counter: StatementCounter, query: str
) -> tuple[int, int]:
    counter.statements.clear()
    body = await gql(query, token=token)
    assert "errors" not in body, body
    if "trainingPrograms" in body["data"]:
        programs = [edge["node"] for edge in body["data"]["trainingPrograms"]["edges"]]
    else:
        programs = [
            program["node"]
            for organization in body["data"]["organizations"]["edges"]
            for program in organization["node"]["trainingPrograms"]["edges"]
        ]
    assert all(program["provider"] == {"name": "alpha college"} for program in programs)
    assert all(
        edge["node"]["program"] == {"name": program["name"]}
        for program in programs
        for edge in program["cohorts"]["edges"]
    )
    assert without_tenant_filter(counter.statements) == []
    return len(programs), counter.count


async def test_the_statement_count_does_not_grow_with_the_programs(
    gql: GraphQLClient,
    world: World,
    new_program: AddProgram,
    new_cohort: AddCohort,
    count_statements: StatementCounter,
) -> None:
    await _add(world, new_program, new_cohort, 0, 4)
    few = await _count(gql, world.tokens["member"], count_statements, PROGRAMS)
    await _add(world, new_program, new_cohort, 4, 26)

    many = await _count(gql, world.tokens["member"], count_statements, PROGRAMS)

    assert few[0] == 4
    assert many[0] == 30
    assert many[1] == few[1]
    # The tenant, the caller (2), count, page, CIP titles, providers, occupations,
    # skills, cohorts, the cohorts' programs.
    assert many[1] == 11


async def test_organization_training_programs_is_constant_too(
    gql: GraphQLClient,
    world: World,
    new_program: AddProgram,
    new_cohort: AddCohort,
    count_statements: StatementCounter,
) -> None:
    await _add(world, new_program, new_cohort, 0, 4)
    few = await _count(gql, world.tokens["admin"], count_statements, OF_ORGANIZATIONS)
    await _add(world, new_program, new_cohort, 4, 26)

    many = await _count(gql, world.tokens["admin"], count_statements, OF_ORGANIZATIONS)

    assert few[0] == 4
    assert many[0] == 30
    assert many[1] == few[1]
    # The tenant, the caller (2), organizations' count and page, their programs, CIP
    # titles, providers, occupations, skills, cohorts, the cohorts' programs.
    assert many[1] == 12
