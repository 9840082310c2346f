"""Demand for the demo partnerships: enough employers that some pooled cells show.

Each signal's horizon runs from its start quarter to the year's fourth quarter. With
the default rule (k = 3 other employers, p = 10%) the demo's first release (made by
``release_demand`` after seeding) shows a convener, by occupation:

- shown: Lakeshore Machinists, Tool and Die Makers and CNC Tool Operators; Metro
  Registered Nurses, Personal Care Aides and Nursing Assistants;
- hidden but listed, because a NAMED signal is in them: Lakeshore Team Assemblers and
  Welders; Metro LPNs;
- not listed at all (too few other employers): the rest.

A PRIVATE and a DRAFT signal in each partnership are never counted. IDs are
derived from names (UUID v5 in the namespace the caller gives), so seeding again
changes nothing. ``coalition.demo`` calls ``seed_demand`` once per partnership with
its tenant and employers.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import system_principal
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand.history import changes_between, snapshot, version_row
from coalition.demand.models import (
    DemandSignal,
    DemandSignalSkill,
    DemandSignalVersion,
    DemandStatus,
    OpeningsKind,
    SharingLevel,
    WageUnit,
)
from coalition.demand.models import WorkBasedLearning as Learning
from coalition.demand.quarters import parse_quarter
from coalition.demand.releases import MadeBy, latest_release, publish_release
from coalition.skills.models import Occupation
from coalition.skills.starter import load_starter

POOLED, NAMED, PRIVATE = SharingLevel.POOLED, SharingLevel.NAMED, SharingLevel.PRIVATE


class Employer(NamedTuple):
    """A demo employer the partnership made: its organization's ID and city."""

    id: uuid.UUID
    city: str | None


@dataclass(frozen=True)
class Job:
    """What an occupation's demo signals ask for: skills, hourly wages (cents), learning."""

    skills: tuple[tuple[str, int], ...]
    wages: tuple[int, int]
    learning: tuple[Learning, ...]
    credentials: tuple[str, ...] = ()
    is_degree_required: bool = False


JOBS = {
    "51-4041": Job(
        (("2.A.1.e", 3), ("2.B.3.h", 3), ("2.B.3.m", 3), ("ES.attention-to-detail", 3)),
        (2400, 3100),
        (Learning.REGISTERED_APPRENTICESHIP,),
        ("NIMS Machining Level I",),
    ),
    "51-4121": Job(
        (("2.B.3.h", 3), ("2.B.3.m", 2), ("ES.safety-awareness", 3)),
        (2200, 2900),
        (Learning.PRE_APPRENTICESHIP, Learning.ON_THE_JOB_TRAINING),
        ("AWS Certified Welder",),
    ),
    "51-9161": Job(
        (("2.A.1.e", 3), ("2.B.3.g", 3), ("ES.digital-basics", 2)),
        (2300, 3000),
        (Learning.ON_THE_JOB_TRAINING,),
    ),
    "51-4072": Job(
        (("2.B.3.h", 2), ("2.B.3.g", 2), ("ES.dependability", 3)),
        (1800, 2300),
        (Learning.ON_THE_JOB_TRAINING,),
    ),
    "49-9041": Job(
        (("2.B.3.j", 3), ("2.B.3.k", 3), ("2.B.3.l", 3)),
        (2700, 3500),
        (Learning.REGISTERED_APPRENTICESHIP,),
    ),
    "51-9061": Job(
        (("2.B.3.m", 3), ("ES.attention-to-detail", 3), ("2.A.1.a", 2)),
        (1900, 2500),
        (Learning.ON_THE_JOB_TRAINING,),
    ),
    "51-4111": Job(
        (("2.A.1.e", 4), ("2.B.3.h", 3), ("2.C.3.e", 3)),
        (2800, 3600),
        (Learning.REGISTERED_APPRENTICESHIP,),
    ),
    "51-2092": Job(
        (("ES.teamwork", 3), ("ES.dependability", 3), ("2.B.3.h", 2)),
        (1700, 2200),
        (Learning.EARN_AND_LEARN,),
    ),
    "51-1011": Job(
        (("2.B.1.b", 3), ("2.B.4.e", 3), ("ES.communication", 3)),
        (3000, 3900),
        (Learning.NONE,),
    ),
    "29-1141": Job(
        (("2.C.5.a", 4), ("2.B.1.a", 3), ("2.A.2.a", 3)),
        (3900, 5200),
        (Learning.INTERNSHIP,),
        ("RN license",),
        True,
    ),
    "31-1131": Job(
        (("2.B.1.f", 3), ("ES.customer-focus", 3), ("ES.dependability", 3)),
        (1700, 2100),
        (Learning.EARN_AND_LEARN,),
        ("CNA certification",),
    ),
    "31-1121": Job(
        (("2.B.1.f", 3), ("ES.time-management", 2), ("ES.self-advocacy", 2)),
        (1600, 1900),
        (Learning.ON_THE_JOB_TRAINING,),
    ),
    "31-9092": Job(
        (("2.C.1.e", 3), ("ES.communication", 3), ("ES.digital-basics", 2)),
        (1800, 2300),
        (Learning.EARN_AND_LEARN,),
    ),
    "29-2061": Job(
        (("2.C.5.a", 3), ("2.A.2.d", 3), ("ES.communication", 3)),
        (2700, 3300),
        (Learning.EARN_AND_LEARN,),
        ("LPN license",),
    ),
    "29-2052": Job(
        (("2.A.1.e", 3), ("ES.attention-to-detail", 4)),
        (1800, 2300),
        (Learning.ON_THE_JOB_TRAINING,),
        ("PTCB CPhT",),
    ),
    "31-1122": Job(
        (("2.B.1.f", 2), ("ES.customer-focus", 3)),
        (1500, 1800),
        (Learning.ON_THE_JOB_TRAINING,),
    ),
}

