"""The demo's demand: seeded once however often it runs; some pooled cells show, some not."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import select

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand.demo import seed_demand
from coalition.demand.models import DemandSignal, DemandSignalVersion, DemandStatus, SharingLevel
from coalition.demo import NAMESPACE, PARTNERSHIPS, demo_tenant_id, employers, seed_demo

K, P = 3, 80
SHOWN = {
    "lakeshore-manufacturing": {
        ("51-4041", "2027-01-01"),
        ("51-4121", "2027-01-01"),
        ("51-9161", "2027-01-01"),
        ("51-4111", "2027-04-01"),
        ("51-2092", "2027-04-01"),
    },
    "metro-healthcare": {
        ("29-1141", "2027-01-01"),
        ("31-1131", "2027-01-01"),
        ("29-2061", "2027-04-01"),
        ("31-1122", "2027-04-01"),
    },
}
SUPPRESSED = {
    "lakeshore-manufacturing": {
        ("51-4072", "2027-01-01"),
        ("49-9041", "2027-01-01"),
        ("51-9061", "2027-01-01"),
        ("51-1011", "2027-07-01"),
    },
    "metro-healthcare": {
        ("31-1121", "2027-01-01"),
        ("31-9092", "2027-01-01"),
        ("29-2052", "2027-04-01"),
    },
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
    await _seed_demand(owner_sessions)

    for slug in SHOWN:
        signals, _ = await _signals(owner_sessions, slug)
        cells: dict[tuple[str, str], dict[object, int]] = defaultdict(lambda: defaultdict(int))
        for signal in signals:
            if signal.status is DemandStatus.ACTIVE and signal.sharing_level in (
                SharingLevel.POOLED,
                SharingLevel.NAMED,
            ):
                key = (signal.occupation_code, str(signal.start_quarter))
                cells[key][signal.organization_id] += signal.openings
        shown = {
            key
            for key, by_employer in cells.items()
            if len(by_employer) >= K
            and max(by_employer.values()) * 100 <= P * sum(by_employer.values())
        }

        assert shown == SHOWN[slug]
        assert set(cells) - shown == SUPPRESSED[slug]
