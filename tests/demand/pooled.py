"""Helpers of the pooled demand tests: signals written directly as the owner (so each
test controls exactly who stands behind each cell), and reading demandSummary."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import update

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand.models import (
    DemandSignal,
    DemandSignalSkill,
    DemandStatus,
    OpeningsKind,
    SharingLevel,
    WageUnit,
)
from coalition.demand.quarters import parse_quarter
from coalition.tenancy.models import Organization, OrganizationKind, Tenant
from tests.support.graphql import GraphQLClient
from tests.support.world import World

SUMMARY = """
query($groupBy: [DemandDimension!]!, $filter: DemandSummaryFilter) {
  demandSummary(groupBy: $groupBy, filter: $filter) {
    cells {
      key { occupation { code title } majorGroup { code title } skill { id name } quarter
            workBasedLearning isDegreeRequired }
      openings employerCount medianWage { amountMinor currency } suppressed
    }
    total { openings employerCount medianWage { amountMinor currency } suppressed }
    rule { minEmployers maxSharePercent }
  }
}"""


@dataclass
class Signal:
    """One demand signal to write; only what a test varies."""

    employer: str
    openings: int
    occupation: str = "51-4041"
    quarter: str = "2027Q1"
    sharing: SharingLevel = SharingLevel.POOLED
    status: DemandStatus = DemandStatus.ACTIVE
    degree: bool = False
    work_based_learning: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    wage: tuple[int, int, WageUnit] | None = None


async def add_employers(
    owner_sessions: SessionFactory, world: World, names: list[str]
) -> dict[str, uuid.UUID]:
    """EMPLOYER organizations named ``names`` in ``world``; their IDs by name."""
    ids = {name: uuid.uuid4() for name in names}
    async with tenant_transaction(owner_sessions, world.id) as session:
        for name, organization_id in ids.items():
            session.add(
                Organization(
                    tenant_id=world.id,
                    id=organization_id,
                    name=name,
                    kind=OrganizationKind.EMPLOYER,
                    employee_count=25,
                )
            )
    return ids


async def add_signals(
    owner_sessions: SessionFactory,
    world: World,
    employers: dict[str, uuid.UUID],
    signals: list[Signal],
) -> None:
    async with tenant_transaction(owner_sessions, world.id) as session:
        for signal in signals:
            start: date = parse_quarter(signal.quarter)
            row = DemandSignal(
                tenant_id=world.id,
                id=uuid.uuid4(),
                organization_id=employers[signal.employer],
                occupation_code=signal.occupation,
                openings=signal.openings,
                start_quarter=start,
                end_quarter=start,
                openings_kind=OpeningsKind.GROWTH,
                sharing_level=signal.sharing,
                status=signal.status,
                is_degree_required=signal.degree,
                work_based_learning=list(signal.work_based_learning),
                wage_min_minor=signal.wage[0] if signal.wage else None,
                wage_max_minor=signal.wage[1] if signal.wage else None,
                wage_unit=signal.wage[2] if signal.wage else None,
            )
            session.add(row)
            await session.flush()
            for skill in signal.skills:
                session.add(
                    DemandSignalSkill(
                        tenant_id=world.id,
                        id=uuid.uuid4(),
                        signal_id=row.id,
                        skill_id=skill,
                        level=2,
                    )
                )


async def set_disclosure(owner_sessions: SessionFactory, world: World, **rule: int) -> None:
    async with owner_sessions() as session, session.begin():
        await session.execute(
            update(Tenant)
            .where(Tenant.id == world.id)
            .values(settings={"time_zone": "America/Chicago", "disclosure": rule})
        )


async def summary(
    gql: GraphQLClient, token: str, group_by: list[str], demand_filter: dict[str, Any] | None = None
) -> dict[str, Any]:
    body = await gql(SUMMARY, {"groupBy": group_by, "filter": demand_filter}, token=token)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["demandSummary"]
    return result


def shown(cell: dict[str, Any]) -> tuple[int | None, int | None, bool]:
    return cell["openings"], cell["employerCount"], cell["suppressed"]


HIDDEN = (None, None, True)


def by_occupation(result: dict[str, Any]) -> dict[str, tuple[int | None, int | None, bool]]:
    return {cell["key"]["occupation"]["code"]: shown(cell) for cell in result["cells"]}
