"""What every ``coalition`` command shares: failing with one line, the operator's
label, the owner's engine, partnership lookup by slug, and the option types.

Imported by the root CLI's modules and by every domain's ``cli`` module; it
imports nothing back from them. Admin commands connect as the owner
(``DATABASE_URL``, or the embedded server). Only ``coalition db upgrade``
creates a new embedded database; every other command starts an existing one
and refuses, with one line, a data folder that has none, and a database that
``db upgrade`` has not set up.
"""

from __future__ import annotations

import asyncio
import getpass
import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from coalition.auth.principal import Principal
from coalition.config import Settings
from coalition.errors import Forbidden, InvalidInput, UserError
from coalition.ids import parse_global_id

T = TypeVar("T")

NOT_SET_UP = "the database is not set up: run 'coalition db upgrade' first"

# Option types: one metavar per kind of value, the same in every command.
TenantSlug = Annotated[
    str, typer.Option("--tenant", help="The partnership's slug.", metavar="SLUG")
]
Email = Annotated[str, typer.Option(help="The person's email address.", metavar="EMAIL")]


class CommandFailed(typer.Exit):
    """A command's one-line failure (already printed); exit code 1."""


def fail(message: str) -> CommandFailed:
    """Print ``error: message`` on stderr; raise the result to end the command with 1."""
    typer.echo(f"error: {message}", err=True)
    return CommandFailed(code=1)


def operator_label() -> str:
    """Who ran the command, as audit events name the actor (``cli:<user>``)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def owner_url_of(settings: Settings, *, create: bool = False) -> URL:
    """The owner's URL, starting the embedded server when DATABASE_URL is unset. Without
    ``create``, a data folder with no embedded database is refused, not initialized."""
    from coalition.db.embedded import NoEmbeddedDatabase
    from coalition.db.urls import owner_url

    try:
        return owner_url(settings, create=create)
    except NoEmbeddedDatabase as error:
        raise fail(
            f"no database: DATABASE_URL is unset and {error.data_dir} has no embedded "
            "database yet; run 'coalition db upgrade' first (or set DATABASE_URL)"
        ) from None
    except ValueError as error:
        raise fail(f"DATABASE_URL: {error}") from None


def with_owner(
    settings: Settings, work: Callable[[AsyncEngine], Awaitable[T]], *, check: bool = True
) -> T:
    """Run ``work`` with an engine connected as the owner, in its own event loop.

    With ``check`` (the default), first make sure ``coalition db upgrade`` has run,
    and end the command with one line when it has not or the server is unreachable.
    """
    url = owner_url_of(settings)

    async def main() -> T:
        engine = create_async_engine(url)
        try:
            if check:
                await require_set_up(engine)
            return await work(engine)
        finally:
            await engine.dispose()

    return asyncio.run(main())


async def require_set_up(engine: AsyncEngine) -> None:
    from coalition.upgrade import is_set_up

    try:
        ready = await is_set_up(engine)
    except (OSError, DBAPIError) as error:
        raise fail(f"cannot reach the database: {_first_line(error)}") from None
    if not ready:
        raise fail(NOT_SET_UP)


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip().splitlines()
    return text[0] if text else type(cause).__name__


async def tenant_id_of(engine: AsyncEngine, slug: str) -> uuid.UUID:
    """The partnership's ID by its slug (across tenants on purpose: the operator names
    the partnership); ends the command when there is none."""
    from coalition.db.engine import create_session_factory
    from coalition.tenancy.models import Tenant

    async with create_session_factory(engine)() as session:
        found = await session.scalar(select(Tenant.id).where(Tenant.slug == slug))
    if found is None:
        raise fail(f"no partnership with slug {slug!r}")
    return found


def object_id(value: str, type_name: str) -> uuid.UUID | None:
    """The UUID in ``value``, given as a UUID or as a global ID of ``type_name``; None
    for anything else."""
    value = value.strip()
    try:
        return uuid.UUID(value)
    except ValueError:
        pass
    decoded = parse_global_id(value, type_name)
    return decoded[1] if decoded else None


async def organization_id_of(
    session: AsyncSession, principal: Principal, value: str, *, tenant: str
) -> uuid.UUID:
    """The organization ``value`` names: its global ID, its UUID, or its name (any case
    and spacing: names are unique that way); ends the command when it names none."""
    from coalition.tenancy.reads import organization_named

    found = object_id(value, "Organization") or await organization_named(
        session, principal, " ".join(value.split())
    )
    if found is None:
        raise fail(
            f"no organization {value!r} in {tenant!r}: "
            f"see 'coalition organization list --tenant {tenant}'"
        )
    return found


def flag_messages(errors: Sequence[UserError], flags: dict[str, str]) -> list[str]:
    """Each problem as the operator should read it: naming the command's flags
    (``--min-employers``) rather than the API fields (``minEmployers``) or the
    settings (``min_employers``). ``flags`` maps an API field to its flag. A message
    that starts with its field's name starts with the flag instead; other fields it
    mentions by their API names (``noiseMinPercent``: camel case, never a plain word)
    become their flags too."""
    lines = []
    for error in errors:
        field = error.field[0] if error.field else ""
        flag = flags.get(field)
        message = _mentioned_flags(error.message, flags)
        if flag is None:
            lines.append(message)
            continue
        for spelling in (field, _snake(field), flag):
            if spelling and message.startswith(spelling + " "):
                lines.append(flag + message[len(spelling) :])
                break
        else:
            lines.append(f"{flag}: {message}")
    return lines


def _mentioned_flags(message: str, flags: dict[str, str]) -> str:
    for field, flag in flags.items():
        if field != field.lower():
            message = re.sub(rf"\b{re.escape(field)}\b", flag, message)
    return message


def fail_with(error: InvalidInput | Forbidden, flags: dict[str, str]) -> NoReturn:
    """End the command with every problem of ``error``, one line each."""
    if isinstance(error, Forbidden):
        raise fail(str(error))
    lines = flag_messages(error.errors, flags)
    for line in lines[:-1]:
        typer.echo(f"error: {line}", err=True)
    raise fail(lines[-1] if lines else str(error))


def read_csv_file(file: Path) -> str:
    """A CSV file's text; fails (exit 1) on one that is not UTF-8."""
    try:
        # Bytes, not read_text: its universal newlines would turn a CR inside a quoted
        # cell into LF; the CSV reader knows CR, LF and CRLF line ends itself.
        return file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail(f"{file} is not UTF-8 text") from None


