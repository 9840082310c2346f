"""The demo partnerships' career pathways, made through the service (as the operator)
when missing: machining for the manufacturing partnership, care for the healthcare
one. Each step's bridging programs are the demo's own programs (``coalition.supply.demo``,
found by their external IDs), so ``coalition.demo`` seeds supply first."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from coalition.auth.principal import system_principal
from coalition.db.engine import SessionFactory
from coalition.db.scoping import scoped
from coalition.db.session import tenant_transaction
from coalition.demand.models import WageUnit, WorkBasedLearning
from coalition.pathways import service
from coalition.pathways.models import CareerPathway
from coalition.pathways.validation import StepFields
from coalition.supply.models import TrainingProgram

# slug -> (name, description, steps: (SOC code, typical employers, hourly wage range in
# cents, work-based learning, bridging programs by their demo external IDs))
Step = tuple[str, tuple[str, ...], tuple[int, int], tuple[WorkBasedLearning, ...], tuple[str, ...]]
PATHWAYS: dict[str, tuple[str, str, tuple[Step, ...]]] = {
    "lakeshore-manufacturing": (
        "Machining: CNC operator to tool and die maker",
        "From running a CNC machine to setting it up, programming it and making the tools.",
        (
            ("51-9161", ("Lakeshore Plastics Molding",), (1900, 2300), (), ("LCC-CNC-101",)),
            (
                "51-4041",
                ("Precision Tool & Die", "Harbor Fabrication"),
                (2400, 3000),
                (WorkBasedLearning.REGISTERED_APPRENTICESHIP,),
                ("WSAC-MACH-RA", "LCC-CNC-101"),
            ),
            (
                "51-4111",
                ("Precision Tool & Die",),
                (2900, 3600),
                (WorkBasedLearning.REGISTERED_APPRENTICESHIP,),
                ("LCC-TD-201",),
            ),
        ),
    ),
    "metro-healthcare": (
        "Care: medical assistant to registered nurse",
        "From the clinic front line to licensed and registered nursing.",
        (
            ("31-9092", ("Northside Family Clinic",), (1800, 2200), (), ("CPNA-MA",)),
            (
                "29-2061",
                ("Riverside Senior Living", "HomeCare Partners"),
                (2700, 3200),
                (WorkBasedLearning.EARN_AND_LEARN,),
                ("MCC-PN",),
            ),
            ("29-1141", ("Metro General Hospital",), (3900, 4800), (), ("MCC-ADN",)),
        ),
    ),
}


async def seed_pathways(
    sessions: SessionFactory,
    *,
    tenant_id: uuid.UUID,
    slug: str,
    organizations: Mapping[str, uuid.UUID],
) -> None:
    """Seed the demo pathway of partnership ``slug``, if it has one and it is missing.
    ``organizations`` maps every organization the pathway names to its ID."""
    demo = PATHWAYS.get(slug)
    if demo is None:
        return
    name, description, steps = demo
    principal = system_principal(tenant_id, "demo")
    async with tenant_transaction(sessions, tenant_id) as session:
        exists = await session.scalar(
            scoped(CareerPathway, principal)
            .where(CareerPathway.name == name)
            .with_only_columns(CareerPathway.id)
        )
        if exists is not None:
            return
        keys = {key for *_, programs in steps for key in programs}
        program_ids = {
            str(program.external_id): program.id
            for program in await session.scalars(
                scoped(TrainingProgram, principal).where(TrainingProgram.external_id.in_(keys))
            )
        }
        await service.create_pathway(
            session,
            principal,
            name=name,
            description=description,
            organization_id=None,
            organization_given=False,
            steps=[
                StepFields(
                    occupation_code=code,
                    employer_ids=[organizations[e] for e in employers],
                    wage_min=(str(low), "USD"),
                    wage_max=(str(high), "USD"),
                    wage_unit=WageUnit.HOUR,
                    work_based_learning=learning,
                    program_ids=[program_ids[key] for key in programs if key in program_ids],
                )
                for code, employers, (low, high), learning, programs in steps
            ],
        )


__all__ = ["PATHWAYS", "seed_pathways"]
