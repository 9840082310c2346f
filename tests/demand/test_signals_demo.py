"""The demo's demand: seeded once however often it runs; some pooled cells show, some not."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from coalition.auth.principal import system_principal
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand import summary
from coalition.demand.demo import seed_demand
from coalition.demand.models import DemandSignal, DemandSignalVersion, DemandStatus, SharingLevel
from coalition.demand.questions import DemandDimension
from coalition.demo import NAMESPACE, PARTNERSHIPS, demo_tenant_id, employers, seed_demo

# What the demo's first release shows a convener, by occupation: shown; hidden but listed
# (a NAMED signal is in it, so its key is public); the rest are not listed at all.
SHOWN = {
    "lakeshore-manufacturing": {"51-4041", "51-4111", "51-9161"},
    "metro-healthcare": {"29-1141", "31-1122", "31-1131"},
}
LISTED_HIDDEN = {
    "lakeshore-manufacturing": {"51-2092", "51-4121"},
    "metro-healthcare": {"29-2061"},
}


async def _signals(sessions: SessionFactory, slug: str) -> tuple[list[DemandSignal], int]:
    tenant_id = uuid.uuid5(NAMESPACE, slug)
    async with tenant_transaction(sessions, tenant_id) as session:
        signals = list(
            await session.scalars(select(DemandSignal).where(DemandSignal.tenant_id == tenant_id))
        )
        versions = list(
            await session.scalars(
                select(DemandSignalVersion.id).where(DemandSignalVersion.tenant_id == tenant_id)
            )
        )
    return signals, len(versions)


async def _seed_demand(sessions: SessionFactory) -> dict[str, int]:
    return {
        partnership.slug: await seed_demand(
            sessions,
            tenant_id=demo_tenant_id(partnership.slug),
            slug=partnership.slug,
            employers=employers(partnership),
            namespace=NAMESPACE,
        )
        for partnership in PARTNERSHIPS
    }


async def test_seeding_twice_gives_the_same_demand(owner_sessions: SessionFactory) -> None:
    await seed_demo(owner_sessions)

    first = await _seed_demand(owner_sessions)
    before = {slug: await _signals(owner_sessions, slug) for slug in first}
    second = await _seed_demand(owner_sessions)
    after = {slug: await _signals(owner_sessions, slug) for slug in first}

    assert first == second == {"lakeshore-manufacturing": 25, "metro-healthcare": 21}
    assert {slug: (len(s), v) for slug, (s, v) in after.items()} == {
        "lakeshore-manufacturing": (25, 25),
        "metro-healthcare": (21, 21),
    }
    assert {slug: sorted(s.id for s in signals) for slug, (signals, _) in before.items()} == {
        slug: sorted(s.id for s in signals) for slug, (signals, _) in after.items()
    }


async def test_some_cells_show_and_some_are_suppressed(owner_sessions: SessionFactory) -> None:
    await seed_demo(owner_sessions)

    for slug in SHOWN:
        tenant_id = demo_tenant_id(slug)
        signals, _ = await _signals(owner_sessions, slug)
        principal = system_principal(tenant_id, "tests")
        async with tenant_transaction(owner_sessions, tenant_id) as session:
            result = await summary.summarize_demand(
                session, principal, group_by=[DemandDimension.OCCUPATION]
            )
        counted = {
            signal.occupation_code
            for signal in signals
            if signal.status is DemandStatus.ACTIVE
            and signal.sharing_level in (SharingLevel.POOLED, SharingLevel.NAMED)
        }
        cells = {cell.key.occupation.code: cell for cell in result.cells if cell.key.occupation}

        assert result.release is not None
        assert result.release.made_by == "OPERATOR"
        assert {code for code, cell in cells.items() if not cell.suppressed} == SHOWN[slug]
        assert {code for code, cell in cells.items() if cell.suppressed} == LISTED_HIDDEN[slug]
        assert set(cells) < counted  # the cells of lone employers are not even listed
        assert not result.total.suppressed
