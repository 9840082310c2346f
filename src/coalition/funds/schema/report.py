# mypy: disable-error-code="untyped-decorator"
"""Reports of matching funds in GraphQL: a pool's summary and breakdown rows, an
initiative's funding per pool, the investment-recognition ranking, the funder CSV."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

import strawberry

from coalition.api.context import Info
from coalition.api.money import Money
from coalition.api.relay import from_global_id, to_global_id
from coalition.funds import permissions
from coalition.funds.export import pool_report_csv
from coalition.funds.report.breakdowns import BreakdownBy, BreakdownRow
from coalition.funds.report.initiatives import InitiativeFunding
from coalition.funds.report.recognition import RecognitionRow, investment_recognition
from coalition.funds.report.summaries import PoolSummary
from coalition.funds.schema.loaders import FundsLoaders
from coalition.funds.schema.shared import (
    TENANCY,
    decimal_text,
    exists,
    node_of,
    organization_type,
)

if TYPE_CHECKING:
    from coalition.tenancy.schema import OrganizationType

if TYPE_CHECKING:
    from coalition.funds.schema.pool import FundPoolType


@strawberry.type(description="A pool's money by stage, and what it leveraged.")
class FundPoolSummary:
    committed: Money = strawberry.field(description="Committed by funders (not reversed).")
    matched: Money = strawberry.field(description="Matched to verified contributions.")
    disbursed: Money = strawberry.field(description="Approved for payment (paid included).")
    paid: Money = strawberry.field(description="Paid out.")
    remaining: Money = strawberry.field(description="Committed and not matched yet.")
    contributed: Money = strawberry.field(
        description="Verified contributions asking this pool for a match (not reversed)."
    )
    leverage: str | None = strawberry.field(
        description='Contributed per matched pool dollar, to 4 places ("0.5000"); null while '
        "nothing is matched."
    )
    small_employer_share_under_50: str | None = strawberry.field(
        description="Share of matched dollars that went to recipients with fewer than 50 "
        'employees when verified, 0 to 1 to 4 places ("0.2500"); null while nothing is matched.'
    )
    small_employer_share_under_500: str | None = strawberry.field(
        description="Share of matched dollars that went to recipients with fewer than 500 "
        "employees when verified, 0 to 1 to 4 places; null while nothing is matched."
    )
    pool_id: strawberry.Private[uuid.UUID | None] = None
    currency: strawberry.Private[str] = "USD"

    @classmethod
    def from_summary(
        cls, summary: PoolSummary, pool_id: uuid.UUID | None = None
    ) -> FundPoolSummary:
        currency = summary.currency
        return cls(
            committed=Money.amount(summary.committed, currency),
            matched=Money.amount(summary.matched, currency),
            disbursed=Money.amount(summary.disbursed, currency),
            paid=Money.amount(summary.paid, currency),
            remaining=Money.amount(summary.remaining, currency),
            contributed=Money.amount(summary.contributed, currency),
            leverage=decimal_text(summary.leverage),
            small_employer_share_under_50=decimal_text(summary.small_employer_share_under_50),
            small_employer_share_under_500=decimal_text(summary.small_employer_share_under_500),
            pool_id=pool_id,
            currency=currency,
        )


@strawberry.type(
    description="One slice of a pool's money (a recipient, initiative, purpose or month)."
)
class FundBreakdownRow:
    key: str = strawberry.field(
        description="What the row is about: a global ID (recipient, initiative), a purpose, "
        "or a month (YYYY-MM)."
    )
    label: str = strawberry.field(description="The same for people: a name, a purpose, a month.")
    contributed: Money = strawberry.field(description="Verified contributions.")
    matched: Money = strawberry.field(description="Matched.")
    disbursed: Money = strawberry.field(description="Approved for payment (paid included).")
    paid: Money = strawberry.field(description="Paid out.")

    @classmethod
    def from_row(cls, row: BreakdownRow, currency: str, by: BreakdownBy) -> FundBreakdownRow:
        node_type = _BREAKDOWN_NODES.get(by)
        return cls(
            key=str(to_global_id(node_type, uuid.UUID(row.key))) if node_type else row.key,
            label=row.label,
            contributed=Money.amount(row.contributed, currency),
            matched=Money.amount(row.matched, currency),
            disbursed=Money.amount(row.disbursed, currency),
            paid=Money.amount(row.paid, currency),
        )


# Breakdowns whose key is an object: the key goes out as that object's global ID.
_BREAKDOWN_NODES = {
    BreakdownBy.RECIPIENT: "Organization",
    BreakdownBy.INITIATIVE: "Initiative",
}


@strawberry.type(description="What one pool did for one initiative.")
class InitiativePoolFunding:
    contributed: Money = strawberry.field(description="Verified contributions.")
    matched: Money = strawberry.field(description="Matched.")
    disbursed: Money = strawberry.field(description="Approved for payment (paid included).")
    paid: Money = strawberry.field(description="Paid out.")
    pool_id: strawberry.Private[uuid.UUID]
    initiative_id: strawberry.Private[uuid.UUID | None] = None
    currency: strawberry.Private[str] = "USD"

    @classmethod
    def from_report(cls, row: InitiativeFunding) -> InitiativePoolFunding:
        return cls(
            contributed=Money.amount(row.contributed, row.currency),
            matched=Money.amount(row.matched, row.currency),
            disbursed=Money.amount(row.disbursed, row.currency),
            paid=Money.amount(row.paid, row.currency),
            pool_id=row.pool_id,
            initiative_id=row.initiative_id,
            currency=row.currency,
        )

    @strawberry.field(description="The pool.")
    async def pool(
        self, info: Info
    ) -> Annotated[FundPoolType, strawberry.lazy("coalition.funds.schema.pool")]:
        pool = await info.context.loaders.of(FundsLoaders).pool.load(self.pool_id)
        found: FundPoolType = node_of(info, "FundPool", exists(pool, self.pool_id))
        return found


@strawberry.type(description="An employer in the investment-recognition ranking.")
class InvestmentRecognitionRow:
    employee_count: int | None = strawberry.field(description="Its employees today.")
    contributed: Money = strawberry.field(description="Its verified contributions.")
    per_employee: Money = strawberry.field(
        description="Verified contributions per employee (rounded down to a minor unit)."
    )
    rank: int = strawberry.field(description="1 for the most per employee; ties by name.")
    organization_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_report(cls, row: RecognitionRow) -> InvestmentRecognitionRow:
        return cls(
            employee_count=row.employee_count,
            contributed=Money.amount(row.contributed_minor, row.currency),
            per_employee=Money.amount(row.per_employee_minor, row.currency),
            rank=row.rank,
            organization_id=row.organization_id,
        )

    @strawberry.field(description="The employer.")
    async def organization(
        self, info: Info
    ) -> Annotated[OrganizationType, strawberry.lazy(TENANCY)]:
        loaded = await info.context.loaders.of(FundsLoaders).organization.load(self.organization_id)
        return organization_type(info, loaded, self.organization_id)


@strawberry.type
class ReportQuery:
    @strawberry.field(
        description="Employers ranked by verified contributions per employee, leaving out "
        "those who opted out of recognition."
    )
    async def investment_recognition(
        self,
        info: Info,
        first: Annotated[
            int, strawberry.argument(description="How many employers, from 1 to 100.")
        ] = 20,
        currency: Annotated[
            str, strawberry.argument(description="Count contributions in this currency.")
        ] = "USD",
    ) -> list[InvestmentRecognitionRow]:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            rows = await investment_recognition(session, principal, currency=currency, limit=first)
        return [InvestmentRecognitionRow.from_report(row) for row in rows]

    @strawberry.field(
        description="A pool's funder report as CSV (the same text as `coalition export "
        "funds`); null if there is no pool with this ID. Only the pool's overseers "
        "(partnership admins, analysts, members of its funder, funds:read apps) may ask; "
        "anyone else gets FORBIDDEN."
    )
    async def fund_report_csv(
        self,
        info: Info,
        pool_id: Annotated[strawberry.ID, strawberry.argument(description="The pool.")],
    ) -> str | None:
        principal = info.context.require_principal()
        permissions.require_funds_read(principal)
        decoded = from_global_id(pool_id, "FundPool")
        if decoded is None:
            return None
        pool = await info.context.loaders.of(FundsLoaders).pool.load(decoded[1])
        if pool is None:
            return None
        permissions.require_pool_oversight(principal, pool.funder_organization_id)
        async with info.context.session() as session:
            return await pool_report_csv(session, principal, decoded[1])
