"""Helpers of the skills-gap tests: programs and cohorts written directly as the owner
(the ORM models: the programs' services are another change), the reference rows they
need, the fixture partnership of the exact figures, and the GraphQL documents."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import update

from coalition.auth.scopes import DEMAND_READ, PROGRAMS_READ
from coalition.auth.secrets import hash_client_secret
from coalition.auth.tokens import issue_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand.models import DemandSignalSkill, SharingLevel
from coalition.skills.starter import load_starter
from coalition.supply.models import (
    Cohort,
    CohortStatus,
    CredentialKind,
    Modality,
    ProgramStatus,
    TrainingProgram,
    TrainingProgramOccupation,
    TrainingProgramSkill,
)
from coalition.tenancy.models import ApiClient, format_client_id
from tests.demand.pooled import Posted, Signal, add_employers, add_signals, publish
from tests.support.graphql import GraphQLClient
from tests.support.world import CLIENT_SECRET, World

MACHINISTS, WELDERS, ASSEMBLERS, CNC = "51-4041", "51-4121", "51-2092", "51-9161"
OPERATION, MAINTENANCE, REPAIRING = "2.B.3.h", "2.B.3.j", "2.B.3.l"
CIP_MACHINING, CIP_WELDING = "48.0501", "48.0508"

GAP = """
query($from: String!, $to: String!, $groupBy: SkillsGapGroup!, $filter: SkillsGapFilter,
      $release: ID) {
  skillsGap(from: $from, to: $to, groupBy: $groupBy, filter: $filter, release: $release) {
    release { id } groupBy from to
    rows { code title hidden demand expectedCompleters gap ratio demandedLevel }
  }
}"""

PROVIDER = """
query($from: String!, $to: String!, $organizationId: ID) {
  providerGap(from: $from, to: $to, organizationId: $organizationId) {
    organizationId organizationName
    programs { programId name meetsShortage occupations { code gap } skills { code gap } }
    untaughtSkills { code demand demandedLevel }
    byOccupation { rows { code hidden } }
  }
}"""


async def load_reference(owner_sessions: SessionFactory) -> None:
    """The starter vocabulary, its CIP programs (48.0501, 48.0508...) included (harmless
    when already there)."""
    async with owner_sessions() as session, session.begin():
        await load_starter(session)


@dataclass
class CohortRow:
    ends_on: date
    seats: int
    rate: str  # percent, e.g. "80"
    enrolled: int | None = None
    status: CohortStatus = CohortStatus.PLANNED
    starts_on: date = date(2026, 9, 1)


@dataclass
class ProgramRow:
    name: str
    occupations: list[str]
    skills: dict[str, int] = field(default_factory=dict)
    cohorts: list[CohortRow] = field(default_factory=list)
    status: ProgramStatus = ProgramStatus.ACTIVE
    organization: str = "college"
    cip_code: str = CIP_MACHINING
    credential_kind: CredentialKind = CredentialKind.CERTIFICATE
    credential_name: str | None = None
    credential_ctid: str | None = None
    description: str = ""
    hours: int | None = None
    weeks: int | None = None
    cost_minor: int | None = None


async def add_programs(
    owner_sessions: SessionFactory, world: World, programs: list[ProgramRow]
) -> list[uuid.UUID]:
    """Write ``programs`` with their occupations, skills and cohorts; their IDs."""
    ids = []
    async with tenant_transaction(owner_sessions, world.id) as session:
        for item in programs:
            program = TrainingProgram(
                tenant_id=world.id,
                id=uuid.uuid4(),
                organization_id=world.organizations[item.organization],
                name=item.name,
                description=item.description,
                cip_code=item.cip_code,
                credential_kind=item.credential_kind,
                credential_name=item.credential_name,
                credential_ctid=item.credential_ctid,
                hours=item.hours,
                weeks=item.weeks,
                cost_minor=item.cost_minor,
                modality=Modality.IN_PERSON,
                schedules=["EVENING"],
                status=item.status,
            )
            session.add(program)
            await session.flush()
            ids.append(program.id)
            for code in item.occupations:
                session.add(
                    TrainingProgramOccupation(
                        tenant_id=world.id,
                        id=uuid.uuid4(),
                        program_id=program.id,
                        occupation_code=code,
                    )
                )
            for skill_id, level in item.skills.items():
                session.add(
                    TrainingProgramSkill(
                        tenant_id=world.id,
                        id=uuid.uuid4(),
                        program_id=program.id,
                        skill_id=skill_id,
                        level=level,
                    )
                )
            for cohort in item.cohorts:
                session.add(
                    Cohort(
                        tenant_id=world.id,
                        id=uuid.uuid4(),
                        program_id=program.id,
                        starts_on=cohort.starts_on,
                        ends_on=cohort.ends_on,
                        seats=cohort.seats,
                        enrolled=cohort.enrolled,
                        completion_rate_percent=Decimal(cohort.rate),
                        status=cohort.status,
                    )
                )
    return ids


def fixture_programs() -> list[ProgramRow]:
    """The college's programs of the exact-figures fixture (see test_gap.py)."""
    return [
        ProgramRow(
            "Machining and welding",
            [MACHINISTS, WELDERS],
            {OPERATION: 3, MAINTENANCE: 2},
            [
                CohortRow(date(2027, 6, 30), seats=20, rate="80"),  # 16
                CohortRow(date(2027, 12, 15), seats=20, enrolled=15, rate="60"),  # 9
                CohortRow(date(2027, 9, 1), seats=30, rate="100", status=CohortStatus.CANCELLED),
                CohortRow(date(2028, 2, 1), seats=10, rate="100"),  # after the horizon
                CohortRow(date(2026, 12, 31), seats=10, rate="100"),  # before it
            ],
        ),
        ProgramRow(
            "Team assembly",
            [ASSEMBLERS],
            {OPERATION: 1},
            [CohortRow(date(2027, 8, 1), seats=10, rate="50")],  # 5
            cip_code=CIP_WELDING,
        ),
        ProgramRow(
            "Draft machining",
            [MACHINISTS],
            {OPERATION: 4},
            [CohortRow(date(2027, 5, 1), seats=100, rate="100")],
            status=ProgramStatus.DRAFT,
        ),
    ]


