"""``coalition demand release``: the operator publishes a release from the command line."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.config import Settings
from coalition.demand.models import DemandRelease
from tests.support.cli import audit_trail, owner, run
from tests.support.world import World


def made_by(settings: Settings, world: World) -> list[str]:
    async def work(session: AsyncSession) -> list[str]:
        found = await session.scalars(
            select(DemandRelease.made_by)
            .where(DemandRelease.tenant_id == world.id)
            .order_by(DemandRelease.published_at)
        )
        return list(found)

    return owner(settings, work, world.id)


def test_the_operator_publishes_then_needs_force_within_the_interval(
    cli_env: Settings, world: World
) -> None:
    first = run("demand", "release", "--tenant", world.slug)
    again = run("demand", "release", "--tenant", world.slug)
    forced = run("demand", "release", "--tenant", world.slug, "--force")

    assert first.exit_code == 0, first.output
    assert first.output.startswith(f"published a demand release of {world.slug} at ")
    assert again.exit_code == 1
    assert "6 hours apart" in again.output
    assert "Use --force to publish anyway." in again.output
    assert forced.exit_code == 0, forced.output
    assert made_by(cli_env, world) == ["OPERATOR", "OPERATOR"]
    assert [event[0] for event in audit_trail(cli_env, world.id)].count(
        "demand.publish_release"
    ) == 2


def test_an_unknown_partnership_and_the_help(cli_env: Settings) -> None:
    unknown = run("demand", "release", "--tenant", "no-such-partnership")
    helped = run("demand", "release", "--help")
    group = run("demand", "--help")

    assert unknown.exit_code == 1
    assert "no-such-partnership" in unknown.output
    assert helped.exit_code == 0
    assert "Publish a release of pooled demand now" in helped.output
    assert "--force" in helped.output
    assert "release" in group.output
