"""Searching the vocabulary: occupations by code or words, skills by words."""

from __future__ import annotations

import pytest

from coalition.auth.principal import Principal, PrincipalKind
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import Forbidden, InvalidInput
from coalition.pagination import PageRequest
from coalition.skills import search as vocabulary
from coalition.skills.models import SkillKind
from coalition.tenancy.models import Role
from tests.skills.support import person
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
        page = await vocabulary.search_occupations(
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


async def test_skills_by_kind_and_words(sessions: SessionFactory, world: World) -> None:
    principal = person(world, "member", Role.MEMBER, "employer")
    async with tenant_transaction(sessions, world.id) as session:
        essential = await vocabulary.list_skills(
            session, principal, kind=SkillKind.ESSENTIAL, page=PageRequest(first=100)
        )
        found = await vocabulary.list_skills(
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
            await vocabulary.search_occupations(
                session, stranger, search="machin", page=PageRequest()
            )


async def test_a_page_size_over_the_cap_is_refused(sessions: SessionFactory, world: World) -> None:
    with pytest.raises(InvalidInput):
        await _search(sessions, world, "machin", first=101)


# --- ranking: the best match first (the full vocabulary) ---------------------------------


async def test_nurse_lists_nurses_first_and_religious_workers_after(
    sessions: SessionFactory, world: World
) -> None:
    # given the full vocabulary; when
    codes, total, _, _ = await _search(sessions, world, "nurse", first=100)

    # then titles starting with the word, then titles containing it, then job titles
    assert codes[:5] == ["29-1151", "29-1161", "29-1171", "29-1141", "29-2061"]
    assert codes.index("29-1141") < codes.index("21-2099")
    assert total == len(codes) == 11


async def test_welder_starts_with_welders_not_commercial_divers(
    sessions: SessionFactory, world: World
) -> None:
    codes, _, _, _ = await _search(sessions, world, "welder")

    # 49-9092 Commercial Divers matches only through a direct-match title (underwater welder).
    assert codes == ["51-4121", "49-9092", "51-4122", "51-9198"]


@pytest.mark.parametrize(
    ("search", "first"),
    [
        ("machinist", "51-4041"),
        ("registered nurse", "29-1141"),
        # The exact title (punctuation aside) before the other Cooks.
        ("cooks restaurant", "35-2014"),
        ("electrician", "47-2111"),
    ],
)
async def test_the_best_match_comes_first(
    sessions: SessionFactory, world: World, search: str, first: str
) -> None:
    codes, _, _, _ = await _search(sessions, world, search)

    assert codes[0] == first


async def test_pages_of_a_ranked_search_walk_every_match_once_in_rank_order(
    sessions: SessionFactory, world: World
) -> None:
    everything, total, _, _ = await _search(sessions, world, "nurse", first=100)
    seen: list[str] = []
    after = None
    for _ in range(10):
        codes, page_total, more, after = await _search(
            sessions, world, "nurse", first=3, after=after
        )
        assert page_total == total
        seen += codes
        if not more:
            break

    assert seen == everything
