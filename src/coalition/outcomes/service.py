"""Business rules for participant records: adding and changing them.

Every function takes the session (bound to the caller's tenant by the caller, who owns
the transaction: nothing here commits) and the principal. A record the caller may not
see (``permissions.visible_participant_records``) is handled exactly like an ID that
does not exist (NOT_FOUND). Each command checks permissions (``Forbidden``), validates
every field (every problem at once in one ``InvalidInput``) before writing, and writes
its audit event in the same transaction.

Privacy: an audit event of a record carries the record's UUID and the *names* of the
fields that changed, never a value (no identifier, no date, no outcome); userError
messages never repeat what was typed either.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import scoped
from coalition.errors import InvalidInput, UserError
from coalition.outcomes import validation
from coalition.outcomes.errors import OutcomeErrorCode as Code
from coalition.outcomes.models import ParticipantRecord
from coalition.outcomes.permissions import require_record_keeper, visible_participant_records
from coalition.outcomes.reads import references_for
from coalition.tenancy.models import Organization

COLUMNS = tuple(
    column.key
    for column in ParticipantRecord.__table__.columns
    if column.key not in {"tenant_id", "id", "organization_id", "created_at", "updated_at"}
)
"""The columns a record's fields are written to (what an update compares)."""


def columns_of(record: ParticipantRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in COLUMNS}


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The audit log's ``changes`` of a record: each changed column by name, with no
    value (``{"exit_date": {}}``), so no personal data reaches the log."""
    return {name: {} for name in sorted(after) if before.get(name) != after[name]}


async def reporting_organization(
    session: AsyncSession, principal: Principal, organization_id: uuid.UUID
) -> Organization:
    """The organization whose records the caller wants to change: it must exist in the
    caller's tenant (another tenant's ID is NOT_FOUND, like a random one), the caller
    must be one of its organization admins (or the operator), and it is not archived."""
    organization = await session.scalar(
        scoped(Organization, principal).where(Organization.id == organization_id)
    )
    if organization is None:
        raise InvalidInput(
            [UserError(("organizationId",), "No organization with this ID.", Code.NOT_FOUND)]
        )
    require_record_keeper(principal, organization.id)
    if organization.archived_at is not None:
        raise InvalidInput(
            [UserError(("organizationId",), "This organization is archived.", Code.ARCHIVED)]
        )
    return organization


async def lock_participant_identifiers(session: AsyncSession, organization_id: uuid.UUID) -> None:
    """Wait for any other transaction giving this organization's records identifiers,
    until the end of this one (a transaction-level advisory lock on the organization).
    Row locks cannot do it: two imports of one new file find no rows to lock, and both
    would insert the same identifiers (the second failing on the unique index, a 500)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended('participant_ids:' || :org, 0))"),
        {"org": str(organization_id)},
    )


async def references_of(
    session: AsyncSession,
    principal: Principal,
    organization_id: uuid.UUID,
    many: list[dict[str, Any]],
) -> validation.References:
    """The references of many records' fields, read in one statement per kind."""
    return await references_for(
        session,
        principal,
        organization_id=organization_id,
        program_ids=[fields.get("program_id") for fields in many],
        cohort_ids=[fields.get("cohort_id") for fields in many],
        initiative_ids=[fields.get("initiative_id") for fields in many],
        organization_ids=[fields.get("employer_organization_id") for fields in many],
        occupation_codes=[fields.get("occupation_code") for fields in many],
    )


async def _identifier_taken(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    identifier: str | None,
    record_id: uuid.UUID | None = None,
) -> list[UserError]:
    if identifier is None:
        return []
    await lock_participant_identifiers(session, organization_id)
    taken = scoped(ParticipantRecord, principal).where(
        ParticipantRecord.organization_id == organization_id,
        ParticipantRecord.participant_identifier == identifier,
    )
    if record_id is not None:
        taken = taken.where(ParticipantRecord.id != record_id)
    if await session.scalar(taken.with_only_columns(ParticipantRecord.id).limit(1)) is None:
        return []
    message = "Another record of this organization has this participant identifier."
    return [UserError(("participantIdentifier",), message, Code.TAKEN)]


async def create_participant_record(
    session: AsyncSession,
    principal: Principal,
    *,
    organization_id: uuid.UUID,
    fields: dict[str, Any],
    references: validation.References | None = None,
) -> ParticipantRecord:
    """Add a participant record of an organization the caller keeps records of (see
    ``validation.record_fields``), with a ``participant_record.create`` audit event
    naming the fields set. An identifier another record of the organization has is
    TAKEN. Every problem comes in one ``InvalidInput`` before anything is written.
    ``references`` (an import's, read once for the file) saves reading them again."""
    organization = await reporting_organization(session, principal, organization_id)
    if references is None:
        references = await references_of(session, principal, organization.id, [fields])
    cleaned, errors = validation.record_fields(
        fields,
        current=None,
        organization_id=organization.id,
        references=references,
        today=date.today(),
    )
    errors += await _identifier_taken(
        session,
        principal,
        organization_id=organization.id,
        identifier=cleaned.get("participant_identifier"),
    )
    if errors:
        raise InvalidInput(errors)
    now = datetime.now(UTC)
    record = ParticipantRecord(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        organization_id=organization.id,
        created_at=now,
        updated_at=now,
        **({"barriers": [], "employer_is_other": False} | cleaned),
    )
    session.add(record)
    await session.flush()
    await record_event(
        session,
        principal,
        action="participant_record.create",
        object_type="ParticipantRecord",
        object_id=record.id,
        changes=changed_fields({}, {k: v for k, v in columns_of(record).items() if v}),
    )
    return record


async def update_participant_record(
    session: AsyncSession,
    principal: Principal,
    *,
    record_id: uuid.UUID,
    fields: dict[str, Any],
    references: validation.References | None = None,
) -> ParticipantRecord:
    """Change only the given fields of a record the caller may see (an explicit None
    clears a field); a record it may not see is NOT_FOUND at ``id``. A change writes a
    ``participant_record.update`` audit event naming the changed fields; no change,
    none (and ``updated_at`` stays)."""
    record = await session.scalar(
        visible_participant_records(principal)
        .where(ParticipantRecord.id == record_id)
        .with_for_update()
    )
    if record is None:
        raise InvalidInput(
            [UserError(("id",), "No participant record with this ID.", Code.NOT_FOUND)]
        )
    require_record_keeper(principal, record.organization_id)
    if references is None:
        references = await references_of(session, principal, record.organization_id, [fields])
    before = columns_of(record)
    cleaned, errors = validation.record_fields(
        fields,
        current=before,
        organization_id=record.organization_id,
        references=references,
        today=date.today(),
    )
    identifier = cleaned.get("participant_identifier")
    if identifier is not None and identifier != record.participant_identifier:
        errors += await _identifier_taken(
            session,
            principal,
            organization_id=record.organization_id,
            identifier=identifier,
            record_id=record.id,
        )
    if errors:
        raise InvalidInput(errors)
    for name, value in cleaned.items():
        setattr(record, name, value)
    changes = changed_fields(before, columns_of(record))
    if not changes:
        return record
    record.updated_at = datetime.now(UTC)
    await session.flush()
    await record_event(
        session,
        principal,
        action="participant_record.update",
        object_type="ParticipantRecord",
        object_id=record.id,
        changes=changes,
    )
    return record


__all__ = [
    "COLUMNS",
    "changed_fields",
    "columns_of",
    "create_participant_record",
    "lock_participant_identifiers",
    "references_of",
    "reporting_organization",
    "update_participant_record",
]
