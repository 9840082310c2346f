# mypy: disable-error-code="untyped-decorator"
"""Aggregate counts in GraphQL: the type, the member's own list, and a quarter's report.

Only the reporting member's own organization admins (and the operator) ever get a
row: for anyone else the list is empty and ``node(id:)`` is null, as for an ID that
does not exist; everyone else will see the suppressed metrics built from them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import After, Connection, First, Node, to_global_id
from coalition.auth.principal import Principal
from coalition.errors import InvalidInput
from coalition.outcomes import counts, models
from coalition.outcomes.periods import quarter_label
from coalition.outcomes.schema import enums  # noqa: F401  (describes the enums before use)
from coalition.outcomes.schema.loaders import OutcomeLoaders
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest

VALUE = (
    "The breakdown cell: empty for TOTAL; a ParticipantSex value for SEX; HISPANIC_LATINO, "
    "AMERICAN_INDIAN_ALASKA_NATIVE, ASIAN, BLACK_AFRICAN_AMERICAN, "
    "NATIVE_HAWAIIAN_PACIFIC_ISLANDER, WHITE or NOT_SELF_IDENTIFIED for RACE_ETHNICITY; an "
    "AgeBand value for AGE_BAND; a VeteranStatus value for VETERAN; a BarrierToEmployment "
    "value for BARRIER."
)


def _id(type_name: str, value: uuid.UUID | None) -> strawberry.ID | None:
    return to_global_id(type_name, value) if value else None


@strawberry.type(
    name="AggregateCount",
    description="A reporting member's counts of people in one quarter, for one breakdown "
    "cell. Seen only by the member's own organization admins.",
)
class AggregateCountType(Node):
    organization_id: strawberry.ID = strawberry.field(description="The reporting member.")
    program_id: strawberry.ID | None = strawberry.field(
        description="The member's TrainingProgram the counts are of; null if not of one."
    )
    initiative_id: strawberry.ID | None = strawberry.field(
        description="The Initiative the counts are of; null if not of one."
    )
    quarter: str = strawberry.field(description="The calendar quarter (2026Q1).")
    quarter_starts_on: date = strawberry.field(description="The quarter's first day.")
    dimension: models.CountDimension = strawberry.field(description="The breakdown.")
    value: str = strawberry.field(description=VALUE)
    served: int = strawberry.field(description="Participants served during the quarter.")
    exited: int = strawberry.field(description="Of them, those who exited in the quarter.")
    completed: int = strawberry.field(description="Of those who exited, who completed training.")
    credentialed: int = strawberry.field(
        description="Of those who exited, who earned a recognized credential."
    )
    placed: int = strawberry.field(description="Of those who exited, who entered employment.")
    updated_at: datetime = strawberry.field(description="When it was reported.")

    @classmethod
    def from_model(cls, row: models.AggregateCount) -> AggregateCountType:
        return cls(
            id=to_global_id("AggregateCount", row.id),
            organization_id=to_global_id("Organization", row.organization_id),
            program_id=_id("TrainingProgram", row.program_id),
            initiative_id=_id("Initiative", row.initiative_id),
            quarter=quarter_label(row.quarter_starts_on),
            quarter_starts_on=row.quarter_starts_on,
            dimension=row.dimension,
            value=row.dimension_value,
            served=row.served,
            exited=row.exited,
            completed=row.completed,
            credentialed=row.credentialed,
            placed=row.placed,
            updated_at=row.updated_at,
        )

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> AggregateCountType | None:
        found = await info.context.loaders.of(OutcomeLoaders).aggregate_count.load(object_id)
        return cls.from_model(found) if found else None


@strawberry.input(description="One row of a quarter's aggregate counts.")
class AggregateCountRowInput:
    dimension: models.CountDimension = strawberry.field(
        description="The breakdown: exactly one TOTAL row per report."
    )
    value: str | None = strawberry.field(default=None, description=VALUE)
    served: int = strawberry.field(
        description="Participants served during the quarter (0 or more; a breakdown row at "
        "most the TOTAL's, and the SEX, AGE_BAND and VETERAN rows together too)."
    )
    exited: int = strawberry.field(description="Of them, who exited in the quarter (≤ served).")
    completed: int = strawberry.field(description="Of the exiters, who completed (≤ exited).")
    credentialed: int = strawberry.field(
        description="Of the exiters, who earned a recognized credential (≤ exited)."
    )
    placed: int = strawberry.field(description="Of the exiters, who entered employment (≤ exited).")


@strawberry.input(description="A member's aggregate counts of one quarter.")
class ReportAggregateCountsInput:
    organization_id: strawberry.ID = strawberry.field(
        description="The reporting member (you must be one of its organization admins)."
    )
    quarter: str = strawberry.field(description="The calendar quarter (2026Q1), begun by today.")
    program_id: strawberry.ID | None = strawberry.field(
        default=None, description="One of the member's TrainingPrograms the counts are of."
    )
    initiative_id: strawberry.ID | None = strawberry.field(
        default=None, description="The Initiative the counts are of."
    )
    rows: list[AggregateCountRowInput] = strawberry.field(
        description="The TOTAL row and the breakdown rows, each dimension and value once, at "
        "most 200: they replace every row reported before for the same organization, "
        "quarter, program and initiative."
    )


@strawberry.type(description="Result of reporting a quarter's aggregate counts.")
class ReportAggregateCountsPayload:
    aggregate_counts: list[AggregateCountType] | None = strawberry.field(
        description="The rows now reported for the key, in the order given."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


def _optional_id(value: strawberry.ID | None, type_name: str, path: str) -> uuid.UUID | None:
    return decode_id(value, type_name, path) if value is not None else None


@strawberry.type
class CountQuery:
    @strawberry.field(
        description="A member's aggregate counts by quarter, dimension and value: only for "
        "the member's own organization admins; empty for everyone else (as for a member "
        "with none)."
    )
    async def aggregate_counts(
        self,
        info: Info,
        organization_id: Annotated[
            strawberry.ID, strawberry.argument(description="The reporting member.")
        ],
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        quarter: Annotated[
            str | None, strawberry.argument(description="Only this calendar quarter (2026Q1).")
        ] = None,
    ) -> Connection[AggregateCountType]:
        principal = info.context.require_principal()
        chosen = counts.quarter_filter(quarter) if quarter is not None else None
        try:
            organization = decode_id(organization_id, "Organization", "organizationId")
        except InvalidInput:
            organization = uuid.UUID(int=0)
        async with info.context.session() as session:
            page = await counts.list_aggregate_counts(
                session,
                principal,
                organization_id=organization,
                page=PageRequest(first=first, after=after),
                quarter=chosen,
            )
        return Connection.of(page, AggregateCountType.from_model)


@strawberry.type
class CountMutation:
    @strawberry.mutation(
        description="Report a quarter's aggregate counts, replacing those of the same "
        "organization, quarter, program and initiative (the member's organization admins)."
    )
    async def report_aggregate_counts(
        self,
        info: Info,
        input: Annotated[
            ReportAggregateCountsInput, strawberry.argument(description="The quarter's counts.")
        ],
    ) -> ReportAggregateCountsPayload:
        async def action(session: Any, principal: Principal) -> list[models.AggregateCount]:
            organization_id = decode_id(input.organization_id, "Organization", "organizationId")
            return await counts.report_aggregate_counts(
                session,
                principal,
                organization_id=organization_id,
                quarter=input.quarter,
                program_id=_optional_id(input.program_id, "TrainingProgram", "programId"),
                initiative_id=_optional_id(input.initiative_id, "Initiative", "initiativeId"),
                rows=[
                    counts.CountRow(
                        row.dimension,
                        row.value,
                        row.served,
                        row.exited,
                        row.completed,
                        row.credentialed,
                        row.placed,
                    )
                    for row in input.rows
                ],
            )

        created, errors = await run_mutation(info, action)
        built = None if created is None else [AggregateCountType.from_model(r) for r in created]
        return ReportAggregateCountsPayload(aggregate_counts=built, user_errors=errors)


__all__ = [
    "AggregateCountRowInput",
    "AggregateCountType",
    "CountMutation",
    "CountQuery",
    "ReportAggregateCountsInput",
    "ReportAggregateCountsPayload",
]
