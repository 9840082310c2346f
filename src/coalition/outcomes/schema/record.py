# mypy: disable-error-code="untyped-decorator"
"""The ParticipantRecord type, its inputs and payload, and its queries and mutations.

Each field's description names its PIRL (ETA-9172) element number. Only the reporting
member's own organization admins (and the operator) ever get a record: for anyone else
the list is empty and ``node(id:)`` is null, exactly as for an ID that does not exist.
Programs, cohorts, initiatives and employers are given as global IDs (each readable
through ``node`` under its own rules).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.money import Money, MoneyInput
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import After, Connection, First, Node, to_global_id
from coalition.auth.principal import Principal
from coalition.errors import InvalidInput
from coalition.errors import UserError as DomainUserError
from coalition.outcomes import models, reads, service
from coalition.outcomes.schema import enums  # noqa: F401  (describes the enums before use)
from coalition.outcomes.schema.loaders import OutcomeLoaders
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest

CURRENCY = "USD"


def _id(type_name: str, value: uuid.UUID | None) -> strawberry.ID | None:
    return to_global_id(type_name, value) if value else None


@strawberry.type(name="RecognizedCredential", description="A credential a participant attained.")
class RecognizedCredentialType:
    type: models.CredentialType = strawberry.field(
        description="PIRL 1800 (1802, 1804): type of recognized credential."
    )
    attained_on: date = strawberry.field(description="PIRL 1801 (1803, 1805): date attained.")


@strawberry.type(name="SkillGain", description="A measurable skill gain (PIRL 1806-1810).")
class SkillGainType:
    type: models.SkillGainType = strawberry.field(description="Which gain (its PIRL element).")
    achieved_on: date = strawberry.field(description="Date of the most recent gain of the type.")


@strawberry.type(
    name="ParticipantRecord",
    description="One person's period of participation with a reporting member, aligned with "
    "the DOL PIRL. Seen only by the member's own organization admins.",
)
class ParticipantRecordType(Node):
    participant_identifier: str = strawberry.field(
        description="PIRL 100: the member's own identifier for the person (never an SSN)."
    )
    organization_id: strawberry.ID = strawberry.field(description="The reporting member.")
    program_id: strawberry.ID | None = strawberry.field(
        description="The member's TrainingProgram the person took part in, if any."
    )
    cohort_id: strawberry.ID | None = strawberry.field(
        description="The program's Cohort, if known."
    )
    initiative_id: strawberry.ID | None = strawberry.field(
        description="The partnership's Initiative the participation counts toward, if any."
    )
    entry_date: date = strawberry.field(description="PIRL 900: date of program entry.")
    exit_date: date | None = strawberry.field(description="PIRL 901: date of program exit.")
    exit_reason: models.ExitReason | None = strawberry.field(
        description="PIRL 923: other reasons for exit."
    )
    sex: models.Sex | None = strawberry.field(description="PIRL 201: sex.")
    hispanic_latino: bool | None = strawberry.field(description="PIRL 210: Hispanic or Latino.")
    american_indian_alaska_native: bool | None = strawberry.field(
        description="PIRL 211: American Indian or Alaska Native."
    )
    asian: bool | None = strawberry.field(description="PIRL 212: Asian.")
    black_african_american: bool | None = strawberry.field(
        description="PIRL 213: Black or African American."
    )
    native_hawaiian_pacific_islander: bool | None = strawberry.field(
        description="PIRL 214: Native Hawaiian or other Pacific Islander."
    )
    white: bool | None = strawberry.field(description="PIRL 215: White.")
    race_not_self_identified: bool | None = strawberry.field(
        description="PIRL 216: did not self-identify a race."
    )
    age_band: models.AgeBand | None = strawberry.field(
        description="Age at entry as a band (the birth date, PIRL 200, is never stored)."
    )
    veteran_status: models.VeteranStatus | None = strawberry.field(
        description="PIRL 301: eligible veteran status."
    )
    barriers: list[models.Barrier] = strawberry.field(
        description="Barriers to employment of the WIOA list (PIRL 700-800 series)."
    )
    training_service_type: models.TrainingServiceType | None = strawberry.field(
        description="PIRL 1303: type of training service #1; null for none (code 00)."
    )
    training_completed: bool | None = strawberry.field(
        description="Whether the participant completed the training (no PIRL element yet)."
    )
    credentials: list[RecognizedCredentialType] = strawberry.field(
        description="Recognized credentials attained, at most three (PIRL 1800-1805)."
    )
    skill_gains: list[SkillGainType] = strawberry.field(
        description="Measurable skill gains by type (PIRL 1806-1810)."
    )
    employed_q1: models.EmploymentStatus | None = strawberry.field(
        description="PIRL 1600: employed in the 1st quarter after the exit quarter."
    )
    employed_q2: models.EmploymentStatus | None = strawberry.field(
        description="PIRL 1602: employed in the 2nd quarter after the exit quarter."
    )
    employed_q3: models.EmploymentStatus | None = strawberry.field(
        description="PIRL 1604: employed in the 3rd quarter after the exit quarter."
    )
    employed_q4: models.EmploymentStatus | None = strawberry.field(
        description="PIRL 1606: employed in the 4th quarter after the exit quarter."
    )
    employer_id: strawberry.ID | None = strawberry.field(
        description="The employer after exit, when it is a member Organization."
    )
    employer_is_other: bool = strawberry.field(
        description="The employer after exit is not a member of the partnership."
    )
    occupation_code: str | None = strawberry.field(
        description="PIRL 1610: occupational code (SOC 2018) of the employment after exit."
    )
    is_related_to_training: bool | None = strawberry.field(
        description="PIRL 1611: entered training-related employment."
    )
    same_employer_q2_q4: bool | None = strawberry.field(
        description="PIRL 1618: retention with the same employer in the 2nd and 4th quarters "
        "after the exit quarter."
    )
    hourly_wage: Money | None = strawberry.field(
        description="Hourly wage at placement (USD); no PIRL element."
    )
    earnings_q2: Money | None = strawberry.field(
        description="PIRL 1704: wages in the 2nd quarter after the exit quarter (USD)."
    )
    earnings_q4: Money | None = strawberry.field(
        description="PIRL 1706: wages in the 4th quarter after the exit quarter (USD)."
    )
    created_at: datetime = strawberry.field(description="When it was added.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_model(cls, record: models.ParticipantRecord) -> ParticipantRecordType:
        credentials = [
            RecognizedCredentialType(type=kind, attained_on=day)
            for kind, day in (
                (record.credential_1_type, record.credential_1_on),
                (record.credential_2_type, record.credential_2_on),
                (record.credential_3_type, record.credential_3_on),
            )
            if kind is not None and day is not None
        ]
        gains = [
            SkillGainType(type=kind, achieved_on=getattr(record, column))
            for kind, column in models.SKILL_GAIN_COLUMNS.items()
            if getattr(record, column) is not None
        ]
        return cls(
            id=to_global_id("ParticipantRecord", record.id),
            participant_identifier=record.participant_identifier,
            organization_id=to_global_id("Organization", record.organization_id),
            program_id=_id("TrainingProgram", record.program_id),
            cohort_id=_id("Cohort", record.cohort_id),
            initiative_id=_id("Initiative", record.initiative_id),
            entry_date=record.entry_date,
            exit_date=record.exit_date,
            exit_reason=record.exit_reason,
            sex=record.sex,
            **{name: getattr(record, name) for name in models.RACES},
            age_band=record.age_band,
            veteran_status=record.veteran_status,
            barriers=[models.Barrier(barrier) for barrier in record.barriers],
            training_service_type=record.training_service_type,
            training_completed=record.training_completed,
            credentials=credentials,
            skill_gains=gains,
            employed_q1=record.employed_q1,
            employed_q2=record.employed_q2,
            employed_q3=record.employed_q3,
            employed_q4=record.employed_q4,
            employer_id=_id("Organization", record.employer_organization_id),
            employer_is_other=record.employer_is_other,
            occupation_code=record.occupation_code,
            is_related_to_training=record.is_related_to_training,
            same_employer_q2_q4=record.same_employer_q2_q4,
            hourly_wage=Money.of(record.hourly_wage_cents, CURRENCY),
            earnings_q2=Money.of(record.earnings_q2_cents, CURRENCY),
            earnings_q4=Money.of(record.earnings_q4_cents, CURRENCY),
            created_at=record.created_at,
            updated_at=record.updated_at,
        )

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> ParticipantRecordType | None:
        record = await info.context.loaders.of(OutcomeLoaders).participant_record.load(object_id)
        return cls.from_model(record) if record else None


@strawberry.input(description="A recognized credential attained.")
class RecognizedCredentialInput:
    type: models.CredentialType = strawberry.field(description="PIRL 1800: its type.")
    attained_on: date = strawberry.field(description="PIRL 1801: date attained, not before entry.")


@strawberry.input(description="A measurable skill gain.")
class SkillGainInput:
    type: models.SkillGainType = strawberry.field(description="Which gain (PIRL 1806-1810).")
    achieved_on: date = strawberry.field(description="Its date, not before entry.")


UNSET: Any = strawberry.UNSET


@strawberry.input(description="A participant record's fields: omitted fields stay; null clears.")
class ParticipantRecordFields:
    participant_identifier: str | None = strawberry.field(
        default=UNSET,
        description="PIRL 100: your own identifier for the person, 1 to 40 characters; never "
        "an SSN (nine digits are refused: LOOKS_LIKE_SSN); once per organization (TAKEN).",
    )
    program_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="One of the organization's TrainingPrograms."
    )
    cohort_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="A Cohort of the organization's program (sets the program)."
    )
    initiative_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="An Initiative of the partnership."
    )
    entry_date: date | None = strawberry.field(
        default=UNSET, description="PIRL 900: date of program entry (required on a new record)."
    )
    exit_date: date | None = strawberry.field(
        default=UNSET, description="PIRL 901: date of program exit, not before entry."
    )
    exit_reason: models.ExitReason | None = strawberry.field(
        default=UNSET, description="PIRL 923: other reasons for exit (needs an exit date)."
    )
    sex: models.Sex | None = strawberry.field(default=UNSET, description="PIRL 201: sex.")
    hispanic_latino: bool | None = strawberry.field(
        default=UNSET, description="PIRL 210: Hispanic or Latino."
    )
    american_indian_alaska_native: bool | None = strawberry.field(
        default=UNSET, description="PIRL 211: American Indian or Alaska Native."
    )
    asian: bool | None = strawberry.field(default=UNSET, description="PIRL 212: Asian.")
    black_african_american: bool | None = strawberry.field(
        default=UNSET, description="PIRL 213: Black or African American."
    )
    native_hawaiian_pacific_islander: bool | None = strawberry.field(
        default=UNSET, description="PIRL 214: Native Hawaiian or other Pacific Islander."
    )
    white: bool | None = strawberry.field(default=UNSET, description="PIRL 215: White.")
    race_not_self_identified: bool | None = strawberry.field(
        default=UNSET, description="PIRL 216: did not self-identify (no race may be yes)."
    )
    age_band: models.AgeBand | None = strawberry.field(
        default=UNSET, description="Age at entry as a band (never a birth date)."
    )
    veteran_status: models.VeteranStatus | None = strawberry.field(
        default=UNSET, description="PIRL 301: eligible veteran status."
    )
    barriers: list[models.Barrier] | None = strawberry.field(
        default=UNSET, description="Barriers to employment, each once (replaces the set)."
    )
    training_service_type: models.TrainingServiceType | None = strawberry.field(
        default=UNSET, description="PIRL 1303: type of training service #1; null for none."
    )
    training_completed: bool | None = strawberry.field(
        default=UNSET,
        description="Whether the participant completed the training (no PIRL element yet).",
    )
    credentials: list[RecognizedCredentialInput] | None = strawberry.field(
        default=UNSET, description="Credentials attained, at most three (PIRL 1800-1805)."
    )
    skill_gains: list[SkillGainInput] | None = strawberry.field(
        default=UNSET, description="Measurable skill gains, each type once (PIRL 1806-1810)."
    )
    employed_q1: models.EmploymentStatus | None = strawberry.field(
        default=UNSET, description="PIRL 1600: employed in the 1st quarter after exit."
    )
    employed_q2: models.EmploymentStatus | None = strawberry.field(
        default=UNSET, description="PIRL 1602: employed in the 2nd quarter after exit."
    )
    employed_q3: models.EmploymentStatus | None = strawberry.field(
        default=UNSET, description="PIRL 1604: employed in the 3rd quarter after exit."
    )
    employed_q4: models.EmploymentStatus | None = strawberry.field(
        default=UNSET, description="PIRL 1606: employed in the 4th quarter after exit."
    )
    employer_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The employer after exit: a member Organization."
    )
    employer_is_other: bool | None = strawberry.field(
        default=UNSET, description="The employer after exit is not a member (not with employerId)."
    )
    occupation_code: str | None = strawberry.field(
        default=UNSET, description="PIRL 1610: SOC 2018 code of the loaded vocabulary."
    )
    is_related_to_training: bool | None = strawberry.field(
        default=UNSET, description="PIRL 1611: entered training-related employment."
    )
    same_employer_q2_q4: bool | None = strawberry.field(
        default=UNSET,
        description="PIRL 1618: retained by the same employer in the 2nd and 4th quarters "
        "after exit (not true while employedQ2 or employedQ4 is NOT_EMPLOYED).",
    )
    hourly_wage: MoneyInput | None = strawberry.field(
        default=UNSET, description="Hourly wage at placement in USD: $0.01 to $500.00."
    )
    earnings_q2: MoneyInput | None = strawberry.field(
        default=UNSET,
        description="PIRL 1704: wages in the 2nd quarter after exit in USD: $0 to $1,000,000.",
    )
    earnings_q4: MoneyInput | None = strawberry.field(
        default=UNSET,
        description="PIRL 1706: wages in the 4th quarter after exit in USD: $0 to $1,000,000.",
    )


@strawberry.input(description="A new participant record of a reporting member.")
class CreateParticipantRecordInput(ParticipantRecordFields):
    organization_id: strawberry.ID = strawberry.field(
        description="The reporting member (you must be one of its organization admins)."
    )


@strawberry.input(description="Changes to a participant record: omitted fields stay.")
class UpdateParticipantRecordInput(ParticipantRecordFields):
    id: strawberry.ID = strawberry.field(description="The record.")


IDS = {
    "program_id": ("TrainingProgram", "programId"),
    "cohort_id": ("Cohort", "cohortId"),
    "initiative_id": ("Initiative", "initiativeId"),
    "employer_id": ("Organization", "employerId"),
}
AMOUNTS = {
    "hourly_wage": "hourly_wage_cents",
    "earnings_q2": "earnings_q2_cents",
    "earnings_q4": "earnings_q4_cents",
}
PLAIN = tuple(
    name
    for name in ParticipantRecordFields.__annotations__
    if name not in {*IDS, *AMOUNTS, "credentials", "skill_gains"}
)


def record_fields(data: ParticipantRecordFields) -> dict[str, Any]:
    """The service's fields of the input: those given (an explicit null is given); every
    malformed ID at once."""
    found: dict[str, Any] = {
        name: getattr(data, name) for name in PLAIN if getattr(data, name) is not UNSET
    }
    errors: list[DomainUserError] = []
    for name, (type_name, path) in IDS.items():
        value = getattr(data, name)
        if value is UNSET:
            continue
        key = "employer_organization_id" if name == "employer_id" else name
        if value is None:
            found[key] = None
            continue
        try:
            found[key] = decode_id(value, type_name, path)
        except InvalidInput as error:
            errors += error.errors
    if errors:
        raise InvalidInput(errors)
    for name, key in AMOUNTS.items():
        amount = getattr(data, name)
        if amount is not UNSET:
            found[key] = None if amount is None else (amount.amount_minor, amount.currency)
    if data.credentials is not UNSET:
        found["credentials"] = [(c.type, c.attained_on) for c in data.credentials or []]
    if data.skill_gains is not UNSET:
        found["skill_gains"] = [(g.type, g.achieved_on) for g in data.skill_gains or []]
    if found.get("employer_is_other") is None and "employer_is_other" in found:
        found["employer_is_other"] = False
    return found


@strawberry.input(description="Which participant records.")
class ParticipantRecordFilter:
    program_id: strawberry.ID | None = strawberry.field(
        default=None, description="Of this program."
    )
    initiative_id: strawberry.ID | None = strawberry.field(
        default=None, description="Counting toward this initiative."
    )
    exited_from: date | None = strawberry.field(default=None, description="Exited on or after.")
    exited_to: date | None = strawberry.field(default=None, description="Exited on or before.")


def _filter(chosen: ParticipantRecordFilter) -> reads.RecordFilter | None:
    """The filter; None when an ID is malformed (no record matches it)."""
    program = initiative = None
    try:
        if chosen.program_id is not None:
            program = decode_id(chosen.program_id, "TrainingProgram", "programId")
        if chosen.initiative_id is not None:
            initiative = decode_id(chosen.initiative_id, "Initiative", "initiativeId")
    except InvalidInput:
        return None
    return reads.RecordFilter(program, initiative, chosen.exited_from, chosen.exited_to)


@strawberry.type(description="Result of a change to a participant record.")
class ParticipantRecordPayload:
    participant_record: ParticipantRecordType | None = strawberry.field(description="The record.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


def _payload(
    record: models.ParticipantRecord | None, errors: list[UserError]
) -> ParticipantRecordPayload:
    built = ParticipantRecordType.from_model(record) if record else None
    return ParticipantRecordPayload(participant_record=built, user_errors=errors)


@strawberry.type
class RecordQuery:
    @strawberry.field(
        description="A member's participant records by entry date: only for the member's own "
        "organization admins; empty for everyone else (as for a member with none)."
    )
    async def participant_records(
        self,
        info: Info,
        organization_id: Annotated[
            strawberry.ID, strawberry.argument(description="The reporting member.")
        ],
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        filter: Annotated[
            ParticipantRecordFilter | None,
            strawberry.argument(description="Which records: program, initiative, exit dates."),
        ] = None,
    ) -> Connection[ParticipantRecordType]:
        principal = info.context.require_principal()
        chosen = _filter(filter or ParticipantRecordFilter())
        try:
            organization = decode_id(organization_id, "Organization", "organizationId")
        except InvalidInput:
            chosen = None
        if chosen is None:
            organization, chosen = uuid.UUID(int=0), reads.RecordFilter()
        async with info.context.session() as session:
            page = await reads.list_participant_records(
                session,
                principal,
                organization_id=organization,
                page=PageRequest(first=first, after=after),
                chosen=chosen,
            )
        return Connection.of(page, ParticipantRecordType.from_model)


@strawberry.type
class RecordMutation:
    @strawberry.mutation(
        description="Add a participant record (the reporting member's organization admins)."
    )
    async def create_participant_record(
        self,
        info: Info,
        input: Annotated[
            CreateParticipantRecordInput, strawberry.argument(description="The record.")
        ],
    ) -> ParticipantRecordPayload:
        async def action(session: Any, principal: Principal) -> models.ParticipantRecord:
            organization_id = decode_id(input.organization_id, "Organization", "organizationId")
            return await service.create_participant_record(
                session, principal, organization_id=organization_id, fields=record_fields(input)
            )

        return _payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Change a participant record (only the fields given).")
    async def update_participant_record(
        self,
        info: Info,
        input: Annotated[
            UpdateParticipantRecordInput, strawberry.argument(description="The record and changes.")
        ],
    ) -> ParticipantRecordPayload:
        async def action(session: Any, principal: Principal) -> models.ParticipantRecord:
            record_id = decode_id(input.id, "ParticipantRecord", "id")
            return await service.update_participant_record(
                session, principal, record_id=record_id, fields=record_fields(input)
            )

        return _payload(*await run_mutation(info, action))


__all__ = [
    "CreateParticipantRecordInput",
    "ParticipantRecordPayload",
    "ParticipantRecordType",
    "RecordMutation",
    "RecordQuery",
    "UpdateParticipantRecordInput",
]
