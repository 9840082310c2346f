"""Initiatives and the organizations that take part in them (partnership admins)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import record_event
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant
from coalition.funds import permissions
from coalition.funds.lookups import is_participant, load_initiative, load_organization, refuse
from coalition.funds.models.initiatives import Initiative, InitiativeParticipant
from coalition.tenancy.models import Organization
from coalition.validation import MAX_NAME, Checker


async def create_initiative(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    description: str | None,
    starts_on: date,
    ends_on: date | None,
    participant_ids: Sequence[uuid.UUID | None],
) -> Initiative:
    """Create an initiative with its participants, audited. ``participant_ids`` are
    organizations of the caller's tenant; None stands for an ID that named none (it is
    reported NOT_FOUND at its index with every other problem of the input)."""
    permissions.require_initiative_manager(principal)
    check = Checker()
    clean_name = check.text(("name",), name, required=True, limit=MAX_NAME)
    clean_description = check.text(("description",), description, required=False) or ""
    check.date_range(("startsOn",), starts_on, ("endsOn",), ends_on)
    if clean_name is not None and await session.scalar(
        select(Initiative.id).where(in_tenant(Initiative, principal), Initiative.name == clean_name)
    ):
        check.add(("name",), "An initiative with this name exists.", "TAKEN")
    # Each problem at its index in the input; each organization takes part once.
    wanted = list(dict.fromkeys(found for found in participant_ids if found is not None))
    known = (
        set(
            await session.scalars(
                select(Organization.id).where(
                    in_tenant(Organization, principal),
                    Organization.id.in_(wanted),
                    Organization.archived_at.is_(None),
                )
            )
        )
        if wanted
        else set()
    )
    for index, organization_id in enumerate(participant_ids):
        if organization_id not in known:
            check.add(("participantIds", str(index)), "No organization with this ID.", "NOT_FOUND")
    check.done()
    assert clean_name is not None
    initiative = Initiative(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        name=clean_name,
        description=clean_description,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    session.add(initiative)
    await session.flush()
    if wanted:
        await session.execute(
            insert(InitiativeParticipant),
            [
                {
                    "tenant_id": principal.tenant_id,
                    "id": uuid.uuid4(),
                    "initiative_id": initiative.id,
                    "organization_id": organization_id,
                }
                for organization_id in wanted
            ],
        )
    await record_event(
        session,
        principal,
        action="initiative.create",
        object_type="Initiative",
        object_id=initiative.id,
        changes={"name": clean_name, "participants": len(wanted)},
    )
    return initiative


async def add_initiative_participant(
    session: AsyncSession,
    principal: Principal,
    initiative_id: uuid.UUID,
    organization_id: uuid.UUID,
) -> Initiative:
    """Add an organization of the tenant to an initiative it does not take part in yet."""
    permissions.require_initiative_manager(principal)
    initiative = await load_initiative(session, principal, initiative_id, "initiativeId")
    await load_organization(session, principal, organization_id, "organizationId")
    if await is_participant(session, principal, initiative_id, organization_id):
        raise refuse("organizationId", "This organization already takes part.", "DUPLICATE")
    await session.execute(
        insert(InitiativeParticipant).values(
            tenant_id=principal.tenant_id,
            id=uuid.uuid4(),
            initiative_id=initiative_id,
            organization_id=organization_id,
        )
    )
    await record_event(
        session,
        principal,
        action="initiative.add_participant",
        object_type="Initiative",
        object_id=initiative_id,
        changes={"organization_id": str(organization_id)},
    )
    return initiative
