"""An initiative's outcome targets: what it sets out to reach on a metric in a period.

One target per initiative, metric and period: setting it again changes it. The period
is any label ``periods.parse_period`` reads, kept normalized with the dates it spans.
A target's value is in its metric's unit (``metric_names.MetricKind``), given as text so
no float ever holds it: a COUNT of people is a whole number, a RATE a fraction from 0
to 1 (at most four decimals), MONEY US dollars with at most two decimals, stored as
cents. Partnership admins set and remove targets; whoever may read the initiative
reads them (``permissions``). Nothing here commits; each change is audited in the
caller's transaction.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import scoped
from coalition.errors import InvalidInput, UserError
from coalition.funds.models.initiatives import Initiative
from coalition.outcomes.errors import OutcomeErrorCode as Code
from coalition.outcomes.metric_names import KIND, MetricKind, MetricName
from coalition.outcomes.models import OutcomeTarget
from coalition.outcomes.periods import Period, parse_period
from coalition.outcomes.permissions import require_target_manager, visible_outcome_targets
from coalition.pagination import Page, PageRequest, SortKey, fetch_pages_by_parent
from coalition.validation import Checker

MAX_COUNT = 10_000_000
MAX_DOLLARS = Decimal(1_000_000_000)
RATE_PLACES = 4
CENTS = Decimal(100)
_NUMBER = re.compile(r"(-?)(\d{1,15})(?:\.(\d{1,15}))?")

BY_PERIOD = SortKey([OutcomeTarget.starts_on, OutcomeTarget.id], [date.fromisoformat, uuid.UUID])


def _number_message(kind: MetricKind) -> str:
    return {
        MetricKind.COUNT: "A count target is a whole number of people, e.g. 120.",
        MetricKind.RATE: "A rate target is a fraction from 0 to 1, e.g. 0.75 for 75%.",
        MetricKind.MONEY: "A money target is in US dollars with at most two decimals, e.g. 23.50.",
    }[kind]


def parse_target(check: Checker, kind: MetricKind, value: str | None) -> Decimal | None:
    """The stored value of a target given as text in the metric's unit (a count, a
    fraction, dollars): cents for MONEY. Problems go to ``check`` at ``target``."""
    path = ("target",)
    match = _NUMBER.fullmatch((value or "").strip())
    if match is None:
        code = Code.REQUIRED if not (value or "").strip() else Code.INVALID
        check.add(path, _number_message(kind), code)
        return None
    sign, whole, fraction = match.groups()
    number = Decimal(f"{whole}.{fraction or '0'}")
    if sign and number != 0:
        check.add(path, "A target may not be below zero.", Code.OUT_OF_RANGE)
        return None
    places = len((fraction or "").rstrip("0"))
    if kind is MetricKind.COUNT:
        if places:
            check.add(path, _number_message(kind), Code.INVALID)
            return None
        if number > MAX_COUNT:
            check.add(path, f"A count target may be at most {MAX_COUNT:,}.", Code.OUT_OF_RANGE)
            return None
        return number.quantize(Decimal(1))
    if kind is MetricKind.RATE:
        if number > 1:
            check.add(path, _number_message(kind), Code.OUT_OF_RANGE)
            return None
        if places > RATE_PLACES:
            message = f"A rate target has at most {RATE_PLACES} decimals (0.7525 for 75.25%)."
            check.add(path, message, Code.INVALID)
            return None
        return number
    if places > 2:
        check.add(path, _number_message(kind), Code.INVALID)
        return None
    if number == 0 or number > MAX_DOLLARS:
        message = f"A money target must be more than $0 and at most ${MAX_DOLLARS:,}."
        check.add(path, message, Code.OUT_OF_RANGE)
        return None
    return (number * CENTS).quantize(Decimal(1))


def target_text(metric: str, stored: Decimal) -> str:
    """A stored target in its metric's unit, as text: ``120``, ``0.75``, ``23.50``."""
    kind = KIND[MetricName(metric)]
    if kind is MetricKind.COUNT:
        return str(int(stored))
    if kind is MetricKind.RATE:
        return format(stored.normalize(), "f")
    return str((stored / CENTS).quantize(Decimal("0.01")))


def target_cents(target: OutcomeTarget) -> int | None:
    """A MONEY target's whole cents; None for a count or a rate."""
    if KIND[MetricName(target.metric)] is not MetricKind.MONEY:
        return None
    return int(target.target)


def _audited(target: OutcomeTarget) -> dict[str, Any]:
    return {
        "initiative_id": str(target.initiative_id),
        "metric": target.metric,
        "period": target.period,
    }


async def _initiative(
    session: AsyncSession, principal: Principal, initiative_id: uuid.UUID, check: Checker
) -> Initiative | None:
    initiative = await session.scalar(
        scoped(Initiative, principal).where(Initiative.id == initiative_id)
    )
    if initiative is None:
        check.add(("initiativeId",), "No initiative with this ID.", Code.NOT_FOUND)
    return initiative


def _period(check: Checker, label: str) -> Period | None:
    try:
        return parse_period(label)
    except InvalidInput as error:
        check.errors.extend(error.errors)
        return None


def _within_initiative(check: Checker, period: Period, initiative: Initiative) -> None:
    ends_on = initiative.ends_on
    if period.ends_on < initiative.starts_on or (ends_on and period.starts_on > ends_on):
        span = f"{initiative.starts_on} to {ends_on}" if ends_on else f"{initiative.starts_on} on"
        message = f"The period does not overlap the initiative, which runs {span}."
        check.add(("period",), message, Code.OUT_OF_RANGE)


