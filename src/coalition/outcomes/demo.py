"""Outcomes for the demo partnerships: participant records from the college and the
training provider (imported as a PIRL-layout file, as a member would), aggregate
counts from the community organization, and targets on the partnership's initiative.

The people are generated from a fixed seed, so every machine gets the same records,
and importing them again changes nothing (re-import by participant identifier). Small
groups are there on purpose (a handful of veterans, few Asian and American Indian
participants, 65 and older): the funder report shows some equity cells suppressed.
Everything goes through the services, as the operator.
"""

from __future__ import annotations

import csv
import io
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import system_principal
from coalition.db.engine import SessionFactory
from coalition.db.scoping import in_tenant
from coalition.db.session import tenant_transaction
from coalition.funds.models.initiatives import Initiative
from coalition.outcomes import counts, csv_import, targets
from coalition.outcomes.layout import COLUMNS
from coalition.outcomes.models import AggregateCount, ParticipantRecord
from coalition.outcomes.periods import add_quarters, quarter_label, quarter_start


@dataclass(frozen=True)
class DemoReporter:
    """A member keeping participant records: how many people, of which programs (by
    external ID), in which training service (PIRL 1303 code), and the occupation."""

    organization: str
    prefix: str
    people: int
    programs: tuple[str, ...]
    service_code: str
    occupation: str
    wage_cents: tuple[int, int]
    in_initiative: float


@dataclass(frozen=True)
class DemoOutcomes:
    reporters: tuple[DemoReporter, ...]
    counts_organization: str
    employers: tuple[str, ...]
    initiative: str


OUTCOMES: dict[str, DemoOutcomes] = {
    "lakeshore-manufacturing": DemoOutcomes(
        reporters=(
            DemoReporter(
                "Lakeshore Community College",
                "LCC",
                230,
                ("LCC-CNC-101", "LCC-TD-201"),
                "01",
                "51-4041",
                (1_850, 2_900),
                0.4,
            ),
            DemoReporter(
                "West Shore Apprenticeship Center",
                "WSAC",
                110,
                ("WSAC-MACH-RA",),
                "09",
                "51-4041",
                (2_100, 3_100),
                1.0,
            ),
        ),
        counts_organization="Harbor Reentry Network",
        employers=("Precision Tool & Die", "Harbor Fabrication", "Great Lakes Castings"),
        initiative="CNC Machinist Apprenticeship Pathway",
    ),
    "metro-healthcare": DemoOutcomes(
        reporters=(
            DemoReporter(
                "Metro Community College",
                "MCC",
                210,
                ("MCC-PN", "MCC-ADN"),
                "01",
                "29-2061",
                (2_300, 3_400),
                0.3,
            ),
            DemoReporter(
                "CareerPath Nursing Academy",
                "CPNA",
                140,
                ("CPNA-CNA", "CPNA-MA"),
                "01",
                "31-1131",
                (1_700, 2_300),
                1.0,
            ),
        ),
        counts_organization="Neighborhood Career Center",
        employers=("Riverside Senior Living", "HomeCare Partners", "Metro General Hospital"),
        initiative="Certified Nursing Assistant Cohort",
    ),
}
# The initiative's targets for program year 2025 (July 2025 to June 2026).
TARGETS = (
    ("ENROLLMENTS", "PY2025", "100"),
    ("COMPLETIONS", "PY2025", "60"),
    ("PLACEMENTS", "PY2025", "50"),
    ("WIOA_EMPLOYMENT_Q2", "PY2025", "0.72"),
    ("WIOA_CREDENTIAL_RATE", "PY2025", "0.65"),
    ("MEDIAN_WAGE_AT_PLACEMENT", "PY2025", "22.00"),
    ("COST_PER_PLACEMENT", "PY2025", "4500.00"),
)
FIRST_ENTRY = date(2024, 10, 1)
LAST_EXIT = date(2026, 9, 30)
AGE_BANDS = ("18_24", "25_34", "35_44", "45_54", "55_64", "65_plus")
AGE_WEIGHTS = (24, 32, 20, 14, 8, 2)
BARRIERS = ("LOW_INCOME", "ENGLISH_LEARNER", "EX_OFFENDER", "SINGLE_PARENT", "DISABILITY")


