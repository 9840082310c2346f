"""``coalition.cli.support``: what every command shares."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coalition.api.relay import from_global_id, to_global_id
from coalition.cli import build_app, domain_apps
from coalition.cli.support import flag_messages, object_id
from coalition.domains import DOMAINS
from coalition.errors import UserError
from coalition.ids import global_id

ID = uuid.UUID("0b7f4e0c-3c1d-4a59-9d0e-5f1a2b3c4d5e")


@pytest.mark.parametrize("type_name", ["Organization", "FundPool", "ApiClient"])
def test_the_cli_reads_the_apis_global_ids(type_name: str) -> None:
    assert global_id(type_name, ID) == to_global_id(type_name, ID)
    assert from_global_id(global_id(type_name, ID)) == (type_name, ID)
    assert object_id(to_global_id(type_name, ID), type_name) == ID


@pytest.mark.parametrize("value", ["", "nope", str(ID)[:-1], to_global_id("FundPool", ID)])
def test_anything_else_is_no_organization_id(value: str) -> None:
    assert object_id(value, "Organization") is None


def test_a_uuid_is_an_id_of_any_type() -> None:
    assert object_id(f" {ID} ", "Organization") == ID


def test_messages_name_the_flag_not_the_field() -> None:
    errors = [
        UserError(("minEmployers",), "min_employers must be an integer from 2 to 50.", "X"),
        UserError(("pPercent",), "pPercent must be an integer from 1 to 50.", "X"),
        UserError(
            ("noiseMaxPercent",),
            "noiseMaxPercent must be 5 above noiseMinPercent; noiseMinPercent is 10.",
            "X",
        ),
        UserError(("timeZone",), "timeZone is not an IANA time zone.", "X"),
        UserError(("name",), "An organization with this name exists.", "TAKEN"),
        UserError(("other",), "Something else.", "X"),
    ]

    flags = {
        "minEmployers": "--min-employers",
        "pPercent": "--p-percent",
        "noiseMinPercent": "--noise-min-percent",
        "noiseMaxPercent": "--noise-max-percent",
        "timeZone": "--time-zone",
        "name": "--name",
    }

    assert flag_messages(errors, flags) == [
        "--min-employers must be an integer from 2 to 50.",
        "--p-percent must be an integer from 1 to 50.",
        "--noise-max-percent must be 5 above --noise-min-percent; --noise-min-percent is 10.",
        "--time-zone is not an IANA time zone.",
        "--name: An organization with this name exists.",
        "Something else.",
    ]


def test_each_domain_with_a_cli_module_brings_its_group() -> None:
    assert [name for name, _ in domain_apps()] == ["reference", "import", "demand", "export"]


def test_a_new_domain_brings_its_commands_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a domain package with a cli module, and DOMAINS with one more line
    package = tmp_path / "throwaway_events"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cli.py").write_text(
        "import typer\n"
        "from coalition.cli.support import fail\n"
        'NAME = "events"\n'
        'app = typer.Typer(help="Hiring events.", no_args_is_help=True)\n'
        '@app.command("list")\n'
        "def list_events() -> None:\n"
        '    """List the hiring events."""\n'
        '    typer.echo("none yet")\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    # when
    app = build_app((*DOMAINS, "throwaway_events"))
    result = CliRunner().invoke(app, ["events", "list"], prog_name="coalition")

    # then
    assert (result.exit_code, result.stdout) == (0, "none yet\n")


def test_a_domain_cli_module_imports_on_its_own() -> None:
    # A domain's cli module first in a fresh interpreter: coalition.cli.support runs
    # the coalition.cli package, which must not import the domains back.
    done = subprocess.run(
        [sys.executable, "-c", "import coalition.funds.cli, coalition.cli; coalition.cli.app"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (done.returncode, done.stderr) == (0, "")
