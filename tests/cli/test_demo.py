"""``coalition demo``: both partnerships, a login for every kind of organization that
takes part, printed with the next step; running it again writes nothing."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.config import Settings
from coalition.demo import PARTNERSHIPS, demo_email
from coalition.tenancy.models import Membership, Organization, OrganizationKind, Role, User
from tests.support.cli import owner, run, tenant_id

# Who can sign in, by the kind of their organization.
LOGIN_KINDS = {
    ("admin", Role.PARTNERSHIP_ADMIN, OrganizationKind.PUBLIC_AGENCY),
    ("analyst", Role.ANALYST, OrganizationKind.PUBLIC_AGENCY),
    ("employer-admin", Role.ORGANIZATION_ADMIN, OrganizationKind.EMPLOYER),
    ("employer-member", Role.MEMBER, OrganizationKind.EMPLOYER),
    ("college-admin", Role.ORGANIZATION_ADMIN, OrganizationKind.EDUCATION_INSTITUTION),
    ("funder", Role.ORGANIZATION_ADMIN, OrganizationKind.FUNDER),
    ("union-admin", Role.ORGANIZATION_ADMIN, OrganizationKind.WORKER_ORGANIZATION),
    ("community-admin", Role.ORGANIZATION_ADMIN, OrganizationKind.COMMUNITY_ORGANIZATION),
    ("training-admin", Role.ORGANIZATION_ADMIN, OrganizationKind.TRAINING_PROVIDER),
}


def demo_state(settings: Settings) -> dict[str, dict[str, Any]]:
    state: dict[str, dict[str, Any]] = {}
    for partnership in PARTNERSHIPS:
        tenant = tenant_id(settings, partnership.slug)
        assert tenant is not None

        async def work(session: AsyncSession) -> dict[str, Any]:
            kinds = await session.scalars(select(Organization.kind))
            users = await session.scalar(select(func.count()).select_from(User))
            logins = await session.execute(
                select(User.email, Membership.role, Organization.kind)
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
            return {"kinds": sorted(kinds), "users": users, "logins": sorted(logins)}

        state[partnership.slug] = owner(settings, work, tenant)
    return state


def test_demo_seeds_both_partnerships_and_is_idempotent(cli_env: Settings) -> None:
    # given
    first = run("demo")
    assert first.exit_code == 0, first.output
    seeded = demo_state(cli_env)

    # when
    second = run("demo")

    # then
    assert second.exit_code == 0, second.output
    assert demo_state(cli_env) == seeded
    assert set(seeded) == {"lakeshore-manufacturing", "metro-healthcare"}
    for slug, state in seeded.items():
        assert len(state["kinds"]) == 10
        assert set(state["kinds"]) == set(OrganizationKind)
        assert state["users"] == 9
        assert {
            (email.split("@")[0], role, kind) for email, role, kind in state["logins"]
        } == LOGIN_KINDS
        assert {email.split("@")[1] for email, _, _ in state["logins"]} == {f"{slug}.example"}


def test_demo_prints_every_login_and_the_next_step(cli_env: Settings) -> None:
    # when
    result = run("demo")

    # then
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    table = [line.split() for line in lines if line.startswith("  ") and ".example  " in line]
    expected = [
        [demo_email(person, p.slug), person.role.value, *person.organization.split()]
        for p in PARTNERSHIPS
        for person in p.people
    ]
    assert table == expected
    assert len(table) == 18
    assert (
        "  coalition token --tenant lakeshore-manufacturing "
        "--email admin@lakeshore-manufacturing.example" in lines
    )
    assert "and open GraphiQL at http://127.0.0.1:8000/graphql with the header" in lines
    assert any("open http://127.0.0.1:8000/" in line for line in lines)
    [vocabulary] = [line for line in lines if line.startswith("Vocabulary: ")]
    assert vocabulary.startswith(
        ("Vocabulary: the full reference sets (", "Vocabulary: the starter set (")
    )


def test_demo_says_which_vocabulary_it_loaded() -> None:
    from coalition.cli.demo import report
    from coalition.demo import DemoResult

    starter = report(DemoResult(PARTNERSHIPS, False, 33), graphql_url="http://h/graphql")
    full = report(DemoResult(PARTNERSHIPS, True, 1016), graphql_url="http://h/graphql")

    assert (
        "Vocabulary: the starter set (33 occupations); for the full sets run "
        "'coalition reference download DIR' and 'coalition reference load DIR'." in starter
    )
    assert "Vocabulary: the full reference sets (1,016 occupations)." in full


def test_demo_ids_are_the_same_everywhere() -> None:
    from coalition.demo import NAMESPACE, demo_tenant_id

    assert demo_tenant_id("metro-healthcare") == uuid.uuid5(NAMESPACE, "metro-healthcare")
