"""``coalition serve`` refuses, in one line, what would make uvicorn fail later."""

from __future__ import annotations

import socket

from coalition.cli.serve import unavailable
from coalition.config import Settings
from tests.support.cli import run


def test_a_taken_port_is_one_line(cli_env: Settings) -> None:
    # given: something listens on the port
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        # when
        result = run("serve", "--port", str(port))

    # then
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: port {port} on 127.0.0.1 is in use: stop what listens there "
        "or pick another --port\n"
    )


def test_a_free_port_is_available() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    assert unavailable("127.0.0.1", port) is None


def test_an_unknown_host_is_named() -> None:
    assert unavailable("no-such-host.invalid", 8000) == (
        "cannot listen on --host 'no-such-host.invalid' --port 8000: unknown host or bad port"
    )
