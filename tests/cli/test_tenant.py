"""``coalition tenant create / configure / list``."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.config import Settings
from coalition.tenancy.models import Membership, Organization, OrganizationKind, Role, User
from tests.support.cli import audit_trail, new_slug, new_tenant, owner, run, tenant_id


def test_tenant_create_prints_the_new_id(cli_env: Settings) -> None:
    # given
    slug = new_slug()

    # when
    result = run(
        "tenant",
        "create",
        "--slug",
        slug,
        "--name",
        " CLI Partnership ",
        "--region",
        "Test Region",
        "--time-zone",
        "America/Detroit",
    )

    # then
    assert result.exit_code == 0, result.output
    printed = result.stdout.strip()
    assert result.stdout == printed + "\n"
    assert tenant_id(cli_env, slug) == uuid.UUID(printed)


def test_tenant_create_is_audited(cli_env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.setattr("getpass.getuser", lambda: "ops")
    slug = new_slug()

    # when
    made = new_tenant(slug)

    # then
    assert audit_trail(cli_env, made) == [("tenant.create", "system", "cli:ops", "Tenant")]


def test_tenant_create_refuses_a_taken_slug(cli_env: Settings) -> None:
    # given
    slug = new_slug()
    first = new_tenant(slug)

    # when
    result = run("tenant", "create", "--slug", slug, "--name", "Again", "--region", "Elsewhere")

    # then
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"error: --slug: a partnership with slug {slug!r} exists.\n"
    assert tenant_id(cli_env, slug) == first


@pytest.mark.parametrize("slug", ["Bad_Slug", "-leading-dash", "x" * 64, ""])
def test_tenant_create_refuses_a_bad_slug(cli_env: Settings, slug: str) -> None:
    result = run("tenant", "create", "--slug", slug, "--name", "Bad", "--region", "Nowhere")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "error: --slug must be 1-63 lowercase letters, digits or dashes.\n"
    assert tenant_id(cli_env, slug) is None


def test_tenant_create_with_an_admin_makes_the_convener_and_its_admin(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    monkeypatch.setattr("getpass.getuser", lambda: "ops")
    slug = new_slug()

    # when
    result = run(
        "tenant",
        "create",
        "--slug",
        slug,
        "--name",
        "Valley Care Partnership",
        "--region",
        "Valley",
        "--admin-email",
        "Dana@Valley.example",
        "--admin-name",
        "Dana Diaz",
        "--organization-name",
        "Valley Workforce Board",
    )

    # then
    assert result.exit_code == 0, result.output
    made = uuid.UUID(result.stdout.strip())

    async def people(session: AsyncSession) -> list[tuple[str, str, str, OrganizationKind, Role]]:
        rows = await session.execute(
            select(User.email, User.display_name, Organization.name, Organization.kind)
            .add_columns(Membership.role)
            .join(
                Membership,
                (Membership.tenant_id == User.tenant_id) & (Membership.user_id == User.id),
            )
            .join(
                Organization,
                (Organization.tenant_id == Membership.tenant_id)
                & (Organization.id == Membership.organization_id),
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]

    assert owner(cli_env, people, made) == [
        (
            "dana@valley.example",
            "Dana Diaz",
            "Valley Workforce Board",
            OrganizationKind.PUBLIC_AGENCY,
            Role.PARTNERSHIP_ADMIN,
        )
    ]
    assert audit_trail(cli_env, made) == [
        ("tenant.create", "system", "cli:ops", "Tenant"),
        ("organization.create", "system", "cli:ops", "Organization"),
        ("membership.add", "system", "cli:ops", "Membership"),
    ]
    assert f"coalition token --tenant {slug} --email dana@valley.example" in result.stderr


def test_tenant_create_with_a_bad_admin_email_makes_nothing(cli_env: Settings) -> None:
    slug = new_slug()

    result = run(
        "tenant",
        "create",
        "--slug",
        slug,
        "--name",
        "P",
        "--region",
        "R",
        "--admin-email",
        "not-an-address",
    )

    assert result.exit_code == 1
    assert result.stderr == "error: --admin-email: This is not a valid email address.\n"
    assert tenant_id(cli_env, slug) is None


def test_admin_details_need_an_admin_email(cli_env: Settings) -> None:
    slug = new_slug()

    result = run(
        "tenant", "create", "--slug", slug, "--name", "P", "--region", "R", "--admin-name", "Dana"
    )

    assert result.exit_code == 1
    assert result.stderr == "error: --admin-name and --organization-name need --admin-email\n"
    assert tenant_id(cli_env, slug) is None


def test_tenant_list_shows_every_partnership(cli_env: Settings) -> None:
    # given
    slug = new_slug()
    made = new_tenant(slug, "--time-zone", "America/Chicago")

    # when
    result = run("tenant", "list")

    # then
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [slug, "CLI Partnership", "Test Region", "America/Chicago", str(made)] in rows
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)


def test_tenant_configure_sets_the_disclosure_rule_through_the_service(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    monkeypatch.setattr("getpass.getuser", lambda: "ops")
    slug = new_slug()
    made = new_tenant(slug)

    # when
    result = run(
        "tenant",
        "configure",
        "--tenant",
        slug,
        "--min-employers",
        "4",
        "--outcomes-min-people",
        "12",
    )

    # then
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "time_zone": "UTC",
        "disclosure": {
            "min_employers": 4,
            "p_percent": 10,
            "noise_min_percent": 10,
            "noise_max_percent": 25,
        },
        "releases": {"every_hours": 24, "min_interval_hours": 6},
        "public_programs": True,
        "outcomes": {"min_people": 12},
    }
    assert audit_trail(cli_env, made)[-1] == (
        "tenant.update_settings",
        "system",
        "cli:ops",
        "Tenant",
    )


def test_tenant_configure_still_takes_slug(cli_env: Settings) -> None:
    slug = new_slug()
    new_tenant(slug)

    result = run("tenant", "configure", "--slug", slug, "--p-percent", "15")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["disclosure"]["p_percent"] == 15


def test_tenant_configure_sets_the_noise_and_the_release_schedule(cli_env: Settings) -> None:
    # given
    slug = new_slug()
    made = new_tenant(slug)

    # when
    result = run(
        "tenant",
        "configure",
        "--tenant",
        slug,
        "--noise-min-percent",
        "15",
        "--noise-max-percent",
        "35",
        "--release-every-hours",
        "168",
        "--release-min-interval-hours",
        "24",
    )

    # then
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert (printed["disclosure"], printed["releases"]) == (
        {"min_employers": 3, "p_percent": 10, "noise_min_percent": 15, "noise_max_percent": 35},
        {"every_hours": 168, "min_interval_hours": 24},
    )
    assert [action for action, *_ in audit_trail(cli_env, made)] == [
        "tenant.create",
        "tenant.update_settings",
    ]
    again = run("tenant", "configure", "--tenant", slug)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout) == printed
    assert len(audit_trail(cli_env, made)) == 2


def test_tenant_configure_names_both_flags_of_a_pair(cli_env: Settings) -> None:
    slug = new_slug()
    made = new_tenant(slug)

    result = run("tenant", "configure", "--tenant", slug, "--noise-max-percent", "12")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: --noise-max-percent must be an integer at least 5 above --noise-min-percent "
        "and at most 50; --noise-min-percent is 10.\n"
    )
    assert [action for action, *_ in audit_trail(cli_env, made)] == ["tenant.create"]


@pytest.mark.parametrize(
    "option",
    [
        ["--min-employers", "1"],
        ["--p-percent", "51"],
        ["--noise-min-percent", "4"],
        ["--noise-max-percent", "51"],
        ["--release-every-hours", "0"],
        ["--release-min-interval-hours", "25"],
        ["--time-zone", "Mars/Olympus"],
    ],
)
def test_tenant_configure_refuses_unsafe_settings(cli_env: Settings, option: list[str]) -> None:
    slug = new_slug()
    made = new_tenant(slug)

    result = run("tenant", "configure", "--tenant", slug, *option)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {option[0]} ")
    assert [action for action, *_ in audit_trail(cli_env, made)] == ["tenant.create"]


def test_tenant_configure_of_an_unknown_partnership_fails(cli_env: Settings) -> None:
    result = run("tenant", "configure", "--tenant", "no-such-partnership", "--min-employers", "4")

    assert result.exit_code == 1
    assert result.stderr == "error: no partnership with slug 'no-such-partnership'\n"
