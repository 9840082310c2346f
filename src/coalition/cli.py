"""The ``coalition`` command line. Admin commands connect as the owner (DATABASE_URL)."""

from __future__ import annotations

import asyncio
import getpass
import json
import re
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from coalition.config import Settings, get_settings

T = TypeVar("T")

app = typer.Typer(
    help="Coalition: the platform of a regional workforce partnership.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database migrations (as the owner).", no_args_is_help=True)
tenant_app = typer.Typer(help="Partnerships (tenants).", no_args_is_help=True)
client_app = typer.Typer(help="Partner apps' OAuth2 clients.", no_args_is_help=True)
keys_app = typer.Typer(help="Token signing keys.", no_args_is_help=True)
schema_app = typer.Typer(help="The GraphQL schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(tenant_app, name="tenant")
app.add_typer(client_app, name="client")
app.add_typer(keys_app, name="keys")
app.add_typer(schema_app, name="schema")


def _add_domain_commands() -> None:
    from coalition.demand.cli import import_app
    from coalition.funds.cli import export_app
    from coalition.skills.cli import reference_app

    app.add_typer(reference_app, name="reference")
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export")


_add_domain_commands()


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


def _owner_engine(settings: Settings) -> AsyncEngine:
    from coalition.db.urls import owner_url

    return create_async_engine(owner_url(settings))


def _with_owner(settings: Settings, work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    async def main() -> T:
        engine = _owner_engine(settings)
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


async def _tenant_id(engine: AsyncEngine, slug: str):  # type: ignore[no-untyped-def]
    from coalition.db.engine import create_session_factory
    from coalition.tenancy.models import Tenant

    async with create_session_factory(engine)() as session:
        tenant_id = await session.scalar(select(Tenant.id).where(Tenant.slug == slug))
    if tenant_id is None:
        raise _fail(f"no partnership with slug {slug!r}")
    return tenant_id


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the API (and GraphiQL in development) as the app's login role."""
    import uvicorn

    settings = get_settings()
    from coalition.db.urls import app_url

    app_url(settings)  # fail early, with a clear message, if the app role is not set up
    typer.echo(f"Coalition on http://{host}:{port}/graphql ({settings.env.value})", err=True)
    uvicorn.run(
        "coalition.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        proxy_headers=True,
    )


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply migrations, create or update the app's login role, ensure a signing key."""
    from coalition.db.migrate import upgrade
    from coalition.db.urls import owner_url

    settings = get_settings()
    asyncio.run(upgrade(settings, owner_url(settings), revision))
    typer.echo(f"database at {revision}; app role ready", err=True)


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. base.")],
) -> None:
    """Revert migrations down to REV."""
    from coalition.db.migrate import run_alembic
    from coalition.db.urls import owner_url

    asyncio.run(run_alembic(owner_url(get_settings()), "downgrade", revision))


@db_app.command("current")
def db_current() -> None:
    """Print the database's current revision."""
    from coalition.db.migrate import run_alembic
    from coalition.db.urls import owner_url

    asyncio.run(run_alembic(owner_url(get_settings()), "current"))


@app.command()
def demo() -> None:
    """Seed the two demo partnerships (idempotent)."""
    from coalition.db.engine import create_session_factory
    from coalition.demo import seed_demo

    slugs = _with_owner(get_settings(), lambda e: seed_demo(create_session_factory(e)))
    typer.echo("demo partnerships: " + ", ".join(slugs), err=True)


_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


@tenant_app.command("create")
def tenant_create(
    slug: Annotated[str, typer.Option(help="Short unique name: lowercase, digits, dashes.")],
    name: Annotated[str, typer.Option(help="The partnership's name.")],
    region: Annotated[str, typer.Option(help="The region it serves.")],
    time_zone: Annotated[str, typer.Option(help="IANA time zone.")] = "UTC",
) -> None:
    """Create a partnership; prints its ID."""
    from sqlalchemy.dialects.postgresql import insert

    from coalition.db.engine import create_session_factory
    from coalition.tenancy.models import Tenant
    from coalition.tenancy.validation import is_time_zone

    if not _SLUG.match(slug):
        raise _fail("slug must be 1-63 lowercase letters, digits or dashes")
    if not name.strip() or len(name) > 200 or not region.strip() or len(region) > 200:
        raise _fail("name and region must be 1-200 characters")
    if not is_time_zone(time_zone):
        raise _fail(f"unknown time zone {time_zone!r}")

    async def work(engine: AsyncEngine) -> object:
        async with create_session_factory(engine)() as session, session.begin():
            return await session.scalar(
                insert(Tenant)
                .values(
                    slug=slug,
                    name=name.strip(),
                    region=region.strip(),
                    settings={"time_zone": time_zone},
                )
                .on_conflict_do_nothing()
                .returning(Tenant.id)
            )

    tenant_id = _with_owner(get_settings(), work)
    if tenant_id is None:
        raise _fail(f"a partnership with slug {slug!r} exists")
    typer.echo(str(tenant_id))


@tenant_app.command("configure")
def tenant_configure(
    slug: Annotated[str, typer.Option(help="The partnership's slug.")],
    min_employers: Annotated[
        int | None, typer.Option(help="Pooled demand: employers a cell needs to be shown (k).")
    ] = None,
    max_share_percent: Annotated[
        int | None,
        typer.Option(help="Pooled demand: most of a cell's openings one employer may hold (p%)."),
    ] = None,
    time_zone: Annotated[str | None, typer.Option(help="IANA time zone.")] = None,
) -> None:
    """Change a partnership's settings; prints them as JSON."""
    from coalition.db.engine import create_session_factory
    from coalition.tenancy.models import Tenant
    from coalition.tenancy.validation import tenant_settings

    async def work(engine: AsyncEngine) -> dict[str, object] | str:
        async with create_session_factory(engine)() as session, session.begin():
            tenant = await session.scalar(
                select(Tenant).where(Tenant.slug == slug).with_for_update()
            )
            if tenant is None:
                return f"no partnership with slug {slug!r}"
            settings, errors = tenant_settings(
                tenant.settings,
                min_employers=min_employers,
                max_share_percent=max_share_percent,
                time_zone=time_zone,
            )
            if errors:
                return "; ".join(error.message for error in errors)
            tenant.settings = settings
            return settings

    result = _with_owner(get_settings(), work)
    if isinstance(result, str):
        raise _fail(result)
    typer.echo(json.dumps(result, indent=2, sort_keys=True))


@client_app.command("create")
def client_create(
    tenant: Annotated[str, typer.Option(help="The partnership's slug.")],
    name: Annotated[str, typer.Option(help="What the application is.")],
    scope: Annotated[list[str], typer.Option(help="A scope to grant; repeat for more.")],
) -> None:
    """Create a client; prints JSON with client_id and client_secret (shown once)."""
    from coalition.auth.principal import system_principal
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction
    from coalition.errors import InvalidInput
    from coalition.tenancy.api_clients import create_api_client

    async def work(engine: AsyncEngine) -> dict[str, object]:
        tenant_id = await _tenant_id(engine, tenant)
        principal = system_principal(tenant_id, _operator())
        async with tenant_transaction(create_session_factory(engine), tenant_id) as session:
            client, secret = await create_api_client(session, principal, name=name, scopes=scope)
        return {
            "client_id": client.client_id,
            "client_secret": secret,
            "scopes": list(client.scopes),
            "tenant": tenant,
        }

    try:
        typer.echo(json.dumps(_with_owner(get_settings(), work), indent=2))
    except InvalidInput as error:
        raise _fail(str(error)) from None


@app.command()
def token(
    tenant: Annotated[str, typer.Option(help="The partnership's slug.")],
    email: Annotated[str, typer.Option(help="The person's email.")],
) -> None:
    """Print a bearer token for an existing person (development and tests only)."""
    from joserfc.jwk import ECKey

    from coalition.auth.keys import list_signing_keys
    from coalition.auth.scopes import USER_SCOPES
    from coalition.auth.tokens import USER_TOKEN_CLIENT_ID, issue_access_token
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction
    from coalition.tenancy.models import User

    settings = get_settings()
    if settings.is_production:
        raise _fail("`coalition token` is refused when COALITION_ENV=production")

    async def work(engine: AsyncEngine) -> str:
        tenant_id = await _tenant_id(engine, tenant)
        sessions = create_session_factory(engine)
        async with tenant_transaction(sessions, tenant_id) as session:
            user_id = await session.scalar(
                select(User.id).where(
                    User.tenant_id == tenant_id, User.email == email.strip().lower()
                )
            )
            signers = [key for key in await list_signing_keys(session) if key.superseded_at is None]
        if user_id is None:
            raise _fail(f"no person with email {email!r} in {tenant!r}")
        if not signers:
            raise _fail("no signing key: run `coalition db upgrade`")
        key = ECKey.import_key(signers[-1].private_jwk)
        return issue_access_token(
            key,
            settings,
            tenant_id=tenant_id,
            subject=str(user_id),
            client_id=USER_TOKEN_CLIENT_ID,
            scopes=USER_SCOPES,
        )

    sys.stdout.write(_with_owner(settings, work) + "\n")


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Sign with a new key; keep the old one published until its tokens expire."""
    from coalition.auth.keys import rotate_signing_key
    from coalition.db.engine import create_session_factory

    async def work(engine: AsyncEngine) -> str:
        async with create_session_factory(engine)() as session, session.begin():
            return await rotate_signing_key(session)

    typer.echo(_with_owner(get_settings(), work))


@keys_app.command("list")
def keys_list() -> None:
    """List signing keys: kid, created, superseded."""
    from coalition.auth.keys import list_signing_keys
    from coalition.auth.models import SigningKey
    from coalition.db.engine import create_session_factory

    def describe(key: SigningKey) -> str:
        state = "signing"
        if key.superseded_at is not None:
            state = f"superseded {key.superseded_at:%Y-%m-%dT%H:%M:%SZ}"
        return f"{key.kid}\t{key.created_at:%Y-%m-%dT%H:%M:%SZ}\t{state}"

    async def work(engine: AsyncEngine) -> list[str]:
        async with create_session_factory(engine)() as session:
            return [describe(key) for key in await list_signing_keys(session)]

    for line in _with_owner(get_settings(), work):
        typer.echo(line)


@schema_app.command("export")
def schema_export(
    output: Annotated[Path, typer.Option(help="Where to write the SDL.")] = Path(
        "graphql/schema.graphql"
    ),
) -> None:
    """Write the GraphQL schema (SDL) to graphql/schema.graphql."""
    from coalition.api.schema import build_schema

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(schema_sdl(build_schema(Settings())))
    typer.echo(f"wrote {output}", err=True)


def schema_sdl(schema: object) -> str:
    return str(schema).rstrip() + "\n"


if __name__ == "__main__":
    app()
