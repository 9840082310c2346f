"""Coalition and PostGraphile 5 side by side on the same database, the same role and the
same row-level security (issue 15, item 3).

    .venv/bin/python bench/side_by_side.py [--seconds 10] [--warmup 3] [--connections 16]

Uses the server of DATABASE_URL (its user must be allowed to create databases and
roles), or an embedded server in a temporary folder when it is unset. Needs ``npm`` (to
install PostGraphile), ``wrk`` (Debian: ``apt-get install -y wrk``) and ``taskset``.

What it does, in order (everything it made is removed at the end, whatever happened:
servers killed by process group, the database and its app role dropped, the npm
folder deleted):

1. A scratch database at head (``bench/scratch.py``), the demo (``seed_demo``) and 9
   partnerships of 1,000 organizations with 5 memberships each (one person each), plus
   an admin (PARTNERSHIP_ADMIN) per partnership; seeded as the owner with one
   ``INSERT ... SELECT generate_series`` per table; then ANALYZE.
2. ``npm install postgraphile@^5`` into a temporary folder (``--npm-dir`` to reuse one),
   and ``node@22`` from the npm registry too when the machine's Node is older than 22
   (PostGraphile 5 needs 22). A ``graphile.config.mjs`` (Amber preset) connects as
   coalition's app role (the non-owner login role ``coalition db upgrade`` makes: no
   BYPASSRLS, the grants of ``coalition.db.roles``) and sets ``app.tenant_id`` from the
   request's ``X-Tenant-Id`` header (pgSettings), so the same RLS policies
   (``tenant_id = current_setting('app.tenant_id')``) bind both servers.
3. Each server runs alone, pinned to core 0 (``taskset -c 0``): ``coalition serve``
   (one worker) and then PostGraphile (``NODE_ENV=production``). wrk runs on core 1
   (PostgreSQL shares core 1 with it) with ``--connections`` connections: a
   ``--warmup`` run then a ``--seconds`` run per shape. Every shape's response is
   checked once before it is loaded (no ``errors``, the expected number of objects).
   Coalition gets a bearer token minted (``coalition token``) afresh per shape.
4. The raw asyncpg limit, for scale: the same result built by one SQL statement per
   shape (``json_build_object`` / ``json_agg``, roughly what the list needs) in the same
   RLS transaction (``BEGIN; SET LOCAL app.tenant_id; SELECT; COMMIT``) on the app role,
   from one Python process pinned to core 0, no HTTP, ``--connections`` at once.
5. RSS of each server's processes after its load (from /proc), and, with ``--growth``,
   Coalition's per-tenant latency at one connection (the list and the count of the first
   bench partnership) before and after the other bench partnerships' organizations,
   people and memberships grow ``--growth`` times (100 makes 8 x 100,000 organizations
   and 8 x 500,000 memberships: minutes of seeding).

The four shapes and their equivalents (PostGraphile's Amber naming, read from its
schema by introspection; composite foreign keys on ``(tenant_id, ...)`` name the
relations):

- list: Coalition ``organizations(first: 50) { edges { node { id name kind city
  memberships(first: 5) { edges { node { id role user { id email } } } } } } }`` (as a
  bench partnership's admin: 50 organizations x 5 memberships) = PostGraphile
  ``allOrganizations(first: 50, orderBy: PRIMARY_KEY_ASC) { nodes { id name kind city
  membershipsByTenantIdAndOrganizationId(first: 5) { nodes { id role
  userByTenantIdAndUserId { id email } } } } }``. PostGraphile 5 offers no ``NAME_ASC``
  (it orders only by indexed columns, and the name's index is on ``lower(name)``), so
  its page is in primary-key order where Coalition's is by name: the same amount of
  work (50 rows off an index, each with 5 memberships), other organizations.
- node: Coalition ``node(id:) { ... on Organization { id name kind city } }`` =
  PostGraphile ``node(id:)`` with the same fragment (each server's own global ID of the
  same organization; PostGraphile 5 calls its global ID ``id`` and the column ``rowId``).
- count: ``organizations(first: 1) { totalCount }`` = ``allOrganizations(first: 1)
  { totalCount }`` (the bench partnership: 1,000 organizations).
- demand: Coalition ``demandSignals(first: 20) { edges { node { id openings status
  occupation { code title } skills { level skill { id name } } } } }`` (as the demo
  partnership's admin) = PostGraphile ``allDemandSignals(first: 20, orderBy:
  CREATED_AT_DESC)
  { nodes { id openings status occupationByOccupationCode { socCode title }
  demandSignalSkillsByTenantIdAndSignalId { nodes { level skillBySkillId { id name } } }
  } }``.

Not identical work: PostGraphile applies only the RLS tenant policy, while Coalition
also applies each type's visibility rules in its services, checks the token and loads
the caller's memberships. So the demand list can differ by a signal: Coalition leaves
out other employers' drafts (``demand.permissions``), PostGraphile and the raw SQL do
not; the objects line of the output shows each side's count of objects per response.
wrk counts only completed requests: a shape slower than ``--seconds`` shows 0 rps. The
ratio columns are Coalition / PostGraphile (rps above 1: Coalition ahead; p50 and p99
below 1: Coalition ahead); C/raw is Coalition's rps over the raw asyncpg limit's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHAPES = ("list", "node", "count", "demand")
ORGANIZATION_KINDS = (
    "EMPLOYER",
    "TRAINING_PROVIDER",
    "EDUCATION_INSTITUTION",
    "COMMUNITY_ORGANIZATION",
    "WORKER_ORGANIZATION",
)

# --- the queries -------------------------------------------------------------------

COALITION_QUERIES = {
    "list": """query { organizations(first: 50) { edges { node { id name kind city
  memberships(first: 5) { edges { node { id role user { id email } } } } } } } }""",
    "node": """query($id: ID!) { node(id: $id) { ... on Organization { id name kind city } } }""",
    "count": """query { organizations(first: 1) { totalCount } }""",
    "demand": """query { demandSignals(first: 20) { edges { node { id openings status
  occupation { code title } skills { level skill { id name } } } } } }""",
}

POSTGRAPHILE_QUERIES = {
    "list": """query { allOrganizations(first: 50, orderBy: %(org_order)s) { nodes { id name kind
  city %(memberships)s(first: 5) { nodes { id role %(user)s { id email } } } } } }""",
    "node": """query($id: ID!) { node(id: $id) { ... on Organization { id name kind city } } }""",
    "count": """query { allOrganizations(first: 1) { totalCount } }""",
    "demand": """query { allDemandSignals(first: 20, orderBy: %(signal_order)s) { nodes { id
  openings status %(occupation)s { socCode title } %(signal_skills)s { nodes { level
  %(skill)s { id name } } } } } }""",
}

# The raw limit: one statement per shape building the same JSON, in the RLS transaction.
RAW_SQL = {
    "list": """
