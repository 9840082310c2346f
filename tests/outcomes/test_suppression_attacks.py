"""Attacks on the outcome metrics' suppression: each tries to learn a hidden cell of
fewer than n people (or the count behind a rate) from what the responses show, and
fails. Each builds data on which the same attack succeeds against a naive defence
(every number of n people or more shown, no complementary suppression, no coding;
``Attacker.leaks(naive=True)``), then asserts that nothing leaks from the real
responses (``attacker.py``: every linear combination of everything seen at once)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from coalition.auth.principal import Principal
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import InvalidInput
from coalition.funds.models.initiatives import Initiative
from coalition.outcomes.figures import MetricFigures
from coalition.outcomes.metric_names import MetricName
from coalition.outcomes.metric_rows import BreakdownBy
from coalition.outcomes.models import AgeBand, Barrier, ParticipantRecord, Sex
from coalition.tenancy.models import OrganizationKind
from tests.demand.support import principal_of
from tests.outcomes.attacker import Attacker, Group
from tests.outcomes.metric_support import add_reporter, metric
from tests.supply.support import add_program
from tests.support.world import World

Q2 = MetricName.WIOA_EMPLOYMENT_Q2
SEX, AGE, RACE, BARRIER = (
    BreakdownBy.SEX,
    BreakdownBy.AGE_BAND,
    BreakdownBy.RACE_ETHNICITY,
    BreakdownBy.BARRIER,
)
MALE, FEMALE, UNDISCLOSED = Sex.MALE, Sex.FEMALE, Sex.NOT_DISCLOSED
_serial = iter(range(10**9))


async def insert(sessions: SessionFactory, world: World, groups: Sequence[Group]) -> None:
    """The groups' records, written straight into the table (as the owner)."""
    async with tenant_transaction(sessions, world.id) as session:
        for group in groups:
            for _ in range(group.people):
                session.add(
                    ParticipantRecord(
                        tenant_id=world.id,
                        organization_id=group.organization,
                        participant_identifier=f"A-{next(_serial):07d}",
                        **group.fields(),
                    )
                )
        await session.flush()


async def remove(sessions: SessionFactory, world: World, group: Group) -> None:
    """Delete a group's records (as their member would)."""
    async with tenant_transaction(sessions, world.id) as session:
        found = (
            await session.scalars(
                ParticipantRecord.__table__.select()
                .with_only_columns(ParticipantRecord.id)
                .where(ParticipantRecord.organization_id == group.organization)
                .where(ParticipantRecord.exit_date == group.exit)
                .where(ParticipantRecord.sex == group.sex)
            )
        ).all()
        assert len(found) == group.people
        await session.execute(
            ParticipantRecord.__table__.delete().where(ParticipantRecord.id.in_(found))
        )


async def ask(
    sessions: SessionFactory,
    world: World,
    attacker: Attacker,
    who: str | Principal,
    present: Sequence[Group],
    period: str,
    *breakdown: BreakdownBy,
    **filters: Any,
) -> MetricFigures:
    figures = await metric(sessions, world, who, Q2, period, breakdown_by=breakdown, **filters)
    attacker.see(figures, present)
    return figures


def assert_attack_fails(attacker: Attacker) -> None:
    assert attacker.leaks(naive=True), "the data must give a cell away to a naive defence"
    assert attacker.leaks() == []


async def initiative(sessions: SessionFactory, world: World, name: str) -> uuid.UUID:
    async with tenant_transaction(sessions, world.id) as session:
        made = Initiative(tenant_id=world.id, name=name, starts_on=date(2025, 7, 1))
        session.add(made)
        await session.flush()
        return made.id


def both(group: Group, employed: int, not_employed: int) -> list[Group]:
    """The group split into its employed and its not employed people."""
    return [
        replace(group, people=employed, employed=True),
        replace(group, people=not_employed, employed=False),
    ]


# --- (1) subtraction from the total --------------------------------------------------