async def fixture_demand(owner_sessions: SessionFactory, world: World) -> list[Posted]:
    """NAMED machinists (40 over 2027), NAMED welders (12 in 2027Q2), NAMED CNC operators
    after the horizon, and one employer's POOLED team assemblers (hidden); a release."""
    employers = await add_employers(owner_sessions, world, ["a", "b", "c", "d"])
    posted = await add_signals(
        owner_sessions,
        world,
        employers,
        [
            Signal(
                "a",
                40,
                MACHINISTS,
                "2027Q1",
                "2027Q4",
                sharing=SharingLevel.NAMED,
                skills=[OPERATION, MAINTENANCE],
            ),
            Signal(
                "b",
                12,
                WELDERS,
                "2027Q2",
                sharing=SharingLevel.NAMED,
                skills=[OPERATION, REPAIRING],
            ),
            Signal("c", 30, CNC, "2028Q1", sharing=SharingLevel.NAMED, skills=[OPERATION]),
            Signal("d", 25, ASSEMBLERS, "2027Q3", skills=[]),
        ],
        release=False,
    )
    # Machinists ask for Operation and Control at level 3 (add_signals writes level 2).
    async with tenant_transaction(owner_sessions, world.id) as session:
        await session.execute(
            update(DemandSignalSkill)
            .where(
                DemandSignalSkill.signal_id == posted[0].id,
                DemandSignalSkill.skill_id == OPERATION,
            )
            .values(level=3)
        )
    await publish(owner_sessions, world)
    return posted


async def gap_of(
    gql: GraphQLClient,
    token: str,
    group_by: str = "OCCUPATION",
    start: str = "2027Q1",
    end: str = "2027Q4",
    gap_filter: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body = await gql(
        GAP, {"from": start, "to": end, "groupBy": group_by, "filter": gap_filter}, token=token
    )
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["skillsGap"]
    return result


def figures(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            row["code"],
            row["hidden"],
            row["demand"],
            row["expectedCompleters"],
            row["gap"],
            row["ratio"],
        )
        for row in result["rows"]
    ]


async def app_token(
    app: Any, owner_sessions: SessionFactory, settings: Settings, world: World, scopes: list[str]
) -> str:
    """A token of a new partner app of ``world`` with ``scopes``."""
    client_id = uuid.uuid4()
    async with tenant_transaction(owner_sessions, world.id) as session:
        session.add(
            ApiClient(
                tenant_id=world.id,
                id=client_id,
                name=f"gap reader {client_id.hex[:6]}",
                secret_hash=hash_client_secret(CLIENT_SECRET),
                scopes=scopes,
            )
        )
    key = await app.state.keys.signer()
    oauth_client_id = format_client_id(world.id, client_id)
    return issue_access_token(
        key,
        settings,
        tenant_id=world.id,
        subject=oauth_client_id,
        client_id=oauth_client_id,
        scopes=set(scopes),
    )


BOTH_SCOPES = [PROGRAMS_READ, DEMAND_READ]
