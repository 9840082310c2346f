"""The investment-recognition ranking: employers by verified contributions per
employee."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Numeric, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.errors import UserError
from coalition.funds import permissions
from coalition.funds.models.contributions import Contribution, ContributionStatus
from coalition.pagination import MAX_PAGE_SIZE
from coalition.tenancy.models import Organization, OrganizationKind
from coalition.validation import Checker


@dataclass(frozen=True)
class RecognitionRow:
    rank: int
    organization_id: uuid.UUID
    name: str
    employee_count: int | None
    contributed_minor: int
    per_employee_minor: int
    currency: str


async def investment_recognition(
    session: AsyncSession, principal: Principal, *, currency: str = "USD", limit: int = 20
) -> list[RecognitionRow]:
    """Employers ranked by verified contributions in ``currency`` per employee.

    Counts organizations of kind EMPLOYER with a positive ``employee_count`` (today's,
    not the snapshot taken at verification) that have not opted out of recognition
    and are not archived, and their VERIFIED contributions to pools in ``currency``.
    ``per_employee_minor`` is rounded down; the rank orders by it (as shown),
    descending, then by name. Raises InvalidInput for an unknown currency or a limit
    outside 1..100.
    """
    permissions.require_funds_read(principal)
    check = Checker()
    code = check.currency(("currency",), currency)
    if not 1 <= limit <= MAX_PAGE_SIZE:
        check.errors.append(
            UserError(("first",), f"first must be between 1 and {MAX_PAGE_SIZE}.", "OUT_OF_RANGE")
        )
    check.done()
    contributed = func.sum(Contribution.amount_minor)
    per_employee = func.div(contributed, Organization.employee_count, type_=Numeric)
    rows = await session.execute(
        select(
            Organization.id,
            Organization.name,
            Organization.employee_count,
            contributed,
            per_employee,
        )
        .select_from(Contribution)
        .join(
            Organization,
            and_(
                in_tenant(Organization, principal),
                Organization.id == Contribution.organization_id,
            ),
        )
        .where(
            in_tenant(Contribution, principal),
            Contribution.status == ContributionStatus.VERIFIED,
            Contribution.currency == code,
            Organization.kind == OrganizationKind.EMPLOYER,
            Organization.recognition_opt_out.is_(False),
            Organization.archived_at.is_(None),
            Organization.employee_count > 0,
        )
        .group_by(Organization.id, Organization.name, Organization.employee_count)
        .order_by(per_employee.desc(), Organization.name, Organization.id)
        .limit(limit)
    )
    assert code is not None
    return [
        RecognitionRow(rank, organization_id, name, employees, int(total), int(each), code)
        for rank, (organization_id, name, employees, total, each) in enumerate(rows, start=1)
    ]
