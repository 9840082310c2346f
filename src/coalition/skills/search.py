"""Searching the vocabulary: occupations by code or by words, ranked by how well they
match, and skills by words of their names.

Words match the start of words (``machin`` finds Machinists) through the
full-text GIN indexes of ``models.py``: every match condition here is the exact
expression those indexes are built on, ``to_tsvector('simple'::regconfig, column)``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Numeric,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.permissions import require_reference_read
from coalition.auth.principal import Principal
from coalition.pagination import (
    Page,
    PageRequest,
    SortKey,
    after_clause,
    build_page,
    check_page_request,
    fetch_page,
)
from coalition.skills.models import Occupation, OccupationAlias, OnetOccupation, Skill, SkillKind
from coalition.skills.reads import OccupationRecord, occupations_with_groups, record

MAX_SEARCH = 200
MAX_SEARCH_WORDS = 8
# A code or the start of one: "51", "51-", "51-40", "51-4041", "51-4041.00".
CODE_PREFIX = re.compile(r"^\d{2}(-\d{0,4}(\.\d{0,2})?)?$")

# How an occupation matched the words, best first. Within a tier, the full-text rank
# (higher first), then the SOC code.
EXACT_TITLE = 0
TITLE_STARTS = 1
TITLE_CONTAINS = 2
ALIAS = 3
ONET_TITLE = 4
# ts_rank's normalization 1 divides by 1 + log(length): of two titles that both match,
# the shorter (the one the words say more of) ranks higher.
RANK_NORMALIZATION = 1


def words_of(search: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", search.lower()[:MAX_SEARCH])[:MAX_SEARCH_WORDS]


def _tsvector(column: Any) -> ColumnElement[Any]:
    return func.to_tsvector(literal_column("'simple'::regconfig"), column)


def _tsquery(words: Sequence[str]) -> ColumnElement[Any]:
    # The words are [a-z0-9]+ only, so the query text cannot carry tsquery syntax.
    return func.to_tsquery(
        literal_column("'simple'::regconfig"), " & ".join(f"{word}:*" for word in words)
    )


def matches(column: Any, words: Sequence[str]) -> ColumnElement[bool]:
    """Every word is the start of a word of ``column`` (the indexed expression)."""
    return _tsvector(column).op("@@")(_tsquery(words))


def _rank(column: Any, words: Sequence[str]) -> ColumnElement[Decimal]:
    # Rounded to a numeric so a cursor carries it exactly (a float4 would not round-trip).
    rank = func.ts_rank(_tsvector(column), _tsquery(words), RANK_NORMALIZATION)
    return func.round(cast(rank, Numeric), 6)


def _normalized(column: Any) -> ColumnElement[str]:
    """The title as the search words see it: lowercase words, one space apart."""
    return func.btrim(func.regexp_replace(func.lower(column), "[^a-z0-9]+", " ", "g"))


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise ValueError(text) from error


async def search_occupations(
    session: AsyncSession, principal: Principal, *, search: str | None, page: PageRequest
) -> Page[OccupationRecord]:
    """Detailed occupations. ``search`` is either the start of a code (``51-40``, or an
    O*NET-SOC code: listed by code) or words, each the start of a word in the title, a
    BLS direct-match title or an O*NET occupation title, listed best match first: the
    exact title, titles that start with the words, titles that contain them, then
    direct-match titles, then O*NET titles; within each, by full-text rank, then code.
    One statement, the total included."""
    require_reference_read(principal)
    check_page_request(page)
    term = (search or "").strip()
    words = [] if CODE_PREFIX.match(term) else words_of(term)
    if not words:
        return await _occupations_by_code(session, term, page)
    phrase = " ".join(words)
    title = _normalized(Occupation.title)
    by_title = select(
        Occupation.soc_code.label("soc_code"),
        case(
            (title == phrase, EXACT_TITLE),
            (title.startswith(phrase), TITLE_STARTS),
            else_=TITLE_CONTAINS,
        ).label("tier"),
        _rank(Occupation.title, words).label("rank"),
    ).where(matches(Occupation.title, words))
    by_alias = select(
        OccupationAlias.soc_code,
        literal(ALIAS, Integer),
        _rank(OccupationAlias.title, words),
    ).where(matches(OccupationAlias.title, words))
    by_onet = select(
        OnetOccupation.soc_code,
        literal(ONET_TITLE, Integer),
        _rank(OnetOccupation.title, words),
    ).where(matches(OnetOccupation.title, words))
    candidates = union_all(by_title, by_alias, by_onet).subquery("candidates")
    # Each occupation once, by its best way of matching.
    best = (
        select(candidates)
        .ext(distinct_on(candidates.c.soc_code))
        .order_by(candidates.c.soc_code, candidates.c.tier, candidates.c.rank.desc())
        .cte("best")
    )
    key = [best.c.tier, -best.c.rank, Occupation.soc_code]
    statement = occupations_with_groups().add_columns(
        best.c.tier,
        best.c.rank,
        select(func.count()).select_from(best).scalar_subquery().label("total"),
    )
    statement = statement.join(best, best.c.soc_code == Occupation.soc_code)
    condition = after_clause(key, page, [int, _decimal, str])
    if condition is not None:
        statement = statement.where(condition)
    rows = (await session.execute(statement.order_by(*key).limit(page.first + 1))).all()
    total = rows[0].total if rows else await _count(session, best, page)
    ranked = [(record(row[:4]), row.tier, row.rank) for row in rows]
    page_of = build_page(ranked, page, total, lambda item: (item[1], -item[2], item[0].code))
    return Page(
        items=[item[0] for item in page_of.items],
        cursors=page_of.cursors,
        has_next_page=page_of.has_next_page,
        total_count=page_of.total_count,
    )


async def _count(session: AsyncSession, matched: Any, page: PageRequest) -> int:
    """The total when the page came back empty: none on a first page, and a second
    statement only for a cursor past the last match."""
    if page.after is None:
        return 0
    return int(await session.scalar(select(func.count()).select_from(matched)) or 0)


async def _occupations_by_code(
    session: AsyncSession, prefix: str, page: PageRequest
) -> Page[OccupationRecord]:
    statement = occupations_with_groups()
    if prefix:
        statement = statement.where(Occupation.soc_code.startswith(prefix[:7], autoescape=True))
    matched = statement.subquery("matched")
    total = select(func.count()).select_from(matched).scalar_subquery()
    statement = statement.add_columns(total.label("total"))
    condition = after_clause([Occupation.soc_code], page, [str])
    if condition is not None:
        statement = statement.where(condition)
    rows = (
        await session.execute(statement.order_by(Occupation.soc_code).limit(page.first + 1))
    ).all()
    total_count = rows[0].total if rows else await _count(session, matched, page)
    records = [record(row[:4]) for row in rows]
    return build_page(records, page, total_count, lambda item: (item.code,))


async def list_skills(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: SkillKind | None = None,
    search: str | None = None,
    page: PageRequest,
) -> Page[Skill]:
    """Skills by name then ID; ``search`` matches words that start the name's words."""
    require_reference_read(principal)
    statement = select(Skill)
    if kind is not None:
        statement = statement.where(Skill.kind == kind)
    if search and (words := words_of(search)):
        statement = statement.where(matches(Skill.name, words))
    return await fetch_page(session, statement, page, SortKey([Skill.name, Skill.id], [str, str]))
