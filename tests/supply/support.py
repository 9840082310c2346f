"""Helpers of the supply tests (and of any test that needs programs and cohorts):
documents, valid inputs, and creating programs and cohorts through the services.

Imported by the supply test modules (no test module imports another one); the
fixtures built on them are in conftest.py. ``add_program`` and ``add_cohort`` take the
owner's session factory, so another domain's tests (the skills gap) can build supply
without these fixtures.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.supply import service
from coalition.supply.models import (
    Cohort,
    CredentialKind,
    Modality,
    TrainingProgram,
    TrainingProgramOccupation,
    TrainingProgramSkill,
)
from coalition.tenancy.models import Organization, OrganizationKind
from tests.demand.support import principal_of
from tests.support.snapshots import Rows
from tests.support.world import World, global_id

SUPPLY_TABLES = tuple(
    model.__table__
    for model in (TrainingProgram, TrainingProgramOccupation, TrainingProgramSkill, Cohort)
)
AddProgram = Callable[..., Awaitable[uuid.UUID]]
AddCohort = Callable[..., Awaitable[uuid.UUID]]
SupplyRows = Callable[[uuid.UUID], Awaitable[Rows]]
USER_ERRORS = "userErrors { field message code }"

PROGRAM = """
  id name description cipCode instructionalProgram { code title }
  credential { kind name ctid } hours weeks cost { amountMinor currency formatted }
  modality schedules workBasedLearning supports isEligibleTrainingProvider status externalId
  provider { name } occupations { code title } skills { skill { id name } level }
"""
COHORT = """
  id startsOn endsOn seats enrolled expectedCompletionRate expectedCompleters status
  program { id name }
"""
CREATE = f"""
mutation($input: CreateTrainingProgramInput!) {{
  createTrainingProgram(input: $input) {{ trainingProgram {{ {PROGRAM} }} {USER_ERRORS} }}
}}"""
UPDATE = f"""
mutation($input: UpdateTrainingProgramInput!) {{
  updateTrainingProgram(input: $input) {{ trainingProgram {{ {PROGRAM} }} {USER_ERRORS} }}
}}"""
SET_STATUS = f"""
mutation($input: SetTrainingProgramStatusInput!) {{
  setTrainingProgramStatus(input: $input) {{ trainingProgram {{ id status }} {USER_ERRORS} }}
}}"""
CREATE_COHORT = f"""
mutation($input: CreateCohortInput!) {{
  createCohort(input: $input) {{ cohort {{ {COHORT} }} {USER_ERRORS} }}
}}"""
UPDATE_COHORT = f"""
mutation($input: UpdateCohortInput!) {{
  updateCohort(input: $input) {{ cohort {{ {COHORT} }} {USER_ERRORS} }}
}}"""
IMPORT = """
mutation ($input: ImportTrainingProgramsInput!) {
  importTrainingPrograms(input: $input) {
    importedCount createdCount updatedCount unchangedCount
    rowErrors { line column message }
    userErrors { field message code }
  }
}
"""
PROGRAMS_EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "programs.csv"
CTID = "ce-3f1a0b2c-4d5e-4f60-8a7b-9c0d1e2f3a4b"


def program_fields(**overrides: Any) -> dict[str, Any]:
    """A valid program's service fields (a CNC machining certificate); ``overrides``
    replace some."""
    fields: dict[str, Any] = {
        "name": "CNC Machining Certificate",
        "description": "Blueprint reading, CNC setup and operation, and precision measurement.",
        "cip_code": "48.0510",
        "occupation_codes": ["51-9161", "51-4041"],
        "skills": [("2.B.3.h", 3), ("2.A.1.e", 2)],
        "credential": {"kind": CredentialKind.INDUSTRY_CERTIFICATION, "name": "NIMS CNC"},
        "hours": 480,
        "weeks": 16,
        "cost": ("250000", "USD"),
        "modality": Modality.HYBRID,
        "schedules": ["EVENING"],
        "work_based_learning": ["ON_THE_JOB_TRAINING"],
        "supports": ["CHILDCARE", "TRANSPORTATION"],
        "is_etpl": True,
    }
    return fields | overrides


def program_input(world: World, organization: str = "college", **overrides: Any) -> dict[str, Any]:
    """A valid createTrainingProgram input for ``organization`` of ``world``."""
    given: dict[str, Any] = {
        "organizationId": global_id("Organization", world.organizations[organization]),
        "name": "Welding Technology",
        "description": "MIG, TIG and stick welding; blueprint reading; shop safety.",
        "cipCode": "48.0508",
        "occupationCodes": ["51-4121"],
        "skills": [{"skillId": "2.B.3.h", "level": 3}, {"skillId": "ES.teamwork", "level": 2}],
        "credential": {
            "kind": "INDUSTRY_CERTIFICATION",
            "name": "AWS Certified Welder",
            "ctid": CTID,
        },
        "hours": 600,
        "weeks": 20,
        "cost": {"amountMinor": "320000", "currency": "USD"},
        "modality": "IN_PERSON",
        "schedules": ["DAYTIME", "WEEKEND"],
        "workBasedLearning": ["PRE_APPRENTICESHIP"],
        "supports": ["STIPEND"],
        "isEligibleTrainingProvider": True,
        "externalId": "WLD-101",
        "status": "ACTIVE",
    }
    return given | overrides


def cohort_fields(**overrides: Any) -> dict[str, Any]:
    """A valid cohort's service fields; ``overrides`` replace some."""
    fields: dict[str, Any] = {
        "starts_on": date(2027, 9, 6),
        "ends_on": date(2027, 12, 17),
        "seats": 20,
        "completion_rate_percent": "85",
    }
    return fields | overrides


