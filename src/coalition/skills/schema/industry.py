"""A NAICS 2022 industry, found by its code."""

from __future__ import annotations

from typing import Annotated

import strawberry

from coalition.api.context import Info
from coalition.skills import reads


@strawberry.type(name="Industry", description="A NAICS 2022 industry.")
class IndustryType:
    code: str = strawberry.field(description="The NAICS code: 2 to 6 digits, or a range (31-33).")
    title: str = strawberry.field(description="The official title.")
    level: str = strawberry.field(
        description="Sector, Subsector, Industry Group, NAICS Industry or National Industry."
    )


@strawberry.type
class IndustryQuery:
    @strawberry.field(description="One NAICS 2022 industry; null if the code is not one.")
    async def industry(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="A NAICS code, e.g. 332710.")],
    ) -> IndustryType | None:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            industry = await reads.get_industry(session, principal, code)
        if industry is None:
            return None
        return IndustryType(code=industry.naics_code, title=industry.title, level=industry.level)