async def test_a_hidden_cell_is_not_the_total_minus_the_shown_cells(
    owner_sessions: SessionFactory, world: World
) -> None:
    college = world.organizations["college"]
    groups = [
        *both(Group(college, 0, sex=MALE), 30, 30),
        Group(college, 4, sex=FEMALE),
        *both(Group(college, 0, sex=UNDISCLOSED), 6, 6),
    ]
    await insert(owner_sessions, world, groups)
    attacker = Attacker()

    total = await ask(owner_sessions, world, attacker, "admin", groups, "2026Q1")
    cells = await ask(owner_sessions, world, attacker, "admin", groups, "2026Q1", SEX)

    assert total.total.people == 76
    assert {cell.key: cell.people for cell in cells.cells}[("MALE",)] == 60
    assert_attack_fails(attacker)


# --- (2) another breakdown -----------------------------------------------------------


async def test_a_hidden_cell_does_not_follow_from_a_two_way_breakdown(
    owner_sessions: SessionFactory, world: World
) -> None:
    college = world.organizations["college"]
    young, older = AgeBand.AGE_25_34, AgeBand.AGE_35_44
    groups = [
        *both(Group(college, 0, sex=MALE, age=young), 15, 15),
        *both(Group(college, 0, sex=MALE, age=older), 10, 10),
        *both(Group(college, 0, sex=FEMALE, age=young), 10, 5),
        Group(college, 3, sex=FEMALE, age=older),
        *both(Group(college, 0, sex=UNDISCLOSED, age=older), 6, 6),
    ]
    await insert(owner_sessions, world, groups)
    attacker = Attacker()

    for breakdown in ((), (SEX,), (AGE,), (SEX, AGE), (AGE, SEX)):
        await ask(owner_sessions, world, attacker, "admin", groups, "2026Q1", *breakdown)

    assert_attack_fails(attacker)


async def test_people_of_several_races_give_no_hidden_cell_away(
    owner_sessions: SessionFactory, world: World
) -> None:
    college = world.organizations["college"]
    groups = [
        *both(Group(college, 0, races=("white",)), 15, 12),
        Group(college, 3, sex=FEMALE, races=("white", "asian")),
        *both(Group(college, 0, sex=MALE, races=("asian",)), 6, 6),
        *both(Group(college, 0, sex=FEMALE, races=("black_african_american",)), 7, 7),
        *both(Group(college, 0, sex=FEMALE, races=("black_african_american", "white")), 5, 6),
        Group(college, 12, races=("race_not_self_identified",)),
    ]
    await insert(owner_sessions, world, groups)
    attacker = Attacker()

    for breakdown in ((), (SEX,), (RACE,), (SEX, RACE), (RACE, SEX)):
        await ask(owner_sessions, world, attacker, "admin", groups, "2026Q1", *breakdown)

    assert_attack_fails(attacker)


async def test_people_with_several_barriers_or_none_give_no_hidden_cell_away(
    owner_sessions: SessionFactory, world: World
) -> None:
    college = world.organizations["college"]
    low, homeless, single = Barrier.LOW_INCOME, Barrier.HOMELESS, Barrier.SINGLE_PARENT
    groups = [
        *both(Group(college, 0, barriers=(low,)), 14, 14),
        Group(college, 3, sex=FEMALE, barriers=(low, homeless)),
        *both(Group(college, 0, sex=FEMALE, barriers=(single,)), 6, 6),
        *both(Group(college, 0, sex=FEMALE, barriers=(low, single)), 5, 6),
        *both(Group(college, 0, barriers=()), 11, 11),
    ]
    await insert(owner_sessions, world, groups)
    attacker = Attacker()

    for breakdown in ((), (SEX,), (BARRIER,), (SEX, BARRIER), (BARRIER, SEX)):
        await ask(owner_sessions, world, attacker, "admin", groups, "2026Q1", *breakdown)

    assert_attack_fails(attacker)


# --- (3) two periods -----------------------------------------------------------------