async def add_provider(
    sessions: SessionFactory,
    world: World,
    name: str,
    kind: OrganizationKind = OrganizationKind.WORKER_ORGANIZATION,
) -> uuid.UUID:
    """Add a second provider (default: a union) to ``world`` as ``world.organizations[name]``
    (the world itself has one, its college); returns its ID."""
    organization_id = uuid.uuid4()
    async with tenant_transaction(sessions, world.id) as session:
        session.add(
            Organization(
                tenant_id=world.id,
                id=organization_id,
                name=f"{world.slug} {name}",
                kind=kind,
                employee_count=12,
            )
        )
    world.organizations[name] = organization_id
    return organization_id


async def add_program(
    sessions: SessionFactory,
    world: World,
    *,
    person: str = "college_admin",
    organization: str = "college",
    **fields: Any,
) -> uuid.UUID:
    """Create a program through the service as ``person`` for ``organization`` (default:
    the college's admin for the college), ``program_fields`` with ``fields`` over them;
    returns its ID."""
    async with tenant_transaction(sessions, world.id) as session:
        program = await service.create_training_program(
            session,
            principal_of(world, person),
            organization_id=world.organizations[organization],
            fields=program_fields(**fields),
        )
    return program.id


async def add_cohort(
    sessions: SessionFactory,
    world: World,
    program_id: uuid.UUID,
    *,
    person: str = "college_admin",
    **fields: Any,
) -> uuid.UUID:
    """Create a cohort of ``program_id`` through the service as ``person``,
    ``cohort_fields`` with ``fields`` over them; returns its ID."""
    async with tenant_transaction(sessions, world.id) as session:
        cohort = await service.create_cohort(
            session,
            principal_of(world, person),
            program_id=program_id,
            fields=cohort_fields(**fields),
        )
    return cohort.id


__all__ = [
    "COHORT",
    "CREATE",
    "CREATE_COHORT",
    "IMPORT",
    "PROGRAM",
    "PROGRAMS_EXAMPLE",
    "SET_STATUS",
    "SUPPLY_TABLES",
    "UPDATE",
    "UPDATE_COHORT",
    "AddCohort",
    "AddProgram",
    "SupplyRows",
    "add_cohort",
    "add_program",
    "add_provider",
    "cohort_fields",
    "program_fields",
    "program_input",
]
