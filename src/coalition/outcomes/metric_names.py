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

__all__ = ["KIND", "MetricKind", "MetricName"]
