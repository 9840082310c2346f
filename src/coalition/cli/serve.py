"""``coalition serve``: the API, as the app's login role."""

from __future__ import annotations

import errno
import socket
from typing import Annotated

import typer

from coalition.cli.support import fail, with_owner
from coalition.config import get_settings
from coalition.telemetry.exposition import prepare_multiprocess

NAME = "serve"


def command(
    host: Annotated[str, typer.Option(help="Interface to bind.", metavar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", metavar="PORT")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", metavar="N", min=1)] = 1,
) -> None:
    """Serve the API (and GraphiQL in development) as the app's login role.

    Starts the embedded database when DATABASE_URL is unset (it must exist: run
    'coalition db upgrade' first) and stops it on SIGTERM or Ctrl-C.
    """
    import uvicorn

    from coalition.db.urls import app_url

    settings = get_settings()
    with_owner(settings, _nothing)  # one line, not a traceback, when it is not set up
    try:
        app_url(settings)
    except RuntimeError as error:
        raise fail(str(error)) from None
    problem = unavailable(host, port)
    if problem is not None:
        raise fail(problem)
    typer.echo(
        f"Coalition on http://{host}:{port}/ (the web app; the API at /graphql, "
        f"{settings.env.value})",
        err=True,
    )
    # Several workers share /metrics through files (before they start and import it).
    prepare_multiprocess(workers, settings.data_dir)
    uvicorn.run(
        "coalition.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        proxy_headers=True,
    )


async def _nothing(engine: object) -> None:
    return None


def unavailable(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port``, or None when it can.

    Asked before uvicorn starts, which would otherwise fail after the app's startup
    with a log record rather than a line saying what to do.
    """
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError, OverflowError):
        return f"cannot listen on --host {host!r} --port {port}: unknown host or bad port"
    with socket.socket(family, kind, protocol) as probe:
        # As uvicorn binds: a port left in TIME_WAIT by a stopped server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (
                    f"port {port} on {host} is in use: stop what listens there "
                    "or pick another --port"
                )
            return f"cannot listen on {host}:{port}: {error.strerror}"
    return None