def _yes(flag: bool) -> str:
    return "1" if flag else "0"


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _employment(rng: random.Random, exit_on: date, n: int, today: date, rate: float) -> str:
    """PIRL 1600-series: 1 employed, 0 not, 9 not known; empty for a quarter not over."""
    quarter = add_quarters(quarter_start(exit_on), n)
    if add_quarters(quarter, 1) > today:
        return ""
    return "1" if rng.random() < rate else rng.choice(("0", "0", "9"))


def participants_csv(slug: str, reporter: DemoReporter, outcomes: DemoOutcomes, today: date) -> str:
    """The reporter's demo participants as a file in the import's layout."""
    rng = random.Random(f"{slug}/{reporter.organization}")
    names = [column.name for column in COLUMNS if column.name != "cohort_start"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    span = (LAST_EXIT - FIRST_ENTRY).days - 240
    for number in range(1, reporter.people + 1):
        entry = FIRST_ENTRY + timedelta(days=rng.randrange(span))
        exit_on: date | None = entry + timedelta(days=rng.randrange(90, 240))
        if exit_on is not None and exit_on > min(LAST_EXIT, today - timedelta(days=1)):
            exit_on = None
        row = dict.fromkeys(names, "")
        row |= {
            "participant_identifier": f"{reporter.prefix}-{number:04d}",
            "program": rng.choice(reporter.programs),
            "initiative": outcomes.initiative if rng.random() < reporter.in_initiative else "",
            "date_of_program_entry": entry.isoformat(),
            "date_of_program_exit": _day(exit_on),
            "sex": rng.choices(("1", "2", "9"), (56, 41, 3))[0],
            "age_band": rng.choices(AGE_BANDS, AGE_WEIGHTS)[0],
            "eligible_veteran_status": rng.choices(("0", "1", "9"), (90, 6, 4))[0],
            "barriers": ";".join(b for b in BARRIERS if rng.random() < 0.18),
            "type_of_training_service_1": "02" if rng.random() < 0.06 else reporter.service_code,
        }
        race = rng.choices(
            ("white", "black_african_american", "asian", "american_indian_alaska_native", ""),
            (58, 24, 5, 3, 10),
        )[0]
        for column in (
            "american_indian_alaska_native",
            "asian",
            "black_african_american",
            "native_hawaiian_pacific_islander",
            "white",
        ):
            row[column] = _yes(column == race)
        row["ethnicity_hispanic_latino"] = _yes(rng.random() < 0.16)
        row["did_not_self_identify_race"] = _yes(race == "")
        if exit_on is not None:
            _outcome(rng, row, reporter, outcomes, exit_on, today)
        writer.writerow(row)
    return out.getvalue()


def _outcome(
    rng: random.Random,
    row: dict[str, str],
    reporter: DemoReporter,
    outcomes: DemoOutcomes,
    exit_on: date,
    today: date,
) -> None:
    """What happened after exit: completion, a credential, a skill gain, employment."""
    row["other_reasons_for_exit"] = "02" if rng.random() < 0.03 else "00"
    completed = rng.random() < 0.78
    row["training_completed"] = _yes(completed)
    if completed and rng.random() < 0.85:
        row["type_of_recognized_credential_1"] = "5"
        late = rng.random() < 0.05  # 13 months on: outside the credential rule's year
        row["date_attained_recognized_credential_1"] = (
            exit_on + timedelta(days=395 if late else rng.randrange(0, 45))
        ).isoformat()
        if late and exit_on + timedelta(days=395) > today:
            row["type_of_recognized_credential_1"] = ""
            row["date_attained_recognized_credential_1"] = ""
    if rng.random() < 0.7:
        row["date_msg_training_milestone"] = (exit_on - timedelta(days=30)).isoformat()
    rate = 0.82 if completed else 0.45
    quarters = [_employment(rng, exit_on, n, today, rate) for n in (1, 2, 3, 4)]
    for n, status in zip((1, 2, 3, 4), quarters, strict=True):
        suffix = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}[n]
        row[f"employed_{suffix}_quarter_after_exit"] = status
    if "1" in quarters[:2]:
        member = rng.random() < 0.55
        row["employer"] = rng.choice(outcomes.employers) if member else "other"
        row["occupational_code"] = reporter.occupation
        row["entered_training_related_employment"] = _yes(rng.random() < 0.8)
        low, high = reporter.wage_cents
        wage = rng.randrange(low, high)
        row["hourly_wage_at_placement"] = f"{wage // 100}.{wage % 100:02d}"
    if quarters[1] == "1":
        earnings = int(row["hourly_wage_at_placement"].replace(".", "") or 2000) * 480
        row["wages_2nd_quarter_after_exit"] = f"{earnings // 100}.{earnings % 100:02d}"
        if quarters[3] != "":
            row["retention_with_same_employer_2nd_and_4th_quarter"] = _yes(
                quarters[3] == "1" and rng.random() < 0.8
            )
    if quarters[3] == "1" and quarters[1] == "1":
        earnings = int(row["hourly_wage_at_placement"].replace(".", "") or 2000) * 500
        row["wages_4th_quarter_after_exit"] = f"{earnings // 100}.{earnings % 100:02d}"


