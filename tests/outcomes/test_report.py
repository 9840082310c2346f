"""The outcome report (ETA-9169): its figures against the hand-computed fixture of
``report_support``, the same figures as the metric service, suppression in the files,
who may read it, the CLI export and bad input."""

from __future__ import annotations

import base64
import csv
import io
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from starlette.applications import Starlette
from typer.testing import CliRunner, Result

from coalition.auth.principal import system_principal
from coalition.cli import app as cli
from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import Forbidden, InvalidInput
from coalition.funds.models.initiatives import Initiative
from coalition.outcomes.figures import Basis, MetricCell
from coalition.outcomes.metric_names import MetricName
from coalition.outcomes.metric_rows import BreakdownBy
from coalition.outcomes.metrics import outcome_metric
from coalition.outcomes.report import OutcomeReport, outcome_report
from coalition.outcomes.report_files import report_csv, report_xlsx
from tests.outcomes.report_support import ReportWorld, build_report_world
from tests.support.graphql import GraphQLClient
from tests.support.statements import StatementCounter, without_tenant_filter
from tests.support.world import World, global_id

M = MetricName


@pytest.fixture
async def rw(
    owner_sessions: SessionFactory, app: Starlette, settings: Settings, world: World
) -> ReportWorld:
    return await build_report_world(owner_sessions, app, settings, world)


async def report_as(
    sessions: SessionFactory,
    rw: ReportWorld,
    who: str,
    *,
    initiative_id: uuid.UUID | None = None,
    period: str | None = None,
) -> OutcomeReport:
    async with tenant_transaction(sessions, rw.world.id) as session:
        return await outcome_report(
            session,
            rw.fw.principal(who),
            initiative_id=initiative_id or rw.initiative,
            period=period or rw.period,
        )


def actual(report: OutcomeReport, metric: MetricName) -> MetricCell:
    (row,) = [row for row in report.indicators if row.metric == metric]
    assert row.actual is not None
    return row.actual


def shown(cell: MetricCell) -> tuple[Any, ...]:
    return (cell.people, cell.count, cell.value, cell.bound)


async def test_the_report_has_the_hand_computed_figures(
    owner_sessions: SessionFactory, rw: ReportWorld
) -> None:
    report = await report_as(owner_sessions, rw, "admin")

    assert report.header.initiative == "Machinist apprenticeship"
    assert report.header.period.label == rw.period
    assert report.header.min_people == 10
    assert report.header.definitions[:3] == (
        "PARTICIPANTS_SERVED v1",
        "PARTICIPANTS_EXITED v1",
        "ENROLLMENTS v1",
    )
    # Served 12 + 10 + 10 + 10 + 4 + 4 = 50; exited 50 - 4 still enrolled = 46.
    assert (report.served.figure.people, report.exited.figure.people) == (50, 46)
    assert actual(report, M.ENROLLMENTS).suppressed
    assert {
        metric: shown(actual(report, metric))
        for metric in (
            M.COMPLETIONS,
            M.CREDENTIALS,
            M.PLACEMENTS,
            M.WIOA_EMPLOYMENT_Q2,
            M.WIOA_EMPLOYMENT_Q4,
            M.WIOA_MEDIAN_EARNINGS_Q2,
            M.WIOA_CREDENTIAL_RATE,
            M.WIOA_RETENTION_SAME_EMPLOYER,
            M.COMPLETION_RATE,
            M.PLACEMENT_RATE,
            M.MEDIAN_WAGE_AT_PLACEMENT,
            M.TPM_CAPTURE_RATE,
            M.COST_PER_CREDENTIAL,
            M.COST_PER_PLACEMENT,
        )
    } == {
        # Cohort 42 = A 12 + B 10 + C1 10 + C2 10. Each rate shown has at least 10
        # people with the outcome and 10 without (in brackets).
        M.COMPLETIONS: (32, None, 32, None),  # A 12 + C 20
        M.CREDENTIALS: (22, None, 22, None),  # A 12 + C1 10
        M.PLACEMENTS: (32, None, 32, None),  # A 12 + C 20
        M.WIOA_EMPLOYMENT_Q2: (42, 32, Decimal("0.7619"), None),  # 32/42 = .76190 [B 10]
        M.WIOA_EMPLOYMENT_Q4: (42, 20, Decimal("0.4762"), None),  # 20/42 = .47619 [22]
        M.WIOA_MEDIAN_EARNINGS_Q2: (32, None, 1_100_000, None),  # 12 at 9,000, 20 at 11,000
        M.WIOA_CREDENTIAL_RATE: (42, 22, Decimal("0.5238"), None),  # 22/42 = .52381 [20]
        M.WIOA_RETENTION_SAME_EMPLOYER: (32, 20, Decimal("0.6250"), None),  # 20/32 [A 12]
        M.COMPLETION_RATE: (42, 32, Decimal("0.7619"), None),  # [B 10]
        M.PLACEMENT_RATE: (42, 32, Decimal("0.7619"), None),  # [B 10]
        M.MEDIAN_WAGE_AT_PLACEMENT: (32, None, 3000, None),  # 12 at 25.00, 20 at 30.00
        M.TPM_CAPTURE_RATE: (42, 20, Decimal("0.4762"), None),  # C 20 [22]
        M.COST_PER_CREDENTIAL: (22, None, 20_000, None),  # 440,000 / 22
        M.COST_PER_PLACEMENT: (32, None, 13_750, None),  # 440,000 / 32
    }
    (msg,) = [row for row in report.indicators if row.metric == M.WIOA_MSG]
    assert msg.actual is None and msg.note is not None
    targets = {row.metric: row.target for row in report.indicators if row.target is not None}
    assert targets == {
        M.COMPLETIONS: 30,
        M.COMPLETION_RATE: Decimal("0.8"),
        M.MEDIAN_WAGE_AT_PLACEMENT: 2800,
    }
    assert [(f.currency, f.amount) for f in report.funds_expended] == [("USD", 440_000)]
    (pool,) = report.funding
    assert (pool.contributed, pool.matched, pool.disbursed, pool.paid) == (
        1_000_000,
        2_000_000,
        440_000,
        0,
    )
    assert [(c.title, c.amount, c.people) for c in report.costs] == [
        ("Cost per participant served", 8_800, 50),  # 440,000 / 50
        ("Cost per exiter", 9_565, 46),  # 440,000 / 46 = 9,565.2
        ("Cost per credential", 20_000, 22),
        ("Cost per placement", 13_750, 32),
    ]


