"""Reading the vocabulary by key: occupations, skill profiles, aliases, industries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.skills import reads
from coalition.skills.models import SkillKind
from coalition.tenancy.models import Role
from tests.skills.support import person
from tests.support.world import World


@pytest.fixture
def sessions(reference_data: dict[str, int], owner_sessions: SessionFactory) -> SessionFactory:
    return owner_sessions


async def test_get_occupation_by_soc_or_onet_code(sessions: SessionFactory, world: World) -> None:
    principal = person(world, "analyst", Role.ANALYST)
    async with tenant_transaction(sessions, world.id) as session:
        by_soc = await reads.get_occupation(session, principal, "51-4041")
        by_onet = await reads.get_occupation(session, principal, "51-4041.00")
        missing = await reads.get_occupation(session, principal, "51-4049")
        malformed = await reads.get_occupation(session, principal, "machinists")

    assert by_soc is not None and by_soc == by_onet
    assert (by_soc.title, by_soc.major, by_soc.minor, by_soc.broad) == (
        "Machinists",
        reads.GroupRef("51-0000", "Production Occupations"),
        reads.GroupRef("51-4000", "Metal Workers and Plastic Workers"),
        reads.GroupRef("51-4040", "Machinists"),
    )
    assert (missing, malformed) == (None, None)


async def test_the_skill_profile_comes_from_the_onet_ratings(
    sessions: SessionFactory, world: World
) -> None:
    principal = person(world, "member", Role.MEMBER, "employer")
    async with tenant_transaction(sessions, world.id) as session:
        profile = await reads.occupation_skill_profile(session, principal, "51-4041")

    technical = [rated for rated in profile.skills if rated.skill.kind is SkillKind.TECHNICAL]
    assert (profile.has_ratings, profile.source, profile.onet_code) == (
        True,
        "O*NET 29.3",
        "51-4041.00",
    )
    assert len(profile.skills) == 68
    assert [(r.skill.name, r.importance, r.level) for r in technical[:2]] == [
        ("Operation and Control", Decimal("3.25"), Decimal("3.38")),
        # Operations Monitoring and Monitoring tie on importance; the higher level leads.
        ("Operations Monitoring", Decimal("3.12"), Decimal("3.25")),
    ]
    monitoring = next(r for r in technical if r.skill.name == "Monitoring")
    assert (monitoring.importance, monitoring.level) == (Decimal("3.12"), Decimal("3.12"))
    importances = [r.importance for r in profile.skills]
    assert importances == sorted(importances, reverse=True)


async def test_a_code_without_ratings_says_so_and_invents_nothing(
    sessions: SessionFactory, world: World
) -> None:
    principal = person(world, "member", Role.MEMBER, "employer")
    async with tenant_transaction(sessions, world.id) as session:
        profiles = await reads.skill_profiles(session, principal, ["15-1252", "51-4041"])

    assert profiles["15-1252"] == reads.SkillProfile(
        soc_code="15-1252", has_ratings=False, source=None, onet_code=None, skills=[]
    )
    assert profiles["51-4041"].has_ratings is True


@pytest.mark.parametrize(
    ("code", "exists"),
    [
        ("332710", True),
        ("3327", True),
        ("31-33", True),
        ("32", True),
        ("33", True),
        ("92", True),
        ("34", False),
        ("999999", False),
        ("33271", True),
        ("", False),
    ],
)
async def test_industry_exists(sessions: SessionFactory, code: str, exists: bool) -> None:
    async with sessions() as session:
        assert await reads.industry_exists(session, code) is exists


async def test_a_range_sector_answers_for_its_two_digit_codes(
    sessions: SessionFactory, world: World
) -> None:
    principal = person(world, "member", Role.MEMBER, "employer")
    async with tenant_transaction(sessions, world.id) as session:
        industry = await reads.get_industry(session, principal, "32")

    assert industry is not None
    assert (industry.naics_code, industry.title, industry.level) == (
        "31-33",
        "Manufacturing",
        "Sector",
    )


async def test_aliases_stop_at_twenty_per_occupation(
    sessions: SessionFactory, world: World
) -> None:
    principal = person(world, "member", Role.MEMBER, "employer")
    async with tenant_transaction(sessions, world.id) as session:
        aliases = await reads.aliases_of(session, principal, ["55-1019", "51-4041", "99-9999"])

    assert {code: len(titles) for code, titles in aliases.items()} == {
        "55-1019": 20,
        "51-4041": 7,
        "99-9999": 0,
    }
