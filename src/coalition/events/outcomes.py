"""Hires traced back to events: what exhibitors reported, per event and pooled, and who
may see which numbers.

- The convener (partnership admins, the operator) sees the exact sums, at any time.
- An exhibitor's own report is seen by its own organization's people and the convener
  (``Exhibitor.outcomes``); nobody else sees one exhibitor's numbers.
- Everyone else who sees the event (members, partner apps with ``events:read``) sees
  the event's *published figures*: decided once its reports are final (they close
  ``REPORT_WINDOW`` after the event ends and never change afterwards), by the
  disclosure engine (``coalition.disclosure``) under the partnership's rule, with the
  exhibiting organizations as contributors. Each measure (interviews, offers, hires)
  is decided on its own, by occupation (the part of a report no line names is the
  cell ``occupation: null``) with its total and secondary suppression. Before the
  reports are final nothing is shown: a figure that changed as each exhibitor reported
  would give away each report by the difference.
- Pooled ``eventOutcomes(from, to)`` for everyone else is the sum of *published*
  figures only, over final events starting in the range: each number is a sum of
  numbers already shown, so two ranges, two moments or a range and its events
  subtracted give away nothing that is not already public. A measure whose events all
  hid it is null; ``events_withheld`` says how many events kept a total hidden.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.disclosure.cells import Breakdown, Dimension, Record
from coalition.disclosure.engine import disclose
from coalition.disclosure.rule import DisclosureRule
from coalition.events.models import (
    Event,
    EventStatus,
    Exhibitor,
    ExhibitorOutcome,
    ExhibitorStatus,
)
from coalition.events.permissions import require_events_read
from coalition.events.reads import EventFilter, filtered_events
from coalition.events.service.exhibitors import reports_close_at
from coalition.tenancy.reads import get_tenant

MEASURES = ("interviews", "offers", "hires")
BY_OCCUPATION = Breakdown(dimensions=(Dimension("occupation", "occupation"),))


@dataclass(frozen=True)
class Line:
    """One occupation's numbers (``occupation_code`` None: the part no line names);
    None where the number is hidden."""

    occupation_code: str | None
    interviews: int | None
    offers: int | None
    hires: int | None


@dataclass(frozen=True)
class Outcomes:
    """Interviews, offers and hires, each None where hidden, with their breakdown by
    occupation. ``exact``: the caller sees true sums (the convener); ``final``: every
    report counted is final."""

    interviews: int | None
    offers: int | None
    hires: int | None
    by_occupation: list[Line]
    exhibitors_reporting: int | None
    exact: bool
    final: bool
    events_counted: int = 1
    events_withheld: int = 0


@dataclass(frozen=True)
class Report:
    """One exhibitor's report: its organization, totals and lines."""

    event_id: uuid.UUID
    organization_id: uuid.UUID
    totals: dict[str, int]
    lines: dict[str | None, dict[str, int]]


def sees_exact(principal: Principal) -> bool:
    return principal.is_partnership_admin


def _lines_with_rest(report: Report) -> dict[str | None, dict[str, int]]:
    """The report's lines plus the part of each total no line names (key None)."""
    lines = dict(report.lines)
    rest = {m: report.totals[m] - sum(line[m] for line in report.lines.values()) for m in MEASURES}
    if any(rest.values()):
        lines[None] = rest
    return lines


def exact_outcomes(reports: Sequence[Report], *, final: bool, events: int = 1) -> Outcomes:
    """True sums of the reports."""
    totals = {m: sum(r.totals[m] for r in reports) for m in MEASURES}
    cells: dict[str | None, dict[str, int]] = {}
    for report in reports:
        for code, line in _lines_with_rest(report).items():
            cell = cells.setdefault(code, dict.fromkeys(MEASURES, 0))
            for m in MEASURES:
                cell[m] += line[m]
    return Outcomes(
        by_occupation=[Line(code, **cells[code]) for code in sorted(cells, key=_order)],
        exhibitors_reporting=len({r.organization_id for r in reports}),
        exact=True,
        final=final,
        events_counted=events,
        **totals,
    )


def _order(code: str | None) -> tuple[bool, str]:
    return (code is None, code or "")


def published_outcomes(reports: Sequence[Report], rule: DisclosureRule) -> Outcomes:
    """What members see of one event's final reports (the module docstring)."""
    totals: dict[str, int | None] = {}
    cells: dict[str | None, dict[str, int | None]] = {}
    for measure in MEASURES:
        records = [
            Record(contributor=r.organization_id, amount=line[measure], values={"occupation": code})
            for r in reports
            for code, line in _lines_with_rest(r).items()
            if line[measure] > 0
        ]
        result = disclose(records, rule, BY_OCCUPATION)
        totals[measure] = None if result.total.suppressed else int(result.total.amount or 0)
        for figure in result.cells:
            code = figure.key[0]
            assert code is None or isinstance(code, str)
            cell = cells.setdefault(code, dict.fromkeys(MEASURES))
            cell[measure] = None if figure.suppressed else int(figure.amount or 0)
        if not records and reports:
            totals[measure] = None
    return Outcomes(
        interviews=totals["interviews"],
        offers=totals["offers"],
        hires=totals["hires"],
        by_occupation=[Line(code, **cells[code]) for code in sorted(cells, key=_order)],
        exhibitors_reporting=None,
        exact=False,
        final=True,
    )