# (employer, SOC code, start quarter, openings, sharing level, status)
Signal = tuple[str, str, str, int, SharingLevel, DemandStatus]
ACTIVE, DRAFT = DemandStatus.ACTIVE, DemandStatus.DRAFT
PRECISION, HARBOR = "Precision Tool & Die", "Harbor Fabrication"
PLASTICS, CASTINGS = "Lakeshore Plastics Molding", "Great Lakes Castings"
CLINIC, SENIOR = "Northside Family Clinic", "Riverside Senior Living"
HOMECARE, HOSPITAL = "HomeCare Partners", "Metro General Hospital"

DEMAND: dict[str, tuple[Signal, ...]] = {
    "lakeshore-manufacturing": (
        (PRECISION, "51-4041", "2027Q1", 4, POOLED, ACTIVE),
        (HARBOR, "51-4041", "2027Q1", 3, POOLED, ACTIVE),
        (PLASTICS, "51-4041", "2027Q1", 2, POOLED, ACTIVE),
        (CASTINGS, "51-4041", "2027Q1", 5, NAMED, ACTIVE),
        (HARBOR, "51-4121", "2027Q1", 4, POOLED, ACTIVE),
        (CASTINGS, "51-4121", "2027Q1", 6, POOLED, ACTIVE),
        (PRECISION, "51-4121", "2027Q1", 2, NAMED, ACTIVE),
        (PRECISION, "51-9161", "2027Q1", 3, POOLED, ACTIVE),
        (PLASTICS, "51-9161", "2027Q1", 2, POOLED, ACTIVE),
        (CASTINGS, "51-9161", "2027Q1", 4, POOLED, ACTIVE),
        (PLASTICS, "51-4072", "2027Q1", 8, POOLED, ACTIVE),
        (CASTINGS, "49-9041", "2027Q1", 2, POOLED, ACTIVE),
        (PLASTICS, "49-9041", "2027Q1", 1, POOLED, ACTIVE),
        (CASTINGS, "51-9061", "2027Q1", 34, POOLED, ACTIVE),
        (PRECISION, "51-9061", "2027Q1", 3, POOLED, ACTIVE),
        (HARBOR, "51-9061", "2027Q1", 3, POOLED, ACTIVE),
        (PRECISION, "51-4111", "2027Q2", 3, POOLED, ACTIVE),
        (HARBOR, "51-4111", "2027Q2", 1, POOLED, ACTIVE),
        (CASTINGS, "51-4111", "2027Q2", 2, POOLED, ACTIVE),
        (PLASTICS, "51-2092", "2027Q2", 6, POOLED, ACTIVE),
        (CASTINGS, "51-2092", "2027Q2", 6, POOLED, ACTIVE),
        (HARBOR, "51-2092", "2027Q2", 2, NAMED, ACTIVE),
        (CASTINGS, "51-1011", "2027Q3", 2, POOLED, ACTIVE),
        (PRECISION, "51-4041", "2027Q1", 10, PRIVATE, ACTIVE),
        (HARBOR, "51-4121", "2027Q2", 5, POOLED, DRAFT),
    ),
    "metro-healthcare": (
        (HOSPITAL, "29-1141", "2027Q1", 20, POOLED, ACTIVE),
        (CLINIC, "29-1141", "2027Q1", 3, POOLED, ACTIVE),
        (SENIOR, "29-1141", "2027Q1", 4, NAMED, ACTIVE),
        (HOMECARE, "29-1141", "2027Q1", 2, POOLED, ACTIVE),
        (SENIOR, "31-1131", "2027Q1", 8, POOLED, ACTIVE),
        (HOSPITAL, "31-1131", "2027Q1", 6, POOLED, ACTIVE),
        (HOMECARE, "31-1131", "2027Q1", 4, POOLED, ACTIVE),
        (HOMECARE, "31-1121", "2027Q1", 12, POOLED, ACTIVE),
        (SENIOR, "31-1121", "2027Q1", 2, POOLED, ACTIVE),
        (CLINIC, "31-9092", "2027Q1", 3, POOLED, ACTIVE),
        (HOSPITAL, "31-9092", "2027Q1", 25, POOLED, ACTIVE),
        (HOMECARE, "31-9092", "2027Q1", 1, POOLED, ACTIVE),
        (SENIOR, "29-2061", "2027Q2", 3, POOLED, ACTIVE),
        (HOSPITAL, "29-2061", "2027Q2", 4, POOLED, ACTIVE),
        (CLINIC, "29-2061", "2027Q2", 2, NAMED, ACTIVE),
        (HOSPITAL, "29-2052", "2027Q2", 5, POOLED, ACTIVE),
        (HOMECARE, "31-1122", "2027Q2", 10, POOLED, ACTIVE),
        (SENIOR, "31-1122", "2027Q2", 6, POOLED, ACTIVE),
        (CLINIC, "31-1122", "2027Q2", 1, POOLED, ACTIVE),
        (HOSPITAL, "29-1141", "2027Q2", 15, PRIVATE, ACTIVE),
        (CLINIC, "31-9092", "2027Q2", 2, POOLED, DRAFT),
    ),
}


