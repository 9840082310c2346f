"""Provider scorecards: figures against ``report_support``'s records, suppression (exact
for the provider's own admins), sorting that never orders hidden values, who may read,
statement counts.

Beyond the report world's college and provider, two small providers:
- big academy: 20 exiters, 10 completed (50%), none placed;
- small school: 10 exiters, 6 completed, 4 not (hidden: 60%);
- aaa tiny: 10 exiters, 4 completed, 6 not (hidden: 40%).

The two small ones' completers (6 and 4) and non-completers (4 and 6) are each under
10, so their rates are hidden; together they are 10 and 10, so each hides the other
and no third provider need be hidden to protect them (their 10 people each show).

For the quarter, over every initiative (the college's 30 outside the initiative count:
F 10 like B, G 10 like C1, H 10 like A without a credential): college A 12 + B 10 + F 10
+ G 10 + H 10 = 52 in the rates' cohort; completed and placed A 12 + G 10 + H 10 = 32
(32/52 = .61538, B + F = 20 without); credentialed A 12 + G 10 = 22 (22/52 = .42308, 30
without); median wage $25.00 (32 people: A 12 + H 10 = 22 at $25.00, G 10 at $30.00);
captured G 10 (10/52 = .19231, 42 without); provider 10 + 10 = 20, all completed,
placed and captured (nobody without: hidden), 10 credentialed (10/20 = 50%, 10
without), median wage $30.00 (20 people).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from starlette.applications import Starlette

from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import Forbidden, InvalidInput
from coalition.outcomes.figures import MetricCell
from coalition.outcomes.metric_names import MetricName
from coalition.outcomes.models import CredentialType, EmploymentStatus, TrainingServiceType
from coalition.outcomes.scorecards import (
    Scorecard,
    ScorecardSort,
    checked_period,
    organization_scorecards,
    program_scorecards,
    scorecards,
)
from coalition.pagination import Page, PageRequest
from coalition.tenancy.models import OrganizationKind
from tests.outcomes.metric_support import add_records, add_reporter
from tests.outcomes.report_support import ReportWorld, build_report_world
from tests.supply.support import add_program
from tests.support.graphql import GraphQLClient
from tests.support.statements import StatementCounter, without_tenant_filter
from tests.support.world import World, global_id

M = MetricName


@pytest.fixture
async def rw(
    owner_sessions: SessionFactory, app: Starlette, settings: Settings, world: World
) -> ReportWorld:
    rw = await build_report_world(owner_sessions, app, settings, world)
    exited = {
        "entry_date": rw.quarter - timedelta(days=60),
        "exit_date": rw.quarter + timedelta(days=20),
        "training_service_type": TrainingServiceType.OCCUPATIONAL_SKILLS,
    }
    for name, completed, not_completed in (
        ("big academy", 10, 10),
        ("small school", 6, 4),
        ("aaa tiny", 4, 6),
    ):
        await add_reporter(owner_sessions, world, name, OrganizationKind.TRAINING_PROVIDER)
        # The small ones' completers are credentialed and hired by the world's employer:
        # hidden (6 and 4 < 10) but together 10, so the cells hidden beside a shown
        # credential or capture rate are not all 0.
        placed = (
            {
                "credential_1_type": CredentialType.OCCUPATIONAL_CERTIFICATE,
                "credential_1_on": exited["exit_date"],
                "employed_q2": EmploymentStatus.EMPLOYED,
                "employer_organization_id": world.organizations["employer"],
            }
            if name != "big academy"
            else {}
        )
        await add_records(
            owner_sessions, world, name, completed, training_completed=True, **exited, **placed
        )
        if not_completed:
            await add_records(
                owner_sessions, world, name, not_completed, training_completed=False, **exited
            )
    return rw


async def page_as(
    sessions: SessionFactory, rw: ReportWorld, who: str, sort: ScorecardSort, **page: Any
) -> Page[Scorecard]:
    async with tenant_transaction(sessions, rw.world.id) as session:
        return await scorecards(
            session, rw.fw.principal(who), period=rw.period, sort=sort, page=PageRequest(**page)
        )


def names(page: Page[Scorecard]) -> list[str]:
    return [card.organization.name for card in page.items]


def seen(cell: MetricCell) -> tuple[Any, ...]:
    return (cell.people, cell.count, cell.value, cell.bound)


async def test_the_convener_sees_each_providers_figures_suppressed(
    owner_sessions: SessionFactory, rw: ReportWorld
) -> None:
    page = await page_as(owner_sessions, rw, "admin", ScorecardSort.NAME)
    cards = {card.organization.name: card for card in page.items}

    college = cards["alpha college"].figures
    assert seen(college[M.COMPLETION_RATE]) == (52, 32, Decimal("0.6154"), None)  # 32/52
    assert seen(college[M.WIOA_CREDENTIAL_RATE]) == (52, 22, Decimal("0.4231"), None)  # 22/52
    assert seen(college[M.PLACEMENT_RATE]) == (52, 32, Decimal("0.6154"), None)
    assert seen(college[M.MEDIAN_WAGE_AT_PLACEMENT]) == (32, None, 2500, None)  # 22 at 25.00
    # Its 10 of 52 captured would show, but big academy, small school and aaa tiny
    # captured nobody: their cells of 0 (< 10) need a partner among the members (the
    # partnership's capture less the shown members' would give their 0), and the
    # smallest shown, the college's 10, is it. The people still show.
    assert seen(college[M.TPM_CAPTURE_RATE]) == (52, None, None, None)
    provider = cards[f"{rw.world.slug} tech college"].figures
    # All 20 completed: nobody without the outcome (0 < 10), hidden; not a >95% bound,
    # which the strict rule shows only from 200 people.
    assert provider[M.COMPLETION_RATE].suppressed
    assert seen(provider[M.COMPLETION_RATE]) == (20, None, None, None)
    assert seen(provider[M.WIOA_CREDENTIAL_RATE]) == (20, 10, Decimal("0.5"), None)
    assert seen(provider[M.MEDIAN_WAGE_AT_PLACEMENT]) == (20, None, 3000, None)
    assert seen(cards["big academy"].figures[M.COMPLETION_RATE]) == (20, 10, Decimal("0.5"), None)
    assert seen(cards["small school"].figures[M.COMPLETION_RATE]) == (10, None, None, None)
    assert seen(cards["aaa tiny"].figures[M.COMPLETION_RATE]) == (10, None, None, None)
    assert not any(card.exact for card in page.items)
    assert page.total_count == 5


async def test_a_providers_own_admins_read_it_exactly(
    owner_sessions: SessionFactory, rw: ReportWorld
) -> None:
    page = await page_as(owner_sessions, rw, "college_admin", ScorecardSort.NAME)
    cards = {card.organization.name: card for card in page.items}

    own = cards["alpha college"]
    assert own.exact
    assert seen(own.figures[M.TPM_CAPTURE_RATE]) == (52, 10, Decimal("0.1923"), None)
    assert not cards["big academy"].exact
    assert cards["small school"].figures[M.COMPLETION_RATE].suppressed


async def test_sorting_puts_suppressed_last_by_name_and_ties_bounds(
    owner_sessions: SessionFactory, rw: ReportWorld
) -> None:
    provider = f"{rw.world.slug} tech college"

    by_completion = await page_as(owner_sessions, rw, "admin", ScorecardSort.COMPLETION_RATE)
    by_credential = await page_as(owner_sessions, rw, "admin", ScorecardSort.CREDENTIAL_RATE)
    by_capture = await page_as(owner_sessions, rw, "admin", ScorecardSort.CAPTURE_RATE)
    by_name = await page_as(owner_sessions, rw, "admin", ScorecardSort.NAME)

    # alpha college 61.54% > big academy 50%; then the hidden ones by name: aaa tiny's
    # 40%, the provider's 100% and small school's 60% (a sort by hidden values would
    # put the provider first).
    assert names(by_completion) == [
        "alpha college",
        "big academy",
        "aaa tiny",
        provider,
        "small school",
    ]
    # The provider's 50% > alpha college's 42.31%; big academy (no credentials, 0 < 10)
    # and the small ones hidden, by name.
    assert names(by_credential) == [
        provider,
        "alpha college",
        "aaa tiny",
        "big academy",
        "small school",
    ]
    # No capture rate shows (the college's is the others' zeros' partner): all by name,
    # so the order tells nothing of the hidden values.
    assert names(by_capture) == names(by_name)
    assert names(by_name) == ["aaa tiny", "alpha college", provider, "big academy", "small school"]


async def test_pages_follow_the_cursor(owner_sessions: SessionFactory, rw: ReportWorld) -> None:
    first = await page_as(owner_sessions, rw, "admin", ScorecardSort.COMPLETION_RATE, first=2)
    rest = await page_as(
        owner_sessions,
        rw,
        "admin",
        ScorecardSort.COMPLETION_RATE,
        first=10,
        after=first.end_cursor,
    )

    assert first.has_next_page and not rest.has_next_page
    assert names(first) + names(rest) == names(
        await page_as(owner_sessions, rw, "admin", ScorecardSort.COMPLETION_RATE)
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"after": "not-a-cursor"}, "after"),
    ],
)
async def test_bad_pages_are_refused(
    owner_sessions: SessionFactory, rw: ReportWorld, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await page_as(owner_sessions, rw, "admin", ScorecardSort.NAME, **kwargs)
    assert [e.field for e in refused.value.errors] == [(field,)]


async def test_a_bad_period_is_refused(owner_sessions: SessionFactory, rw: ReportWorld) -> None:
    with pytest.raises(InvalidInput):
        checked_period("2026Q7")
    async with tenant_transaction(owner_sessions, rw.world.id) as session:
        with pytest.raises(InvalidInput):
            await scorecards(session, rw.fw.principal("admin"), period="last year")


async def test_organization_and_program_scorecards(
    owner_sessions: SessionFactory, rw: ReportWorld
) -> None:
    program = await add_program(owner_sessions, rw.world, name="CNC", external_id="CNC-1")
    await add_records(
        owner_sessions,
        rw.world,
        "college",
        10,
        program_id=program,
        entry_date=rw.quarter,
        exit_date=rw.quarter + timedelta(days=30),
        training_completed=True,
    )
    await add_records(
        owner_sessions,
        rw.world,
        "college",
        3,
        program_id=program,
        entry_date=rw.quarter,
        exit_date=rw.quarter + timedelta(days=30),
        training_completed=False,
    )
    period = checked_period(rw.period)
    async with tenant_transaction(owner_sessions, rw.world.id) as session:
        own = await program_scorecards(
            session, rw.fw.principal("college_admin"), [program, rw.initiative], period
        )
        convener = await program_scorecards(session, rw.fw.principal("admin"), [program], period)
        organizations = await organization_scorecards(
            session, rw.fw.principal("admin"), [rw.world.organizations["college"]], period
        )

    card = own[program]
    assert card is not None and card.exact and card.program is not None
    assert seen(card.figures[M.COMPLETION_RATE]) == (13, 10, Decimal("0.7692"), None)
    assert own[rw.initiative] is None
    shown = convener[program]
    assert shown is not None and not shown.exact
    # Only 3 of the program's 13 did not complete (3 < 10): the convener sees the 13
    # people, not the rate its own admins read exactly.
    assert shown.figures[M.COMPLETION_RATE].suppressed
    assert seen(shown.figures[M.COMPLETION_RATE]) == (13, None, None, None)
    college = organizations[rw.world.organizations["college"]]
    assert college is not None
    # 52 + 13 = 65 people, 32 + 10 = 42 completed (42/65 = .64615), 20 + 3 = 23 not.
    assert seen(college.figures[M.COMPLETION_RATE]) == (65, 42, Decimal("0.6462"), None)


async def test_apps_without_outcomes_read_are_forbidden(
    owner_sessions: SessionFactory, rw: ReportWorld
) -> None:
    from coalition.auth.principal import Principal, PrincipalKind

    app = Principal(
        kind=PrincipalKind.CLIENT,
        id=None,
        tenant_id=rw.world.id,
        label="client:reader",
        scopes=frozenset({"read"}),
        grants=(),
    )
    async with tenant_transaction(owner_sessions, rw.world.id) as session:
        with pytest.raises(Forbidden):
            await scorecards(session, app, period=rw.period)


# --- GraphQL ---------------------------------------------------------------------

FIGURE = "{ suppressed people count rate bound display amount { amountMinor } }"
CARDS = f"""query($period: String!, $sort: ScorecardSort, $after: String) {{
  scorecards(period: $period, sort: $sort, first: 50, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ organization {{ id name }} program {{ id }} exact minPeople definitions
      period {{ label }}
      completionRate {FIGURE} credentialRate {FIGURE} placementRate {FIGURE}
      medianWageAtPlacement {FIGURE} captureRate {FIGURE} }} }} }} }}"""
NESTED = f"""query($period: String!) {{
  organizations(first: 50) {{ edges {{ node {{ name
    scorecard(period: $period) {{ exact completionRate {FIGURE} }}
    trainingPrograms(first: 10) {{ edges {{ node {{ name
      scorecard(period: $period) {{ completionRate {FIGURE} }} }} }} }} }} }} }} }}"""


@pytest.mark.parametrize(
    "person",
    [
        "admin",
        "analyst",
        "org_admin",
        "member",
        "other_org_admin",
        "college_admin",
        "college_member",
    ],
)
async def test_every_member_reads_scorecards_and_only_its_own_exactly(
    gql: GraphQLClient, rw: ReportWorld, person: str
) -> None:
    body = await gql(CARDS, {"period": rw.period, "sort": "NAME"}, token=rw.fw.token(person))

    assert "errors" not in body, body
    nodes = {
        edge["node"]["organization"]["name"]: edge["node"]
        for edge in body["data"]["scorecards"]["edges"]
    }
    exact = {name for name, node in nodes.items() if node["exact"]}
    assert exact == ({"alpha college"} if person == "college_admin" else set())
    assert nodes["small school"]["completionRate"]["display"] == "(S)"
    assert nodes["alpha college"]["medianWageAtPlacement"]["amount"] == {"amountMinor": "2500"}


async def test_graphql_refuses_an_app_without_outcomes_read(
    gql: GraphQLClient, rw: ReportWorld
) -> None:
    body = await gql(CARDS, {"period": rw.period}, token=rw.fw.token("reader"))

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_scorecards_take_the_same_statements_for_more_providers(
    gql: GraphQLClient,
    rw: ReportWorld,
    owner_sessions: SessionFactory,
    count_statements: StatementCounter,
) -> None:
    async def count(document: str) -> int:
        count_statements.statements.clear()
        body = await gql(document, {"period": rw.period}, token=rw.fw.token("admin"))
        assert "errors" not in body, body
        assert without_tenant_filter(count_statements.statements) == []
        return count_statements.count

    await add_program(owner_sessions, rw.world, name="First program", external_id="P-first")
    before = (await count(CARDS), await count(NESTED))
    for index in range(3):
        name = f"more {index}"
        await add_reporter(owner_sessions, rw.world, name, OrganizationKind.TRAINING_PROVIDER)
        await add_records(
            owner_sessions,
            rw.world,
            name,
            12,
            entry_date=rw.quarter,
            exit_date=rw.quarter + timedelta(days=3),
        )
        await add_program(
            owner_sessions,
            rw.world,
            person="admin",
            organization=name,
            name=f"Program {index}",
            external_id=f"P-{index}",
        )
    after = (await count(CARDS), await count(NESTED))

    assert before == after
    # The request (3), the providers, the tenant's settings, the records and counts.
    assert before[0] == 3 + 4
    # The request (3); the organizations' page and count; the organizations' scorecards
    # (organizations, settings, records, counts); the programs' pages; the programs'
    # scorecards (programs, settings, records, counts).
    assert before[1] == 3 + 2 + 4 + 1 + 4


async def test_graphql_bad_input(gql: GraphQLClient, rw: ReportWorld) -> None:
    bad_period = await gql(CARDS, {"period": "2026Q0"}, token=rw.fw.token("admin"))
    bad_cursor = await gql(CARDS, {"period": rw.period, "after": "xyz"}, token=rw.fw.token("admin"))
    bad_sort = await gql(CARDS, {"period": rw.period, "sort": "WAGE"}, token=rw.fw.token("admin"))

    assert bad_period["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert bad_cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "errors" in bad_sort and bad_sort.get("data") is None
    assert global_id("Organization", rw.world.organizations["college"])
