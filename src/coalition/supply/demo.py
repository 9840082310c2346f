"""Training supply for the demo partnerships: programs and cohorts from each college,
training provider and union, so that the skills gap shows occupations both short and
covered.

With the demo's demand (``coalition.demand.demo``), the gap over 2027Q1 to 2027Q4 shows:

- Lakeshore: CNC Tool Operators and Machinists covered (the college's CNC certificate,
  its completers split between the two, and the apprenticeship center's registered
  apprenticeship); Tool and Die Makers short (the college's two-year program finishes no
  cohort before 2028); the union's pre-apprenticeship supplies Team Assemblers and
  Welders, whose demand is hidden, so their gap is too.
- Metro: Nursing Assistants covered (three CNA cohorts); Registered Nurses short (one
  ADN cohort); Personal Care Aides short (the union's pre-apprenticeship splits its
  completers with Home Health Aides).

Everything goes through the services, as the operator. Programs carry the demo's own
``external_id``, so seeding again finds them and changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from coalition.auth.principal import system_principal
from coalition.db.engine import SessionFactory
from coalition.db.scoping import scoped
from coalition.db.session import tenant_transaction
from coalition.supply.models import TrainingProgram
from coalition.supply.service import create_cohort, create_training_program


@dataclass(frozen=True)
class DemoCohort:
    starts_on: date
    ends_on: date
    seats: int
    completion_rate_percent: int
    status: str = "PLANNED"
    enrolled: int | None = None


@dataclass(frozen=True)
class DemoProgram:
    key: str
    provider: str
    name: str
    cip_code: str
    occupations: tuple[str, ...]
    skills: tuple[tuple[str, int], ...]
    credential: tuple[str, str | None]
    hours: int
    weeks: int
    cost_minor: int
    modality: str
    schedules: tuple[str, ...]
    work_based_learning: tuple[str, ...]
    supports: tuple[str, ...]
    description: str
    cohorts: tuple[DemoCohort, ...] = field(default=())
    is_etpl: bool = True


LAKESHORE_COLLEGE = "Lakeshore Community College"
WEST_SHORE = "West Shore Apprenticeship Center"
MACHINISTS_UNION = "Machinists Union Local 1720"
METRO_COLLEGE = "Metro Community College"
CAREERPATH = "CareerPath Nursing Academy"
HEALTHCARE_UNION = "Healthcare Workers Union Local 200"

PROGRAMS: dict[str, tuple[DemoProgram, ...]] = {
    "lakeshore-manufacturing": (
        DemoProgram(
            "LCC-CNC-101",
            LAKESHORE_COLLEGE,
            "CNC Machining Certificate",
            "48.0510",
            ("51-9161", "51-4041"),
            (("2.A.1.e", 3), ("2.B.3.h", 3), ("2.B.3.m", 3), ("ES.attention-to-detail", 3)),
            ("CERTIFICATE", "CNC Machining Certificate"),
            480,
            16,
            320_000,
            "HYBRID",
            ("EVENING", "WEEKEND"),
            ("ON_THE_JOB_TRAINING",),
            ("TRANSPORTATION", "CHILDCARE"),
            "Set up and run CNC mills and lathes, read prints and inspect parts.",
            (
                DemoCohort(date(2027, 1, 11), date(2027, 5, 7), 20, 80, "ENROLLING", 18),
                DemoCohort(date(2027, 8, 30), date(2027, 12, 17), 20, 80),
            ),
        ),
        DemoProgram(
            "LCC-TD-201",
            LAKESHORE_COLLEGE,
            "Tool and Die Technology (AAS)",
            "48.0507",
            ("51-4111",),
            (("2.A.1.e", 4), ("2.B.3.m", 4), ("2.B.3.l", 3)),
            ("ASSOCIATE_DEGREE", "AAS Tool and Die Technology"),
            1_200,
            64,
            980_000,
            "IN_PERSON",
            ("DAYTIME",),
            ("REGISTERED_APPRENTICESHIP",),
            ("STIPEND",),
            "Build and repair dies, jigs and fixtures to tight tolerances.",
            (DemoCohort(date(2026, 8, 31), date(2028, 5, 12), 15, 70, "RUNNING", 14),),
        ),
        DemoProgram(
            "WSAC-MACH-RA",
            WEST_SHORE,
            "Machinist Registered Apprenticeship",
            "48.0501",
            ("51-4041",),
            (("2.A.1.e", 3), ("2.B.3.h", 3), ("2.B.3.j", 2), ("ES.dependability", 3)),
            ("APPRENTICESHIP_CERTIFICATE", "DOL Certificate of Completion: Machinist"),
            2_000,
            52,
            0,
            "IN_PERSON",
            ("DAYTIME",),
            ("REGISTERED_APPRENTICESHIP",),
            ("PAID_WHILE_TRAINING",),
            "Earn while you learn: on-the-job training with related classroom instruction.",
            (DemoCohort(date(2026, 9, 14), date(2027, 9, 10), 8, 90, "RUNNING", 8),),
        ),
        DemoProgram(
            "UL1720-PRE",
            MACHINISTS_UNION,
            "Manufacturing Pre-Apprenticeship",
            "15.0613",
            ("51-2092", "51-4121"),
            (("2.B.3.h", 2), ("ES.safety-awareness", 2), ("ES.teamwork", 2)),
            ("CERTIFICATE", "Pre-Apprenticeship Certificate"),
            160,
            8,
            0,
            "IN_PERSON",
            ("EVENING",),
            ("PRE_APPRENTICESHIP",),
            ("TRANSPORTATION", "STIPEND"),
            "Shop math, safety and hands-on basics; a direct entry to apprenticeships.",
            (DemoCohort(date(2027, 3, 1), date(2027, 4, 23), 16, 75),),
        ),
    ),
    "metro-healthcare": (
        DemoProgram(
            "MCC-ADN",
            METRO_COLLEGE,
            "Associate Degree in Nursing",
            "51.3801",
            ("29-1141",),
            (("2.C.5.a", 4), ("2.B.1.a", 3), ("2.A.2.a", 3), ("2.B.4.e", 3)),
            ("ASSOCIATE_DEGREE", "Associate Degree in Nursing"),
            1_800,
            72,
            1_150_000,
            "IN_PERSON",
            ("DAYTIME", "EVENING"),
            ("INTERNSHIP",),
            ("CHILDCARE",),
            "Prepares for the NCLEX-RN; clinical rotations at partner hospitals.",
            (DemoCohort(date(2025, 8, 25), date(2027, 5, 14), 30, 75, "RUNNING", 28),),
        ),
        DemoProgram(
            "MCC-PN",
            METRO_COLLEGE,
            "Practical Nursing Certificate",
            "51.3901",
            ("29-2061",),
            (("2.C.5.a", 3), ("2.B.1.f", 3), ("2.A.2.d", 3)),
            ("OCCUPATIONAL_LICENSE", "Licensed Practical Nurse"),
            1_100,
            48,
            620_000,
            "HYBRID",
            ("EVENING",),
            ("INTERNSHIP",),
            ("CHILDCARE", "TRANSPORTATION"),
            "Prepares for the NCLEX-PN; the step between nursing assistant and RN.",
            (DemoCohort(date(2026, 8, 24), date(2027, 7, 30), 24, 80, "RUNNING", 22),),
        ),
        DemoProgram(
            "CPNA-CNA",
            CAREERPATH,
            "Certified Nursing Assistant",
            "51.3902",
            ("31-1131",),
            (("2.B.1.f", 3), ("2.C.1.e", 3), ("ES.dependability", 3)),
            ("OCCUPATIONAL_LICENSE", "State CNA Certification"),
            120,
            6,
            145_000,
            "IN_PERSON",
            ("DAYTIME", "EVENING"),
            ("ON_THE_JOB_TRAINING",),
            ("LANGUAGE_ACCESS", "TRANSPORTATION"),
            "Six weeks to the state CNA exam, with clinical hours at partner facilities.",
            (
                DemoCohort(date(2027, 1, 4), date(2027, 2, 12), 12, 85),
                DemoCohort(date(2027, 4, 5), date(2027, 5, 14), 12, 85),
                DemoCohort(date(2027, 9, 6), date(2027, 10, 15), 12, 85),
            ),
        ),
        DemoProgram(
            "CPNA-MA",
            CAREERPATH,
            "Medical Assistant Certificate",
            "51.0801",
            ("31-9092",),
            (("2.C.1.e", 3), ("2.C.5.a", 2), ("2.A.1.c", 2)),
            ("INDUSTRY_CERTIFICATION", "Certified Clinical Medical Assistant"),
            720,
            30,
            490_000,
            "HYBRID",
            ("EVENING",),
            ("INTERNSHIP",),
            ("CHILDCARE",),
            "Clinical and front-office skills; an externship at a partner clinic.",
            (DemoCohort(date(2027, 2, 1), date(2027, 8, 27), 18, 80),),
        ),
        DemoProgram(
            "HWU200-HCA",
            HEALTHCARE_UNION,
            "Home Care Aide Pre-Apprenticeship",
            "51.2602",
            ("31-1121", "31-1122"),
            (("2.B.1.f", 2), ("2.C.1.e", 2), ("ES.communication", 2)),
            ("CERTIFICATE", "Home Care Aide Certificate"),
            75,
            4,
            0,
            "IN_PERSON",
            ("WEEKEND",),
            ("PRE_APPRENTICESHIP",),
            ("STIPEND", "LANGUAGE_ACCESS"),
            "Paid training for home care work, with a path into CNA training.",
            (DemoCohort(date(2027, 3, 6), date(2027, 4, 3), 20, 80),),
        ),
    ),
}


def _fields(program: DemoProgram) -> dict[str, Any]:
    kind, name = program.credential
    return {
        "name": program.name,
        "description": program.description,
        "cip_code": program.cip_code,
        "occupation_codes": list(program.occupations),
        "skills": list(program.skills),
        "credential": {"kind": kind, "name": name, "ctid": None},
        "hours": program.hours,
        "weeks": program.weeks,
        "cost": (str(program.cost_minor), "USD"),
        "modality": program.modality,
        "schedules": list(program.schedules),
        "work_based_learning": list(program.work_based_learning),
        "supports": list(program.supports),
        "is_etpl": program.is_etpl,
        "external_id": program.key,
        "status": "ACTIVE",
    }


def _cohort_fields(cohort: DemoCohort) -> dict[str, Any]:
    return {
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "seats": cohort.seats,
        "enrolled": cohort.enrolled,
        "completion_rate_percent": cohort.completion_rate_percent,
        "status": cohort.status,
    }


async def seed_supply(
    sessions: SessionFactory,
    *,
    tenant_id: uuid.UUID,
    slug: str,
    organizations: Mapping[str, uuid.UUID],
) -> int:
    """Seed the demo programs (and their cohorts) of partnership ``slug`` that are
    missing; returns how many it added. ``organizations`` holds the partnership's
    organizations by name (the providers must be among them)."""
    programs = PROGRAMS.get(slug, ())
    principal = system_principal(tenant_id, f"demo seed ({slug})")
    added = 0
    async with tenant_transaction(sessions, tenant_id) as session:
        present = set(
            await session.scalars(
                scoped(TrainingProgram, principal)
                .where(TrainingProgram.external_id.in_([p.key for p in programs]))
                .with_only_columns(TrainingProgram.external_id)
            )
        )
        for program in programs:
            if program.key in present:
                continue
            made = await create_training_program(
                session,
                principal,
                organization_id=organizations[program.provider],
                fields=_fields(program),
            )
            for cohort in program.cohorts:
                await create_cohort(
                    session, principal, program_id=made.id, fields=_cohort_fields(cohort)
                )
            added += 1
    return added


__all__ = ["PROGRAMS", "seed_supply"]
