"""The names of the outcome metrics and what kind of number each is.

``definitions`` says how each is computed (numerator, denominator, cohort,
exclusions, version); targets and reports name metrics by these.
"""

from __future__ import annotations

import enum


class MetricKind(enum.StrEnum):
    """COUNT: people. RATE: a share of a cohort, from 0 to 1. MONEY: whole cents (a
    median wage or earnings, a cost per outcome)."""

    COUNT = "COUNT"
    RATE = "RATE"
    MONEY = "MONEY"


class MetricName(enum.StrEnum):
    ENROLLMENTS = "ENROLLMENTS"
    COMPLETIONS = "COMPLETIONS"
    CREDENTIALS = "CREDENTIALS"
    PLACEMENTS = "PLACEMENTS"
    WIOA_EMPLOYMENT_Q2 = "WIOA_EMPLOYMENT_Q2"
    WIOA_EMPLOYMENT_Q4 = "WIOA_EMPLOYMENT_Q4"
    WIOA_MEDIAN_EARNINGS_Q2 = "WIOA_MEDIAN_EARNINGS_Q2"
    WIOA_CREDENTIAL_RATE = "WIOA_CREDENTIAL_RATE"
    WIOA_MSG = "WIOA_MSG"
    WIOA_RETENTION_SAME_EMPLOYER = "WIOA_RETENTION_SAME_EMPLOYER"
    COMPLETION_RATE = "COMPLETION_RATE"
    PLACEMENT_RATE = "PLACEMENT_RATE"
    MEDIAN_WAGE_AT_PLACEMENT = "MEDIAN_WAGE_AT_PLACEMENT"
    TPM_CAPTURE_RATE = "TPM_CAPTURE_RATE"
    COST_PER_CREDENTIAL = "COST_PER_CREDENTIAL"
    COST_PER_PLACEMENT = "COST_PER_PLACEMENT"


KIND: dict[MetricName, MetricKind] = {
    MetricName.ENROLLMENTS: MetricKind.COUNT,
    MetricName.COMPLETIONS: MetricKind.COUNT,
    MetricName.CREDENTIALS: MetricKind.COUNT,
    MetricName.PLACEMENTS: MetricKind.COUNT,
    MetricName.WIOA_EMPLOYMENT_Q2: MetricKind.RATE,
    MetricName.WIOA_EMPLOYMENT_Q4: MetricKind.RATE,
    MetricName.WIOA_MEDIAN_EARNINGS_Q2: MetricKind.MONEY,
    MetricName.WIOA_CREDENTIAL_RATE: MetricKind.RATE,
    MetricName.WIOA_MSG: MetricKind.RATE,
    MetricName.WIOA_RETENTION_SAME_EMPLOYER: MetricKind.RATE,
    MetricName.COMPLETION_RATE: MetricKind.RATE,
    MetricName.PLACEMENT_RATE: MetricKind.RATE,
    MetricName.MEDIAN_WAGE_AT_PLACEMENT: MetricKind.MONEY,
    MetricName.TPM_CAPTURE_RATE: MetricKind.RATE,
    MetricName.COST_PER_CREDENTIAL: MetricKind.MONEY,
    MetricName.COST_PER_PLACEMENT: MetricKind.MONEY,
}

DESCRIPTIONS: dict[MetricName, str] = {
    MetricName.ENROLLMENTS: "Participants who entered a program in the period.",
    MetricName.COMPLETIONS: "Participants who exited in the period having completed training.",
    MetricName.CREDENTIALS: "Participants who earned a recognized credential in the period.",
    MetricName.PLACEMENTS: "Participants who exited in the period and entered employment.",
    MetricName.WIOA_EMPLOYMENT_Q2: "Share of exiters employed in the 2nd quarter after exit "
    "(20 CFR 677.155(a)(1)(i)).",
    MetricName.WIOA_EMPLOYMENT_Q4: "Share of exiters employed in the 4th quarter after exit "
    "(20 CFR 677.155(a)(1)(ii)).",
    MetricName.WIOA_MEDIAN_EARNINGS_Q2: "Median quarterly earnings of exiters employed in the "
    "2nd quarter after exit (20 CFR 677.155(a)(1)(iii)).",
    MetricName.WIOA_CREDENTIAL_RATE: "Share of training exiters who attained a recognized "
    "credential within a year of exit (20 CFR 677.155(a)(1)(iv)).",
    MetricName.WIOA_MSG: "Share of participants in training or education who achieved a "
    "measurable skill gain in the program year (20 CFR 677.155(a)(1)(v)).",
    MetricName.WIOA_RETENTION_SAME_EMPLOYER: "Share of exiters employed in the 2nd quarter "
    "after exit who were with the same employer in the 4th (employer effectiveness).",
    MetricName.COMPLETION_RATE: "Share of exiters who completed training.",
    MetricName.PLACEMENT_RATE: "Share of exiters who entered employment.",
    MetricName.MEDIAN_WAGE_AT_PLACEMENT: "Median hourly wage of exiters at placement.",
    MetricName.TPM_CAPTURE_RATE: "Share of exiters hired and retained by the partnership's "
    "own employers.",
    MetricName.COST_PER_CREDENTIAL: "Funds disbursed for the initiative per credential earned.",
    MetricName.COST_PER_PLACEMENT: "Funds disbursed for the initiative per placement.",
}
"""One line per metric, for people (the GraphQL enum's value descriptions)."""

__all__ = ["DESCRIPTIONS", "KIND", "MetricKind", "MetricName"]
