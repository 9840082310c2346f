"""The demo events: each partnership's job fair, past hiring hall and members-only
session, seeded once, and what the convener and members see of them."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from coalition.auth.principal import system_principal
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demo import NAMESPACE, seed_demo
from coalition.events.models import (
    Event,
    EventSession,
    EventStatus,
    Exhibitor,
    ExhibitorStatus,
    Registration,
    RegistrationStatus,
    Visibility,
)
from coalition.events.outcomes import outcomes_of_events

SLUGS = ("lakeshore-manufacturing", "metro-healthcare")


async def _registrations(sessions: SessionFactory, tenant_id: uuid.UUID) -> list[Registration]:
    async with tenant_transaction(sessions, tenant_id) as session:
        return list(
            await session.scalars(select(Registration).where(Registration.tenant_id == tenant_id))
        )


async def test_each_partnership_has_its_demo_events_seeded_once(
    owner_sessions: SessionFactory,
) -> None:
    await seed_demo(owner_sessions)
    await seed_demo(owner_sessions)

    for slug in SLUGS:
        tenant_id = uuid.uuid5(NAMESPACE, slug)
        async with tenant_transaction(owner_sessions, tenant_id) as session:
            events = list(await session.scalars(select(Event).where(Event.tenant_id == tenant_id)))
            exhibitors = list(
                await session.scalars(select(Exhibitor).where(Exhibitor.tenant_id == tenant_id))
            )
            sessions = list(
                await session.scalars(
                    select(EventSession).where(EventSession.tenant_id == tenant_id)
                )
            )
            past = [e for e in events if e.status is EventStatus.COMPLETED]
            found = await outcomes_of_events(session, system_principal(tenant_id, "test"), past)
        assert len(events) == 3, slug
        assert {e.visibility for e in events} == {Visibility.PUBLIC, Visibility.MEMBERS}
        assert {x.status for x in exhibitors} == {
            ExhibitorStatus.APPROVED,
            ExhibitorStatus.REQUESTED,
        }
        assert len(sessions) == 3
        [hall] = past
        people = list(await _registrations(owner_sessions, tenant_id))
        statuses = {(r.event_id, r.status) for r in people}
        assert any(status is RegistrationStatus.WAITLISTED for _, status in statuses), (
            len(people),
            statuses,
            [(e.title, e.capacity_in_person) for e in events],
        )
        assert sum(1 for r in people if r.checked_in_at is not None) == 16
        assert sum(1 for r in people if r.walk_in) == 2
        assert found[hall.id].hires is not None and found[hall.id].hires > 0
        assert found[hall.id].final