SELECT json_build_object('organizations', json_build_object('edges', coalesce(json_agg(
    json_build_object('node', json_build_object('id', o.id, 'name', o.name, 'kind', o.kind,
        'city', o.city, 'memberships', json_build_object('edges', m.edges)))
    ORDER BY lower(o.name), o.id), '[]'::json)))::text
FROM (SELECT * FROM organizations ORDER BY lower(name), id LIMIT 50) AS o
CROSS JOIN LATERAL (
    SELECT coalesce(json_agg(json_build_object('node', json_build_object('id', mm.id,
        'role', mm.role, 'user', json_build_object('id', u.id, 'email', u.email)))
        ORDER BY mm.id), '[]'::json) AS edges
    FROM (SELECT * FROM memberships AS x WHERE x.tenant_id = o.tenant_id
          AND x.organization_id = o.id ORDER BY x.id LIMIT 5) AS mm
    JOIN users AS u ON u.tenant_id = mm.tenant_id AND u.id = mm.user_id
) AS m""",
    "node": """
SELECT json_build_object('node', json_build_object('id', o.id, 'name', o.name,
    'kind', o.kind, 'city', o.city))::text
FROM organizations AS o WHERE o.id = $1::uuid""",
    "count": """
SELECT json_build_object('organizations', json_build_object('totalCount', count(*)))::text
FROM organizations""",
    "demand": """
SELECT json_build_object('demandSignals', json_build_object('edges', coalesce(json_agg(
    json_build_object('node', json_build_object('id', s.id, 'openings', s.openings,
        'status', s.status, 'occupation', json_build_object('code', oc.soc_code,
        'title', oc.title), 'skills', k.skills)) ORDER BY s.created_at DESC, s.id DESC),
    '[]'::json)))::text