async def test_a_hidden_quarter_is_not_a_year_minus_its_other_quarters(
    owner_sessions: SessionFactory, world: World
) -> None:
    college = world.organizations["college"]
    exits = {
        "2025Q3": date(2025, 8, 15),
        "2025Q4": date(2025, 11, 15),
        "2026Q1": date(2026, 2, 15),
        "2026Q2": date(2026, 5, 15),
        "2026Q3": date(2026, 8, 15),
        "2026Q4": date(2026, 11, 15),
    }
    groups = [
        *both(Group(college, 0, exit=exits["2025Q3"]), 12, 12),
        *both(Group(college, 0, exit=exits["2025Q4"]), 15, 10),
        *both(Group(college, 0, exit=exits["2026Q1"]), 20, 14),
        Group(college, 3, exit=exits["2026Q2"]),
        *both(Group(college, 0, exit=exits["2026Q3"]), 11, 11),
        Group(college, 4, exit=exits["2026Q4"], employed=False),
    ]
    await insert(owner_sessions, world, groups)
    attacker = Attacker()

    for period in (*exits, "PY2025", "PY2026"):
        for breakdown in ((), (SEX,)):
            await ask(owner_sessions, world, attacker, "admin", groups, period, *breakdown)
    # Calendar years overlap program years: they are refused, not answered.
    for year in ("2025", "2026"):
        with pytest.raises(InvalidInput):
            await ask(owner_sessions, world, attacker, "admin", groups, year)

    assert_attack_fails(attacker)


# --- (4) one member's own figures against the partnership's -------------------------


async def test_a_member_learns_nothing_from_its_figures_against_the_partnerships(
    owner_sessions: SessionFactory, world: World
) -> None:
    union = await add_reporter(owner_sessions, world, "union", OrganizationKind.WORKER_ORGANIZATION)
    union_id, college = world.organizations["union"], world.organizations["college"]
    own = [
        *both(Group(union_id, 0, sex=MALE), 20, 10),
        *both(Group(union_id, 0, sex=FEMALE), 5, 3),
    ]
    theirs = [*both(Group(college, 0, sex=MALE), 15, 15), Group(college, 4, sex=FEMALE)]
    groups = own + theirs
    await insert(owner_sessions, world, groups)
    attacker = Attacker(own=frozenset({union_id}), naive_counts_own=True)
    attacker.know(own)

    for breakdown in ((), (SEX,)):
        await ask(owner_sessions, world, attacker, union, groups, "2026Q1", *breakdown)
        mine = await ask(
            owner_sessions,
            world,
            attacker,
            union,
            groups,
            "2026Q1",
            *breakdown,
            organization_id=union_id,
        )
        assert mine.exact

    assert_attack_fails(attacker)


# --- (5) a member edits its own records between two questions ------------------------


async def test_a_member_cannot_move_the_complementary_cells_by_editing_its_records(
    owner_sessions: SessionFactory, world: World
) -> None:
    union = await add_reporter(owner_sessions, world, "union", OrganizationKind.WORKER_ORGANIZATION)
    union_id, college = world.organizations["union"], world.organizations["college"]
    bands = (AgeBand.AGE_18_24, AgeBand.AGE_25_34, AgeBand.AGE_35_44, AgeBand.AGE_45_54)
    theirs = [
        Group(college, 4, age=bands[0]),
        *both(Group(college, 0, age=bands[1]), 6, 6),
        *both(Group(college, 0, age=bands[2]), 7, 7),
        *both(Group(college, 0, age=bands[3]), 20, 20),
    ]
    await insert(owner_sessions, world, theirs)
    attacker = Attacker(own=frozenset({union_id}), naive_counts_own=True)
    present = list(theirs)

    before = await ask(owner_sessions, world, attacker, union, present, "2026Q1", AGE)
    # Its own people where the partner of the small cell was, then in the small cell.
    for band in (bands[1], bands[0]):
        added = Group(union_id, 12, age=band, sex=FEMALE)
        attacker.know([added])
        await insert(owner_sessions, world, [added])
        present.append(added)
        await ask(owner_sessions, world, attacker, union, present, "2026Q1", AGE)
        await ask(owner_sessions, world, attacker, union, present, "2026Q1")
        await remove(owner_sessions, world, added)
        present.remove(added)
    after = await ask(owner_sessions, world, attacker, union, present, "2026Q1", AGE)

    assert [cell.people for cell in before.cells] == [cell.people for cell in after.cells]
    assert [cell.count for cell in before.cells] == [cell.count for cell in after.cells]
    assert_attack_fails(attacker)


# --- (6) filters ---------------------------------------------------------------------


