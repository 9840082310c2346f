"""Helpers of the demand tests: documents, valid inputs, principals, the demand tables.

Imported by the demand test modules (no test module imports another one); the
fixtures built on them are in conftest.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from coalition.auth.principal import Grant, Principal, PrincipalKind
from coalition.demand.models import (
    DemandSignal,
    DemandSignalSkill,
    DemandSignalVersion,
    OpeningsKind,
)
from tests.support.snapshots import Rows
from tests.support.world import PEOPLE, World, global_id

DEMAND_TABLES = tuple(
    model.__table__ for model in (DemandSignal, DemandSignalSkill, DemandSignalVersion)
)
PostSignal = Callable[..., Awaitable[uuid.UUID]]
DemandRows = Callable[[uuid.UUID], Awaitable[Rows]]

SIGNAL = """
  id openings startQuarter endQuarter openingsKind
  wageMin { amountMinor currency } wageMax { amountMinor currency } wageUnit
  isDegreeRequired credentials workBasedLearning city postalCode sharingLevel status version
  occupation { code title } organization { name } skills { skill { id name } level }
"""
CREATE = f"""
mutation($input: CreateDemandSignalInput!) {{
  createDemandSignal(input: $input) {{
    demandSignal {{ {SIGNAL} }}
    userErrors {{ field message code }}
  }}
}}"""
UPDATE = f"""
mutation($input: UpdateDemandSignalInput!) {{
  updateDemandSignal(input: $input) {{
    demandSignal {{ {SIGNAL} }}
    userErrors {{ field message code }}
  }}
}}"""
WITHDRAW = """
mutation($id: ID!) {
  withdrawDemandSignal(input: {id: $id}) {
    demandSignal { id status version }
    userErrors { field message code }
  }
}"""


def full_input(world: World) -> dict[str, Any]:
    return {
        "organizationId": global_id("Organization", world.organizations["employer"]),
        "occupationCode": "51-4121",
        "openings": 3,
        "startQuarter": "2027Q2",
        "endQuarter": "2028Q1",
        "openingsKind": "REPLACEMENT",
        "skills": [{"skillId": "2.B.3.h", "level": 3}, {"skillId": "ES.teamwork", "level": 2}],
        "wageMin": {"amountMinor": "2350", "currency": "USD"},
        "wageMax": {"amountMinor": "2975", "currency": "USD"},
        "wageUnit": "HOUR",
        "isDegreeRequired": False,
        "credentials": ["AWS Certified Welder"],
        "workBasedLearning": ["PRE_APPRENTICESHIP", "ON_THE_JOB_TRAINING"],
        "city": "Muskegon",
        "postalCode": "49440",
        "sharingLevel": "NAMED",
        "status": "ACTIVE",
    }


EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "demand.csv"
IMPORT = """mutation($input: ImportDemandSignalsInput!) { importDemandSignals(input: $input) {
  importedCount rowErrors { line column message } userErrors { field message code } } }"""
IMPORT_COUNTS = """mutation($input: ImportDemandSignalsInput!) {
  importDemandSignals(input: $input) { importedCount createdCount updatedCount unchangedCount
  rowErrors { line column message } userErrors { field message code } } }"""
HEADER = "occupation_code,openings,start_quarter,end_quarter,openings_kind"
EMPTY = {"demand_signals": [], "demand_signal_skills": [], "demand_signal_versions": []}


def import_input(world: World, csv: str, organization: str = "employer") -> dict[str, object]:
    """The variables of IMPORT: ``csv`` for ``organization`` of ``world``."""
    organization_id = global_id("Organization", world.organizations[organization])
    return {"input": {"organizationId": organization_id, "csv": csv}}


def principal_of(world: World, person: str) -> Principal:
    """The principal the API builds for ``person`` of ``world`` (see tests.support.PEOPLE)."""
    organization, role = PEOPLE[person]
    return Principal(
        kind=PrincipalKind.USER,
        id=world.users[person],
        tenant_id=world.id,
        label=f"{person}@{world.slug}.example",
        scopes=frozenset({"read", "write"}),
        grants=(Grant(world.memberships[person], world.organizations[organization], role),),
    )


def signal_fields(**overrides: Any) -> dict[str, Any]:
    """A valid signal's service fields; ``overrides`` replace some."""
    fields: dict[str, Any] = {
        "occupation_code": "51-4041",
        "openings": 4,
        "start_quarter": "2027Q1",
        "end_quarter": "2027Q4",
        "openings_kind": OpeningsKind.GROWTH,
        "skills": [("2.B.3.h", 3), ("ES.teamwork", 2)],
    }
    return fields | overrides
