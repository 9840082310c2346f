"""Helpers of the metrics tests: reporting members added to a world, participant
records written straight into the table (as the owner: the metrics read them, whoever
wrote them), and the metric read through the service as a person of the world."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from coalition.auth.principal import Grant, Principal, PrincipalKind
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.outcomes.figures import MetricFigures
from coalition.outcomes.metric_names import MetricName
from coalition.outcomes.metric_rows import BreakdownBy
from coalition.outcomes.metrics import outcome_metric
from coalition.outcomes.models import ParticipantRecord
from coalition.tenancy.models import Membership, Organization, OrganizationKind, Role, User
from tests.demand.support import principal_of
from tests.support.world import World


async def add_reporter(
    sessions: SessionFactory, world: World, name: str, kind: OrganizationKind
) -> Principal:
    """A new member organization of the world with an organization admin; its principal."""
    async with tenant_transaction(sessions, world.id) as session:
        organization = Organization(tenant_id=world.id, name=name, kind=kind)
        session.add(organization)
        await session.flush()
        user = User(
            tenant_id=world.id,
            email=f"{uuid.uuid4().hex[:10]}@{world.slug}.example",
            display_name=f"Admin of {name}",
        )
        session.add(user)
        await session.flush()
        membership = Membership(
            tenant_id=world.id,
            user_id=user.id,
            organization_id=organization.id,
            role=Role.ORGANIZATION_ADMIN,
        )
        session.add(membership)
        await session.flush()
        world.organizations[name] = organization.id
        return Principal(
            kind=PrincipalKind.USER,
            id=user.id,
            tenant_id=world.id,
            label=user.email,
            scopes=frozenset({"read", "write"}),
            grants=(Grant(membership.id, organization.id, Role.ORGANIZATION_ADMIN),),
        )


_counter = iter(range(10**9))


async def add_records(
    sessions: SessionFactory,
    world: World,
    organization: str,
    count: int = 1,
    **fields: Any,
) -> list[uuid.UUID]:
    """``count`` records of ``organization`` (a name in ``world.organizations``); by
    default people who entered 2025-09-01 and exited 2026-02-15."""
    values: dict[str, Any] = {
        "entry_date": date(2025, 9, 1),
        "exit_date": date(2026, 2, 15),
    } | fields
    ids: list[uuid.UUID] = []
    async with tenant_transaction(sessions, world.id) as session:
        for _ in range(count):
            record = ParticipantRecord(
                tenant_id=world.id,
                organization_id=world.organizations[organization],
                participant_identifier=f"P-{next(_counter):06d}",
                **values,
            )
            session.add(record)
            await session.flush()
            ids.append(record.id)
    return ids


async def metric(
    sessions: SessionFactory,
    world: World,
    who: str | Principal,
    name: MetricName,
    period: str,
    *,
    breakdown_by: Sequence[BreakdownBy] = (),
    **filters: Any,
) -> MetricFigures:
    principal = who if isinstance(who, Principal) else principal_of(world, who)
    async with tenant_transaction(sessions, world.id) as session:
        return await outcome_metric(
            session, principal, metric=name, period=period, breakdown_by=breakdown_by, **filters
        )


def shown(figures: MetricFigures) -> dict[tuple[str, ...], Any]:
    """Each cell's (and the total's, key ``()``) people, or None when suppressed."""
    found = {cell.key: cell.people for cell in figures.cells}
    found[()] = figures.total.people
    return found
