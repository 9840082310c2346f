"""Provider scorecards: a training provider's (or one program's) completion, credential
and placement rates, median wage at placement and capture rate for a period, each with
the people behind it, and a list comparing the partnership's providers.

Every figure is the metric's figure as ``figures`` shows it to the caller: exact for
the provider's own organization admins, suppressed for everyone else (the convener,
funders, other members, the operator, partner apps). The rows are read once for every
provider and metric (``report_rows``: two statements), whatever the number of either.

Providers: the organizations of kind TRAINING_PROVIDER or EDUCATION_INSTITUTION, and
any other organization that reports participant records or aggregate counts.

Sorting compares only what each caller is shown: a suppressed figure sorts after every
shown one (its providers by name), and rates shown only as a bound (above 95%, below
5%) tie with each other, so a list's order never tells a hidden value or a hidden
order.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.disclosure.people import PeopleRule
from coalition.errors import InvalidInput, UserError
from coalition.outcomes.definitions import DEFINITIONS
from coalition.outcomes.figures import (
    BOTTOM_CODE,
    TOP_CODE,
    Bound,
    MetricCell,
    MetricQuery,
    compute,
)
from coalition.outcomes.metric_names import MetricName
from coalition.outcomes.metric_rows import MetricRows
from coalition.outcomes.metrics import people_rule
from coalition.outcomes.models import AggregateCount, ParticipantRecord
from coalition.outcomes.periods import Period, parse_period
from coalition.outcomes.permissions import may_keep_records_of, require_outcomes_read
from coalition.outcomes.report_rows import Grouping, load_measures, measure_of
from coalition.pagination import (
    Page,
    PageRequest,
    check_page_request,
    decode_cursor,
    encode_cursor,
)
from coalition.supply.models import TrainingProgram
from coalition.tenancy.models import Organization, OrganizationKind

SCORECARD_METRICS = (
    MetricName.COMPLETION_RATE,
    MetricName.WIOA_CREDENTIAL_RATE,
    MetricName.PLACEMENT_RATE,
    MetricName.MEDIAN_WAGE_AT_PLACEMENT,
    MetricName.TPM_CAPTURE_RATE,
)
PROVIDER_KINDS = (OrganizationKind.TRAINING_PROVIDER, OrganizationKind.EDUCATION_INSTITUTION)


class ScorecardSort(enum.StrEnum):
    COMPLETION_RATE = "COMPLETION_RATE"
    CREDENTIAL_RATE = "CREDENTIAL_RATE"
    PLACEMENT_RATE = "PLACEMENT_RATE"
    MEDIAN_WAGE = "MEDIAN_WAGE"
    CAPTURE_RATE = "CAPTURE_RATE"
    NAME = "NAME"


SORTED_BY: dict[ScorecardSort, MetricName] = {
    ScorecardSort.COMPLETION_RATE: MetricName.COMPLETION_RATE,
    ScorecardSort.CREDENTIAL_RATE: MetricName.WIOA_CREDENTIAL_RATE,
    ScorecardSort.PLACEMENT_RATE: MetricName.PLACEMENT_RATE,
    ScorecardSort.MEDIAN_WAGE: MetricName.MEDIAN_WAGE_AT_PLACEMENT,
    ScorecardSort.CAPTURE_RATE: MetricName.TPM_CAPTURE_RATE,
}
# Where a rate shown only as a bound sorts: above every rate shown up to 95%, below
# every rate shown from 5%; all such rates tie (then go by name).
BOUND_RANK: dict[str, Decimal] = {
    Bound.ABOVE_95_PERCENT: TOP_CODE + Decimal("0.00001"),
    Bound.BELOW_5_PERCENT: BOTTOM_CODE - Decimal("0.00001"),
}


@dataclass(frozen=True)
class Scorecard:
    """One provider's (``program`` None) or one program's figures for a period, each
    metric's total as the caller may see it (``figures``); ``exact``: unsuppressed (the
    caller keeps the provider's records)."""

    organization: Organization
    program: TrainingProgram | None
    period: Period
    exact: bool
    min_people: int
    figures: dict[MetricName, MetricCell]


def checked_period(label: str) -> Period:
    """The period a scorecard is read for, or InvalidInput on ``period``."""
    return parse_period(label)


async def organization_scorecards(
    session: AsyncSession,
    principal: Principal,
    organization_ids: Sequence[uuid.UUID],
    period: Period,
) -> dict[uuid.UUID, Scorecard | None]:
    """Each organization's scorecard (None for one not in the partnership): three
    statements for any number of organizations."""
    require_outcomes_read(principal)
    wanted = list(dict.fromkeys(organization_ids))
    found = {
        organization.id: organization
        for organization in await session.scalars(
            select(Organization).where(
                in_tenant(Organization, principal), Organization.id.in_(wanted)
            )
        )
    }
    cards: dict[uuid.UUID, Scorecard | None] = dict.fromkeys(wanted)
    if not found:
        return cards
    cards.update(await _cards(session, principal, list(found.values()), [], period))
    return cards


async def program_scorecards(
    session: AsyncSession,
    principal: Principal,
    program_ids: Sequence[uuid.UUID],
    period: Period,
) -> dict[uuid.UUID, Scorecard | None]:
    """Each program's scorecard (None for one not in the partnership): three statements
    for any number of programs. A program's own provider's admins read it exactly."""
    require_outcomes_read(principal)
    wanted = list(dict.fromkeys(program_ids))
    rows = await session.execute(
        select(TrainingProgram, Organization)
        .join(
            Organization,
            in_tenant(Organization, principal)
            & (Organization.id == TrainingProgram.organization_id),
        )
        .where(in_tenant(TrainingProgram, principal), TrainingProgram.id.in_(wanted))
    )
    pairs = [(program, organization) for program, organization in rows]
    cards: dict[uuid.UUID, Scorecard | None] = dict.fromkeys(wanted)
    if not pairs:
        return cards
    cards.update(await _cards(session, principal, [], pairs, period))
    return cards