async def test_breakdowns_hide_small_cells_and_bound_the_extreme_rates(
    owner_sessions: SessionFactory, rw: ReportWorld
) -> None:
    report = await report_as(owner_sessions, rw, "admin")

    by_sex = {
        (row.code, row.value): row.cell
        for row in report.breakdowns
        if row.breakdown_by == BreakdownBy.SEX
    }
    # All 12 women in the rate's cohort completed: nobody without the outcome (0 < 10),
    # so the count and share are hidden; the 12 people pass and show. (The strict rule
    # shows a >95% bound only from 200 people: a bound here would pin the small side.)
    women = by_sex[("COMPLETION_RATE v1", "FEMALE")]
    assert women.suppressed and shown(women) == (12, None, None, None)
    # Men: B 10 + C1 10 + C2 10 = 30, 20 completed (C), 10 did not (B). Hidden too, as the
    # women's partner: the initiative's 10 without (shown) less the men's 10 would give
    # the women's 0. Their 30 people pass and show.
    men = by_sex[("COMPLETION_RATE v1", "MALE")]
    assert men.suppressed and shown(men) == (30, None, None, None)
    assert by_sex[("COMPLETION_RATE v1", "NOT_DISCLOSED")].suppressed
    # Women served: A 12 + D 4 + E 4 = 20.
    assert shown(by_sex[("PARTICIPANTS_SERVED v1", "FEMALE")]) == (20, None, 20, None)
    # The 4 women of E enrolled this quarter: 4 < 10.
    assert by_sex[("ENROLLMENTS v1", "FEMALE")].suppressed
    codes = {row.code for row in report.breakdowns}
    assert "COST_PER_CREDENTIAL v1" not in codes
    assert {row.breakdown_by for row in report.breakdowns} == set(BreakdownBy)


async def test_every_figure_is_the_metric_services_figure(
    owner_sessions: SessionFactory, rw: ReportWorld
) -> None:
    """The report reads many metrics per statement: each cell must be what
    ``outcomeMetric`` gives for the metric, the initiative and the breakdown."""
    quarter = rw.quarter
    program_year = f"PY{quarter.year if quarter.month >= 7 else quarter.year - 1}"
    for period in (rw.period, program_year):
        report = await report_as(owner_sessions, rw, "admin", period=period)
        cells = {(row.code, row.breakdown_by, row.value): row.cell for row in report.breakdowns}
        for row in report.indicators:
            if row.actual is None:
                continue
            async with tenant_transaction(owner_sessions, rw.world.id) as session:
                principal = rw.fw.principal("admin")
                whole = await outcome_metric(
                    session,
                    principal,
                    metric=row.metric,
                    period=period,
                    initiative_id=rw.initiative,
                )
                assert row.actual == whole.total, (period, row.metric)
                if row.definition.cost_of is not None:
                    continue
                for dimension in BreakdownBy:
                    broken = await outcome_metric(
                        session,
                        principal,
                        metric=row.metric,
                        period=period,
                        initiative_id=rw.initiative,
                        breakdown_by=[dimension],
                    )
                    for cell in broken.cells:
                        key = (row.definition.code, dimension, cell.key[0])
                        assert cells[key] == cell, key


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def line(rows: list[dict[str, str]], section: str, code: str, **match: str) -> dict[str, str]:
    (found,) = [
        row
        for row in rows
        if row["section"] == section
        and row["code"] == code
        and all(row[k] == v for k, v in match.items())
    ]
    return found


