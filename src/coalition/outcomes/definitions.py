"""The outcome metrics' definitions: named, versioned, each a cohort, a denominator and
a numerator over participant records (SQL expressions, so a metric over 200,000
records is one grouped statement), and what aggregate counts stand in for them.

They follow 20 CFR 677.155 and TEGL 10-16 as far as a member's records allow:

- **Exit cohorts.** The WIOA indicators and the partnership's rates are read over the
  people who *exited* in the period (PIRL 901), by exit quarter: a longer period is the
  sum of its quarters. ``ENROLLMENTS`` goes by entry (PIRL 900) instead.
- **Other reasons for exit.** People who left for one of the reasons of PIRL 923
  (institutionalized, health, deceased, reserve forces called up, and the youth
  reasons) leave every exit-based denominator (the indicators' exclusions).
- **Not found is not employed.** A quarter's employment UNKNOWN (PIRL 1600-series code
  9) counts as not employed, as wage-record matching does: retention with the same
  employer (PIRL 1618) counts only with employment recorded in both the 2nd and the 4th
  quarters.
- **Credential attainment.** Of the exiters in education or training (a type of
  training service, PIRL 1303, other than on-the-job or customized training), those
  with a recognized credential (PIRL 1800-1805) attained during participation or within
  one year after exit; a secondary diploma or equivalency counts only when the person
  was also employed in one of the four quarters after exit (the rule's "employed or in
  further education within one year": further education is not in the layout).
- **Measurable skill gains.** Read by program year (July to June) only: of the people in
  education or training who participated during it, those with a skill gain dated
  within it (PIRL 1806-1810); people who exited in it for another reason are excluded.

Changing what a definition counts means a new ``version``: a figure carries the version
it was computed with, so a funder comparing two reports sees when the rule changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, and_, cast, false, literal_column, or_, true
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from coalition.outcomes.metric_names import KIND, MetricKind, MetricName
from coalition.outcomes.models import (
    SKILL_GAIN_COLUMNS,
    CredentialType,
    EmploymentStatus,
    ExitReason,
    ParticipantRecord,
    TrainingServiceType,
)
from coalition.outcomes.periods import Period

R = ParticipantRecord
EMPLOYED = EmploymentStatus.EMPLOYED


class CohortBy:
    """What puts a record in a period: its exit date, its entry date, or participation
    during a program year."""

    EXIT = "EXIT"
    ENTRY = "ENTRY"
    PROGRAM_YEAR = "PROGRAM_YEAR"


@dataclass(frozen=True)
class CountsStandIn:
    """Which columns of a member's aggregate counts give the metric: the numerator's
    and, for a rate, the denominator's."""

    numerator: str
    denominator: str | None = None


@dataclass(frozen=True)
class Definition:
    """One metric's definition. The text fields are its documentation (the API's field
    docs and the report's notes); the expressions compute it.

    ``in_denominator``: the cohort after exclusions, for a record already in the period.
    ``in_numerator``: those of the denominator the metric counts. ``measurement``: for a
    median, the value of each numerator record (whole cents; records without one are
    left out of the median and its count). ``cost_of``: for a cost per outcome, the count
    metric that divides the initiative's disbursements in the period.
    """

    name: MetricName
    version: int
    title: str
    cohort: str
    denominator: str
    numerator: str
    exclusions: str
    cohort_by: str
    in_denominator: ColumnElement[bool]
    in_numerator: ColumnElement[bool]
    measurement: QueryableAttribute[int | None] | None = None
    counts: CountsStandIn | None = None
    cost_of: MetricName | None = None

    @property
    def kind(self) -> MetricKind:
        return KIND[self.name]

    @property
    def code(self) -> str:
        """The name and version, as a report prints it: ``WIOA_EMPLOYMENT_Q2 v1``."""
        return f"{self.name} v{self.version}"

    def cohort_date(self) -> QueryableAttribute[date | None] | QueryableAttribute[date] | None:
        """The date whose quarter puts a record in a period (None: by program year)."""
        if self.cohort_by == CohortBy.EXIT:
            return R.exit_date
        if self.cohort_by == CohortBy.ENTRY:
            return R.entry_date
        return None

    def in_period(self, period: Period) -> ColumnElement[bool]:
        """The records in the period's cohort (before exclusions)."""
        if self.cohort_by == CohortBy.PROGRAM_YEAR:
            return participated_during(period)
        day = self.cohort_date()
        assert day is not None
        return and_(day >= period.starts_on, day <= period.ends_on)


