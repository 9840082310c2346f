"""The essential skills framework as each partnership sees it.

The base framework (names, definitions, examples) is global, in ``skills``.
A partnership admin may replace a skill's examples with the sector's own: the
override is a tenant-owned row, so the base text is never touched and other
partnerships keep seeing it. Callers own the transaction; the changes write
their audit event in it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.audit.service import diff, record_event
from coalition.auth.permissions import require_partnership_admin, require_read
from coalition.auth.principal import Principal
from coalition.db.scoping import in_tenant, scoped
from coalition.skills.models import EssentialSkillOverride, Skill, SkillKind
from coalition.validation import Checker

MIN_EXAMPLES = 1
MAX_EXAMPLES = 10
MIN_EXAMPLE_LENGTH = 3
MAX_EXAMPLE_LENGTH = 300


@dataclass(frozen=True)
class EssentialSkillView:
    id: str
    name: str
    definition: str
    examples: list[str]
    is_customized: bool
    customized_at: datetime | None


def _view(skill: Skill, override: EssentialSkillOverride | None) -> EssentialSkillView:
    return EssentialSkillView(
        id=skill.id,
        name=skill.name,
        definition=skill.description or "",
        examples=list(override.examples if override else skill.examples),
        is_customized=override is not None,
        customized_at=override.updated_at if override else None,
    )


async def essential_skills(session: AsyncSession, principal: Principal) -> list[EssentialSkillView]:
    """The framework by name, with this partnership's examples where it has its own."""
    require_read(principal)
    rows = await session.execute(
        select(Skill, EssentialSkillOverride)
        .outerjoin(
            EssentialSkillOverride,
            (EssentialSkillOverride.skill_id == Skill.id)
            & in_tenant(EssentialSkillOverride, principal),
        )
        .where(Skill.kind == SkillKind.ESSENTIAL)
        .order_by(Skill.name)
    )
    return [_view(skill, override) for skill, override in rows]


async def _essential_skill(session: AsyncSession, check: Checker, skill_id: Any) -> Skill | None:
    skill = None
    if isinstance(skill_id, str) and skill_id.strip():
        skill = await session.get(Skill, skill_id.strip())
    if skill is None or skill.kind is not SkillKind.ESSENTIAL:
        check.add(("skillId",), "No essential skill with this ID.", "NOT_FOUND")
        return None
    return skill


def _clean_examples(check: Checker, examples: Any) -> list[str]:
    if not isinstance(examples, list) or not MIN_EXAMPLES <= len(examples) <= MAX_EXAMPLES:
        check.add(
            ("examples",),
            f"Give between {MIN_EXAMPLES} and {MAX_EXAMPLES} examples.",
            "OUT_OF_RANGE",
        )
        return []
    cleaned: list[str] = []
    for index, example in enumerate(examples):
        text = " ".join(str(example).split())
        field = ("examples", str(index))
        if len(text) < MIN_EXAMPLE_LENGTH:
            check.add(
                field, f"Each example needs at least {MIN_EXAMPLE_LENGTH} characters.", "TOO_SHORT"
            )
        elif len(text) > MAX_EXAMPLE_LENGTH:
            check.add(
                field, f"Each example may have at most {MAX_EXAMPLE_LENGTH} characters.", "TOO_LONG"
            )
        cleaned.append(text)
    return cleaned


async def _override(
    session: AsyncSession, principal: Principal, skill_id: str
) -> EssentialSkillOverride | None:
    return await session.scalar(
        scoped(EssentialSkillOverride, principal)
        .where(EssentialSkillOverride.skill_id == skill_id)
        .with_for_update()
    )


async def set_essential_skill_examples(
    session: AsyncSession, principal: Principal, *, skill_id: Any, examples: Any
) -> EssentialSkillView:
    """Replace the examples of one essential skill for this partnership (partnership
    admins only): 1-10 examples of 3-300 characters each, blanks collapsed. Every
    problem with the skill and the examples is reported at once."""
    require_partnership_admin(principal)
    check = Checker()
    found = await _essential_skill(session, check, skill_id)
    cleaned = _clean_examples(check, examples)
    check.done()
    assert found is not None
    skill = found
    existing = await _override(session, principal, skill.id)
    before = {"examples": list(existing.examples) if existing else None}
    values = insert(EssentialSkillOverride).values(
        tenant_id=principal.tenant_id, id=uuid.uuid4(), skill_id=skill.id, examples=cleaned
    )
    statement = values.on_conflict_do_update(
        index_elements=["tenant_id", "skill_id"],
        set_={"examples": values.excluded.examples, "updated_at": func.now()},
    ).returning(EssentialSkillOverride)
    override = await session.scalar(statement, execution_options={"populate_existing": True})
    assert override is not None
    changes = diff(before, {"examples": cleaned})
    if changes:
        await record_event(
            session,
            principal,
            action="essential_skill.customize",
            object_type="EssentialSkillOverride",
            object_id=override.id,
            changes={"skill_id": {"from": skill.id, "to": skill.id}, **changes},
        )
    return _view(skill, override)


async def reset_essential_skill_examples(
    session: AsyncSession, principal: Principal, *, skill_id: Any
) -> EssentialSkillView:
    """Go back to the base framework's examples for one skill (partnership admins only)."""
    require_partnership_admin(principal)
    check = Checker()
    found = await _essential_skill(session, check, skill_id)
    check.done()
    assert found is not None
    skill = found
    existing = await _override(session, principal, skill.id)
    if existing is not None:
        await session.execute(
            delete(EssentialSkillOverride).where(
                in_tenant(EssentialSkillOverride, principal),
                EssentialSkillOverride.id == existing.id,
            )
        )
        await record_event(
            session,
            principal,
            action="essential_skill.reset",
            object_type="EssentialSkillOverride",
            object_id=existing.id,
            changes={
                "skill_id": {"from": skill.id, "to": skill.id},
                **diff({"examples": list(existing.examples)}, {"examples": None}),
            },
        )
    return _view(skill, None)
