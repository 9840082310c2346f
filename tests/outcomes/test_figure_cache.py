"""Remembered outcome figures: the same question at the same data version is answered
from memory; any change of a record or a count (by any process: a trigger bumps the
partnership's version) makes the next answer new."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import text

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.outcomes.figure_cache import FIGURES, data_version
from coalition.outcomes.metric_names import MetricName
from coalition.outcomes.models import EmploymentStatus
from tests.demand.support import principal_of
from tests.outcomes.metric_support import add_records, metric
from tests.support.world import World

Q2 = MetricName.WIOA_EMPLOYMENT_Q2
EMPLOYED = EmploymentStatus.EMPLOYED


async def _version(sessions: SessionFactory, world: World) -> int:
    async with tenant_transaction(sessions, world.id) as session:
        return await data_version(session, principal_of(world, "admin"))


async def test_the_same_question_is_answered_from_memory_until_the_data_changes(
    owner_sessions: SessionFactory, world: World
) -> None:
    await add_records(owner_sessions, world, "college", 12, employed_q2=EMPLOYED)
    await add_records(owner_sessions, world, "college", 10)
    hits = FIGURES.hits

    first = await metric(owner_sessions, world, "admin", Q2, "2026Q1")
    again = await metric(owner_sessions, world, "admin", Q2, "2026Q1")
    await add_records(owner_sessions, world, "college", 1, employed_q2=EMPLOYED)
    after = await metric(owner_sessions, world, "admin", Q2, "2026Q1")

    assert again is first
    assert FIGURES.hits == hits + 1
    assert (first.total.people, after.total.people) == (22, 23)


async def test_every_kind_of_change_bumps_the_version(
    owner_sessions: SessionFactory, world: World
) -> None:
    before = await _version(owner_sessions, world)
    (record,) = await add_records(owner_sessions, world, "college", 1)
    inserted = await _version(owner_sessions, world)
    async with tenant_transaction(owner_sessions, world.id) as session:
        await session.execute(
            text("UPDATE participant_records SET employed_q2 = 'EMPLOYED' WHERE id = :id"),
            {"id": record},
        )
    updated = await _version(owner_sessions, world)
    async with tenant_transaction(owner_sessions, world.id) as session:
        await session.execute(
            text(
                "INSERT INTO aggregate_counts (tenant_id, id, organization_id, "
                "quarter_starts_on, dimension, served, exited, completed, credentialed, placed) "
                "VALUES (:tenant, :id, :organization, :quarter, 'TOTAL', 5, 2, 1, 1, 1)"
            ),
            {
                "tenant": world.id,
                "id": uuid.uuid4(),
                "organization": world.organizations["college"],
                "quarter": date(2026, 1, 1),
            },
        )
    counted = await _version(owner_sessions, world)
    async with tenant_transaction(owner_sessions, world.id) as session:
        await session.execute(
            text("DELETE FROM participant_records WHERE id = :id"), {"id": record}
        )
    deleted = await _version(owner_sessions, world)

    assert before < inserted < updated < counted < deleted


async def test_a_change_rolled_back_leaves_the_version(
    owner_sessions: SessionFactory, world: World
) -> None:
    await add_records(owner_sessions, world, "college", 1)
    before = await _version(owner_sessions, world)
    async with owner_sessions() as session, session.begin():
        await session.execute(
            text("SELECT set_config('app.tenant_id', :tenant, true)"), {"tenant": str(world.id)}
        )
        await session.execute(text("UPDATE participant_records SET white = true"))
        await session.rollback()

    assert await _version(owner_sessions, world) == before


async def test_another_partnerships_change_does_not_touch_ours(
    owner_sessions: SessionFactory, world: World, other_world: World
) -> None:
    await add_records(owner_sessions, world, "college", 1)
    ours = await _version(owner_sessions, world)

    await add_records(owner_sessions, other_world, "college", 3)

    assert await _version(owner_sessions, world) == ours


async def test_each_reader_gets_its_own_answer(
    owner_sessions: SessionFactory, world: World
) -> None:
    await add_records(owner_sessions, world, "college", 4, employed_q2=EMPLOYED)
    college = world.organizations["college"]

    convener = await metric(owner_sessions, world, "admin", Q2, "2026Q1", organization_id=college)
    own = await metric(
        owner_sessions, world, "college_admin", Q2, "2026Q1", organization_id=college
    )

    assert convener.total.suppressed
    assert (own.exact, own.total.people) == (True, 4)