async def _reports(
    session: AsyncSession, principal: Principal, event_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Report]]:
    """The reports of APPROVED exhibitors of these events (two statements)."""
    exhibitors = list(
        await session.scalars(
            select(Exhibitor).where(
                in_tenant(Exhibitor, principal),
                Exhibitor.event_id.in_(event_ids),
                Exhibitor.status == ExhibitorStatus.APPROVED,
                Exhibitor.reported_at.is_not(None),
            )
        )
    )
    lines: dict[uuid.UUID, dict[str | None, dict[str, int]]] = {}
    for line in await session.scalars(
        select(ExhibitorOutcome).where(
            in_tenant(ExhibitorOutcome, principal),
            ExhibitorOutcome.exhibitor_id.in_([e.id for e in exhibitors]),
        )
    ):
        lines.setdefault(line.exhibitor_id, {})[line.occupation_code] = {
            m: getattr(line, m) for m in MEASURES
        }
    found: dict[uuid.UUID, list[Report]] = {}
    for exhibitor in exhibitors:
        found.setdefault(exhibitor.event_id, []).append(
            Report(
                event_id=exhibitor.event_id,
                organization_id=exhibitor.organization_id,
                totals={m: getattr(exhibitor, m) or 0 for m in MEASURES},
                lines=lines.get(exhibitor.id, {}),
            )
        )
    return found


def is_final(event: Event, now: datetime) -> bool:
    return event.status is not EventStatus.CANCELLED and now > reports_close_at(event)


def _hidden(final: bool) -> Outcomes:
    return Outcomes(
        interviews=None,
        offers=None,
        hires=None,
        by_occupation=[],
        exhibitors_reporting=None,
        exact=False,
        final=final,
    )


async def outcomes_of_events(
    session: AsyncSession, principal: Principal, events: Sequence[Event]
) -> dict[uuid.UUID, Outcomes]:
    """Each (visible) event's outcomes as the caller may see them (module docstring)."""
    require_events_read(principal)
    now = datetime.now(UTC)
    reports = await _reports(session, principal, [event.id for event in events])
    if sees_exact(principal):
        return {
            event.id: exact_outcomes(reports.get(event.id, []), final=is_final(event, now))
            for event in events
        }
    rule = DisclosureRule.from_settings((await get_tenant(session, principal)).settings)
    return {
        event.id: published_outcomes(reports.get(event.id, []), rule)
        if is_final(event, now)
        else _hidden(final=False)
        for event in events
    }


async def pooled_outcomes(
    session: AsyncSession,
    principal: Principal,
    *,
    starts_from: datetime | None,
    starts_to: datetime | None,
) -> Outcomes:
    """The outcomes of the visible events starting in [from, to) (module docstring)."""
    require_events_read(principal)
    statement = filtered_events(principal, EventFilter()).where(
        Event.status.in_([EventStatus.PUBLISHED, EventStatus.COMPLETED])
    )
    if starts_from is not None:
        statement = statement.where(Event.starts_at >= starts_from)
    if starts_to is not None:
        statement = statement.where(Event.starts_at < starts_to)
    events = list(await session.scalars(statement))
    now = datetime.now(UTC)
    reports = await _reports(session, principal, [event.id for event in events])
    if sees_exact(principal):
        every = [r for event in events for r in reports.get(event.id, [])]
        return exact_outcomes(
            every, final=all(is_final(e, now) for e in events), events=len(events)
        )
    rule = DisclosureRule.from_settings((await get_tenant(session, principal)).settings)
    final = [event for event in events if is_final(event, now)]
    published = [published_outcomes(reports.get(event.id, []), rule) for event in final]
    return _sum_published(published)


def _sum_published(published: Sequence[Outcomes]) -> Outcomes:
    """The sum of published figures: each measure over the events that showed it."""
    totals: dict[str, int | None] = {}
    for measure in MEASURES:
        shown = [getattr(o, measure) for o in published if getattr(o, measure) is not None]
        totals[measure] = sum(shown) if shown else None
    cells: dict[str | None, dict[str, int | None]] = {}
    for outcome in published:
        for line in outcome.by_occupation:
            cell = cells.setdefault(line.occupation_code, dict.fromkeys(MEASURES))
            for measure in MEASURES:
                value = getattr(line, measure)
                if value is not None:
                    cell[measure] = (cell[measure] or 0) + value
    return Outcomes(
        by_occupation=[Line(code, **cells[code]) for code in sorted(cells, key=_order)],
        exhibitors_reporting=None,
        exact=False,
        final=True,
        events_counted=len(published),
        events_withheld=sum(1 for o in published if o.hires is None),
        interviews=totals["interviews"],
        offers=totals["offers"],
        hires=totals["hires"],
    )


__all__ = [
    "MEASURES",
    "Line",
    "Outcomes",
    "Report",
    "exact_outcomes",
    "outcomes_of_events",
    "pooled_outcomes",
    "published_outcomes",
]
