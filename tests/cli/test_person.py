"""``coalition person add``: a person and a membership, through the service, audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.config import Settings
from coalition.tenancy.models import Membership, Role, User
from tests.support.cli import audit_trail, new_slug, new_tenant, owner, run
from tests.support.world import global_id


def add_organization(slug: str, name: str, kind: str = "EMPLOYER") -> str:
    result = run("organization", "add", "--tenant", slug, "--name", name, "--kind", kind)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


@pytest.mark.parametrize("by", ["name", "other case", "global ID"])
def test_person_add_gives_a_person_a_role(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    # given
    monkeypatch.setattr("getpass.getuser", lambda: "ops")
    slug = new_slug()
    made = new_tenant(slug)
    organization = add_organization(slug, "Harbor Fabrication")
    named = {"name": "Harbor Fabrication", "other case": "harbor FABRICATION"}.get(by, organization)

    # when
    result = run(
        "person",
        "add",
        "--tenant",
        slug,
        "--email",
        "Sam@Harbor.example",
        "--organization",
        named,
        "--role",
        "ORGANIZATION_ADMIN",
        "--name",
        "Sam Lee",
    )

    # then
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)

    async def stored(session: AsyncSession) -> list[tuple[str, str, str, Role]]:
        rows = await session.execute(
            select(User.email, User.display_name, Membership.id, Membership.role).join(
                Membership,
                (Membership.tenant_id == User.tenant_id) & (Membership.user_id == User.id),
            )
        )
        return [
            (email, name, global_id("Membership", id_), role) for email, name, id_, role in rows
        ]

    assert owner(cli_env, stored, made) == [
        ("sam@harbor.example", "Sam Lee", printed["membership"], Role.ORGANIZATION_ADMIN)
    ]
    assert printed == {
        "email": "sam@harbor.example",
        "role": "ORGANIZATION_ADMIN",
        "organization": organization,
        "membership": printed["membership"],
        "tenant": slug,
    }
    assert audit_trail(cli_env, made)[-1] == ("membership.add", "system", "cli:ops", "Membership")


def test_person_add_to_an_unknown_organization_fails(cli_env: Settings) -> None:
    slug = new_slug()
    new_tenant(slug)

    result = run(
        "person",
        "add",
        "--tenant",
        slug,
        "--email",
        "a@b.example",
        "--organization",
        "Nobody Inc",
        "--role",
        "MEMBER",
    )

    assert result.exit_code == 1
    assert result.stderr == (
        f"error: no organization 'Nobody Inc' in {slug!r}: "
        f"see 'coalition organization list --tenant {slug}'\n"
    )


def test_person_add_twice_names_the_flag(cli_env: Settings) -> None:
    # given
    slug = new_slug()
    new_tenant(slug)
    add_organization(slug, "Harbor Fabrication")
    add = ["person", "add", "--tenant", slug, "--email", "sam@harbor.example"]
    add += ["--organization", "Harbor Fabrication", "--role", "MEMBER"]
    assert run(*add).exit_code == 0

    # when
    result = run(*add)

    # then
    assert result.exit_code == 1
    assert result.stderr == "error: --email: This person is already a member of the organization.\n"


def test_person_add_with_a_bad_email_names_the_flag(cli_env: Settings) -> None:
    slug = new_slug()
    new_tenant(slug)
    add_organization(slug, "Harbor Fabrication")

    result = run(
        "person",
        "add",
        "--tenant",
        slug,
        "--email",
        "nope",
        "--organization",
        "Harbor Fabrication",
        "--role",
        "MEMBER",
    )

    assert result.exit_code == 1
    assert result.stderr == "error: --email: This is not a valid email address.\n"
