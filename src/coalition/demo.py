"""The demo partnerships: ``coalition demo`` (idempotent; runs as the owner).

IDs are derived from names (UUID v5), so running it again changes nothing
and the demo's IDs are the same on every machine. This module makes the
partnerships, their organizations and people, then hands each domain's seeder
what it needs as arguments (the tenant, the organizations' IDs).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand.demo import Employer, release_demand, seed_demand
from coalition.events.demo import seed_events
from coalition.funds.demo import seed_funds
from coalition.outcomes.demo import seed_outcomes
from coalition.pathways.demo import seed_pathways
from coalition.skills.loader import load_reference
from coalition.skills.models import Occupation
from coalition.skills.starter import OCCUPATIONS, load_starter, shared_data_dir
from coalition.supply.demo import seed_supply
from coalition.tenancy.models import Membership, Organization, Role, Tenant, User
from coalition.tenancy.models import OrganizationKind as Kind

NAMESPACE = uuid.UUID("5b1f3c2e-9a47-4d3b-8f0e-6c1d2a7b9e40")


@dataclass(frozen=True)
class DemoOrganization:
    name: str
    kind: Kind
    employee_count: int | None
    naics_code: str | None
    city: str


@dataclass(frozen=True)
class DemoPerson:
    local_part: str
    display_name: str
    organization: str
    role: Role


@dataclass(frozen=True)
class DemoPartnership:
    slug: str
    name: str
    region: str
    time_zone: str
    organizations: tuple[DemoOrganization, ...]
    people: tuple[DemoPerson, ...]


@dataclass(frozen=True)
class DemoResult:
    """What ``seed_demo`` made, and which vocabulary the database has."""

    partnerships: tuple[DemoPartnership, ...]
    is_full_vocabulary: bool
    occupation_count: int


def _people(
    convener: str,
    employer: str,
    college: str,
    funder: str,
    union: str,
    community: str,
    training: str,
) -> tuple[DemoPerson, ...]:
    return (
        DemoPerson("admin", "Partnership Admin", convener, Role.PARTNERSHIP_ADMIN),
        DemoPerson("analyst", "Data Analyst", convener, Role.ANALYST),
        DemoPerson("employer-admin", "Employer Admin", employer, Role.ORGANIZATION_ADMIN),
        DemoPerson("employer-member", "Employer Member", employer, Role.MEMBER),
        DemoPerson("college-admin", "College Admin", college, Role.ORGANIZATION_ADMIN),
        DemoPerson("funder", "Program Officer", funder, Role.ORGANIZATION_ADMIN),
        DemoPerson("union-admin", "Union Organizer", union, Role.ORGANIZATION_ADMIN),
        DemoPerson("community-admin", "Community Navigator", community, Role.ORGANIZATION_ADMIN),
        DemoPerson("training-admin", "Training Coordinator", training, Role.ORGANIZATION_ADMIN),
    )


PARTNERSHIPS = (
    DemoPartnership(
        slug="lakeshore-manufacturing",
        name="Lakeshore Advanced Manufacturing Partnership",
        region="Lakeshore Region",
        time_zone="America/Detroit",
        organizations=(
            DemoOrganization(
                "Lakeshore Workforce Board", Kind.PUBLIC_AGENCY, 35, "926110", "Muskegon"
            ),
            DemoOrganization("Precision Tool & Die", Kind.EMPLOYER, 42, "332710", "Muskegon"),
            DemoOrganization("Harbor Fabrication", Kind.EMPLOYER, 12, "332312", "Grand Haven"),
            DemoOrganization("Lakeshore Plastics Molding", Kind.EMPLOYER, 180, "326199", "Holland"),
            DemoOrganization("Great Lakes Castings", Kind.EMPLOYER, 850, "331511", "Muskegon"),
            DemoOrganization(
                "Lakeshore Community College", Kind.EDUCATION_INSTITUTION, 600, "611210", "Muskegon"
            ),
            DemoOrganization(
                "West Shore Apprenticeship Center", Kind.TRAINING_PROVIDER, 20, "611519", "Holland"
            ),
            DemoOrganization(
                "Machinists Union Local 1720", Kind.WORKER_ORGANIZATION, 8, "813930", "Muskegon"
            ),
            DemoOrganization(
                "Lakeshore Community Foundation", Kind.FUNDER, 15, "813211", "Grand Haven"
            ),
            DemoOrganization(
                "Harbor Reentry Network", Kind.COMMUNITY_ORGANIZATION, 25, "624310", "Muskegon"
            ),
        ),
        people=_people(
            "Lakeshore Workforce Board",
            "Precision Tool & Die",
            "Lakeshore Community College",
            "Lakeshore Community Foundation",
            "Machinists Union Local 1720",
            "Harbor Reentry Network",
            "West Shore Apprenticeship Center",
        ),
    ),
    DemoPartnership(
        slug="metro-healthcare",
        name="Metro Healthcare Talent Collaborative",
        region="Metro Region",
        time_zone="America/Chicago",
        organizations=(
            DemoOrganization(
                "Metro Workforce Partnership", Kind.PUBLIC_AGENCY, 60, "926110", "Metro City"
            ),
            DemoOrganization("Northside Family Clinic", Kind.EMPLOYER, 28, "621111", "Metro City"),
            DemoOrganization("Riverside Senior Living", Kind.EMPLOYER, 95, "623110", "Riverside"),
            DemoOrganization("HomeCare Partners", Kind.EMPLOYER, 140, "621610", "Metro City"),
            DemoOrganization("Metro General Hospital", Kind.EMPLOYER, 4200, "622110", "Metro City"),
            DemoOrganization(
                "Metro Community College", Kind.EDUCATION_INSTITUTION, 900, "611210", "Metro City"
            ),
            DemoOrganization(
                "CareerPath Nursing Academy", Kind.TRAINING_PROVIDER, 18, "611519", "Riverside"
            ),
            DemoOrganization(
                "Healthcare Workers Union Local 200",
                Kind.WORKER_ORGANIZATION,
                40,
                "813930",
                "Metro City",
            ),
            DemoOrganization("Metro Health Foundation", Kind.FUNDER, 22, "813211", "Metro City"),
            DemoOrganization(
                "Neighborhood Career Center", Kind.COMMUNITY_ORGANIZATION, 30, "624310", "Riverside"
            ),
        ),
        people=_people(
            "Metro Workforce Partnership",
            "Northside Family Clinic",
            "Metro Community College",
            "Metro Health Foundation",
            "Healthcare Workers Union Local 200",
            "Neighborhood Career Center",
            "CareerPath Nursing Academy",
        ),
    ),
)


def _id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(parts))


def demo_email(person: DemoPerson, slug: str) -> str:
    return f"{person.local_part}@{slug}.example"


async def _seed_partnership(session: AsyncSession, partnership: DemoPartnership) -> None:
    tenant_id = _id(partnership.slug)
    for organization in partnership.organizations:
        await session.execute(
            insert(Organization)
            .values(
                tenant_id=tenant_id,
                id=_id(partnership.slug, "org", organization.name),
                name=organization.name,
                kind=organization.kind,
                employee_count=organization.employee_count,
                naics_code=organization.naics_code,
                city=organization.city,
                region=partnership.region,
            )
            .on_conflict_do_nothing()
        )
    for person in partnership.people:
        email = demo_email(person, partnership.slug)
        user_id = _id(partnership.slug, "user", email)
        await session.execute(
            insert(User)
            .values(
                tenant_id=tenant_id,
                id=user_id,
                email=email,
                display_name=person.display_name,
            )
            .on_conflict_do_nothing()
        )
        await session.execute(
            insert(Membership)
            .values(
                tenant_id=tenant_id,
                id=_id(partnership.slug, "membership", email),
                user_id=user_id,
                organization_id=_id(partnership.slug, "org", person.organization),
                role=person.role,
            )
            .on_conflict_do_nothing()
        )


def demo_tenant_id(slug: str) -> uuid.UUID:
    return _id(slug)


def organization_ids(partnership: DemoPartnership) -> dict[str, uuid.UUID]:
    """The partnership's organizations by name, as the domain seeders take them."""
    return {o.name: _id(partnership.slug, "org", o.name) for o in partnership.organizations}


