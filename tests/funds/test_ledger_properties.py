"""Stateful property test of the ledger's invariants (SECURITY.md item 35, issue 4).

Hypothesis runs random sequences of commitments, contributions (four employers
of 10, 40, 120 and 800 employees and one of unknown size, amounts from one
cent to the largest allowed, and invalid ones), verifications, tranches
scheduled, approved, paid and cancelled, requirements met, and reversals of
matches, commitments and of what may not be reversed, plus idempotent replays.
Every step calls the real services (funds/service/) as the API's database role,
in its own transaction, and must succeed exactly when the pure-Python reference
(tests/funds/support/reference.py) allows it; a refused step must be a userError
(InvalidInput).

After every step the database must satisfy, from its rows alone: every ledger
transaction has two or more entries summing to zero; the pool's running totals
are in order (0 <= paid <= disbursed <= matched <= committed), equal
``ledger.balances_of`` of its entries and the reference's totals; no recipient
account is negative, no recipient holds more than the cap over the term or the
cap in a year; every contribution's match is within its request and its
entries equal the reference's match; the ledger, transaction by transaction,
is the one the reference posted; and what funders see (funds/report.py: the
pool's summary with leverage and small-employer shares, the breakdown by
recipient) is what the reference computes.

Hypothesis is synchronous and the services are async: the services run on a
private event loop in a worker thread, with their own engines, so the test
suite's session loop is never touched. Each example gets a fresh tenant. The
budget is fixed and the seed printed (``LEDGER_PROPERTIES_SEED`` overrides it).
The machine, its world and its invariants are in tests/funds/support/ledger_*.py.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, seed
from hypothesis import settings as hypothesis_settings
from hypothesis.stateful import run_state_machine_as_test

from coalition.config import Settings
from tests.funds.support.ledger_machine import LedgerMachine
from tests.funds.support.ledger_world import Harness

SEED = int(os.environ.get("LEDGER_PROPERTIES_SEED", "20261128"))
BUDGET = hypothesis_settings(
    max_examples=15,
    stateful_step_count=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_ledger_invariants_hold_over_random_sequences(settings: Settings) -> None:
    print(
        f"ledger state machine: seed={SEED} (LEDGER_PROPERTIES_SEED), "
        f"max_examples={BUDGET.max_examples}, stateful_step_count={BUDGET.stateful_step_count}"
    )
    harness = Harness(settings)
    LedgerMachine.harness = harness
    try:
        run_state_machine_as_test(seed(SEED)(LedgerMachine), settings=BUDGET)
    finally:
        harness.close()
    steps = sorted(harness.outcomes.items())
    print("steps:", ", ".join(f"{name} {count}" for name, count in steps))
