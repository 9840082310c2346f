"""``coalition organization add / list``."""

from __future__ import annotations

import pytest

from coalition.config import Settings
from tests.support.cli import audit_trail, new_slug, new_tenant, run


def test_organization_add_then_list(cli_env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.setattr("getpass.getuser", lambda: "ops")
    slug = new_slug()
    made = new_tenant(slug)

    # when
    added = [
        run(
            "organization",
            "add",
            "--tenant",
            slug,
            "--name",
            name,
            "--kind",
            kind,
            "--employee-count",
            "12",
            "--city",
            "Holland",
        )
        for name, kind in (("Zeta Tools", "EMPLOYER"), ("Alpha College", "EDUCATION_INSTITUTION"))
    ]
    listed = run("organization", "list", "--tenant", slug)

    # then
    assert [result.exit_code for result in added] == [0, 0]
    zeta, alpha = (result.stdout.strip() for result in added)
    assert listed.exit_code == 0, listed.output
    assert listed.stdout == (
        f"{alpha}\tAlpha College\tEDUCATION_INSTITUTION\n{zeta}\tZeta Tools\tEMPLOYER\n"
    )
    assert [event for event in audit_trail(cli_env, made) if event[0] != "tenant.create"] == [
        ("organization.create", "system", "cli:ops", "Organization"),
        ("organization.create", "system", "cli:ops", "Organization"),
    ]


def test_organization_add_names_the_flags_of_bad_values(cli_env: Settings) -> None:
    slug = new_slug()
    new_tenant(slug)

    result = run(
        "organization",
        "add",
        "--tenant",
        slug,
        "--name",
        "Zeta Tools",
        "--kind",
        "EMPLOYER",
        "--naics-code",
        "12x",
        "--website",
        "ftp://zeta.example",
    )

    assert result.exit_code == 1
    assert result.stderr == (
        "error: --naics-code: Give a NAICS code of 2 to 6 digits.\n"
        "error: --website: Give an http:// or https:// address.\n"
    )
