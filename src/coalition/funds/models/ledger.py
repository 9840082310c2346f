"""The append-only double-entry ledger (see the package's docstring)."""

from __future__ import annotations

import enum
import uuid
from datetime import date

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKeyConstraint,
    Identity,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from coalition.db.base import Base, TenantScoped, Timestamp
from coalition.funds.models.columns import enum_column, organization_fk, pool_fk


class LedgerTransactionKind(enum.StrEnum):
    COMMITMENT = "COMMITMENT"
    MATCH = "MATCH"
    DISBURSEMENT_APPROVAL = "DISBURSEMENT_APPROVAL"
    PAYMENT = "PAYMENT"
    CANCELLATION = "CANCELLATION"
    REVERSAL = "REVERSAL"


class LedgerAccount(enum.StrEnum):
    """The pool's accounts. Debits are positive, credits negative.

    COMMITMENTS is credited with what funders commit; AVAILABLE holds what is
    not yet matched; MATCHED, APPROVED and PAID hold a recipient's matched funds
    by stage (matched but not approved, approved but not paid, paid).
    """

    COMMITMENTS = "COMMITMENTS"
    AVAILABLE = "AVAILABLE"
    MATCHED = "MATCHED"
    APPROVED = "APPROVED"
    PAID = "PAID"


class LedgerTransaction(TenantScoped, Base):
    """One balanced movement of a pool's money. Never updated or deleted."""

    __tablename__ = "ledger_transactions"
    __table_args__ = (
        pool_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "commitment_id"], ["fund_commitments.tenant_id", "fund_commitments.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "contribution_id"], ["contributions.tenant_id", "contributions.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "disbursement_id"], ["disbursements.tenant_id", "disbursements.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "reverses_id"],
            ["ledger_transactions.tenant_id", "ledger_transactions.id"],
        ),
        # A transaction is reversed at most once; a contribution is matched at most once.
        UniqueConstraint("tenant_id", "reverses_id"),
        Index(
            "uq_ledger_transactions_tenant_id_contribution_id_match",
            "tenant_id",
            "contribution_id",
            unique=True,
            postgresql_where=text("kind = 'MATCH'"),
        ),
        Index(None, "tenant_id", "pool_id", "seq"),
        CheckConstraint(
            "(kind = 'REVERSAL') = (reverses_id IS NOT NULL)", name="reversal_names_original"
        ),
    )

    pool_id: Mapped[uuid.UUID]
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True))
    kind: Mapped[LedgerTransactionKind] = mapped_column(
        enum_column(LedgerTransactionKind, "ledger_transaction_kind")
    )
    occurred_on: Mapped[date] = mapped_column(Date)
    commitment_id: Mapped[uuid.UUID | None]
    contribution_id: Mapped[uuid.UUID | None]
    disbursement_id: Mapped[uuid.UUID | None]
    reverses_id: Mapped[uuid.UUID | None]
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[Timestamp]


class LedgerEntry(TenantScoped, Base):
    """One leg of a ledger transaction: a signed amount (debit > 0) on one account."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        pool_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "transaction_id"],
            ["ledger_transactions.tenant_id", "ledger_transactions.id"],
        ),
        organization_fk("organization_id"),
        CheckConstraint("amount_minor <> 0", name="amount_not_zero"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_code"),
        CheckConstraint(
            "(account IN ('COMMITMENTS', 'AVAILABLE')) = (organization_id IS NULL)",
            name="recipient_accounts_name_recipient",
        ),
        # Entries are numbered 1, 2, 3... per pool, without gaps (``ledger.post``).
        UniqueConstraint("tenant_id", "pool_id", "seq"),
        CheckConstraint("seq > 0", name="seq_positive"),
        Index(None, "tenant_id", "transaction_id"),
    )

    pool_id: Mapped[uuid.UUID]
    transaction_id: Mapped[uuid.UUID]
    seq: Mapped[int] = mapped_column(BigInteger)
    account: Mapped[LedgerAccount] = mapped_column(enum_column(LedgerAccount, "ledger_account"))
    organization_id: Mapped[uuid.UUID | None]
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))


__all__ = ["LedgerAccount", "LedgerEntry", "LedgerTransaction", "LedgerTransactionKind"]
