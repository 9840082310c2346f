"""Tables of the matching-funds domain (all tenant-owned), one module per noun:
``initiatives``, ``pools`` (with match tiers and commitments), ``contributions``,
``disbursements``, ``ledger`` and ``idempotency``.

Money is always an integer number of minor units (``*_minor``, bigint) in the
currency of its pool; never a float. Match ratios are stored exactly as a
fraction of two integers.

The ledger (``ledger_transactions`` and ``ledger_entries``) is append-only: the
API role may only INSERT and SELECT, and triggers refuse UPDATE, DELETE and
TRUNCATE for everyone (migration 0005). Every transaction's entries sum to
zero per currency, checked by a deferred constraint trigger at COMMIT.

The running totals on ``fund_pools`` and ``contributions`` are a cache of the
ledger kept in the same transaction; CHECK constraints make over-matching
impossible even for a buggy caller, and tests prove they equal the entries.
"""

# Importing the package registers every table (the models registry, Alembic).
from coalition.funds.models import (  # noqa: F401
    contributions,
    disbursements,
    idempotency,
    initiatives,
    ledger,
    pools,
)
