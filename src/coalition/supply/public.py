"""The public listing of a partnership's programs: ``GET /public/<slug>/programs.jsonld``.

No login. The partnership is found by its slug in the directory of partnerships (the one
system read, like the OAuth token endpoint's client lookup); everything else is read in
a transaction bound to that tenant (``tenant_transaction``: row-level security applies),
and every statement names the tenant too. Only ACTIVE programs, never DRAFT or
DISCONTINUED ones, never another partnership's. An unknown slug and a partnership that
switched the listing off (the ``public_programs`` setting) answer the same 404, as does
a path no slug could be (``tenancy.provisioning.SLUG``), before any read.

The answer is a JSON-LD ``@graph`` of ``ceterms:LearningProgram`` nodes (``supply.ctdl``),
``application/ld+json``, at most ``PAGE_SIZE`` programs in the order of their IDs; a
``Link: </public/<slug>/programs.jsonld?after=<last ID>>; rel="next"`` header (a relative
reference, never the request's Host) names the next page when there is one.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from coalition.db.engine import SessionFactory
from coalition.db.scoping import in_tenant, scoped
from coalition.db.session import tenant_transaction
from coalition.skills.models import InstructionalProgram, Occupation
from coalition.supply.ctdl import Coded, graph, learning_program
from coalition.supply.models import ProgramStatus, TrainingProgram, TrainingProgramOccupation
from coalition.tenancy.models import Organization, Tenant
from coalition.tenancy.provisioning import SLUG
from coalition.tenancy.reads import public_programs_on

PAGE_SIZE = 200
MEDIA_TYPE = "application/ld+json"


@dataclass(frozen=True)
class PublicPartnership:
    """What a public page says of the partnership: its name, region and time zone."""

    id: uuid.UUID
    name: str
    region: str
    time_zone: str


async def system_public_partnership(session: AsyncSession, slug: str) -> PublicPartnership | None:
    """The partnership with this slug if it lists its programs publicly, else None."""
    row = (
        await session.execute(
            select(Tenant.id, Tenant.name, Tenant.region, Tenant.settings).where(
                Tenant.slug == slug  # scoping: system
            )
        )
    ).first()
    if row is None or not public_programs_on(row.settings or {}):
        return None
    time_zone = str((row.settings or {}).get("time_zone") or "UTC")
    return PublicPartnership(row.id, row.name, row.region, time_zone)


async def system_public_tenant(session: AsyncSession, slug: str) -> uuid.UUID | None:
    """The partnership with this slug if it lists its programs publicly, else None."""
    partnership = await system_public_partnership(session, slug)
    return partnership.id if partnership is not None else None


async def learning_programs(
    session: AsyncSession, tenant_id: uuid.UUID, programs: Sequence[TrainingProgram]
) -> list[dict[str, object]]:
    """``programs`` as ``@graph`` nodes, with their providers, target occupations and CIP
    titles read in three statements."""
    ids = [program.id for program in programs]
    target = TrainingProgramOccupation
    occupations: dict[uuid.UUID, list[Coded]] = {}
    for program_id, code, title in await session.execute(
        select(target.program_id, target.occupation_code, Occupation.title)
        .join(Occupation, Occupation.soc_code == target.occupation_code)
        .where(in_tenant(target, tenant_id), target.program_id.in_(ids))
        .order_by(target.program_id, target.occupation_code)
    ):
        occupations.setdefault(program_id, []).append(Coded(code, title))
    providers = dict(
        (row.id, row.name)
        for row in await session.execute(
            select(Organization.id, Organization.name).where(
                in_tenant(Organization, tenant_id),
                Organization.id.in_({program.organization_id for program in programs}),
            )
        )
    )
    cip_codes = sorted({program.cip_code for program in programs})
    cip_titles = dict(
        (row.cip_code, row.title)
        for row in await session.execute(
            select(InstructionalProgram.cip_code, InstructionalProgram.title).where(
                InstructionalProgram.cip_code.in_(cip_codes)
            )
        )
    )
    return [
        learning_program(
            program,
            provider_name=providers.get(program.organization_id, ""),
            occupations=occupations.get(program.id, []),
            cip_title=cip_titles.get(program.cip_code),
            with_context=False,
        )
        for program in programs
    ]


@dataclass(frozen=True)
class PublicListing:
    """One page of a partnership's public listing: its ``@graph`` nodes, and the ID to
    read the next page after (None on the last page)."""

    partnership: PublicPartnership
    nodes: list[dict[str, object]]
    next_after: uuid.UUID | None


async def public_listing(
    sessions: SessionFactory,
    slug: str,
    *,
    after: uuid.UUID | None = None,
    page_size: int | None = None,
) -> PublicListing | None:
    """The ACTIVE programs of the partnership ``slug`` after ``after`` (by ID), at most
    ``page_size`` (default ``PAGE_SIZE``); None when no partnership has the slug or it
    does not list its programs publicly (the same answer for both). The caller checks
    ``slug`` against ``SLUG``."""
    async with sessions() as session:
        partnership = await system_public_partnership(session, slug)
    if partnership is None:
        return None
    tenant_id = partnership.id
    page_size = page_size or PAGE_SIZE
    async with tenant_transaction(sessions, tenant_id) as session:
        statement = scoped(TrainingProgram, tenant_id).where(
            TrainingProgram.status == ProgramStatus.ACTIVE
        )
        if after is not None:
            statement = statement.where(TrainingProgram.id > after)
        found = list(
            await session.scalars(statement.order_by(TrainingProgram.id).limit(page_size + 1))
        )
        page = found[:page_size]
        nodes = await learning_programs(session, tenant_id, page)
    return PublicListing(partnership, nodes, page[-1].id if len(found) > page_size else None)


def _not_found() -> Response:
    return JSONResponse({"error": "not_found"}, status_code=404)


async def public_programs(request: Request) -> Response:
    """The handler of ``/public/{slug}/programs.jsonld``."""
    slug = str(request.path_params["slug"])
    if not SLUG.match(slug):
        return _not_found()  # no partnership has it (and a NUL would reach the database)
    after_text = request.query_params.get("after")
    after: uuid.UUID | None = None
    if after_text is not None:
        try:
            after = uuid.UUID(after_text)
        except ValueError:
            return JSONResponse({"error": "invalid_request", "field": "after"}, status_code=400)
    found = await public_listing(request.app.state.sessions, slug, after=after)
    if found is None:
        return _not_found()
    headers = {"Cache-Control": "public, max-age=300"}
    if found.next_after is not None:
        # A relative reference (RFC 8288): the page is cacheable, and an absolute URL
        # would repeat whatever Host header the request claimed.
        next_url = request.url.include_query_params(after=str(found.next_after))
        headers["Link"] = f'<{next_url.path}?{next_url.query}>; rel="next"'
    body = json.dumps(graph(found.nodes), ensure_ascii=False, separators=(",", ":"))
    return Response(body, media_type=MEDIA_TYPE, headers=headers)


__all__ = [
    "MEDIA_TYPE",
    "PAGE_SIZE",
    "PublicListing",
    "PublicPartnership",
    "learning_programs",
    "public_listing",
    "public_programs",
    "system_public_partnership",
    "system_public_tenant",
]