async def test_a_small_initiative_is_not_the_partnership_minus_the_others(
    owner_sessions: SessionFactory, world: World
) -> None:
    college = world.organizations["college"]
    pathways = [await initiative(owner_sessions, world, name) for name in ("X", "Y", "Z")]
    groups = [
        *both(Group(college, 0, initiative=pathways[0]), 15, 15),
        *both(Group(college, 0, initiative=pathways[1]), 13, 12),
        Group(college, 4, initiative=pathways[2]),
    ]
    await insert(owner_sessions, world, groups)
    attacker = Attacker()

    for breakdown in ((), (SEX,)):
        await ask(owner_sessions, world, attacker, "admin", groups, "2026Q1", *breakdown)
        for pathway in pathways:
            await ask(
                owner_sessions,
                world,
                attacker,
                "admin",
                groups,
                "2026Q1",
                *breakdown,
                initiative_id=pathway,
            )

    assert_attack_fails(attacker)


async def test_a_small_program_or_member_is_not_the_partnership_minus_the_others(
    owner_sessions: SessionFactory, world: World
) -> None:
    await add_reporter(owner_sessions, world, "provider", OrganizationKind.TRAINING_PROVIDER)
    college, provider = world.organizations["college"], world.organizations["provider"]
    programs = [
        await add_program(owner_sessions, world, name=f"Program {i}", external_id=f"P-{i}")
        for i in (1, 2)
    ]
    groups = [
        *both(Group(college, 0, program=programs[0]), 15, 15),
        *both(Group(college, 0, program=programs[1]), 13, 12),
        Group(provider, 4),
    ]
    await insert(owner_sessions, world, groups)
    attacker = Attacker()

    await ask(owner_sessions, world, attacker, "admin", groups, "2026Q1")
    for program in programs:
        await ask(owner_sessions, world, attacker, "admin", groups, "2026Q1", program_id=program)
    for member in (college, provider):
        await ask(
            owner_sessions, world, attacker, "admin", groups, "2026Q1", organization_id=member
        )
        for program in programs:
            await ask(
                owner_sessions,
                world,
                attacker,
                "admin",
                groups,
                "2026Q1",
                organization_id=member,
                program_id=program,
            )

    assert_attack_fails(attacker)


# --- rates ---------------------------------------------------------------------------


async def test_the_count_behind_a_rate_is_not_its_rate_times_its_people(
    owner_sessions: SessionFactory, world: World
) -> None:
    college = world.organizations["college"]
    groups = [
        *both(Group(college, 0, sex=MALE), 20, 10),
        *both(Group(college, 0, sex=FEMALE), 4, 20),
    ]
    await insert(owner_sessions, world, groups)
    attacker = Attacker()

    figures = await ask(owner_sessions, world, attacker, "admin", groups, "2026Q1", SEX)
    await ask(owner_sessions, world, attacker, "admin", groups, "2026Q1")

    women = {cell.key: cell for cell in figures.cells}[("FEMALE",)]
    assert (women.value, women.count, women.bound) == (None, None, None)
    assert_attack_fails(attacker)


async def test_a_rate_coded_above_95_percent_cannot_be_decoded_by_subtraction(
    owner_sessions: SessionFactory, world: World
) -> None:
    college = world.organizations["college"]
    groups = [
        *both(Group(college, 0, sex=MALE), 39, 1),
        *both(Group(college, 0, sex=FEMALE), 10, 10),
        *both(Group(college, 0, sex=UNDISCLOSED), 12, 12),
    ]
    await insert(owner_sessions, world, groups)
    attacker = Attacker()

    await ask(owner_sessions, world, attacker, "admin", groups, "2026Q1", SEX)
    await ask(owner_sessions, world, attacker, "admin", groups, "2026Q1")

    assert_attack_fails(attacker)


async def test_a_member_cannot_uncode_a_rate_by_adding_its_own_people(
    owner_sessions: SessionFactory, world: World
) -> None:
    union = await add_reporter(owner_sessions, world, "union", OrganizationKind.WORKER_ORGANIZATION)
    union_id, college = world.organizations["union"], world.organizations["college"]
    theirs = [*both(Group(college, 0), 39, 1)]
    await insert(owner_sessions, world, theirs)
    attacker = Attacker(own=frozenset({union_id}), naive_counts_own=True)

    before = await ask(owner_sessions, world, attacker, union, theirs, "2026Q1")
    # Ten of its own people, none employed: 39 of 50 would be 78%, no longer coded.
    own = Group(union_id, 10, employed=False)
    attacker.know([own])
    await insert(owner_sessions, world, [own])
    after = await ask(owner_sessions, world, attacker, union, [*theirs, own], "2026Q1")

    assert before.total.count is None and after.total.count is None
    assert attacker.leaks() == []


