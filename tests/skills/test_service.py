"""Reading the vocabulary through the service layer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coalition.auth.principal import Principal, PrincipalKind
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import Forbidden, InvalidInput
from coalition.pagination import PageRequest
from coalition.skills import service
from coalition.skills.models import SkillKind
from coalition.tenancy.models import Role
from tests.skills.conftest import person
from tests.support.world import World


async def _search(
    sessions: SessionFactory,
    world: World,
    search: str | None,
    first: int = 20,
    after: str | None = None,
) -> tuple[list[str], int, bool, str | None]:
    principal = person(world, "member", Role.MEMBER, "employer")
    async with tenant_transaction(sessions, world.id) as session:
        page = await service.search_occupations(
            session, principal, search=search, page=PageRequest(first=first, after=after)
        )
    return (
        [record.code for record in page.items],
        page.total_count,
        page.has_next_page,
        page.end_cursor,
    )


@pytest.fixture
def sessions(reference_data: dict[str, int], owner_sessions: SessionFactory) -> SessionFactory:
    return owner_sessions


async def test_words_find_titles_and_job_titles(sessions: SessionFactory, world: World) -> None:
    codes, total, more, _ = await _search(sessions, world, "machin", first=100)

    assert more is False
    assert total == len(codes)
    assert "51-4041" in codes
    # "CNC Machine Operator" is a BLS direct-match title of 51-9161; its own title lacks it.
    assert "51-9161" in codes


async def test_every_word_must_match(sessions: SessionFactory, world: World) -> None:
    codes, total, _, _ = await _search(sessions, world, "  Registered   NURSES ")

    assert codes == ["29-1141"]
    assert total == 1


async def test_a_code_prefix_lists_the_codes_under_it(
    sessions: SessionFactory, world: World
) -> None:
    codes, total, _, _ = await _search(sessions, world, "29-11")

    assert codes == [
        "29-1122",
        "29-1123",
        "29-1124",
        "29-1125",
        "29-1126",
        "29-1127",
        "29-1128",
        "29-1129",
        "29-1131",
        "29-1141",
        "29-1151",
        "29-1161",
        "29-1171",
        "29-1181",
    ]
    assert total == 14


async def test_an_onet_code_finds_its_soc_occupation(
    sessions: SessionFactory, world: World
) -> None:
    codes, _, _, _ = await _search(sessions, world, "29-1141.01")

    assert codes == ["29-1141"]


async def test_pages_walk_every_match_once(sessions: SessionFactory, world: World) -> None:
    seen: list[str] = []
    after = None
    pages = 0
    for _ in range(10):
        codes, total, more, after = await _search(sessions, world, "51-40", first=5, after=after)
        seen += codes
        pages += 1
        if not more:
            break

    assert (total, pages) == (16, 4)
    assert seen == sorted(set(seen))
    assert len(seen) == 16


async def test_nothing_matches_nonsense(sessions: SessionFactory, world: World) -> None:
    assert await _search(sessions, world, "zzyzx") == ([], 0, False, None)


async def test_get_occupation_by_soc_or_onet_code(sessions: SessionFactory, world: World) -> None:
    principal = person(world, "analyst", Role.ANALYST)
    async with tenant_transaction(sessions, world.id) as session:
        by_soc = await service.get_occupation(session, principal, "51-4041")
        by_onet = await service.get_occupation(session, principal, "51-4041.00")
        missing = await service.get_occupation(session, principal, "51-4049")
        malformed = await service.get_occupation(session, principal, "machinists")

    assert by_soc is not None and by_soc == by_onet
    assert (by_soc.title, by_soc.major, by_soc.minor, by_soc.broad) == (
        "Machinists",
        service.GroupRef("51-0000", "Production Occupations"),
        service.GroupRef("51-4000", "Metal Workers and Plastic Workers"),
        service.GroupRef("51-4040", "Machinists"),
    )
    assert (missing, malformed) == (None, None)


async def test_the_skill_profile_comes_from_the_onet_ratings(
    sessions: SessionFactory, world: World
) -> None:
    principal = person(world, "member", Role.MEMBER, "employer")
    async with tenant_transaction(sessions, world.id) as session:
        profile = await service.occupation_skill_profile(session, principal, "51-4041")

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
        profiles = await service.skill_profiles(session, principal, ["15-1252", "51-4041"])

    assert profiles["15-1252"] == service.SkillProfile(
        soc_code="15-1252", has_ratings=False, source=None, onet_code=None, skills=[]
    )
    assert profiles["51-4041"].has_ratings is True


async def test_skills_by_kind_and_words(sessions: SessionFactory, world: World) -> None:
    principal = person(world, "member", Role.MEMBER, "employer")
    async with tenant_transaction(sessions, world.id) as session:
        essential = await service.list_skills(
            session, principal, kind=SkillKind.ESSENTIAL, page=PageRequest(first=100)
        )
        found = await service.list_skills(
            session, principal, search="time manag", page=PageRequest(first=100)
        )

    assert essential.total_count == 12
    assert [skill.name for skill in essential.items][:3] == [
        "Adaptability",
        "Attention to Detail",
        "Communication",
    ]
    assert sorted((skill.id, skill.kind) for skill in found.items) == [
        ("2.B.5.a", SkillKind.TECHNICAL),
        ("ES.time-management", SkillKind.ESSENTIAL),
    ]


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
        assert await service.industry_exists(session, code) is exists


async def test_a_range_sector_answers_for_its_two_digit_codes(
    sessions: SessionFactory, world: World
) -> None:
    principal = person(world, "member", Role.MEMBER, "employer")
    async with tenant_transaction(sessions, world.id) as session:
        industry = await service.get_industry(session, principal, "32")

    assert industry is not None
    assert (industry.naics_code, industry.title, industry.level) == (
        "31-33",
        "Manufacturing",
        "Sector",
    )


async def test_a_caller_without_membership_reads_nothing(
    sessions: SessionFactory, world: World
) -> None:
    stranger = Principal(
        kind=PrincipalKind.USER,
        id=world.users["member"],
        tenant_id=world.id,
        label="nobody",
        scopes=frozenset({"read"}),
        grants=(),
    )
    async with tenant_transaction(sessions, world.id) as session:
        with pytest.raises(Forbidden):
            await service.search_occupations(session, stranger, search="machin", page=PageRequest())


async def test_a_page_size_over_the_cap_is_refused(sessions: SessionFactory, world: World) -> None:
    with pytest.raises(InvalidInput):
        await _search(sessions, world, "machin", first=101)


async def test_aliases_stop_at_twenty_per_occupation(
    sessions: SessionFactory, world: World
) -> None:
    principal = person(world, "member", Role.MEMBER, "employer")
    async with tenant_transaction(sessions, world.id) as session:
        aliases = await service.aliases_of(session, principal, ["55-1019", "51-4041", "99-9999"])

    assert {code: len(titles) for code, titles in aliases.items()} == {
        "55-1019": 20,
        "51-4041": 7,
        "99-9999": 0,
    }
