"""Releases of pooled demand: frozen, noise-infused snapshots that every pooled query reads.

A release is made on the partnership's schedule (``settings["releases"]
["every_hours"]``, default daily, by the server's scheduler), by the convener on
demand (``publishDemandRelease``) and by the operator (``coalition demand
release``); never twice within ``min_interval_hours`` (default 6) except by the
operator with ``force``, so no member can make the many releases that probing
with one's own edits needs. Each release records the disclosure rule it was made
under and holds its fine cells (``release_build``); nothing changes it later.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, text
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import scoped
from coalition.demand.models import DemandRelease, NoiseSecret
from coalition.demand.permissions import require_demand_read
from coalition.demand.reads import partnership_settings
from coalition.demand.release_build import build_cells
from coalition.disclosure.noise import new_secret
from coalition.disclosure.rule import DisclosureRule
from coalition.disclosure.schedule import ReleaseSchedule
from coalition.errors import Forbidden, InvalidInput, NotFound, UserError
from coalition.live import notify
from coalition.telemetry import activity

# The live-updates channel of releases: item the release (no topic).
RELEASE_PUBLISHED = "demand.release_published"


class MadeBy:
    SCHEDULE = "SCHEDULE"
    CONVENER = "CONVENER"
    OPERATOR = "OPERATOR"


def rule_of(release: DemandRelease) -> DisclosureRule:
    """The rule a release was made under."""
    return DisclosureRule.from_settings({"disclosure": release.rule})


async def latest_release(session: AsyncSession, principal: Principal) -> DemandRelease | None:
    """The newest release of the caller's partnership, or None before the first."""
    return (
        await session.scalars(
            scoped(DemandRelease, principal)
            .order_by(DemandRelease.published_at.desc(), DemandRelease.id.desc())
            .limit(1)
        )
    ).first()


async def release_by_id(
    session: AsyncSession, principal: Principal, release_id: uuid.UUID
) -> DemandRelease:
    """One release of the caller's partnership (anyone who may read pooled demand), or
    NotFound (another partnership's reads exactly like a missing one)."""
    require_demand_read(principal)
    found = (
        await session.scalars(
            scoped(DemandRelease, principal).where(DemandRelease.id == release_id)
        )
    ).first()
    if found is None:
        raise NotFound()
    return found


async def releases_by_ids(
    session: AsyncSession, principal: Principal, ids: list[uuid.UUID]
) -> dict[uuid.UUID, DemandRelease]:
    if not ids or not _may_read(principal):
        return {}
    rows = await session.scalars(scoped(DemandRelease, principal).where(DemandRelease.id.in_(ids)))
    return {row.id: row for row in rows}


def _may_read(principal: Principal) -> bool:
    try:
        require_demand_read(principal)
    except Forbidden:
        return False
    return True


async def _noise(
    session: AsyncSession, principal: Principal, rule: DisclosureRule
) -> tuple[bytes, DisclosureRule]:
    """The partnership's secret and the rule with the noise bounds fixed at its first
    release (made now, with ``rule``'s bounds, if there is none)."""
    found = await session.scalar(scoped(NoiseSecret, principal))
    if found is None:
        found = NoiseSecret(
            tenant_id=principal.tenant_id,
            secret=new_secret(),
            noise_min_percent=rule.noise_min_percent,
            noise_max_percent=rule.noise_max_percent,
        )
        session.add(found)
        await session.flush()
    fixed = replace(
        rule,
        noise_min_percent=found.noise_min_percent,
        noise_max_percent=found.noise_max_percent,
    )
    return bytes(found.secret), fixed


async def publish_release(
    session: AsyncSession, principal: Principal, *, made_by: str, force: bool = False
) -> DemandRelease:
    """Make a release now: partnership admins (the convener) and the operator.

    Refused with ``TOO_SOON`` within ``min_interval_hours`` of the last release unless
    ``force`` (the operator only). Serialized per partnership (a transaction-level
    advisory lock), so two at once make one. Writes one ``demand.publish_release``
    audit event in the caller's transaction, and notifies ``RELEASE_PUBLISHED``
    (delivered to the live subscribers when it commits)."""
    if not principal.is_partnership_admin:
        raise Forbidden("Only a partnership admin may publish a demand release.")
    if force and not principal.is_system:
        raise Forbidden("Only the operator may publish a release before its interval.")
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended('demand_release:' || :t, 0))"),
        {"t": str(principal.tenant_id)},
    )
    settings = await partnership_settings(session, principal)
    schedule = ReleaseSchedule.from_settings(settings)
    rule = DisclosureRule.from_settings(settings)
    now = datetime.now(UTC)
    last = await latest_release(session, principal)
    if last is not None and not force:
        allowed = last.published_at + timedelta(hours=schedule.min_interval_hours)
        if now < allowed:
            raise InvalidInput(
                [
                    UserError(
                        (),
                        "A release was published at "
                        f"{last.published_at.isoformat(timespec='minutes')}; the next may be "
                        f"published from {allowed.isoformat(timespec='minutes')} "
                        f"({schedule.min_interval_hours} hours apart).",
                        "TOO_SOON",
                    )
                ]
            )
    secret, rule = await _noise(session, principal, rule)
    release = DemandRelease(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        published_at=now,
        made_by=made_by,
        rule=rule.as_settings(),
    )
    session.add(release)
    await session.flush()
    activity.release_published(session, made_by=made_by)
    cells = await build_cells(
        session, tenant_id=principal.tenant_id, release_id=release.id, secret=secret, rule=rule
    )
    await record_event(
        session,
        principal,
        action="demand.publish_release",
        object_type="DemandRelease",
        object_id=release.id,
        changes={"made_by": made_by, "cells": cells, "rule": rule.as_settings()},
    )
    await notify(
        session, RELEASE_PUBLISHED, tenant_id=principal.tenant_id, topic_id=None, item_id=release.id
    )
    return release


async def release_is_due(session: AsyncSession, principal: Principal) -> bool:
    """Whether the partnership's schedule calls for a release now."""
    schedule = ReleaseSchedule.from_settings(await partnership_settings(session, principal))
    newest = await session.scalar(
        scoped(DemandRelease, principal).with_only_columns(func.max(DemandRelease.published_at))
    )
    return newest is None or datetime.now(UTC) >= newest + timedelta(hours=schedule.every_hours)


__all__ = [
    "MadeBy",
    "latest_release",
    "publish_release",
    "release_by_id",
    "release_is_due",
    "releases_by_ids",
    "rule_of",
]