async def _lock_targets(session: AsyncSession, initiative_id: uuid.UUID) -> None:
    """Until the end of the transaction, wait for any other one setting this initiative's
    targets: two first settings of one target would both insert, and the second fail on
    the unique constraint (a 500, not an update)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended('outcome_targets:' || :id, 0))"),
        {"id": str(initiative_id)},
    )


async def set_outcome_target(
    session: AsyncSession,
    principal: Principal,
    *,
    initiative_id: uuid.UUID,
    metric: MetricName | str,
    period: str,
    target: str | None,
) -> OutcomeTarget:
    """Set the initiative's target on ``metric`` for ``period`` (partnership admins):
    a new one, or the one it had, changed. Every problem of the input at once
    (``InvalidInput``); the period must overlap the initiative's dates. Audited as
    ``outcome_target.create`` or ``outcome_target.update`` (with the old and new value);
    setting the value it has already changes and records nothing."""
    require_target_manager(principal)
    check = Checker()
    initiative = await _initiative(session, principal, initiative_id, check)
    name = check.choice(("metric",), metric, MetricName)
    chosen = _period(check, period)
    value = parse_target(check, KIND[name], target) if name is not None else None
    if initiative is not None and chosen is not None:
        _within_initiative(check, chosen, initiative)
    check.done()
    assert initiative is not None and name is not None and chosen is not None
    assert value is not None
    await _lock_targets(session, initiative.id)
    existing = await session.scalar(
        scoped(OutcomeTarget, principal)
        .where(
            OutcomeTarget.initiative_id == initiative.id,
            OutcomeTarget.metric == name.value,
            OutcomeTarget.period == chosen.label,
        )
        .with_for_update()
    )
    now = datetime.now(UTC)
    if existing is not None:
        if existing.target == value:
            return existing
        before = target_text(existing.metric, existing.target)
        existing.target = value
        existing.updated_at = now
        await session.flush()
        await record_event(
            session,
            principal,
            action="outcome_target.update",
            object_type="OutcomeTarget",
            object_id=existing.id,
            changes=_audited(existing)
            | {"target": {"from": before, "to": target_text(name, value)}},
        )
        return existing
    created = OutcomeTarget(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        initiative_id=initiative.id,
        metric=name.value,
        period=chosen.label,
        starts_on=chosen.starts_on,
        ends_on=chosen.ends_on,
        target=value,
        created_at=now,
        updated_at=now,
    )
    session.add(created)
    await session.flush()
    await record_event(
        session,
        principal,
        action="outcome_target.create",
        object_type="OutcomeTarget",
        object_id=created.id,
        changes=_audited(created) | {"target": {"from": None, "to": target_text(name, value)}},
    )
    return created


async def remove_outcome_target(
    session: AsyncSession, principal: Principal, *, target_id: uuid.UUID
) -> OutcomeTarget:
    """Remove a target (partnership admins); an ID of no target of the tenant is
    NOT_FOUND at ``id``. Audited as ``outcome_target.remove`` with the value it had.
    Returns the removed row (detached: read, never write, it)."""
    require_target_manager(principal)
    target = await session.scalar(
        visible_outcome_targets(principal).where(OutcomeTarget.id == target_id).with_for_update()
    )
    if target is None:
        raise InvalidInput([UserError(("id",), "No outcome target with this ID.", Code.NOT_FOUND)])
    changes = _audited(target) | {
        "target": {"from": target_text(target.metric, target.target), "to": None}
    }
    await session.delete(target)
    await session.flush()
    await record_event(
        session,
        principal,
        action="outcome_target.remove",
        object_type="OutcomeTarget",
        object_id=target.id,
        changes=changes,
    )
    return target


# -- reads -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetPage:
    """A page of an initiative's targets, of the periods within ``within`` (all if None)."""

    page: PageRequest
    within: Period | None = None


async def outcome_targets_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, OutcomeTarget]:
    """The targets among ``ids`` of the caller's tenant (Forbidden for a caller who may
    not read initiatives)."""
    statement = visible_outcome_targets(principal)
    if not ids:
        return {}
    rows = await session.scalars(statement.where(OutcomeTarget.id.in_(list(ids))))
    return {row.id: row for row in rows}


async def target_pages_of_initiatives(
    session: AsyncSession,
    principal: Principal,
    initiative_ids: Sequence[uuid.UUID],
    asked: TargetPage,
) -> dict[uuid.UUID, Page[OutcomeTarget]]:
    """Each initiative's targets by period start, in one statement for all of them;
    with ``asked.within``, only the targets whose period lies inside it (``2026``: the
    year's and its quarters')."""
    statement = visible_outcome_targets(principal)
    if asked.within is not None:
        statement = statement.where(
            OutcomeTarget.starts_on >= asked.within.starts_on,
            OutcomeTarget.ends_on <= asked.within.ends_on,
        )
    return await fetch_pages_by_parent(
        session,
        principal,
        statement,
        OutcomeTarget.initiative_id,
        initiative_ids,
        asked.page,
        BY_PERIOD,
    )


__all__ = [
    "BY_PERIOD",
    "TargetPage",
    "outcome_targets_by_ids",
    "parse_target",
    "remove_outcome_target",
    "set_outcome_target",
    "target_cents",
    "target_pages_of_initiatives",
    "target_text",
]