def employers(partnership: DemoPartnership) -> dict[str, Employer]:
    """The partnership's employers by name, as ``seed_demand`` takes them."""
    ids = organization_ids(partnership)
    return {
        o.name: Employer(ids[o.name], o.city)
        for o in partnership.organizations
        if o.kind is Kind.EMPLOYER
    }


async def seed_demo(sessions: SessionFactory) -> DemoResult:
    """Create the demo partnerships if missing, with their demand, funds, training,
    events and outcomes.

    Loads the full reference vocabulary first when the publishers' files are at
    hand (``COALITION_REFERENCE_DIR`` or ``../shared/data``), else the starter set.
    """
    reference = shared_data_dir()
    async with sessions() as session, session.begin():
        await load_starter(session)
        if reference is not None:
            await load_reference(session, reference)
        occupations = await session.scalar(select(func.count()).select_from(Occupation)) or 0
    async with sessions() as session, session.begin():
        for partnership in PARTNERSHIPS:
            await session.execute(
                insert(Tenant)
                .values(
                    id=_id(partnership.slug),
                    slug=partnership.slug,
                    name=partnership.name,
                    region=partnership.region,
                    settings={"time_zone": partnership.time_zone},
                )
                .on_conflict_do_nothing()
            )
    for partnership in PARTNERSHIPS:
        async with tenant_transaction(sessions, _id(partnership.slug)) as session:
            await _seed_partnership(session, partnership)
        await seed_demand(
            sessions,
            tenant_id=_id(partnership.slug),
            slug=partnership.slug,
            employers=employers(partnership),
            namespace=NAMESPACE,
        )
        await seed_funds(
            sessions,
            tenant_id=_id(partnership.slug),
            slug=partnership.slug,
            organizations=organization_ids(partnership),
        )
        await seed_supply(
            sessions,
            tenant_id=_id(partnership.slug),
            slug=partnership.slug,
            organizations=organization_ids(partnership),
        )
        await seed_pathways(
            sessions,
            tenant_id=_id(partnership.slug),
            slug=partnership.slug,
            organizations=organization_ids(partnership),
        )
        await seed_events(
            sessions,
            tenant_id=_id(partnership.slug),
            slug=partnership.slug,
            zone=partnership.time_zone,
            organizations=organization_ids(partnership),
        )
        await seed_outcomes(
            sessions,
            tenant_id=_id(partnership.slug),
            slug=partnership.slug,
            organizations=organization_ids(partnership),
            today=date.today(),
        )
        await release_demand(sessions, tenant_id=_id(partnership.slug), slug=partnership.slug)
    return DemoResult(PARTNERSHIPS, occupations > len(OCCUPATIONS), occupations)
