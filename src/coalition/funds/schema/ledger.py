# mypy: disable-error-code="untyped-decorator"
"""The ledger in GraphQL: transactions and entries, and the reversals (of a
transaction, of a contribution) that post compensating transactions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.api.context import Info
from coalition.api.money import Money
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import Node, to_global_id
from coalition.auth.principal import Principal
from coalition.funds.models.contributions import (
    Contribution,
)
from coalition.funds.models.ledger import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    LedgerTransactionKind,
)
from coalition.funds.schema.contribution import ContributionPayload, contribution_payload
from coalition.funds.schema.loaders import FundsLoaders
from coalition.funds.schema.shared import (
    TENANCY,
    exists,
    key_field,
    node_of,
    organization_type,
    pool_of,
)
from coalition.funds.service.reversals import reverse_contribution, reverse_transaction

if TYPE_CHECKING:
    from coalition.tenancy.schema import OrganizationType

if TYPE_CHECKING:
    from coalition.funds.schema.pool import FundPoolType


@strawberry.type(
    name="LedgerTransaction",
    description="One balanced movement of a pool's money; never changed or deleted. Seen "
    "only by the pool's overseers (partnership admins, analysts, members of its funder, "
    "funds:read apps): for anyone else it reads as missing.",
)
class LedgerTransactionType(Node):
    kind: LedgerTransactionKind = strawberry.field(description="What it records.")
    occurred_on: date = strawberry.field(description="When the movement took effect.")
    recorded_at: datetime = strawberry.field(description="When it was written.")
    actor: str = strawberry.field(description="Who posted it.")
    reason: str | None = strawberry.field(
        description="Why, for reversals and cancellations; null otherwise."
    )
    model: strawberry.Private[LedgerTransaction]

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> LedgerTransactionType | None:
        found = await info.context.loaders.of(FundsLoaders).transaction.load(object_id)
        return cls.from_model(found) if found else None

    @classmethod
    def from_model(cls, transaction: LedgerTransaction) -> LedgerTransactionType:
        return cls(
            id=to_global_id("LedgerTransaction", transaction.id),
            kind=transaction.kind,
            occurred_on=transaction.occurred_on,
            recorded_at=transaction.recorded_at,
            actor=transaction.actor,
            reason=transaction.reason,
            model=transaction,
        )

    @strawberry.field(description="The pool whose money moved.")
    async def pool(
        self, info: Info
    ) -> Annotated[FundPoolType, strawberry.lazy("coalition.funds.schema.pool")]:
        pool: FundPoolType = node_of(info, "FundPool", await pool_of(info, self.model.pool_id))
        return pool

    @strawberry.field(description="The transaction this one reverses; null unless a reversal.")
    async def reverses(self, info: Info) -> LedgerTransactionType | None:
        if self.model.reverses_id is None:
            return None
        found = await info.context.loaders.of(FundsLoaders).transaction.load(self.model.reverses_id)
        return LedgerTransactionType.from_model(found) if found else None

    @strawberry.field(description="Its entries, in posting order; they sum to zero.")
    async def entries(self, info: Info) -> list[LedgerEntryType]:
        found = await info.context.loaders.of(FundsLoaders).entries_of_transaction.load(
            self.model.id
        )
        return [LedgerEntryType.from_model(entry) for entry in found]


@strawberry.type(
    name="LedgerEntry",
    description="One leg of a ledger transaction: a signed amount on one account. Seen only "
    "by the pool's overseers (partnership admins, analysts, members of its funder, "
    "funds:read apps): for anyone else it reads as missing.",
)
class LedgerEntryType(Node):
    sequence: str = strawberry.field(
        description="The entry's number in its pool's ledger: 1, 2, 3... in the order "
        "posted, without gaps (a decimal integer string)."
    )
    account: LedgerAccount = strawberry.field(description="The account.")
    amount: Money = strawberry.field(description="Signed: a debit is positive, a credit negative.")
    model: strawberry.Private[LedgerEntry]

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> LedgerEntryType | None:
        found = await info.context.loaders.of(FundsLoaders).entry.load(object_id)
        return cls.from_model(found) if found else None

    @classmethod
    def from_model(cls, entry: LedgerEntry) -> LedgerEntryType:
        return cls(
            id=to_global_id("LedgerEntry", entry.id),
            sequence=str(entry.seq),
            account=entry.account,
            amount=Money.amount(entry.amount_minor, entry.currency),
            model=entry,
        )

    @strawberry.field(description="The transaction it belongs to.")
    async def transaction(self, info: Info) -> LedgerTransactionType:
        found = await info.context.loaders.of(FundsLoaders).transaction.load(
            self.model.transaction_id
        )
        return LedgerTransactionType.from_model(exists(found, self.model.transaction_id))

    @strawberry.field(
        description="The recipient, for MATCHED, APPROVED and PAID; null for COMMITMENTS and "
        "AVAILABLE."
    )
    async def organization(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(TENANCY)] | None:
        if self.model.organization_id is None:
            return None
        loaded = await info.context.loaders.of(FundsLoaders).organization.load(
            self.model.organization_id
        )
        return organization_type(info, loaded, self.model.organization_id)


@strawberry.input(description="A commitment or match to undo with a compensating transaction.")
class ReverseLedgerTransactionInput:
    idempotency_key: str = key_field()
    transaction_id: strawberry.ID = strawberry.field(
        description="The COMMITMENT or MATCH transaction."
    )
    reason: str = strawberry.field(description="Why it is reversed.")


@strawberry.input(description="A contribution to withdraw, and why.")
class ReverseContributionInput:
    idempotency_key: str = key_field()
    contribution_id: strawberry.ID = strawberry.field(description="The contribution.")
    reason: str = strawberry.field(description="Why it is withdrawn.")


@strawberry.type(description="Result of reversing a ledger transaction.")
class ReverseLedgerTransactionPayload:
    reversal: LedgerTransactionType | None = strawberry.field(
        description="The compensating REVERSAL transaction."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type
class LedgerMutation:
    @strawberry.mutation(
        description="Undo a commitment or a match with a compensating REVERSAL transaction "
        "(the pool's managers); nothing is edited or deleted."
    )
    async def reverse_ledger_transaction(
        self,
        info: Info,
        input: Annotated[
            ReverseLedgerTransactionInput,
            strawberry.argument(description="The transaction and why."),
        ],
    ) -> ReverseLedgerTransactionPayload:
        async def action(session: AsyncSession, principal: Principal) -> LedgerTransaction:
            transaction_id = decode_id(input.transaction_id, "LedgerTransaction", "transactionId")
            return await reverse_transaction(
                session,
                principal,
                transaction_id,
                input.reason,
                idempotency_key=input.idempotency_key,
            )

        reversal, errors = await run_mutation(info, action)
        return ReverseLedgerTransactionPayload(
            reversal=LedgerTransactionType.from_model(reversal) if reversal else None,
            user_errors=errors,
        )

    @strawberry.mutation(
        description="Withdraw a contribution with a reason (the pool's managers): a matched one "
        "by reversing its match (cancel its tranches first); one that moved no pool money "
        "(never verified, or matched with nothing) simply stops counting."
    )
    async def reverse_contribution(
        self,
        info: Info,
        input: Annotated[
            ReverseContributionInput,
            strawberry.argument(description="The contribution and why."),
        ],
    ) -> ContributionPayload:
        async def action(session: AsyncSession, principal: Principal) -> Contribution:
            contribution_id = decode_id(input.contribution_id, "Contribution", "contributionId")
            return await reverse_contribution(
                session,
                principal,
                contribution_id,
                input.reason,
                idempotency_key=input.idempotency_key,
            )

        return contribution_payload(await run_mutation(info, action))