async def test_the_csv_writes_suppressed_cells_as_s_with_a_note(
    owner_sessions: SessionFactory, rw: ReportWorld
) -> None:
    rows = parse(report_csv(await report_as(owner_sessions, rw, "admin")))

    enrollments = line(rows, "Indicators", "ENROLLMENTS v1")
    assert (enrollments["actual"], enrollments["people"]) == ("(S)", "(S)")
    rate = line(rows, "Indicators", "COMPLETION_RATE v1")
    assert (rate["unit"], rate["target"], rate["actual"], rate["people"], rate["numerator"]) == (
        "percent",
        "80.00%",
        "76.19%",
        "42",
        "32",
    )
    wage = line(rows, "Indicators", "MEDIAN_WAGE_AT_PLACEMENT v1")
    assert (wage["unit"], wage["target"], wage["actual"]) == ("USD", "28.00", "30.00")
    female = line(rows, "Breakdowns", "COMPLETION_RATE v1", breakdown="SEX", group="FEMALE")
    # Hidden (no woman without the outcome), its 12 people shown.
    assert (female["actual"], female["people"], female["numerator"]) == ("(S)", "12", "")
    assert line(rows, "Costs", "PLACEMENTS v1")["actual"] == "137.50"
    assert line(rows, "Participants", "PARTICIPANTS_SERVED v1")["actual"] == "50"
    notes = [row["note"] for row in rows if row["section"] == "Notes"]
    assert notes[0].startswith("(S): suppressed. The figure stands for fewer than 10 people")
    assert notes[1].startswith(">95% / <5%")


async def test_the_workbook_opens_with_numbers_as_numbers(
    owner_sessions: SessionFactory, rw: ReportWorld
) -> None:
    book = load_workbook(io.BytesIO(report_xlsx(await report_as(owner_sessions, rw, "admin"))))

    assert book.sheetnames == ["Report", "Breakdowns", "Definitions"]
    sheet = book["Report"]
    header = [cell.value for cell in sheet[1]]
    assert sheet["A1"].font.b is True
    rows = {(r[0].value, r[1].value): r for r in sheet.iter_rows(min_row=2)}
    rate = rows[("Indicators", "COMPLETION_RATE v1")]
    at = header.index("actual")
    assert rate[at].value == pytest.approx(0.7619)
    assert rate[at].number_format == "0.00%"
    assert rows[("Indicators", "ENROLLMENTS v1")][at].value == "(S)"
    assert rows[("Costs", "PLACEMENTS v1")][at].value == pytest.approx(137.50)
    assert rows[("Participants", "PARTICIPANTS_SERVED v1")][at].value == 50
    assert sheet.column_dimensions["C"].width > 10
    definitions = book["Definitions"]
    assert definitions.max_row == 1 + 2 + len(MetricName)
    assert [c.value for c in definitions[1]] == [
        "code",
        "title",
        "kind",
        "version",
        "cohort",
        "denominator",
        "numerator",
        "exclusions",
    ]
    breakdowns = book["Breakdowns"]
    assert breakdowns.max_row == 1 + len(
        [row for row in (await report_as(owner_sessions, rw, "admin")).breakdowns]
    )


async def test_names_that_would_start_a_formula_stay_text(
    owner_sessions: SessionFactory, rw: ReportWorld
) -> None:
    async with tenant_transaction(owner_sessions, rw.world.id) as session:
        await session.execute(
            update(Initiative)
            .where(Initiative.tenant_id == rw.world.id, Initiative.id == rw.initiative)
            .values(name='=HYPERLINK("http://evil.example","x")')
        )
    report = await report_as(owner_sessions, rw, "admin")

    rows = parse(report_csv(report))
    assert line(rows, "Report", "", title="Initiative")["note"] == (
        '\'=HYPERLINK("http://evil.example","x")'
    )
    sheet = load_workbook(io.BytesIO(report_xlsx(report)))["Report"]
    (cell,) = [r[11] for r in sheet.iter_rows(min_row=2) if r[2].value == "Initiative"]
    assert cell.data_type == "s"
    assert str(cell.value).startswith("'=")