def count_rows(rng: random.Random) -> list[counts.CountRow]:
    """A quarter's aggregate counts: the total and by sex."""
    served = rng.randrange(18, 30)
    exited = rng.randrange(8, min(served, 16))
    completed = rng.randrange(exited // 2, exited + 1)
    credentialed = rng.randrange(0, completed + 1)
    placed = rng.randrange(completed // 2, exited + 1)
    women = rng.randrange(served // 3, served // 2 + 1)
    # Each of the women's counts is at most her share of the total's (floor), so the men's
    # (the rest) never exceed their own served or exited.
    women_exited = exited * women // served
    by_women = [value * women_exited // exited for value in (completed, credentialed, placed)]
    return [
        counts.CountRow("TOTAL", "", served, exited, completed, credentialed, placed),
        counts.CountRow("SEX", "FEMALE", women, women_exited, *by_women),
        counts.CountRow(
            "SEX",
            "MALE",
            served - women,
            exited - women_exited,
            completed - by_women[0],
            credentialed - by_women[1],
            placed - by_women[2],
        ),
    ]


async def seed_outcomes(
    sessions: SessionFactory,
    *,
    tenant_id: uuid.UUID,
    slug: str,
    organizations: Mapping[str, uuid.UUID],
    today: date,
) -> int:
    """Seed partnership ``slug``'s outcomes (idempotent); returns the records imported
    (created or changed)."""
    demo = OUTCOMES.get(slug)
    if demo is None:
        return 0
    principal = system_principal(tenant_id, f"demo seed ({slug})")
    changed = 0
    for reporter in demo.reporters:
        text = participants_csv(slug, reporter, demo, today)
        async with tenant_transaction(sessions, tenant_id) as session:
            if await _has(
                session, tenant_id, ParticipantRecord, organizations[reporter.organization]
            ):
                continue
            report = await csv_import.import_participant_records(
                session, principal, organization_id=organizations[reporter.organization], text=text
            )
        if report.row_errors:
            raise RuntimeError(f"demo participants of {reporter.organization}: {report.row_errors}")
        changed += report.created_count + report.updated_count
    async with tenant_transaction(sessions, tenant_id) as session:
        initiative = await session.scalar(
            select(Initiative.id).where(
                in_tenant(Initiative, tenant_id), Initiative.name == demo.initiative
            )
        )
        assert initiative is not None, "the funds demo makes the initiative first"
        rng = random.Random(f"{slug}/counts")
        quarter = date(2025, 7, 1)
        counted = await _has(
            session, tenant_id, AggregateCount, organizations[demo.counts_organization]
        )
        while not counted and add_quarters(quarter, 1) <= today and quarter < date(2026, 7, 1):
            await counts.report_aggregate_counts(
                session,
                principal,
                organization_id=organizations[demo.counts_organization],
                quarter=quarter_label(quarter),
                program_id=None,
                initiative_id=initiative,
                rows=count_rows(rng),
            )
            quarter = add_quarters(quarter, 1)
        for metric, period, value in TARGETS:
            await targets.set_outcome_target(
                session,
                principal,
                initiative_id=initiative,
                metric=metric,
                period=period,
                target=value,
            )
    return changed


async def _has(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    model: type[ParticipantRecord] | type[AggregateCount],
    organization_id: uuid.UUID,
) -> bool:
    """Whether the member already has demo data of this kind (seeded before)."""
    found = await session.scalar(
        select(model.id)
        .where(in_tenant(model, tenant_id), model.organization_id == organization_id)
        .limit(1)
    )
    return found is not None


__all__ = ["OUTCOMES", "TARGETS", "participants_csv", "seed_outcomes"]
