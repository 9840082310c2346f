"""Helpers of the outcomes tests: documents, valid inputs, and records made through the
service (as the college's own organization admin)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.outcomes import service
from coalition.outcomes.models import ParticipantRecord
from tests.demand.support import principal_of
from tests.support.world import World, global_id

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "participants.csv"
RECORDS_TABLES = (ParticipantRecord.__table__,)
USER_ERRORS = "userErrors { field message code }"
RECORD = """
  id participantIdentifier organizationId programId cohortId initiativeId entryDate exitDate
  exitReason sex hispanicLatino americanIndianAlaskaNative asian blackAfricanAmerican
  nativeHawaiianPacificIslander white raceNotSelfIdentified ageBand veteranStatus barriers
  trainingServiceType trainingCompleted
  credentials { type attainedOn } skillGains { type achievedOn }
  employedQ1 employedQ2 employedQ3 employedQ4 employerId employerIsOther occupationCode
  isRelatedToTraining sameEmployerQ2Q4 hourlyWage { amountMinor currency }
  earningsQ2 { amountMinor currency } earningsQ4 { amountMinor currency }
"""
CREATE = f"""
mutation($input: CreateParticipantRecordInput!) {{
  createParticipantRecord(input: $input) {{ participantRecord {{ {RECORD} }} {USER_ERRORS} }}
}}"""
UPDATE = f"""
mutation($input: UpdateParticipantRecordInput!) {{
  updateParticipantRecord(input: $input) {{ participantRecord {{ {RECORD} }} {USER_ERRORS} }}
}}"""
LIST = """
query($org: ID!, $filter: ParticipantRecordFilter, $after: String) {
  participantRecords(organizationId: $org, first: 50, filter: $filter, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id participantIdentifier entryDate exitDate } }
  }
}"""
NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on ParticipantRecord { participantIdentifier } } nodes(ids: [$id]) { id } }"""
CSV = "query($org: ID!) { participantRecordsCsv(organizationId: $org) }"
IMPORT = """
mutation($input: ImportParticipantRecordsInput!) {
  importParticipantRecords(input: $input) {
    importedCount createdCount updatedCount unchangedCount
    rowErrors { line column message }
    userErrors { field message code }
  }
}"""


@dataclass(frozen=True)
class CollegeProgram:
    program_id: uuid.UUID
    cohort_id: uuid.UUID


def usd(cents: int) -> dict[str, str]:
    return {"amountMinor": str(cents), "currency": "USD"}


def example(world: World) -> str:
    """The example file, its member employer named as the world's employer."""
    return EXAMPLE.read_text().replace("Great Lakes Tool & Die", "alpha employer")


def record_input(world: World, **overrides: Any) -> dict[str, Any]:
    """A valid createParticipantRecord input for the world's college."""
    values: dict[str, Any] = {
        "organizationId": global_id("Organization", world.organizations["college"]),
        "participantIdentifier": "LC-2026-0001",
        "entryDate": "2026-01-12",
        "exitDate": "2026-06-12",
        "exitReason": "NONE_OF_THESE",
        "sex": "FEMALE",
        "hispanicLatino": True,
        "white": True,
        "ageBand": "AGE_25_34",
        "veteranStatus": "NO",
        "barriers": ["LOW_INCOME", "SINGLE_PARENT"],
        "trainingServiceType": "OCCUPATIONAL_SKILLS",
        "trainingCompleted": True,
        "credentials": [{"type": "OCCUPATIONAL_CERTIFICATE", "attainedOn": "2026-06-12"}],
        "skillGains": [{"type": "TRAINING_MILESTONE", "achievedOn": "2026-03-02"}],
        "employedQ1": "EMPLOYED",
        "employedQ2": "EMPLOYED",
        "employerId": global_id("Organization", world.organizations["employer"]),
        "occupationCode": "51-4041",
        "isRelatedToTraining": True,
        "sameEmployerQ2Q4": True,
        "hourlyWage": usd(2350),
        "earningsQ2": usd(1_050_000),
    }
    return values | overrides


async def add_record(
    sessions: SessionFactory, world: World, *, person: str = "college_admin", **fields: Any
) -> uuid.UUID:
    """A record of the college made through the service as ``person``: identifier and
    entry date defaulted, ``fields`` (service names) over them; returns its ID."""
    async with tenant_transaction(sessions, world.id) as session:
        record = await service.create_participant_record(
            session,
            principal_of(world, person),
            organization_id=world.organizations["college"],
            fields={"participant_identifier": "LC-0001", "entry_date": date(2026, 1, 12)} | fields,
        )
    return record.id


def errors_of(body: dict[str, Any], mutation: str) -> list[tuple[str, str]]:
    """The (field path, code) of each userError of a mutation's answer."""
    return [(".".join(e["field"]), e["code"]) for e in body["data"][mutation]["userErrors"]]


__all__ = [
    "CREATE",
    "CSV",
    "EXAMPLE",
    "IMPORT",
    "LIST",
    "NODE",
    "RECORD",
    "RECORDS_TABLES",
    "UPDATE",
    "CollegeProgram",
    "add_record",
    "errors_of",
    "example",
    "record_input",
    "usd",
]