async def test_a_funder_reads_the_initiatives_its_pools_fund_only(
    owner_sessions: SessionFactory, rw: ReportWorld
) -> None:
    funded = await report_as(owner_sessions, rw, "funder_admin")

    assert funded.served.figure.people == 50
    with pytest.raises(Forbidden):
        await report_as(owner_sessions, rw, "funder_admin", initiative_id=rw.unfunded_initiative)
    convener = await report_as(owner_sessions, rw, "admin", initiative_id=rw.unfunded_initiative)
    assert convener.served.figure.suppressed


@pytest.mark.parametrize(
    "person",
    ["analyst", "org_admin", "member", "other_org_admin", "college_admin", "college_member"],
)
async def test_everyone_else_is_forbidden(
    owner_sessions: SessionFactory, rw: ReportWorld, person: str
) -> None:
    with pytest.raises(Forbidden):
        await report_as(owner_sessions, rw, person)


async def test_bad_input_is_refused_with_every_problem(
    owner_sessions: SessionFactory, rw: ReportWorld
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await report_as(owner_sessions, rw, "admin", initiative_id=uuid.uuid4(), period="2026Q5")

    assert sorted((e.field, e.code) for e in refused.value.errors) == [
        (("initiativeId",), "NOT_FOUND"),
        (("period",), "INVALID"),
    ]


async def test_the_operator_reads_it_suppressed(
    owner_sessions: SessionFactory, rw: ReportWorld
) -> None:
    async with tenant_transaction(owner_sessions, rw.world.id) as session:
        report = await outcome_report(
            session,
            system_principal(rw.world.id, "cli:test"),
            initiative_id=rw.initiative,
            period=rw.period,
        )
    assert actual(report, M.ENROLLMENTS).suppressed
    assert actual(report, M.COMPLETIONS).basis == Basis.PARTICIPANT_RECORDS


# --- GraphQL ---------------------------------------------------------------------

REPORT = """query($id: ID!, $period: String!) { outcomeReport(initiativeId: $id, period: $period) {
  partnership initiativeName period { label startsOn } minPeople definitions
  served { code figure { suppressed people } }
  exited { figure { people } }
  indicators { metric definition { code kind } target note
    actual { suppressed people count rate amount { amountMinor currency } bound basis display } }
  breakdowns { code breakdownBy group
    figure { keys { dimension value } suppressed people rate bound display } }
  fundsExpended { amountMinor currency }
  funding { poolName disbursed { amountMinor } }
  costs { title per amount { amountMinor } people suppressed }
  csv xlsxBase64 } }"""


async def test_graphql_gives_the_report_and_its_files(gql: GraphQLClient, rw: ReportWorld) -> None:
    body = await gql(
        REPORT,
        {"id": global_id("Initiative", rw.initiative), "period": rw.period},
        token=rw.fw.token("funder_admin"),
    )

    assert "errors" not in body, body
    report = body["data"]["outcomeReport"]
    assert report["served"]["figure"] == {"suppressed": False, "people": 50}
    indicators = {row["metric"]: row for row in report["indicators"]}
    assert indicators["COMPLETION_RATE"]["target"] == "0.8000"
    assert indicators["COMPLETION_RATE"]["actual"]["rate"] == 0.7619
    assert indicators["COMPLETION_RATE"]["definition"] == {
        "code": "COMPLETION_RATE v1",
        "kind": "RATE",
    }
    female = [
        row["figure"]
        for row in report["breakdowns"]
        if row["code"] == "COMPLETION_RATE v1" and row["group"] == "FEMALE"
    ]
    assert female == [
        {
            "keys": [{"dimension": "SEX", "value": "FEMALE"}],
            "suppressed": True,
            "people": 12,
            "rate": None,
            "bound": None,
            "display": "(S)",
        }
    ]
    assert indicators["MEDIAN_WAGE_AT_PLACEMENT"]["actual"]["amount"] == {
        "amountMinor": "3000",
        "currency": "USD",
    }
    assert indicators["ENROLLMENTS"]["actual"]["suppressed"] is True
    assert report["fundsExpended"] == [{"amountMinor": "440000", "currency": "USD"}]
    assert parse(report["csv"])[0]["title"] == "Partnership"
    book = load_workbook(io.BytesIO(base64.b64decode(report["xlsxBase64"])))
    assert book.sheetnames == ["Report", "Breakdowns", "Definitions"]


@pytest.mark.parametrize("token", ["college_admin", "analyst", "reader"])
async def test_graphql_refuses_everyone_but_the_convener_and_funders(
    gql: GraphQLClient, rw: ReportWorld, token: str
) -> None:
    body = await gql(
        REPORT,
        {"id": global_id("Initiative", rw.initiative), "period": rw.period},
        token=rw.fw.token(token),
    )
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_graphql_bad_period_is_bad_user_input(gql: GraphQLClient, rw: ReportWorld) -> None:
    body = await gql(
        REPORT,
        {"id": global_id("Initiative", rw.initiative), "period": "someday"},
        token=rw.fw.token("admin"),
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_report_takes_the_same_statements_for_more_records(
    gql: GraphQLClient,
    rw: ReportWorld,
    owner_sessions: SessionFactory,
    count_statements: StatementCounter,
) -> None:
    from tests.outcomes.metric_support import add_records

    async def count() -> int:
        count_statements.statements.clear()
        body = await gql(
            REPORT,
            {"id": global_id("Initiative", rw.initiative), "period": rw.period},
            token=rw.fw.token("admin"),
        )
        assert "errors" not in body, body
        assert without_tenant_filter(count_statements.statements) == []
        return count_statements.count

    before = await count()
    await add_records(
        owner_sessions,
        rw.world,
        "provider",
        30,
        initiative_id=rw.initiative,
        entry_date=rw.quarter,
        exit_date=rw.quarter,
        barriers=["LOW_INCOME"],
    )
    after = await count()

    again = await count()

    assert before == after
    # The request's tenant, user and memberships; 6 groupings (whole, 5 breakdowns) x
    # (records by exit, by entry, over the period, and counts); the initiative, the tenant,
    # the disbursements, the data version, the targets, the funding (2) and the pools'
    # names.
    assert before == 3 + 6 * 4 + 8
    # Asked again with nothing changed: the figures are remembered at this data version.
    assert again == before - 6 * 4


# --- the CLI ---------------------------------------------------------------------


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="coalition")


@pytest.fixture
async def cli_world(
    owner_sessions: SessionFactory, app: Starlette, settings: Settings, world: World
) -> ReportWorld:
    return await build_report_world(owner_sessions, app, settings, world)


def test_the_cli_exports_csv_and_xlsx_to_files(
    cli_env: Settings, cli_world: ReportWorld, tmp_path: Path
) -> None:
    target = ["--tenant", cli_world.world.slug, "--period", cli_world.period]
    as_csv, as_xlsx = tmp_path / "report.csv", tmp_path / "report.xlsx"

    by_name = run(
        "export",
        "outcomes",
        *target,
        "--initiative",
        "machinist APPRENTICESHIP",
        "--output",
        str(as_csv),
    )
    by_id = run(
        "export",
        "outcomes",
        *target,
        "--initiative",
        str(cli_world.initiative),
        "--format",
        "xlsx",
        "--output",
        str(as_xlsx),
    )
    printed = run("export", "outcomes", *target, "--initiative", str(cli_world.initiative))

    assert by_name.exit_code == 0, by_name.output
    rows = parse(as_csv.read_text())
    assert line(rows, "Indicators", "ENROLLMENTS v1")["actual"] == "(S)"
    assert line(rows, "Participants", "PARTICIPANTS_EXITED v1")["actual"] == "46"
    assert by_id.exit_code == 0, by_id.output
    sheet = load_workbook(as_xlsx)["Report"]
    assert sheet["A1"].value == "section"
    assert printed.exit_code == 0
    assert parse(printed.stdout)[1]["note"] == "Machinist apprenticeship"


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--initiative", "nothing like it", "--period", "2026Q1"], "no initiative"),
        (["--initiative", "Machinist apprenticeship", "--period", "2026Q9"], "--period"),
        (["--initiative", str(uuid.UUID(int=7)), "--period", "2026Q1"], "--initiative"),
    ],
)
def test_the_cli_refuses_bad_input(
    cli_env: Settings, cli_world: ReportWorld, flags: list[str], message: str
) -> None:
    result = run("export", "outcomes", "--tenant", cli_world.world.slug, *flags)

    assert result.exit_code == 1
    assert message in result.stderr


def test_the_cli_refuses_an_unknown_format(cli_env: Settings, cli_world: ReportWorld) -> None:
    result = run(
        "export",
        "outcomes",
        "--tenant",
        cli_world.world.slug,
        "--initiative",
        "Machinist apprenticeship",
        "--period",
        cli_world.period,
        "--format",
        "pdf",
    )

    assert result.exit_code == 2
    assert "pdf" in result.output