FROM (SELECT * FROM demand_signals ORDER BY created_at DESC, id DESC LIMIT 20) AS s
JOIN occupations AS oc ON oc.soc_code = s.occupation_code
CROSS JOIN LATERAL (
    SELECT coalesce(json_agg(json_build_object('level', d.level, 'skill',
        json_build_object('id', sk.id, 'name', sk.name)) ORDER BY sk.name), '[]'::json)
        AS skills
    FROM demand_signal_skills AS d JOIN skills AS sk ON sk.id = d.skill_id
    WHERE d.tenant_id = s.tenant_id AND d.signal_id = s.id
) AS k""",
}

# --- seeding -----------------------------------------------------------------------

SEED_SQL = (
    """INSERT INTO organizations (tenant_id, id, name, kind, city, region)
SELECT CAST(CAST(:tenant AS text) AS uuid), md5(CAST(:tenant AS text) || '/org/' || g)::uuid,
       'Bench organization ' || lpad(g::text, 7, '0'),
       (CAST(:kinds AS text[]))[1 + g % 5], 'Bench City', 'Bench'
FROM generate_series(CAST(:first AS int), CAST(:last AS int)) AS g""",
    """INSERT INTO users (tenant_id, id, email, display_name)
SELECT CAST(CAST(:tenant AS text) AS uuid), md5(CAST(:tenant AS text) || '/user/' || g)::uuid,
       'person' || g || '@' || CAST(:slug AS text) || '.example', 'Person ' || g
FROM generate_series(CAST(:first AS int) * 5 - 4, CAST(:last AS int) * 5) AS g""",
    """INSERT INTO memberships (tenant_id, id, user_id, organization_id, role)
SELECT CAST(CAST(:tenant AS text) AS uuid),
       md5(CAST(:tenant AS text) || '/membership/' || g)::uuid,
       md5(CAST(:tenant AS text) || '/user/' || g)::uuid,
       md5(CAST(:tenant AS text) || '/org/' || ((g + 4) / 5))::uuid,
       'MEMBER'
FROM generate_series(CAST(:first AS int) * 5 - 4, CAST(:last AS int) * 5) AS g""",
)


@dataclass(frozen=True)
class Partnership:
    tenant_id: uuid.UUID
    slug: str
    admin_email: str


async def seed_bench_partnership(sessions: Any, number: int, organizations: int) -> Partnership:
    from sqlalchemy import text

    from coalition.db.session import tenant_transaction
    from coalition.tenancy.models import Membership, Role, Tenant, User

    tenant_id = uuid.uuid4()
    slug = f"bench-{number}"
    async with sessions() as session, session.begin():
        session.add(
            Tenant(id=tenant_id, slug=slug, name=f"Bench {number}", region="Bench", settings={})
        )
    await grow_partnership(sessions, tenant_id, slug, 1, organizations)
    admin = f"admin@{slug}.example"
    async with tenant_transaction(sessions, tenant_id) as session:
        user = User(tenant_id=tenant_id, id=uuid.uuid4(), email=admin, display_name="Admin")
        session.add(user)
        await session.flush()
        first = await session.scalar(
            # The owner may be a superuser, whom RLS does not bind: filter by hand.
            text(
                "SELECT id FROM organizations WHERE tenant_id = :tenant "
                "ORDER BY lower(name), id LIMIT 1"
            ),
            {"tenant": tenant_id},
        )
        session.add(
            Membership(
                tenant_id=tenant_id,
                id=uuid.uuid4(),
                user_id=user.id,
                organization_id=first,
                role=Role.PARTNERSHIP_ADMIN,
            )
        )
    return Partnership(tenant_id, slug, admin)


async def grow_partnership(
    sessions: Any, tenant_id: uuid.UUID, slug: str, first: int, last: int
) -> None:
    """Organizations ``first..last`` of a bench partnership, 5 memberships each."""
    from sqlalchemy import text

    from coalition.db.session import tenant_transaction

    params = {
        "tenant": str(tenant_id),
        "slug": slug,
        "kinds": list(ORGANIZATION_KINDS),
        "first": first,
        "last": last,
    }
    async with tenant_transaction(sessions, tenant_id) as session:
        for statement in SEED_SQL:
            await session.execute(text(statement), params)


async def analyze(sessions: Any) -> None:
    from sqlalchemy import text

    async with sessions() as session, session.begin():
        for table in ("organizations", "users", "memberships", "demand_signals"):
            await session.execute(text(f"ANALYZE {table}"))


# --- processes ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(command: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> Iterator[int]:
    """Run ``command`` in its own process group; kill the whole group on the way out."""
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command,
            env=env,
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process.pid
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=15)


def post(url: str, query: str, variables: dict[str, Any], headers: dict[str, str]) -> Any:
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback
        url, data=body, headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return json.loads(response.read())
    except urllib.error.HTTPError as refused:  # a GraphQL error may come with a 4xx
        text = refused.read()
        try:
            return json.loads(text)
        except ValueError:
            raise RuntimeError(f"HTTP {refused.code}: {text[:500]!r}") from refused


def wait_ready(url: str, headers: dict[str, str], log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            post(url, "{ __typename }", {}, headers)
            return
        except (urllib.error.URLError, ConnectionError, OSError, ValueError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {seconds} s; its log:\n{log.read_text()[-3000:]}")


def rss_mib(pid: int) -> list[tuple[float, float]]:
    """RSS now and at its peak (VmHWM) of ``pid`` and its descendants (MiB each), from
    /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    sizes, queue = [], [pid]
    while queue:
        current = queue.pop()
        queue.extend(children.get(current, []))
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        peak = re.search(r"VmHWM:\s+(\d+) kB", status)
        name = re.search(r"Name:\s+(\S+)", status)
        if found and peak and name and name.group(1) not in ("taskset", "sh"):
            sizes.append((int(found.group(1)) / 1024, int(peak.group(1)) / 1024))
    return sizes