async def scorecards(
    session: AsyncSession,
    principal: Principal,
    *,
    period: str | Period,
    sort: ScorecardSort = ScorecardSort.NAME,
    page: PageRequest | None = None,
) -> Page[Scorecard]:
    """The partnership's providers' scorecards, sorted by ``sort`` (a rate or the wage
    highest first, suppressed last; NAME alphabetical), ``page.first`` of them after
    ``page.after``. Four statements for any number of providers."""
    require_outcomes_read(principal)
    parsed = period if isinstance(period, Period) else parse_period(period)
    page = page or PageRequest()
    check_page_request(page)
    after = _cursor(page.after) if page.after is not None else None
    reports = or_(
        exists().where(
            in_tenant(ParticipantRecord, principal),
            ParticipantRecord.organization_id == Organization.id,
        ),
        exists().where(
            in_tenant(AggregateCount, principal),
            AggregateCount.organization_id == Organization.id,
        ),
    )
    providers = list(
        await session.scalars(
            select(Organization)
            .where(
                in_tenant(Organization, principal),
                or_(Organization.kind.in_(PROVIDER_KINDS), reports),
            )
            .order_by(func.lower(Organization.name), Organization.id)
        )
    )
    cards = (
        list((await _cards(session, principal, providers, [], parsed)).values())
        if providers
        else []
    )
    keyed = sorted(((_sort_key(card, sort), card) for card in cards), key=lambda kc: kc[0])
    if after is not None:
        keyed = [(key, card) for key, card in keyed if key > after]
    shown = keyed[: page.first]
    return Page(
        items=[card for _, card in shown],
        cursors=[encode_cursor(key) for key, _ in shown],
        has_next_page=len(keyed) > page.first,
        total_count=len(cards),
    )


async def _cards(
    session: AsyncSession,
    principal: Principal,
    organizations: Sequence[Organization],
    programs: Sequence[tuple[TrainingProgram, Organization]],
    period: Period,
) -> dict[uuid.UUID, Scorecard]:
    rule = await people_rule(session, principal)
    measures = [measure_of(DEFINITIONS[name], period) for name in SCORECARD_METRICS]
    grouping = Grouping(initiative=False, program=bool(programs), breakdown=None)
    rows = await load_measures(session, principal, measures, period, grouping)
    own = frozenset() if principal.is_system else principal.administered_organization_ids
    cards: dict[uuid.UUID, Scorecard] = {}
    for organization in organizations:
        exact = _exact(principal, organization.id)
        cards[organization.id] = Scorecard(
            organization,
            None,
            period,
            exact,
            rule.min_people,
            _figures(rows, period, rule, own, exact, organization_id=organization.id),
        )
    for program, organization in programs:
        exact = _exact(principal, organization.id)
        cards[program.id] = Scorecard(
            organization,
            program,
            period,
            exact,
            rule.min_people,
            _figures(rows, period, rule, own, exact, program_id=program.id),
        )
    return cards


def _exact(principal: Principal, organization_id: uuid.UUID) -> bool:
    return not principal.is_system and may_keep_records_of(principal, organization_id)


def _figures(
    rows: dict[str, MetricRows],
    period: Period,
    rule: PeopleRule,
    own: frozenset[uuid.UUID],
    exact: bool,
    *,
    organization_id: uuid.UUID | None = None,
    program_id: uuid.UUID | None = None,
) -> dict[MetricName, MetricCell]:
    figures: dict[MetricName, MetricCell] = {}
    for name in SCORECARD_METRICS:
        definition = DEFINITIONS[name]
        query = MetricQuery(
            metric=name, period=period, program_id=program_id, organization_id=organization_id
        )
        computed = compute(definition, query, rows[definition.code], rule, own=own, exact=exact)
        figures[name] = computed.total
    return figures


SortKey = tuple[int, Decimal, str, str]


def _sort_key(card: Scorecard, sort: ScorecardSort) -> SortKey:
    """(shown first, the value highest first, name, ID): a suppressed figure ranks
    after every shown one whatever it is; bounds tie (``BOUND_RANK``)."""
    name = card.organization.name.lower()
    identifier = str(card.program.id if card.program else card.organization.id)
    metric = SORTED_BY.get(sort)
    if metric is None:
        return (0, Decimal(0), name, identifier)
    cell = card.figures[metric]
    if cell.suppressed:
        return (1, Decimal(0), name, identifier)
    if cell.bound is not None:
        return (0, -BOUND_RANK[cell.bound], name, identifier)
    if cell.value is None:
        return (1, Decimal(0), name, identifier)
    return (0, -Decimal(cell.value), name, identifier)


def _cursor(after: str) -> SortKey:
    tier, value, name, identifier = decode_cursor(after, 4)
    try:
        key = (int(tier), Decimal(value), name, str(uuid.UUID(identifier)))
    except (ValueError, InvalidOperation) as error:
        raise InvalidInput(
            [UserError(("after",), "The cursor is not valid.", "INVALID")]
        ) from error
    if key[0] not in (0, 1) or not key[1].is_finite():
        raise InvalidInput([UserError(("after",), "The cursor is not valid.", "INVALID")])
    return key


__all__ = [
    "SCORECARD_METRICS",
    "Scorecard",
    "ScorecardSort",
    "checked_period",
    "organization_scorecards",
    "program_scorecards",
    "scorecards",
]