def refuse_import(file: Path, row_errors: Sequence[Any]) -> NoReturn:
    """Prints a table of every bad cell of a refused import (line, column, problem)
    and exits 1."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{file.name}: nothing imported", title_justify="left")
    for heading in ("line", "column", "problem"):
        table.add_column(heading)
    for problem in row_errors:
        table.add_row(str(problem.line), problem.column, problem.message)
    Console(width=120).print(table)
    count = len(row_errors)
    what = "1 problem; fix it" if count == 1 else f"{count} problems; fix them"
    typer.echo(f"{what} and import again.", err=True)
    raise typer.Exit(code=1)


def write_output(text: str, output: Path | None) -> None:
    """A report's text on standard output, or written to ``output`` (saying so on
    stderr); fails (exit 1) when the file cannot be written."""
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise fail(f"cannot write {output}: {error.strerror}") from None
    typer.echo(f"wrote {output}", err=True)


Importer = Callable[..., Awaitable[Any]]


def import_for_organization(
    file: Path, *, tenant: str, organization: str, importer: Importer, noun: str
) -> None:
    """Run one organization's import of ``file`` as the operator, in one transaction:
    ``importer(session, principal, organization_id=..., text=...)`` returns an
    ``ImportReport``. Prints the summary, or the table of every bad cell (exit 1)."""
    import time

    from coalition.auth.principal import system_principal
    from coalition.config import get_settings
    from coalition.db.engine import create_session_factory
    from coalition.db.session import tenant_transaction

    text = read_csv_file(file)

    async def work(engine: AsyncEngine) -> Any:
        tenant_id = await tenant_id_of(engine, tenant)
        principal = system_principal(tenant_id, operator_label())
        sessions = create_session_factory(engine)
        async with tenant_transaction(sessions, tenant_id) as session:
            organization_id = await organization_id_of(
                session, principal, organization, tenant=tenant
            )
            return await importer(session, principal, organization_id=organization_id, text=text)

    started = time.perf_counter()
    try:
        report = with_owner(get_settings(), work)
    except (InvalidInput, Forbidden) as error:
        raise fail(str(error)) from None
    seconds = time.perf_counter() - started
    if report.row_errors:
        refuse_import(file, report.row_errors)
    typer.echo(
        f"imported {report.imported_count} {noun} ({report.created_count} "
        f"created, {report.updated_count} updated, {report.unchanged_count} unchanged) "
        f"in {seconds:.1f} s"
    )


def _snake(name: str) -> str:
    return "".join(f"_{char.lower()}" if char.isupper() else char for char in name)


__all__ = [
    "NOT_SET_UP",
    "CommandFailed",
    "Email",
    "TenantSlug",
    "fail",
    "fail_with",
    "flag_messages",
    "import_for_organization",
    "object_id",
    "operator_label",
    "owner_url_of",
    "read_csv_file",
    "refuse_import",
    "require_set_up",
    "tenant_id_of",
    "with_owner",
    "write_output",
]