def _rows(
    slug: str, tenant_id: uuid.UUID, employers: Mapping[str, Employer], namespace: uuid.UUID
) -> dict[str, list[dict[str, Any]]]:
    def demo_id(*parts: str) -> uuid.UUID:
        return uuid.uuid5(namespace, "/".join(parts))

    principal = system_principal(tenant_id, "coalition demo")
    now = datetime.now(UTC)
    rows: dict[str, list[dict[str, Any]]] = {"signals": [], "skills": [], "versions": []}
    for employer, code, quarter, openings, sharing, status in DEMAND[slug]:
        job = JOBS[code]
        key = f"{employer}/{code}/{quarter}/{sharing.value}/{status.value}"
        signal_id = demo_id(slug, "demand", key)
        start = parse_quarter(quarter)
        columns: dict[str, Any] = {
            "organization_id": employers[employer].id,
            "occupation_code": code,
            "openings": openings,
            "start_quarter": start,
            "end_quarter": start.replace(month=10),
            "openings_kind": OpeningsKind.GROWTH if openings > 3 else OpeningsKind.REPLACEMENT,
            "wage_min_minor": job.wages[0],
            "wage_max_minor": job.wages[1],
            "wage_unit": WageUnit.HOUR,
            "currency": "USD",
            "is_degree_required": job.is_degree_required,
            "credentials": list(job.credentials),
            "work_based_learning": [kind.value for kind in job.learning],
            "city": employers[employer].city,
            "postal_code": None,
            "sharing_level": sharing,
            "status": status,
        }
        rows["signals"].append(
            columns
            | {
                "tenant_id": tenant_id,
                "id": signal_id,
                "version": 1,
                "created_at": now,
                "named_at": now if sharing is SharingLevel.NAMED else None,
                "named_version": 1 if sharing is SharingLevel.NAMED else None,
            }
        )
        rows["skills"] += [
            {
                "tenant_id": tenant_id,
                "id": demo_id(slug, "demand", key, "skill", skill_id),
                "signal_id": signal_id,
                "skill_id": skill_id,
                "level": level,
            }
            for skill_id, level in job.skills
        ]
        state = snapshot(columns, job.skills)
        version = version_row(
            principal,
            signal_id=signal_id,
            version=1,
            state=state,
            changes=changes_between({}, state),
            at=now,
        )
        rows["versions"].append(version | {"id": demo_id(slug, "demand", key, "version", "1")})
    return rows


async def _ensure_vocabulary(session: AsyncSession) -> None:
    codes = {code for signals in DEMAND.values() for _, code, *_ in signals}
    known = await session.scalar(
        select(func.count()).select_from(Occupation).where(Occupation.soc_code.in_(codes))
    )
    if known != len(codes):
        await load_starter(session)


async def seed_demand(
    sessions: SessionFactory,
    *,
    tenant_id: uuid.UUID,
    slug: str,
    employers: Mapping[str, Employer],
    namespace: uuid.UUID,
) -> int:
    """Seed the demo demand of partnership ``slug`` if missing; returns how many demo
    signals it has (0 for a partnership without demo demand).

    ``employers`` must hold every employer of its demo signals (their organizations
    must exist); loads the starter vocabulary if it is missing.
    """
    signals = DEMAND.get(slug, ())
    if not signals:
        return 0
    async with sessions() as session, session.begin():
        await _ensure_vocabulary(session)
    rows = _rows(slug, tenant_id, employers, namespace)
    async with tenant_transaction(sessions, tenant_id) as session:
        for model, key in (
            (DemandSignal, "signals"),
            (DemandSignalSkill, "skills"),
            (DemandSignalVersion, "versions"),
        ):
            await session.execute(insert(model).on_conflict_do_nothing(), rows[key])
    return len(signals)


async def release_demand(sessions: SessionFactory, *, tenant_id: uuid.UUID, slug: str) -> bool:
    """Publish the partnership's first demand release if it has none (so the demo's pooled
    demand reads at once); True if one was made."""
    principal = system_principal(tenant_id, f"demo seed ({slug})")
    async with tenant_transaction(sessions, tenant_id) as session:
        if await latest_release(session, principal) is not None:
            return False
        await publish_release(session, principal, made_by=MadeBy.OPERATOR)
    return True


__all__ = ["DEMAND", "JOBS", "Employer", "release_demand", "seed_demand"]