def participated_during(period: Period) -> ColumnElement[bool]:
    return and_(
        R.entry_date <= period.ends_on,
        or_(R.exit_date.is_(None), R.exit_date >= period.starts_on),
    )


# --- the pieces of the rules ---------------------------------------------------------

EXITED = R.exit_date.is_not(None)
NOT_EXCLUDED = or_(R.exit_reason.is_(None), R.exit_reason == ExitReason.NONE_OF_THESE)
EXIT_COHORT = and_(EXITED, NOT_EXCLUDED)
IN_TRAINING = R.training_service_type.is_not(None)
IN_CREDENTIAL_TRAINING = and_(
    IN_TRAINING,
    R.training_service_type.not_in(
        [TrainingServiceType.ON_THE_JOB, TrainingServiceType.CUSTOMIZED]
    ),
)
EMPLOYED_WITHIN_A_YEAR = or_(
    R.employed_q1 == EMPLOYED,
    R.employed_q2 == EMPLOYED,
    R.employed_q3 == EMPLOYED,
    R.employed_q4 == EMPLOYED,
)
# PIRL 1618 says "the same employer"; employment in both quarters is checked too, since a
# quarter not found in wage records (UNKNOWN) counts as not employed.
RETAINED_SAME_EMPLOYER = and_(
    R.employed_q2 == EMPLOYED,
    R.employed_q4 == EMPLOYED,
    R.same_employer_q2_q4.is_(True),
)
PLACED = or_(
    R.employed_q1 == EMPLOYED,
    R.employer_organization_id.is_not(None),
    R.employer_is_other.is_(True),
)


def _credential_counts(n: int) -> ColumnElement[bool]:
    kind = getattr(R, f"credential_{n}_type")
    on = getattr(R, f"credential_{n}_on")
    a_year_after_exit = cast(R.exit_date + literal_column("INTERVAL '1 year'"), Date)
    return and_(
        kind.is_not(None),
        on.is_not(None),
        on >= R.entry_date,
        on <= a_year_after_exit,
        or_(kind != CredentialType.SECONDARY_DIPLOMA, EMPLOYED_WITHIN_A_YEAR),
    )


CREDENTIAL_ATTAINED = or_(*(_credential_counts(n) for n in (1, 2, 3)))


def skill_gain_during(period: Period) -> ColumnElement[bool]:
    return or_(
        *(
            and_(
                getattr(R, column) >= period.starts_on,
                getattr(R, column) <= period.ends_on,
            )
            for column in SKILL_GAIN_COLUMNS.values()
        )
    )


def _msg_denominator(period: Period) -> ColumnElement[bool]:
    exited_otherwise = and_(
        R.exit_date.is_not(None),
        R.exit_date >= period.starts_on,
        R.exit_date <= period.ends_on,
        ~NOT_EXCLUDED,
    )
    return and_(IN_TRAINING, ~exited_otherwise)


EXCLUSIONS = (
    "People who exited for one of the other reasons for exit (PIRL 923: institutionalized, "
    "health or medical, deceased, reserve forces called to active duty, and the youth "
    "reasons) are left out."
)
EXIT_COHORT_TEXT = "People who exited (PIRL 901) in the period, by exit quarter."

_DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        name=MetricName.ENROLLMENTS,
        version=1,
        title="Enrollments",
        cohort="People who entered the program (PIRL 900) in the period.",
        denominator="None: a count.",
        numerator="Every person of the cohort.",
        exclusions="None.",
        cohort_by=CohortBy.ENTRY,
        in_denominator=true(),
        in_numerator=true(),
        counts=CountsStandIn("served"),
    ),
    Definition(
        name=MetricName.COMPLETIONS,
        version=1,
        title="Completions",
        cohort=EXIT_COHORT_TEXT,
        denominator="None: a count.",
        numerator="People of the cohort who completed their training.",
        exclusions="None.",
        cohort_by=CohortBy.EXIT,
        in_denominator=EXITED,
        in_numerator=R.training_completed.is_(True),
        counts=CountsStandIn("completed"),
    ),
    Definition(
        name=MetricName.CREDENTIALS,
        version=1,
        title="Credentials earned",
        cohort=EXIT_COHORT_TEXT,
        denominator="None: a count of people.",
        numerator=(
            "People of the cohort with a recognized credential (PIRL 1800-1805) attained "
            "during participation or within one year after exit; a secondary diploma "
            "counts only with employment in the four quarters after exit."
        ),
        exclusions="None.",
        cohort_by=CohortBy.EXIT,
        in_denominator=EXITED,
        in_numerator=CREDENTIAL_ATTAINED,
        counts=CountsStandIn("credentialed"),
    ),
    Definition(
        name=MetricName.PLACEMENTS,
        version=1,
        title="Placements",
        cohort=EXIT_COHORT_TEXT,
        denominator="None: a count.",
        numerator=(
            "People of the cohort who entered employment: employed in the first quarter "
            "after exit (PIRL 1600) or with an employer recorded."
        ),
        exclusions="None.",
        cohort_by=CohortBy.EXIT,
        in_denominator=EXITED,
        in_numerator=PLACED,
        counts=CountsStandIn("placed"),
    ),
    Definition(
        name=MetricName.WIOA_EMPLOYMENT_Q2,
        version=1,
        title="Employment rate, 2nd quarter after exit",
        cohort=EXIT_COHORT_TEXT,
        denominator="The cohort, exclusions applied.",
        numerator=(
            "Those employed in the second quarter after the exit quarter (PIRL 1602); "
            "not found in wage records counts as not employed."
        ),
        exclusions=EXCLUSIONS,
        cohort_by=CohortBy.EXIT,
        in_denominator=EXIT_COHORT,
        in_numerator=R.employed_q2 == EMPLOYED,
    ),
    Definition(
        name=MetricName.WIOA_EMPLOYMENT_Q4,
        version=1,
        title="Employment rate, 4th quarter after exit",
        cohort=EXIT_COHORT_TEXT,
        denominator="The cohort, exclusions applied.",
        numerator=(
            "Those employed in the fourth quarter after the exit quarter (PIRL 1606); "
            "not found in wage records counts as not employed."
        ),
        exclusions=EXCLUSIONS,
        cohort_by=CohortBy.EXIT,
        in_denominator=EXIT_COHORT,
        in_numerator=R.employed_q4 == EMPLOYED,
    ),
    Definition(
        name=MetricName.WIOA_MEDIAN_EARNINGS_Q2,
        version=1,
        title="Median earnings, 2nd quarter after exit",
        cohort=EXIT_COHORT_TEXT,
        denominator=(
            "Those of the cohort (exclusions applied) employed in the second quarter "
            "after exit with their earnings known."
        ),
        numerator="The median of their earnings in that quarter (PIRL 1704), in dollars.",
        exclusions=EXCLUSIONS,
        cohort_by=CohortBy.EXIT,
        in_denominator=and_(
            EXIT_COHORT, R.employed_q2 == EMPLOYED, R.earnings_q2_cents.is_not(None)
        ),
        in_numerator=and_(R.employed_q2 == EMPLOYED, R.earnings_q2_cents.is_not(None)),
        measurement=R.earnings_q2_cents,
    ),
    Definition(
        name=MetricName.WIOA_CREDENTIAL_RATE,
        version=1,
        title="Credential attainment rate",
        cohort=EXIT_COHORT_TEXT,
        denominator=(
            "The cohort (exclusions applied) who were in education or training (a type "
            "of training service, PIRL 1303, other than on-the-job or customized "
            "training, which the rule leaves out)."
        ),
        numerator=(
            "Those with a recognized credential (PIRL 1800-1805) attained during "
            "participation or within one year after exit; a secondary school diploma "
            "or equivalency counts only if the person was also employed in one of the "
            "four quarters after exit."
        ),
        exclusions=EXCLUSIONS + " So are people in on-the-job or customized training only.",
        cohort_by=CohortBy.EXIT,
        in_denominator=and_(EXIT_COHORT, IN_CREDENTIAL_TRAINING),
        in_numerator=CREDENTIAL_ATTAINED,
    ),
    Definition(
        name=MetricName.WIOA_MSG,
        version=1,
        title="Measurable skill gains rate",
        cohort=(
            "People in education or training (PIRL 1303) who participated at some time "
            "during the program year (July to June): read by program year only."
        ),
        denominator="The cohort, exclusions applied.",
        numerator=(
            "Those with at least one measurable skill gain (PIRL 1806-1810) dated within "
            "the program year."
        ),
        exclusions=(
            "People who exited during the program year for one of the other reasons for "
            "exit (PIRL 923) are left out."
        ),
        cohort_by=CohortBy.PROGRAM_YEAR,
        # Period-dependent: ``expressions`` builds these for the period asked.
        in_denominator=false(),
        in_numerator=false(),
    ),
    Definition(
        name=MetricName.WIOA_RETENTION_SAME_EMPLOYER,
        # v2: the 4th quarter must be employed too (v1 took PIRL 1618 alone, so a 4th
        # quarter UNKNOWN counted as retained).
        version=2,
        title="Retention with the same employer (2nd and 4th quarters after exit)",
        cohort=EXIT_COHORT_TEXT,
        denominator="The cohort (exclusions applied) employed in the 2nd quarter after exit.",
        numerator=(
            "Those employed by the same employer in the 2nd and the 4th quarters after "
            "exit (PIRL 1618), employed in both (PIRL 1602, 1606): a 4th quarter not found "
            "in wage records counts as not employed."
        ),
        exclusions=EXCLUSIONS,
        cohort_by=CohortBy.EXIT,
        in_denominator=and_(EXIT_COHORT, R.employed_q2 == EMPLOYED),
        in_numerator=RETAINED_SAME_EMPLOYER,
    ),
    Definition(
        name=MetricName.COMPLETION_RATE,
        version=1,
        title="Completion rate",
        cohort=EXIT_COHORT_TEXT,
        denominator="The cohort, exclusions applied.",
        numerator="Those who completed their training.",
        exclusions=EXCLUSIONS,
        cohort_by=CohortBy.EXIT,
        in_denominator=EXIT_COHORT,
        in_numerator=R.training_completed.is_(True),
        counts=CountsStandIn("completed", "exited"),
    ),
    Definition(
        name=MetricName.PLACEMENT_RATE,
        version=1,
        title="Placement rate",
        cohort=EXIT_COHORT_TEXT,
        denominator="The cohort, exclusions applied.",
        numerator=(
            "Those who entered employment: employed in the first quarter after exit "
            "(PIRL 1600) or with an employer recorded."
        ),
        exclusions=EXCLUSIONS,
        cohort_by=CohortBy.EXIT,
        in_denominator=EXIT_COHORT,
        in_numerator=PLACED,
        counts=CountsStandIn("placed", "exited"),
    ),
    Definition(
        name=MetricName.MEDIAN_WAGE_AT_PLACEMENT,
        version=1,
        title="Median hourly wage at placement",
        cohort=EXIT_COHORT_TEXT,
        denominator="Those of the cohort (exclusions applied) placed with an hourly wage known.",
        numerator="The median of their hourly wage at placement, in dollars.",
        exclusions=EXCLUSIONS,
        cohort_by=CohortBy.EXIT,
        in_denominator=and_(EXIT_COHORT, PLACED, R.hourly_wage_cents.is_not(None)),
        in_numerator=and_(PLACED, R.hourly_wage_cents.is_not(None)),
        measurement=R.hourly_wage_cents,
    ),
    Definition(
        name=MetricName.TPM_CAPTURE_RATE,
        version=1,
        title="Capture rate (hired and retained by the partnership's employers)",
        cohort=EXIT_COHORT_TEXT,
        denominator="The cohort, exclusions applied.",
        numerator=(
            "Those hired by an employer that is a member of the partnership and retained: "
            "employed in the 2nd and 4th quarters after exit by the same employer "
            "(PIRL 1618)."
        ),
        exclusions=EXCLUSIONS,
        cohort_by=CohortBy.EXIT,
        in_denominator=EXIT_COHORT,
        in_numerator=and_(R.employer_organization_id.is_not(None), RETAINED_SAME_EMPLOYER),
    ),
    Definition(
        name=MetricName.COST_PER_CREDENTIAL,
        version=1,
        title="Cost per credential",
        cohort="The initiative's exiters in the period with a credential (CREDENTIALS).",
        denominator="The number of people with a credential (CREDENTIALS).",
        numerator=(
            "The funds disbursed to the initiative in the period (the funds ledger's "
            "disbursements less reversals), in dollars."
        ),
        exclusions="As CREDENTIALS. Read for one initiative only.",
        cohort_by=CohortBy.EXIT,
        in_denominator=EXITED,
        in_numerator=CREDENTIAL_ATTAINED,
        counts=CountsStandIn("credentialed"),
        cost_of=MetricName.CREDENTIALS,
    ),
    Definition(
        name=MetricName.COST_PER_PLACEMENT,
        version=1,
        title="Cost per placement",
        cohort="The initiative's exiters in the period who were placed (PLACEMENTS).",
        denominator="The number of people placed (PLACEMENTS).",
        numerator=(
            "The funds disbursed to the initiative in the period (the funds ledger's "
            "disbursements less reversals), in dollars."
        ),
        exclusions="As PLACEMENTS. Read for one initiative only.",
        cohort_by=CohortBy.EXIT,
        in_denominator=EXITED,
        in_numerator=PLACED,
        counts=CountsStandIn("placed"),
        cost_of=MetricName.PLACEMENTS,
    ),
)

DEFINITIONS: dict[MetricName, Definition] = {d.name: d for d in _DEFINITIONS}


@dataclass(frozen=True)
class Expressions:
    """A definition's expressions for one period: which records are in the period and
    the denominator, and which of those the numerator counts."""

    cohort: ColumnElement[bool]
    numerator: ColumnElement[bool]


def expressions(definition: Definition, period: Period) -> Expressions:
    """The definition's filter for the period: records in its cohort after exclusions
    (``cohort``) and, of those, the numerator's (``numerator``)."""
    if definition.cohort_by == CohortBy.PROGRAM_YEAR:
        return Expressions(
            cohort=and_(participated_during(period), _msg_denominator(period)),
            numerator=skill_gain_during(period),
        )
    return Expressions(
        cohort=and_(definition.in_period(period), definition.in_denominator),
        numerator=definition.in_numerator,
    )


def is_program_year(period: Period) -> bool:
    return period.label.startswith("PY")


__all__ = [
    "DEFINITIONS",
    "CohortBy",
    "CountsStandIn",
    "Definition",
    "Expressions",
    "expressions",
    "is_program_year",
]
