"""Every command explains itself: a help text, consistent metavars, no sentence broken
mid-line at 80 columns, and errors that name the flag the operator typed."""

from __future__ import annotations

from typing import Any

import pytest

from coalition.config import Settings
from tests.support.cli import command_at, commands, new_slug, new_tenant, run

COMMANDS = commands()
LEAVES = [path for path in COMMANDS if not hasattr(command_at(path), "commands")]
# One metavar per kind of value, in every command.
METAVARS = {
    "SLUG",
    "EMAIL",
    "FILE",
    "DIR",
    "ID",
    "ORG",
    "NAME",
    "KIND",
    "ROLE",
    "SCOPE",
    "ZONE",
    "N",
    "PERCENT",
    "HOURS",
    "CODE",
    "URL",
    "HOST",
    "PORT",
    "REV",
    "PERIOD",
    "FORMAT",
}


def name(path: list[str]) -> str:
    return " ".join(path) or "coalition"


def test_the_walk_finds_the_known_commands() -> None:
    for known in (
        ["tenant", "configure"],
        ["tenant", "create"],
        ["tenant", "list"],
        ["person", "add"],
        ["organization", "add"],
        ["organization", "list"],
        ["client", "list"],
        ["client", "revoke"],
        ["reference", "load"],
        ["import", "demand"],
        ["import", "programs"],
        ["demand", "release"],
        ["export", "funds"],
        ["import", "participants"],
        ["export", "participants"],
        ["import", "counts"],
        ["export", "outcomes"],
    ):
        assert known in COMMANDS
    assert len(LEAVES) == 29


@pytest.mark.parametrize("command", COMMANDS, ids=name)
def test_every_command_says_what_it_does(command: list[str]) -> None:
    assert (command_at(command).help or "").strip() != ""


@pytest.mark.parametrize("command", COMMANDS, ids=name)
def test_every_command_has_help_that_fits_80_columns(command: list[str]) -> None:
    result = run(*command, "--help", terminal_width=80)

    assert result.exit_code == 0, result.output
    usage = " ".join(["Usage:", "coalition", *command, "[OPTIONS]"])
    assert usage in " ".join(result.stdout.split())
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


@pytest.mark.parametrize("command", COMMANDS, ids=name)
def test_no_help_sentence_is_broken_by_a_newline(command: list[str]) -> None:
    # The first paragraph of a help text is the command's line in its group's list,
    # printed with its newlines kept: a wrapped docstring shows up cut mid-sentence.
    target: Any = command_at(command)
    summary = (target.help or "").strip().split("\n\n")[0]

    assert "\n" not in summary
    for param in target.params:
        assert "\n" not in (getattr(param, "help", None) or "")


@pytest.mark.parametrize("command", LEAVES, ids=name)
def test_every_value_has_one_of_the_shared_metavars(command: list[str]) -> None:
    target: Any = command_at(command)
    values = [param for param in target.params if not getattr(param, "is_flag", False)]

    assert {param.name: param.metavar for param in values} == {
        param.name: param.metavar for param in values if param.metavar in METAVARS
    }


def test_the_group_list_shows_each_summary_on_unbroken_lines() -> None:
    result = run("reference", "--help", terminal_width=80)

    text = " ".join(result.stdout.replace("│", " ").split())
    assert "Load the small starter set shipped with Coalition, and the essential skills." in text


def test_an_invalid_setting_names_the_flag(cli_env: Settings) -> None:
    # given
    slug = new_slug()
    new_tenant(slug)

    # when
    result = run("tenant", "configure", "--tenant", slug, "--min-employers", "1")

    # then
    assert result.exit_code == 1
    assert result.stderr == "error: --min-employers must be an integer from 2 to 50.\n"


def test_every_invalid_setting_is_reported_at_once(cli_env: Settings) -> None:
    slug = new_slug()
    new_tenant(slug)

    result = run(
        "tenant",
        "configure",
        "--tenant",
        slug,
        "--p-percent",
        "0",
        "--release-every-hours",
        "4",
        "--time-zone",
        "Mars/Olympus",
    )

    assert result.exit_code == 1
    assert result.stderr == (
        "error: --p-percent must be an integer from 1 to 50.\n"
        "error: --release-every-hours 4 does not fit --release-min-interval-hours 6: "
        "--release-min-interval-hours must not be above --release-every-hours.\n"
        "error: --time-zone 'Mars/Olympus' is not an IANA time zone, such as America/Chicago.\n"
    )


def test_an_invalid_choice_names_the_flag_and_the_choices(cli_env: Settings) -> None:
    result = run(
        "person",
        "add",
        "--tenant",
        "x",
        "--email",
        "a@b.example",
        "--organization",
        "X",
        "--role",
        "BOSS",
    )

    assert result.exit_code == 2
    text = " ".join(result.stderr.replace("│", " ").split())
    assert "Invalid value for '--role':" in text
    assert (
        "'BOSS' is not one of 'PARTNERSHIP_ADMIN', 'ORGANIZATION_ADMIN', 'MEMBER', 'ANALYST'."
        in text
    )
