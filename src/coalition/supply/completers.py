"""How many people a cohort is expected to complete: the one rule, for the API and the
skills gap alike."""

from __future__ import annotations

from decimal import Decimal

from coalition.supply.models import Cohort, CohortStatus

HUNDRED = Decimal(100)


def expected_completers(cohort: Cohort) -> Decimal:
    """``enrolled`` once known (else ``seats``) times the completion rate, over 100.

    Exact, not rounded: a whole number times a percentage with two decimals, over 100,
    has at most four decimals (17 enrolled at 85.55% is 14.5435). A CANCELLED cohort
    completes nobody (0)."""
    if cohort.status is CohortStatus.CANCELLED:
        return Decimal(0)
    people = cohort.enrolled if cohort.enrolled is not None else cohort.seats
    return Decimal(people) * cohort.completion_rate_percent / HUNDRED


__all__ = ["expected_completers"]
