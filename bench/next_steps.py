"""How fast ``Occupation.nextSteps`` answers over the full O*NET set.

    .venv/bin/python bench/next_steps.py [--programs 200] [--runs 15] [--code 31-9092]

Uses the server of DATABASE_URL (its user must be allowed to create databases and
roles), or an embedded server in a temporary folder when it is unset. Creates its own
database, migrates it as ``coalition db upgrade`` does, loads the full reference data
from ../shared/data (about 900 rated O*NET occupations x 68 elements), and makes a
partnership with a college running ``--programs`` ACTIVE programs that teach random
O*NET skills and knowledge. Then times, against a baseline measured in the same run
(the GraphQL request ``occupation(code) { code title }``: one occupation read over the
same app, token check and transaction):

- ``nextSteps(first: 5)`` over GraphQL with every field (occupations, skills to add,
  programs and the skills they teach), for an occupation asked before, and for one
  never asked in this process (its ranking of every other occupation computed);
- the same service call with the precomputed skill space thrown away before each run
  (``distance.forget``): what every request would cost without the precompute (the
  ratings read and the vectors built each time).

Prints medians and their ratios to the baseline. Drops the database (and the role it
made) at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable

import httpx
from scratch import scratch_database
from sqlalchemy import select

from coalition.app import create_app
from coalition.auth.principal import system_principal
from coalition.auth.scopes import USER_SCOPES
from coalition.auth.tokens import USER_TOKEN_CLIENT_ID, issue_access_token
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import set_tenant, tenant_transaction
from coalition.pathways.next_steps import next_steps
from coalition.skills import distance
from coalition.skills.loader import load_reference
from coalition.skills.models import OccupationSkillRating, OnetOccupation
from coalition.skills.starter import shared_data_dir
from coalition.supply.models import (
    CredentialKind,
    Modality,
    ProgramStatus,
    TrainingProgram,
    TrainingProgramSkill,
)
from coalition.tenancy.models import (
    Membership,
    Organization,
    OrganizationKind,
    Role,
    Tenant,
    User,
)

NEXT_STEPS = """
query($code: String!) {
  occupation(code: $code) {
    nextSteps(first: 5) {
      occupation { code title } similarity score upAndOut
      medianHourlyWage { amountMinor } hourlyWageGain { amountMinor }
      skillsToAdd { skill { id name } required current shortfall }
      programs { program { id name providerName } skills { id } }
    }
  }
}"""
BASELINE = "query($code: String!) { occupation(code: $code) { code title } }"


async def timed(runs: int, work: Callable[[], Awaitable[object]]) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        seconds.append(time.perf_counter() - started)
    return seconds


async def seed(sessions: SessionFactory, programs: int) -> tuple[uuid.UUID, uuid.UUID, list[str]]:
    """The reference data, a tenant with a college and its programs, and a member."""
    folder = shared_data_dir()
    if folder is None:
        raise SystemExit("no ../shared/data: set COALITION_REFERENCE_DIR to the O*NET files")
    tenant_id, college, user_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    rng = random.Random(11)
    async with sessions() as session, session.begin():
        await load_reference(session, folder)
        elements = sorted(set(await session.scalars(select(OccupationSkillRating.skill_id))))
        rated = sorted(
            set(
                await session.scalars(
                    select(OnetOccupation.soc_code).join(
                        OccupationSkillRating,
                        OccupationSkillRating.onet_code == OnetOccupation.onet_code,
                    )
                )
            )
        )
        session.add(
            Tenant(
                id=tenant_id,
                slug=f"bench-{tenant_id.hex[:8]}",
                name="Bench",
                region="Bench",
                settings={"time_zone": "UTC"},
            )
        )
        await session.flush()
        await set_tenant(session, tenant_id)
        session.add(
            Organization(
                tenant_id=tenant_id,
                id=college,
                name="College",
                kind=OrganizationKind.EDUCATION_INSTITUTION,
            )
        )
        session.add(User(tenant_id=tenant_id, id=user_id, email="m@b.example", display_name="m"))
        await session.flush()
        session.add(
            Membership(
                tenant_id=tenant_id,
                id=uuid.uuid4(),
                user_id=user_id,
                organization_id=college,
                role=Role.MEMBER,
            )
        )
        for number in range(programs):
            program_id = uuid.uuid4()
            session.add(
                TrainingProgram(
                    tenant_id=tenant_id,
                    id=program_id,
                    organization_id=college,
                    name=f"Program {number:04d}",
                    cip_code="51.3901",
                    credential_kind=CredentialKind.CERTIFICATE,
                    modality=Modality.HYBRID,
                    status=ProgramStatus.ACTIVE,
                )
            )
            await session.flush()
            session.add_all(
                TrainingProgramSkill(
                    tenant_id=tenant_id,
                    program_id=program_id,
                    skill_id=skill,
                    level=rng.randint(1, 4),
                )
                for skill in rng.sample(elements, 6)
            )
    print(f"seeded {len(rated)} rated occupations x {len(elements)} elements, {programs} programs")
    return tenant_id, user_id, rated


async def measure(
    settings: Settings,
    sessions: SessionFactory,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    rated: list[str],
    args: argparse.Namespace,
) -> None:
    app = create_app(settings, configure_logs=False)
    async with app.router.lifespan_context(app):
        key = await app.state.keys.signer()
        token = issue_access_token(
            key,
            settings,
            tenant_id=tenant_id,
            subject=str(user_id),
            client_id=USER_TOKEN_CLIENT_ID,
            scopes=USER_SCOPES,
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:

            async def ask(query: str, code: str) -> None:
                response = await http.post(
                    "/graphql",
                    json={"query": query, "variables": {"code": code}},
                    headers={"Authorization": f"Bearer {token}"},
                )
                body = response.json()
                assert response.status_code == 200 and "errors" not in body, body

            await ask(BASELINE, args.code)  # warm the connection pool and the key store
            base = await timed(args.runs, lambda: ask(BASELINE, args.code))
            started = time.perf_counter()
            await ask(NEXT_STEPS, args.code)
            cold = time.perf_counter() - started  # the skill space built, once per process
            asked = await timed(args.runs, lambda: ask(NEXT_STEPS, args.code))
            others = iter(code for code in rated if code != args.code)
            fresh = await timed(args.runs, lambda: ask(NEXT_STEPS, next(others)))

    principal = system_principal(tenant_id, "bench")

    async def without_precompute() -> None:
        distance.forget()
        async with tenant_transaction(sessions, tenant_id) as session:
            await next_steps(session, principal, code=args.code, first=5)

    async def precomputed() -> list[object]:
        async with tenant_transaction(sessions, tenant_id) as session:
            return list(await next_steps(session, principal, code=args.code, first=5))

    service = await timed(args.runs, precomputed)
    answer = await precomputed()
    print(
        f"the answer: {len(answer)} steps, "
        f"{sum(len(s.shortfalls) for s in answer)} skills to add, "  # type: ignore[attr-defined]
        f"{sum(len(s.programs) for s in answer)} programs"  # type: ignore[attr-defined]
    )
    unprecomputed = await timed(max(3, args.runs // 3), without_precompute)
    baseline = statistics.median(base)
    for label, seconds in (
        ("baseline occupation(code) { code title }", base),
        ("nextSteps, first request of the process", [cold]),
        ("nextSteps, an occupation asked before", asked),
        ("nextSteps, an occupation not asked before", fresh),
        ("nextSteps service, precomputed", service),
        ("nextSteps service without the precompute", unprecomputed),
    ):
        median = statistics.median(seconds)
        print(
            f"{label:46s} median {median * 1000:8.1f} ms over {len(seconds):2d} runs"
            f" ({median / baseline:6.1f} x baseline)"
        )


async def main(args: argparse.Namespace) -> None:
    async with scratch_database(release_check_seconds=0) as scratch:
        tenant_id, user_id, rated = await seed(scratch.sessions, args.programs)
        await measure(scratch.settings, scratch.sessions, tenant_id, user_id, rated, args)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--programs", type=int, default=200)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--code", default="31-9092", help="the occupation asked about")
    asyncio.run(main(parser.parse_args()))