# --- and the figures stay useful -----------------------------------------------------


async def test_the_convener_still_sees_the_total_and_the_large_cells(
    owner_sessions: SessionFactory, world: World
) -> None:
    await add_reporter(owner_sessions, world, "provider", OrganizationKind.TRAINING_PROVIDER)
    college, provider = world.organizations["college"], world.organizations["provider"]
    pathway = await initiative(owner_sessions, world, "CNC pathway")
    program = await add_program(owner_sessions, world, name="CNC", external_id="CNC-1")
    ours = {"initiative": pathway, "program": program}
    groups = [
        *both(Group(college, 0, sex=MALE, age=AgeBand.AGE_25_34, **ours), 40, 18),
        *both(Group(college, 0, sex=FEMALE, age=AgeBand.AGE_35_44, **ours), 22, 12),
        *both(Group(college, 0, sex=MALE, age=AgeBand.AGE_45_54, **ours), 10, 10),
        *both(Group(provider, 0, sex=MALE, age=AgeBand.AGE_35_44, initiative=pathway), 14, 11),
        *both(Group(provider, 0, sex=FEMALE, age=AgeBand.AGE_25_34, initiative=pathway), 12, 10),
        Group(provider, 3, sex=FEMALE, age=AgeBand.AGE_18_24, initiative=pathway),
        *both(Group(college, 0, sex=MALE, exit=date(2025, 11, 15)), 20, 12),
    ]
    await insert(owner_sessions, world, groups)
    convener = principal_of(world, "admin")

    async def read(*breakdown: BreakdownBy, **filters: Any) -> MetricFigures:
        return await metric(
            owner_sessions, world, convener, Q2, "2026Q1", breakdown_by=breakdown, **filters
        )

    total, by_sex, by_age = await read(), await read(SEX), await read(AGE)

    assert (total.total.people, total.total.count) == (162, 101)
    assert total.total.value == Decimal("0.6235")
    sexes = {cell.key: (cell.people, cell.count) for cell in by_sex.cells}
    assert sexes[("MALE",)] == (103, 64)
    assert sexes[("FEMALE",)] == (59, 37)
    ages = {cell.key: (cell.people, cell.count) for cell in by_age.cells}
    assert ages[("AGE_25_34",)] == (80, 52)
    assert ages[("AGE_35_44",)] == (59, 36)
    # The small band and its partner (the next smallest) show no numbers.
    assert ages[("AGE_18_24",)] == (None, None)
    assert ages[("AGE_45_54",)] == (None, None)
    assert (await read(initiative_id=pathway)).total.people == 162
    assert (await read(program_id=program)).total.people == 112
    members = [(await read(organization_id=member)).total.people for member in (college, provider)]
    assert members == [112, 50]


# --- a side with nobody in it --------------------------------------------------------


async def test_a_cell_where_everyone_had_the_outcome_is_not_the_total_minus_the_rest(
    owner_sessions: SessionFactory, world: World
) -> None:
    # All 12 women employed: their "not employed" is 0, fewer than 10. The total's and
    # the men's counts, shown, would give the women's 12 of 12.
    college = world.organizations["college"]
    groups = [
        *both(Group(college, 0, sex=MALE), 20, 10),
        Group(college, 12, sex=FEMALE, employed=True),
        *both(Group(college, 0, sex=UNDISCLOSED), 10, 10),
    ]
    await insert(owner_sessions, world, groups)
    attacker = Attacker()

    total = await ask(owner_sessions, world, attacker, "admin", groups, "2026Q1")
    cells = await ask(owner_sessions, world, attacker, "admin", groups, "2026Q1", SEX)

    by_sex = {cell.key[0]: cell for cell in cells.cells}
    women = by_sex["FEMALE"]
    assert women.count is None
    # Whatever else shows, the women's employed count cannot be worked out and set
    # beside their people (the naive answer: 42 - 20 - 10 = 12 of 12).
    others = [by_sex["MALE"].count, by_sex["NOT_DISCLOSED"].count]
    for whole in (total.total.count, cells.total.count):
        derivable = whole is not None and None not in others and women.people is not None
        assert not derivable, (whole, others, women.people)
    assert attacker.leaks() == []
