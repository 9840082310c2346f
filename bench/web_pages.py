"""How fast each page of the web app renders on the demo, and how much its first load
transfers.

    .venv/bin/python bench/web_pages.py [--runs 30]

Uses the server of DATABASE_URL (its user must be allowed to create databases and
roles), or an embedded server in a temporary folder when it is unset. Creates its own
database, migrates it, seeds the demo (``coalition demo``), and starts the app in this
process (its lifespan, engine and pool as ``coalition serve`` has them).

For each demo person of the Lakeshore partnership it signs in through the development
sign-in page, then walks the site from the home page: every link of the same site, two
clicks deep (downloads, feeds and sign-out left out), once per person. Each page found
is requested ``--runs`` times through the ASGI app (no network: the time is the server's
render, GraphQL and database included); it prints the median and the 99th percentile
per page and person, their ratio to a baseline measured in the same run (``/healthz``,
the floor of a request through the same middleware), and the bytes of a first load
(the HTML plus the stylesheet and script it links). Targets (issue 14): median under
100 ms and first load under 200 KB, each printed as PASS or FAIL.

Drops the database (and the role it made) at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from scratch import scratch_database
from sqlalchemy import select

from coalition.app import create_app
from coalition.db.scoping import in_tenant
from coalition.db.session import tenant_transaction
from coalition.demo import seed_demo
from coalition.tenancy.models import Tenant, User

SLUG = "lakeshore-manufacturing"
PEOPLE = [
    "admin",
    "analyst",
    "employer-admin",
    "employer-member",
    "college-admin",
    "funder",
    "union-admin",
    "community-admin",
    "training-admin",
]
LINK = re.compile(r'href="(/[^"#]*)"')
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
SKIP = re.compile(r"\.(csv|xlsx|ics|json|jsonld)(\?|$)|^/static/|^/signout|^/signin|^/graphql")
TARGET_MS = 100.0
TARGET_BYTES = 200 * 1024


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000


async def _timed(call: Callable[[], Awaitable[httpx.Response]], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = await call()
        samples.append(time.perf_counter() - started)
        if response.status_code >= 500:
            raise SystemExit(f"{response.request.url} answered {response.status_code}")
    return samples


async def _sign_in(client: httpx.AsyncClient, tenant_id: str, user_id: str) -> None:
    page = await client.get(f"/signin?partnership={SLUG}")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    response = await client.post(
        "/signin/demo",
        data={"csrf": token.group(1), "tenant": tenant_id, "person": user_id, "next": "/"},
    )
    assert response.status_code == 303, response.text


async def _walk(client: httpx.AsyncClient, depth: int = 2) -> list[str]:
    found, frontier = ["/"], ["/"]
    for _ in range(depth):
        following = []
        for path in frontier:
            response = await client.get(path)
            if response.status_code != 200:
                continue
            for link in LINK.findall(response.text):
                link = link.replace("&amp;", "&")
                if SKIP.search(link) or link in found or "after=" in link:
                    continue
                found.append(link)
                following.append(link)
        frontier = following
    return found


async def _first_load(client: httpx.AsyncClient, path: str) -> tuple[int, int]:
    response = await client.get(path)
    total = len(response.content)
    for asset in sorted(set(ASSET.findall(response.text))):
        total += len((await client.get(asset)).content)
    return response.status_code, total


async def main(args: argparse.Namespace) -> int:
    async with scratch_database(release_check_seconds=0) as scratch:
        await seed_demo(scratch.sessions)
        async with scratch.sessions() as session:
            tenant_id = await session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        assert tenant_id is not None
        app = create_app(scratch.settings, configure_logs=False)
        failures = 0
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://127.0.0.1:8000"
            ) as anonymous:
                floor = _ms(await _timed(lambda: anonymous.get("/healthz"), args.runs))
            print(f"baseline /healthz: median {floor[0]:.2f} ms, p99 {floor[1]:.2f} ms")
            print(
                f"{'person':<16} {'page':<44} {'status':>6} {'median':>9} {'p99':>9} "
                f"{'x floor':>8} {'first load':>11}  verdict"
            )
            for person in PEOPLE:
                async with tenant_transaction(scratch.sessions, tenant_id) as session:
                    user_id = await session.scalar(
                        select(User.id).where(
                            in_tenant(User, tenant_id), User.email == f"{person}@{SLUG}.example"
                        )
                    )
                async with httpx.AsyncClient(
                    transport=transport, base_url="http://127.0.0.1:8000"
                ) as client:
                    await _sign_in(client, str(tenant_id), str(user_id))
                    for path in await _walk(client):
                        status, size = await _first_load(client, path)
                        median, p99 = _ms(
                            await _timed(lambda path=path: client.get(path), args.runs)
                        )
                        ok = status in (200, 403) and median < TARGET_MS and size < TARGET_BYTES
                        failures += not ok
                        print(
                            f"{person:<16} {path[:44]:<44} {status:>6} {median:>7.1f}ms "
                            f"{p99:>7.1f}ms {median / floor[0]:>7.1f}x {size / 1024:>8.1f} KB"
                            f"  {'PASS' if ok else 'FAIL'}"
                        )
        print(
            f"{'all pages PASS' if not failures else f'{failures} page(s) FAIL'}"
            f" (median < {TARGET_MS:.0f} ms, first load < {TARGET_BYTES // 1024} KB)"
        )
        return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="requests per page (default 30)")
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(asyncio.run(main(parser.parse_args())))
