"""The report and scorecard tests' partnership: the funds world (a funder, a training
provider, an initiative and the funder's pool), participant records of the college and
the provider in the current quarter, and funds disbursed to the initiative.

The period is the current calendar quarter because the ledger dates a disbursement's
approval the day it happens (and is append-only): the records are dated in the same
quarter, so every figure below holds whenever the tests run.

Hand-computed for the initiative in the quarter (``PERIOD``):

- college A: 12 women, completed, employed in Q1 and Q2 after exit, a credential at
  exit, hourly wage $25.00, Q2 earnings $9,000;
- college B: 10 men, not completed, not employed;
- provider C1: 10 men, completed, hired by the world's employer and kept (Q1, Q2, Q4,
  same employer), a credential, $30.00 an hour, Q2 earnings $11,000; C2: 10 men, the
  same without a credential;
- provider D: 4 women who exited for another reason (deceased): out of every rate;
- college E: 4 women who entered this quarter and have not exited;
- college F: 10 men like B outside the initiative (not in its report).

Suppressed reads show a rate's count and share only when the people with the outcome
and those without it are each at least 10: so every group "without" a rate shown below
is at least 10 (B 10 for completion, placement and Q2 employment; B 10 + C2 10 for the
credential rate; A 12 for retention).

So: served 12 + 10 + 10 + 10 + 4 + 4 = 50, exited 50 - 4 = 46, enrollments 4
(suppressed: 4 < 10), completions 12 + 20 = 32, credentials 12 + 10 = 22, placements
32; of the 42 (12 + 10 + 20) in the rates' cohort: Q2 employment 32 (32/42 = 76.19%),
Q4 20 (47.62%), credential 22 (52.38%), completion 32, placement 32, capture 20;
retention 20 of the 32 employed in Q2 (62.50%); median wage $30.00 and Q2 earnings
$11,000 (32 people: 12 below, 20 at the top). $4,400.00 disbursed: 440,000 / 50 =
$88.00 per participant served, 440,000 / 46 = 9,565.2 -> $95.65 per exiter, / 22 =
$200.00 per credential, / 32 = $137.50 per placement.

By sex, the completion rate: men 30 (B 10, C 20), 20 completed, 10 not: 66.67%; women
12, all completed: none without the outcome (0 < 10), so hidden (its 12 people show).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from starlette.applications import Starlette

from coalition.config import Settings
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.service.initiatives import create_initiative
from coalition.outcomes.models import (
    CredentialType,
    EmploymentStatus,
    ExitReason,
    OutcomeTarget,
    Sex,
    TrainingServiceType,
)
from coalition.outcomes.periods import quarter_label, quarter_start
from tests.funds.support.steps import approve, schedule, verified
from tests.funds.support.world import TERM, FundsWorld, create_funds_world
from tests.outcomes.metric_support import add_records
from tests.support.world import World

EMPLOYED, NOT_EMPLOYED = EmploymentStatus.EMPLOYED, EmploymentStatus.NOT_EMPLOYED
DISBURSED = 440_000


@dataclass
class ReportWorld:
    fw: FundsWorld
    period: str
    quarter: date
    unfunded_initiative: uuid.UUID

    @property
    def world(self) -> World:
        return self.fw.world

    @property
    def initiative(self) -> uuid.UUID:
        return self.fw.initiative


def current_quarter() -> date:
    return quarter_start(datetime.now(UTC).date())


async def build_report_world(
    sessions: SessionFactory, app: Starlette, settings: Settings, world: World
) -> ReportWorld:
    fw = await create_funds_world(sessions, app, settings, world)
    world.organizations["provider"] = fw.provider
    quarter = current_quarter()
    exited_on, entered_on = quarter + timedelta(days=10), quarter - timedelta(days=100)
    common = {
        "initiative_id": fw.initiative,
        "entry_date": entered_on,
        "exit_date": exited_on,
        "training_service_type": TrainingServiceType.OCCUPATIONAL_SKILLS,
    }
    credential = {
        "credential_1_type": CredentialType.OCCUPATIONAL_CERTIFICATE,
        "credential_1_on": exited_on,
    }
    kept = {
        "training_completed": True,
        "employed_q1": EMPLOYED,
        "employed_q2": EMPLOYED,
        "employed_q4": EMPLOYED,
        "employer_organization_id": world.organizations["employer"],
        "same_employer_q2_q4": True,
        "hourly_wage_cents": 3000,
        "earnings_q2_cents": 1_100_000,
    }
    await add_records(
        sessions,
        world,
        "college",
        12,
        **common,
        **credential,
        sex=Sex.FEMALE,
        training_completed=True,
        employed_q1=EMPLOYED,
        employed_q2=EMPLOYED,
        employer_is_other=True,
        hourly_wage_cents=2500,
        earnings_q2_cents=900_000,
    )
    not_placed = {"sex": Sex.MALE, "training_completed": False, "employed_q2": NOT_EMPLOYED}
    await add_records(sessions, world, "college", 10, **common, **not_placed)
    await add_records(sessions, world, "provider", 10, **common, **credential, **kept, sex=Sex.MALE)
    await add_records(sessions, world, "provider", 10, **common, **kept, sex=Sex.MALE)
    await add_records(
        sessions,
        world,
        "provider",
        4,
        **common,
        sex=Sex.FEMALE,
        exit_reason=ExitReason.DECEASED,
        training_completed=False,
    )
    await add_records(
        sessions,
        world,
        "college",
        4,
        initiative_id=fw.initiative,
        entry_date=quarter + timedelta(days=5),
        exit_date=None,
        sex=Sex.FEMALE,
    )
    outside = common | {"initiative_id": None}
    await add_records(sessions, world, "college", 10, **outside, **not_placed)
    await add_records(sessions, world, "college", 10, **outside, **credential, **kept, sex=Sex.MALE)
    await add_records(
        sessions,
        world,
        "college",
        10,
        **outside,
        sex=Sex.MALE,
        training_completed=True,
        employed_q1=EMPLOYED,
        employed_q2=EMPLOYED,
        employer_is_other=True,
        hourly_wage_cents=2500,
        earnings_q2_cents=900_000,
    )
    contribution = await verified(sessions, fw, amount_minor=1_000_000)
    tranche = await schedule(sessions, fw, contribution, DISBURSED)
    await approve(sessions, fw, tranche)
    async with tenant_transaction(sessions, world.id) as session:
        other = await create_initiative(
            session,
            fw.principal("admin"),
            name="Unfunded pathway",
            description="No pool funds it.",
            starts_on=TERM[0],
            ends_on=None,
            participant_ids=[],
        )
        period = quarter_label(quarter)
        next_quarter = quarter + timedelta(days=92)
        session.add_all(
            [
                OutcomeTarget(
                    tenant_id=world.id,
                    initiative_id=fw.initiative,
                    metric=metric,
                    period=period,
                    starts_on=quarter,
                    ends_on=quarter_start(next_quarter) - timedelta(days=1),
                    target=target,
                )
                for metric, target in (
                    ("COMPLETIONS", 30),
                    ("COMPLETION_RATE", "0.8"),
                    ("MEDIAN_WAGE_AT_PLACEMENT", 2800),
                )
            ]
        )
    return ReportWorld(fw, period, quarter, other.id)


__all__ = ["DISBURSED", "ReportWorld", "build_report_world", "current_quarter"]