# --- wrk ---------------------------------------------------------------------------


@dataclass
class Load:
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    requests: int = 0
    errors: str = ""
    note: str = ""


LUA = """wrk.method = "POST"
wrk.body = [==[%s]==]
%s
"""

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(
    url: str,
    body: dict[str, Any],
    headers: dict[str, str],
    *,
    seconds: float,
    connections: int,
    folder: Path,
) -> Load:
    script = folder / "body.lua"
    header_lines = "\n".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}"
        for k, v in {"Content-Type": "application/json", **headers}.items()
    )
    script.write_text(LUA % (json.dumps(body), header_lines))
    command = [
        "taskset",
        "-c",
        "1",
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "60s",
        "-s",
        str(script),
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    out = done.stdout
    load = Load()
    if found := re.search(r"Requests/sec:\s+([\d.]+)", out):
        load.rps = float(found.group(1))
    for percentile, attribute in (("50", "p50_ms"), ("99", "p99_ms")):
        if found := re.search(rf"^\s+{percentile}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M):
            setattr(load, attribute, float(found.group(1)) * UNITS[found.group(2)])
    problems = re.findall(r"(Non-2xx or 3xx responses: \d+|Socket errors: [^\n]+)", out)
    if found := re.search(r"(\d+) requests in", out):
        load.requests = int(found.group(1))
    if load.requests < 20:
        problems.append(f"only {load.requests} requests completed: raise --seconds")
    load.errors = "; ".join(problems)
    return load


# --- the raw asyncpg limit ---------------------------------------------------------


async def raw_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """Run in a child pinned to core 0: each shape's SQL in the RLS transaction."""
    import asyncpg

    pool = await asyncpg.create_pool(
        spec["dsn"], min_size=spec["connections"], max_size=spec["connections"]
    )
    results: dict[str, Any] = {}
    try:
        for shape in SHAPES:
            tenant, args = spec["tenants"][shape], spec["args"].get(shape, [])
            statement = RAW_SQL[shape]
            setting = f"SET LOCAL app.tenant_id = '{uuid.UUID(tenant)}'"

            async def once(
                statement: str = statement, setting: str = setting, args: list[Any] = args
            ) -> str:
                async with pool.acquire() as connection, connection.transaction():
                    await connection.execute(setting)
                    return str(await connection.fetchval(statement, *args))

            sample = json.loads(await once())
            latencies: list[float] = []

            async def loop(until: float, record: bool, latencies: list[float] = latencies) -> None:
                while time.perf_counter() < until:
                    started = time.perf_counter()
                    await once()
                    if record:
                        latencies.append(time.perf_counter() - started)

            for seconds, record in ((spec["warmup"], False), (spec["seconds"], True)):
                until = time.perf_counter() + seconds
                await asyncio.gather(*(loop(until, record) for _ in range(spec["connections"])))
            ordered = sorted(latencies)
            results[shape] = {
                "rps": len(ordered) / spec["seconds"],
                "p50_ms": ordered[len(ordered) // 2] * 1000,
                "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
                "objects": count_objects(sample),
            }
    finally:
        await pool.close()
    return results


def raw_limit(spec: dict[str, Any], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``raw_worker`` in a child on core 0, as the servers run."""
    command = ["taskset", "-c", "0", sys.executable, __file__, "--raw-worker", json.dumps(spec)]
    return subprocess.run(command, capture_output=True, text=True, check=False, env=env)  # noqa: S603


def count_objects(value: Any) -> int:
    """Objects with an ``id`` or ``totalCount`` in a response: a check both servers answer
    the same amount."""
    if isinstance(value, dict):
        own = 1 if ("id" in value or "totalCount" in value) else 0
        return own + sum(count_objects(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_objects(v) for v in value)
    return 0


# --- PostGraphile ------------------------------------------------------------------

CONFIG = """import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

export default {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.BENCH_APP_DATABASE_URL,
      schemas: ["public"],
      poolConfig: { max: %(pool)d },
      // The same RLS as Coalition: the tenant of the request, as a transaction-local
      // setting (PostGraphile wraps the request in a transaction to set it).
      pgSettings(requestContext) {
        const req = requestContext.node?.req;
        const tenant = req?.headers["x-tenant-id"];
        return { "app.tenant_id": typeof tenant === "string" ? tenant : "" };
      },
    }),
  ],
  grafserv: { host: "127.0.0.1", port: %(port)d, graphiql: false, graphqlPath: "/graphql" },
  grafast: { explain: false },
};
"""


def node_major(node: str) -> int:
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)  # noqa: S603
    except (OSError, subprocess.CalledProcessError):
        return 0
    return int(out.stdout.strip().lstrip("v").split(".")[0])


def install_postgraphile(folder: Path) -> tuple[str, Path]:
    """``npm install`` PostGraphile 5 (and Node 22 if needed) into ``folder``; the node
    binary and PostGraphile's CLI script."""
    folder.mkdir(parents=True, exist_ok=True)
    package = folder / "package.json"
    if not package.exists():
        package.write_text(json.dumps({"private": True, "type": "module"}))
    system_node = shutil.which("node") or ""
    wanted = ["postgraphile@^5"]
    if node_major(system_node) < 22:
        wanted.append("node@22")
    cli = folder / "node_modules/postgraphile/dist/cli-run.js"
    local_node = folder / "node_modules/node/bin/node"
    if not cli.exists() or ("node@22" in wanted and not local_node.exists()):
        started = time.monotonic()
        subprocess.run(  # noqa: S603
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", *wanted],  # noqa: S607
            cwd=folder,
            check=True,
        )
        print(f"npm install {' '.join(wanted)}: {time.monotonic() - started:.0f} s", flush=True)
    node = str(local_node) if "node@22" in wanted else system_node
    if node_major(node) < 22:
        raise RuntimeError(f"PostGraphile 5 needs Node 22; {node} is older")
    return node, cli


def postgraphile_names(url: str, headers: dict[str, str]) -> dict[str, str]:
    """The relation and orderBy names PostGraphile chose, read by introspection."""
    introspection = post(
        url,
        """{ __schema { types { name fields { name args { name type { name ofType {
        name ofType { name ofType { name } } } } } } enumValues { name } } } }""",
        {},
        headers,
    )
    types = {t["name"]: t for t in data(introspection)["__schema"]["types"]}

    def field_named(type_name: str, *candidates: str) -> str:
        names = [f["name"] for f in types[type_name]["fields"] or []]
        for candidate in candidates:
            if candidate in names:
                return candidate
        raise RuntimeError(f"{type_name} has none of {candidates}: {names}")

    def order(enum: str, *candidates: str) -> str:
        values = [v["name"] for v in types[enum]["enumValues"] or []]
        for candidate in candidates:
            if candidate in values:
                return candidate
        raise RuntimeError(f"{enum} has none of {candidates}: {values}")

    return {
        "memberships": field_named(
            "Organization",
            "membershipsByTenantIdAndOrganizationId",
            "membershipsByOrganizationId",
            "memberships",
        ),
        "user": field_named("Membership", "userByTenantIdAndUserId", "userByUserId", "user"),
        "occupation": field_named(
            "DemandSignal", "occupationByOccupationCode", "occupation", "occupationBySocCode"
        ),
        "signal_skills": field_named(
            "DemandSignal",
            "demandSignalSkillsByTenantIdAndSignalId",
            "demandSignalSkillsBySignalId",
            "demandSignalSkills",
        ),
        "skill": field_named("DemandSignalSkill", "skillBySkillId", "skill"),
        "org_order": order("OrganizationOrderBy", "NAME_ASC", "PRIMARY_KEY_ASC", "NATURAL"),
        "signal_order": order(
            "DemandSignalOrderBy", "CREATED_AT_DESC", "PRIMARY_KEY_DESC", "NATURAL"
        ),
    }


# --- the run -----------------------------------------------------------------------


@dataclass
class Side:
    loads: dict[str, Load] = field(default_factory=dict)
    rss: list[tuple[float, float]] = field(default_factory=list)
    objects: dict[str, int] = field(default_factory=dict)


def data(answer: Any) -> Any:
    if not isinstance(answer, dict) or answer.get("errors") or not answer.get("data"):
        raise RuntimeError(f"GraphQL answered: {json.dumps(answer)[:1500]}")
    return answer["data"]


def check(shape: str, side: str, answer: Any) -> int:
    if answer.get("errors") or not answer.get("data"):
        raise RuntimeError(f"{side} failed {shape}: {json.dumps(answer)[:1500]}")
    return count_objects(answer["data"])


def load_side(
    name: str,
    url: str,
    bodies: dict[str, dict[str, Any]],
    headers_for: Any,
    args: argparse.Namespace,
    folder: Path,
    pid: int,
) -> Side:
    side = Side()
    for shape in SHAPES:
        headers = headers_for(shape)
        try:
            side.objects[shape] = check(shape, name, post(url, **bodies[shape], headers=headers))
        except (RuntimeError, urllib.error.HTTPError) as failure:
            side.loads[shape] = Load(note=f"failed: {str(failure)[:300]}")
            print(f"{name} {shape}: {side.loads[shape].note}", flush=True)
            continue
        body = {"query": bodies[shape]["query"], "variables": bodies[shape]["variables"]}
        common = {"connections": args.connections, "folder": folder}
        if args.warmup > 0:
            wrk(url, body, headers, seconds=args.warmup, **common)
            # wrk leaves its last requests in flight; the server still works them off.
            # One request after them waits until they are done, so the run starts level.
            post(url, **bodies[shape], headers=headers)
        side.loads[shape] = load = wrk(url, body, headers, seconds=args.seconds, **common)
        print(
            f"{name:<12} {shape:<7} {load.rps:9.1f} rps  p50 {load.p50_ms:8.2f} ms  "
            f"p99 {load.p99_ms:8.2f} ms  {load.requests} requests, "
            f"{side.objects[shape]} objects {load.errors}",
            flush=True,
        )
    side.rss = rss_mib(pid)
    return side


def coalition_token(env: dict[str, str], coalition: str, tenant: str, email: str) -> str:
    done = subprocess.run(  # noqa: S603
        [coalition, "token", "--tenant", tenant, "--email", email],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if a and b else "-"


def report(
    coalition: Side, postgraphile: Side, raw: dict[str, Any], args: argparse.Namespace
) -> None:
    print()
    print(
        f"{args.connections} connections, {args.seconds:g} s per shape after {args.warmup:g} s; "
        "servers on core 0, wrk and PostgreSQL on core 1"
    )
    head = (
        f"{'shape':<7} | {'Coalition rps':>13} {'p50 ms':>8} {'p99 ms':>8} | "
        f"{'PostGraphile rps':>16} {'p50 ms':>8} {'p99 ms':>8} | "
        f"{'rps ratio':>9} {'p50 ratio':>9} {'p99 ratio':>9} | "
        f"{'raw rps':>8} {'p50 ms':>7} {'C/raw':>6}"
    )
    print(head)
    print("-" * len(head))
    for shape in SHAPES:
        c, p = coalition.loads.get(shape, Load()), postgraphile.loads.get(shape, Load())
        r = raw.get(shape, {"rps": 0.0, "p50_ms": 0.0})
        print(
            f"{shape:<7} | {c.rps:13.1f} {c.p50_ms:8.2f} {c.p99_ms:8.2f} | "
            f"{p.rps:16.1f} {p.p50_ms:8.2f} {p.p99_ms:8.2f} | "
            f"{ratio(c.rps, p.rps):>9} {ratio(c.p50_ms, p.p50_ms):>9} "
            f"{ratio(c.p99_ms, p.p99_ms):>9} | {r['rps']:8.1f} {r['p50_ms']:7.2f} "
            f"{ratio(c.rps, r['rps']):>6}"
        )
    print()
    print("objects per response (Coalition / PostGraphile / raw SQL):")
    for shape in SHAPES:
        print(
            f"  {shape:<7} {coalition.objects.get(shape, '-')} / "
            f"{postgraphile.objects.get(shape, '-')} / {raw.get(shape, {}).get('objects', '-')}"
        )
    for name, side in (("Coalition", coalition), ("PostGraphile", postgraphile)):
        notes = [f"{s}: {side.loads[s].note}" for s in SHAPES if side.loads[s].note]
        notes += [f"{s}: {side.loads[s].errors}" for s in SHAPES if side.loads[s].errors]
        sizes = ", ".join(f"{now:.0f} (peak {peak:.0f})" for now, peak in side.rss)
        print(f"RSS after load, {name} (MiB per process): {sizes}")
        for note in notes:
            print(f"  {name} {note}")


def one_at_a_time(
    url: str, body: dict[str, Any], headers: dict[str, str], folder: Path, args: argparse.Namespace
) -> Load:
    """A shape's latency at one connection (after a warm-up)."""
    if args.warmup > 0:
        wrk(url, body, headers, seconds=args.warmup, connections=1, folder=folder)
    return wrk(url, body, headers, seconds=args.seconds, connections=1, folder=folder)


async def run(args: argparse.Namespace) -> None:
    from scratch import dsn, scratch_database

    from coalition.db.urls import app_url
    from coalition.demo import demo_tenant_id, seed_demo

    coalition_bin = str(Path(sys.executable).parent / "coalition")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="coalition-side-by-side-") as temporary:
        folder = Path(temporary)
        async with scratch_database(release_check_seconds=0) as scratch:
            await seed_demo(scratch.sessions)
            partnerships = [
                await seed_bench_partnership(scratch.sessions, n + 1, args.organizations)
                for n in range(args.partnerships)
            ]
            await analyze(scratch.sessions)
            print(f"seeded: {time.monotonic() - started:.0f} s", flush=True)
            bench, demo_slug = partnerships[0], "lakeshore-manufacturing"
            demo_id = demo_tenant_id(demo_slug)
            tenant_of = {"list": bench, "node": bench, "count": bench}
            app = app_url(scratch.settings)
            env = {
                **os.environ,
                "DATABASE_URL": dsn(scratch.database),
                "COALITION_DATA_DIR": str(scratch.settings.data_dir),
                "COALITION_APP_ROLE": scratch.settings.app_role,
                "COALITION_RELEASE_CHECK_SECONDS": "0",
                "BENCH_APP_DATABASE_URL": dsn(app),
            }
            node, cli = install_postgraphile(args.npm_dir or folder / "npm")

            # Coalition.
            port = free_port()
            url = f"http://127.0.0.1:{port}/graphql"

            def token_for(shape: str) -> dict[str, str]:
                p = tenant_of.get(shape)
                slug, email = (
                    (p.slug, p.admin_email) if p else (demo_slug, f"admin@{demo_slug}.example")
                )
                return {
                    "Authorization": f"Bearer {coalition_token(env, coalition_bin, slug, email)}"
                }

            log = folder / "coalition.log"
            serve = ["taskset", "-c", "0", coalition_bin, "serve", "--port", str(port)]
            with server(serve, env=env, cwd=HERE.parent, log=log) as pid:
                wait_ready(url, token_for("list"), log)
                first = post(
                    url,
                    "{ organizations(first: 1) { edges { node { id } } } }",
                    {},
                    token_for("node"),
                )
                coalition_node = data(first)["organizations"]["edges"][0]["node"]["id"]
                bodies = {s: {"query": q, "variables": {}} for s, q in COALITION_QUERIES.items()}
                bodies["node"]["variables"] = {"id": coalition_node}
                coalition = load_side("Coalition", url, bodies, token_for, args, folder, pid)

            # PostGraphile.
            port = free_port()
            url = f"http://127.0.0.1:{port}/graphql"
            config = folder / "graphile.config.mjs"
            config.write_text(CONFIG % {"port": port, "pool": 10})
            npm_folder = args.npm_dir or folder / "npm"
            # The config imports "postgraphile": resolve it from the npm folder.
            (npm_folder / "graphile.config.mjs").write_text(config.read_text())
            log = folder / "postgraphile.log"
            run_pgl = ["taskset", "-c", "0", node, str(cli), "-C", "graphile.config.mjs"]
            pg_env = {**env, "NODE_ENV": "production"}

            def tenant_header(shape: str) -> dict[str, str]:
                p = tenant_of.get(shape)
                return {"X-Tenant-Id": str(p.tenant_id if p else demo_id)}

            with server(run_pgl, env=pg_env, cwd=npm_folder, log=log) as pid:
                wait_ready(url, tenant_header("list"), log)
                names = postgraphile_names(url, tenant_header("list"))
                print(f"PostGraphile's names: {json.dumps(names)}", flush=True)
                order = names["org_order"]
                first = post(
                    url,
                    f"{{ allOrganizations(first: 1, orderBy: {order}) "
                    "{ nodes { id rowId } } }",
                    {},
                    tenant_header("node"),
                )
                node_row = data(first)["allOrganizations"]["nodes"][0]
                bodies = {
                    s: {"query": q % names if "%(" in q else q, "variables": {}}
                    for s, q in POSTGRAPHILE_QUERIES.items()
                }
                bodies["node"]["variables"] = {"id": node_row["id"]}
                postgraphile = load_side(
                    "PostGraphile", url, bodies, tenant_header, args, folder, pid
                )

            # The raw asyncpg limit.
            spec = {
                "dsn": dsn(app),
                "connections": args.connections,
                "seconds": args.seconds,
                "warmup": args.warmup,
                "tenants": {
                    s: str(tenant_of[s].tenant_id if s in tenant_of else demo_id) for s in SHAPES
                },
                "args": {"node": [node_row["rowId"]]},
            }
            done = raw_limit(spec, env)
            if done.returncode != 0:
                raise RuntimeError(f"the raw asyncpg worker failed:\n{done.stderr[-3000:]}")
            raw = json.loads(done.stdout.strip().splitlines()[-1])
            report(coalition, postgraphile, raw, args)

            # Last, as it changes the database: the other partnerships grow.
            if args.growth > 1:
                port = free_port()
                url = f"http://127.0.0.1:{port}/graphql"
                serve = ["taskset", "-c", "0", coalition_bin, "serve", "--port", str(port)]
                log = folder / "coalition-growth.log"
                with server(serve, env=env, cwd=HERE.parent, log=log):
                    wait_ready(url, token_for("list"), log)
                    print(
                        await grow_and_measure(args, scratch, partnerships, url, token_for, folder)
                    )
    print(f"\none run took {time.monotonic() - started:.0f} s (seeding, npm, both servers, raw)")


async def grow_and_measure(
    args: argparse.Namespace,
    scratch: Any,
    partnerships: list[Partnership],
    url: str,
    token_for: Any,
    folder: Path,
) -> str:
    """Coalition's p50 at one connection for the demo partnership before and after every
    other bench partnership grows ``--growth`` times."""
    bodies = {
        "list": {"query": COALITION_QUERIES["list"], "variables": {}},
        "count": {"query": COALITION_QUERIES["count"], "variables": {}},
    }
    subject = partnerships[0]
    before = {s: one_at_a_time(url, b, token_for(s), folder, args) for s, b in bodies.items()}
    started = time.monotonic()
    for p in partnerships[1:]:
        await grow_partnership(
            scratch.sessions,
            p.tenant_id,
            p.slug,
            args.organizations + 1,
            args.organizations * args.growth,
        )
    await analyze(scratch.sessions)
    grown = time.monotonic() - started
    after = {s: one_at_a_time(url, b, token_for(s), folder, args) for s, b in bodies.items()}
    lines = [
        f"\nper-tenant latency ({subject.slug}, 1 connection) when the other "
        f"{len(partnerships) - 1} partnerships grow {args.growth}x (grown in {grown:.0f} s):"
    ]
    for shape in bodies:
        b, a = before[shape], after[shape]
        lines.append(
            f"  {shape:<6} p50 {b.p50_ms:.2f} -> {a.p50_ms:.2f} ms ({ratio(a.p50_ms, b.p50_ms)}x), "
            f"p99 {b.p99_ms:.2f} -> {a.p99_ms:.2f} ms"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10, help="load per shape (default 10)")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up per shape (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--partnerships", type=int, default=9, help="bench partnerships (9)")
    parser.add_argument("--organizations", type=int, default=1000, help="organizations each (1000)")
    parser.add_argument(
        "--growth",
        type=int,
        default=0,
        help="also measure Coalition's per-tenant latency when the other partnerships "
        "grow this many times (e.g. 100; slow: off by default)",
    )
    parser.add_argument(
        "--npm-dir",
        type=Path,
        default=None,
        help="install PostGraphile here and keep it (default: a temporary folder)",
    )
    parser.add_argument("--raw-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw_worker:
        print(json.dumps(asyncio.run(raw_worker(json.loads(args.raw_worker)))))
        return
    for tool in ("wrk", "taskset", "npm"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is missing (Debian: apt-get install -y wrk util-linux npm)")
    if args.npm_dir is not None:
        args.npm_dir = args.npm_dir.resolve()
    # SIGTERM unwinds like Ctrl-C: the servers are killed and the database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
