"""Outcome metrics: the convener sees suppressed figures, a member its own exact ones."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import InvalidInput
from coalition.outcomes.figures import Basis, Bound
from coalition.outcomes.metric_names import MetricName
from coalition.outcomes.metric_rows import BreakdownBy
from coalition.outcomes.models import EmploymentStatus, Sex
from coalition.tenancy.models import OrganizationKind
from coalition.tenancy.settings import update_tenant_settings
from tests.demand.support import principal_of
from tests.outcomes.metric_support import add_records, add_reporter, metric, shown
from tests.support.world import World

EMPLOYED, NOT_EMPLOYED = EmploymentStatus.EMPLOYED, EmploymentStatus.NOT_EMPLOYED
Q2 = MetricName.WIOA_EMPLOYMENT_Q2


async def test_a_rate_over_enough_people_is_shown_to_the_convener(
    owner_sessions: SessionFactory, world: World
) -> None:
    await add_records(owner_sessions, world, "college", 12, employed_q2=EMPLOYED)
    await add_records(owner_sessions, world, "college", 8, employed_q2=NOT_EMPLOYED)

    figures = await metric(owner_sessions, world, "admin", Q2, "2026Q1")

    assert figures.exact is False
    assert (figures.total.people, figures.total.count) == (20, 12)
    assert figures.total.value == Decimal("0.6")
    assert figures.total.basis == Basis.PARTICIPANT_RECORDS
    assert figures.definition.version == 1


async def test_fewer_than_ten_people_show_no_numbers(
    owner_sessions: SessionFactory, world: World
) -> None:
    await add_records(owner_sessions, world, "college", 9, employed_q2=EMPLOYED)

    figures = await metric(owner_sessions, world, "admin", Q2, "2026Q1")

    assert figures.total.suppressed
    assert (figures.total.people, figures.total.count, figures.total.value) == (None, None, None)


async def test_the_member_reads_its_own_figures_exactly(
    owner_sessions: SessionFactory, world: World
) -> None:
    await add_records(owner_sessions, world, "college", 3, employed_q2=EMPLOYED)

    figures = await metric(
        owner_sessions,
        world,
        "college_admin",
        Q2,
        "2026Q1",
        organization_id=world.organizations["college"],
    )

    assert figures.exact is True
    assert (figures.total.people, figures.total.count, figures.total.value) == (3, 3, 1)


async def test_a_rate_near_the_ends_shows_as_a_bound(
    owner_sessions: SessionFactory, world: World
) -> None:
    await add_records(owner_sessions, world, "college", 40, employed_q2=EMPLOYED)
    await add_records(owner_sessions, world, "college", 1, employed_q2=NOT_EMPLOYED)

    figures = await metric(owner_sessions, world, "admin", Q2, "2026Q1")

    assert figures.total.bound == Bound.ABOVE_95_PERCENT
    assert (figures.total.count, figures.total.value) == (None, None)


async def test_a_breakdown_hides_a_small_cell_and_its_complement(
    owner_sessions: SessionFactory, world: World
) -> None:
    await add_records(owner_sessions, world, "college", 30, sex=Sex.MALE, employed_q2=EMPLOYED)
    await add_records(owner_sessions, world, "college", 30, sex=Sex.MALE)
    await add_records(owner_sessions, world, "college", 4, sex=Sex.FEMALE, employed_q2=EMPLOYED)
    await add_records(owner_sessions, world, "college", 6, sex=Sex.NOT_DISCLOSED)
    await add_records(
        owner_sessions, world, "college", 6, sex=Sex.NOT_DISCLOSED, employed_q2=EMPLOYED
    )

    figures = await metric(
        owner_sessions, world, "admin", Q2, "2026Q1", breakdown_by=[BreakdownBy.SEX]
    )

    people = shown(figures)
    assert people[("FEMALE",)] is None
    # FEMALE alone hidden would be the total minus MALE: NOT_DISCLOSED goes with it.
    assert people[("NOT_DISCLOSED",)] is None
    assert people[("MALE",)] == 60
    assert people[()] == 76


async def test_a_rate_hides_where_its_count_would_give_away_a_small_cell(
    owner_sessions: SessionFactory, world: World
) -> None:
    await add_records(owner_sessions, world, "college", 30, sex=Sex.MALE, employed_q2=EMPLOYED)
    await add_records(owner_sessions, world, "college", 4, sex=Sex.FEMALE, employed_q2=EMPLOYED)
    await add_records(owner_sessions, world, "college", 20, sex=Sex.FEMALE)

    figures = await metric(
        owner_sessions, world, "admin", Q2, "2026Q1", breakdown_by=[BreakdownBy.SEX]
    )

    # 24 women are enough people, but 4 employed women are not: the total's count (34)
    # less the men's (30) would give them, so the men's rate goes too.
    assert figures.total.count == 34
    cells = {cell.key: cell for cell in figures.cells}
    assert cells[("FEMALE",)].suppressed and cells[("MALE",)].suppressed


async def test_a_member_is_not_shown_a_cell_only_its_own_people_fill(
    owner_sessions: SessionFactory, world: World
) -> None:
    union = await add_reporter(owner_sessions, world, "union", OrganizationKind.WORKER_ORGANIZATION)
    await add_records(owner_sessions, world, "union", 30, employed_q2=EMPLOYED)
    await add_records(owner_sessions, world, "college", 5, employed_q2=EMPLOYED)

    convener = await metric(owner_sessions, world, "admin", Q2, "2026Q1")
    member = await metric(owner_sessions, world, union, Q2, "2026Q1")

    assert convener.total.people == 35
    # The union knows its own 30: the partnership's 35 would give the college's 5.
    assert member.total.suppressed


async def test_bad_questions_are_refused_with_every_problem(
    owner_sessions: SessionFactory, world: World
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await metric(
            owner_sessions,
            world,
            "admin",
            MetricName.WIOA_MSG,
            "2026Q1",
            breakdown_by=[BreakdownBy.SEX, BreakdownBy.SEX, BreakdownBy.AGE_BAND],
        )
    fields = sorted(error.field for error in refused.value.errors)
    assert fields == [("breakdownBy",), ("breakdownBy",), ("period",)]


async def test_the_partnership_chooses_how_few_people_a_figure_may_show(
    owner_sessions: SessionFactory, world: World
) -> None:
    await add_records(owner_sessions, world, "college", 12, employed_q2=EMPLOYED)
    async with tenant_transaction(owner_sessions, world.id) as session:
        await update_tenant_settings(session, principal_of(world, "admin"), outcomes_min_people=15)

    figures = await metric(owner_sessions, world, "admin", Q2, "2026Q1")

    assert figures.min_people == 15
    assert figures.total.suppressed
