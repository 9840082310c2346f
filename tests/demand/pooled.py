"""Helpers of the pooled demand tests: signals written directly as the owner (so each
test controls exactly who stands behind each cell), a release of them, reading
demandSummary, and an oracle of what a release publishes (``Noise``: the partnership's
secret read as the owner, the factors computed in Python by ``disclosure.noise``, so
the SQL builder is checked against its reference)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select, update

from coalition.auth.principal import system_principal
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand.models import (
    DemandRelease,
    DemandSignal,
    DemandSignalSkill,
    DemandStatus,
    NoiseSecret,
    OpeningsKind,
    SharingLevel,
    WageUnit,
)
from coalition.demand.quarters import add_quarters, format_quarter, parse_quarter
from coalition.demand.releases import MadeBy, publish_release
from coalition.disclosure.cells import round_half_even
from coalition.disclosure.noise import factor
from coalition.tenancy.models import Organization, OrganizationKind, Tenant
from tests.support.graphql import GraphQLClient
from tests.support.world import World

SUMMARY = """
query($groupBy: [DemandDimension!]!, $filter: DemandSummaryFilter, $release: ID) {
  demandSummary(groupBy: $groupBy, filter: $filter, release: $release) {
    release { id publishedAt madeBy }
    cells {
      key { occupation { code title } majorGroup { code title } skill { id name } quarter
            workBasedLearning isDegreeRequired }
      openings employerCountBand medianWage { amountMinor currency } suppressed
    }
    total { openings employerCountBand medianWage { amountMinor currency } suppressed }
    rule { minEmployers pPercent noiseMinPercent noiseMaxPercent }
  }
}"""
FEW = "FEWER_THAN_5"


@dataclass
class Signal:
    """One demand signal to write; only what a test varies."""

    employer: str
    openings: int
    occupation: str = "51-4041"
    quarter: str = "2027Q1"
    until: str | None = None  # the horizon's last quarter (default: ``quarter``)
    sharing: SharingLevel = SharingLevel.POOLED
    status: DemandStatus = DemandStatus.ACTIVE
    degree: bool = False
    work_based_learning: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    wage: tuple[int, int, WageUnit] | None = None
    external_id: str | None = None


@dataclass(frozen=True)
class Posted:
    """A signal as written: its ID and employer, for the oracle."""

    signal: Signal
    id: uuid.UUID
    organization_id: uuid.UUID

    @property
    def quarters(self) -> list[str]:
        first = parse_quarter(self.signal.quarter)
        last = parse_quarter(self.signal.until or self.signal.quarter)
        days = [first]
        while days[-1] < last:
            days.append(add_quarters(days[-1], 1))
        return [format_quarter(day) for day in days]

    @property
    def counted(self) -> bool:
        return self.signal.status is DemandStatus.ACTIVE and self.signal.sharing in (
            SharingLevel.POOLED,
            SharingLevel.NAMED,
        )


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
    *,
    release: bool = True,
) -> list[Posted]:
    """Write ``signals`` and (unless ``release`` is False) publish a release."""
    posted: list[Posted] = []
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
                end_quarter=parse_quarter(signal.until or signal.quarter),
                external_id=signal.external_id,
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
            posted.append(Posted(signal, row.id, row.organization_id))
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
    if release:
        await publish(owner_sessions, world)
    return posted


async def publish(owner_sessions: SessionFactory, world: World) -> None:
    """A release of the world's pooled demand now (as the operator: no interval)."""
    principal = system_principal(world.id, "tests")
    async with tenant_transaction(owner_sessions, world.id) as session:
        await publish_release(session, principal, made_by=MadeBy.OPERATOR, force=True)


async def set_disclosure(owner_sessions: SessionFactory, world: World, **rule: int) -> None:
    async with owner_sessions() as session, session.begin():
        await session.execute(
            update(Tenant)
            .where(Tenant.id == world.id)
            .values(settings={"time_zone": "America/Chicago", "disclosure": rule})
        )


async def summary(
    gql: GraphQLClient,
    token: str,
    group_by: list[str],
    demand_filter: dict[str, Any] | None = None,
    release: str | None = None,
) -> dict[str, Any]:
    variables = {"groupBy": group_by, "filter": demand_filter, "release": release}
    body = await gql(SUMMARY, variables, token=token)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["demandSummary"]
    return result


def shown(cell: dict[str, Any]) -> tuple[int | None, str | None, bool]:
    return cell["openings"], cell["employerCountBand"], cell["suppressed"]


HIDDEN = (None, None, True)


def by_occupation(result: dict[str, Any]) -> dict[str, tuple[int | None, str | None, bool]]:
    return {cell["key"]["occupation"]["code"]: shown(cell) for cell in result["cells"]}


@dataclass(frozen=True)
class Noise:
    """What a release publishes, computed in Python from the partnership's secret."""

    secret: bytes
    low: int = 10
    high: int = 25

    @classmethod
    async def of(cls, owner_sessions: SessionFactory, world: World) -> Noise:
        async with tenant_transaction(owner_sessions, world.id) as session:
            secret = await session.scalar(
                select(NoiseSecret.secret).where(NoiseSecret.tenant_id == world.id)
            )
            rule = (
                await session.scalars(
                    select(DemandRelease.rule)
                    .where(DemandRelease.tenant_id == world.id)
                    .order_by(DemandRelease.published_at.desc())
                    .limit(1)
                )
            ).first() or {}
        assert secret is not None, "publish a release first"
        return cls(
            bytes(secret), rule.get("noise_min_percent", 10), rule.get("noise_max_percent", 25)
        )

    def factor(self, posted: Posted, kind: str = "openings") -> float:
        if posted.signal.sharing is SharingLevel.NAMED:
            return 1.0
        key = posted.signal.external_id
        identity = f"posting:{key}" if key is not None else str(posted.id)
        wage = posted.signal.wage
        value = (
            str(posted.signal.openings)
            if kind == "openings"
            else f"{wage[0]}-{wage[1]}/{wage[2].value}"
            if wage
            else "-/"
        )
        return factor(
            self.secret,
            f"{kind}:{posted.organization_id}:{identity}:{value}",
            self.low,
            self.high,
        )

    def noised(self, posted: Posted, quarter: str | None = None) -> float:
        """The signal's published openings (in one quarter of its horizon, or all)."""
        quarters = posted.quarters
        share = posted.signal.openings / len(quarters)
        times = 1 if quarter is not None else len(quarters)
        if quarter is not None and quarter not in quarters:
            return 0.0
        return share * times * self.factor(posted)

    def openings(
        self, posted: list[Posted], keep: Callable[[Posted], bool] = lambda _: True
    ) -> int:
        """The published (rounded) openings of the counted signals ``keep`` picks."""
        total = sum(self.noised(p) for p in posted if p.counted and keep(p))
        return round_half_even(round(total * 1000), 1000)
