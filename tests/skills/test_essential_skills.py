"""A partnership's own examples for the essential skills framework (service layer)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import Forbidden, InvalidInput, UserError
from coalition.skills import essentials
from coalition.skills.framework import framework_skill
from coalition.tenancy.models import Role
from tests.skills.support import person
from tests.support.world import World

OWN = [
    "You explain a patient's care plan to the next nurse at shift change.",
    "You call the family when a resident's needs change.",
]


@pytest.fixture
def sessions(reference_data: dict[str, int], owner_sessions: SessionFactory) -> SessionFactory:
    return owner_sessions


async def _essentials(
    sessions: SessionFactory, world: World
) -> dict[str, essentials.EssentialSkillView]:
    async with tenant_transaction(sessions, world.id) as session:
        views = await essentials.essential_skills(
            session, person(world, "member", Role.MEMBER, "employer")
        )
    return {view.id: view for view in views}


async def test_every_partnership_starts_with_the_base_framework(
    sessions: SessionFactory, world: World
) -> None:
    views = await _essentials(sessions, world)
    base = framework_skill("ES.communication")

    assert len(views) == 12
    assert base is not None
    assert views["ES.communication"] == essentials.EssentialSkillView(
        id="ES.communication",
        name="Communication",
        definition=base.definition,
        examples=list(base.examples),
        is_customized=False,
        customized_at=None,
    )


async def test_an_admin_sets_examples_only_for_their_partnership(
    sessions: SessionFactory, world: World, other_world: World
) -> None:
    admin = person(world, "admin", Role.PARTNERSHIP_ADMIN)
    async with tenant_transaction(sessions, world.id) as session:
        changed = await essentials.set_essential_skill_examples(
            session,
            admin,
            skill_id="ES.communication",
            examples=[
                "  You explain a patient's care plan to the next nurse at shift change. ",
                "You call the family when a resident's   needs change.",
            ],
        )

    mine = await _essentials(sessions, world)
    theirs = await _essentials(sessions, other_world)
    base = framework_skill("ES.communication")
    assert base is not None
    assert (changed.examples, changed.is_customized) == (OWN, True)
    assert (mine["ES.communication"].examples, mine["ES.communication"].is_customized) == (
        OWN,
        True,
    )
    assert (theirs["ES.communication"].examples, theirs["ES.communication"].is_customized) == (
        list(base.examples),
        False,
    )
    assert mine["ES.teamwork"].is_customized is False


async def test_setting_and_resetting_are_audited(sessions: SessionFactory, world: World) -> None:
    admin = person(world, "admin", Role.PARTNERSHIP_ADMIN)
    async with tenant_transaction(sessions, world.id) as session:
        await essentials.set_essential_skill_examples(
            session, admin, skill_id="ES.teamwork", examples=OWN
        )
        reset = await essentials.reset_essential_skill_examples(
            session, admin, skill_id="ES.teamwork"
        )
        again = await essentials.reset_essential_skill_examples(
            session, admin, skill_id="ES.teamwork"
        )
    async with tenant_transaction(sessions, world.id) as session:
        events = list(
            await session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.tenant_id == world.id, AuditEvent.action.like("essential_skill.%")
                )
                .order_by(AuditEvent.occurred_at)
            )
        )

    base = framework_skill("ES.teamwork")
    assert base is not None
    assert (reset.examples, reset.is_customized) == (list(base.examples), False)
    assert again == reset
    assert [(e.action, e.changes) for e in events] == [
        (
            "essential_skill.customize",
            {
                "skill_id": {"from": "ES.teamwork", "to": "ES.teamwork"},
                "examples": {"from": None, "to": OWN},
            },
        ),
        (
            "essential_skill.reset",
            {
                "skill_id": {"from": "ES.teamwork", "to": "ES.teamwork"},
                "examples": {"from": OWN, "to": None},
            },
        ),
    ]
    assert events[0].object_id == events[1].object_id


@pytest.mark.parametrize(
    ("name", "role", "organization"),
    [
        ("analyst", Role.ANALYST, "convener"),
        ("org_admin", Role.ORGANIZATION_ADMIN, "employer"),
        ("member", Role.MEMBER, "employer"),
    ],
)
async def test_only_a_partnership_admin_may_change_examples(
    sessions: SessionFactory, world: World, name: str, role: Role, organization: str
) -> None:
    caller = person(world, name, role, organization)
    async with tenant_transaction(sessions, world.id) as session:
        with pytest.raises(Forbidden):
            await essentials.set_essential_skill_examples(
                session, caller, skill_id="ES.communication", examples=OWN
            )
        with pytest.raises(Forbidden):
            await essentials.reset_essential_skill_examples(
                session, caller, skill_id="ES.communication"
            )

    assert (await _essentials(sessions, world))["ES.communication"].is_customized is False


@pytest.mark.parametrize(
    ("skill_id", "examples", "errors"),
    [
        (
            "ES.communication",
            [],
            [UserError(("examples",), "Give between 1 and 10 examples.", "OUT_OF_RANGE")],
        ),
        (
            "ES.communication",
            ["Good example."] * 11,
            [UserError(("examples",), "Give between 1 and 10 examples.", "OUT_OF_RANGE")],
        ),
        (
            "ES.communication",
            ["Fine example.", " ab ", "x" * 301],
            [
                UserError(
                    ("examples", "1"), "Each example needs at least 3 characters.", "TOO_SHORT"
                ),
                UserError(
                    ("examples", "2"), "Each example may have at most 300 characters.", "TOO_LONG"
                ),
            ],
        ),
        (
            "2.B.3.h",
            OWN,
            [UserError(("skillId",), "No essential skill with this ID.", "NOT_FOUND")],
        ),
        (
            "ES.nothing",
            OWN,
            [UserError(("skillId",), "No essential skill with this ID.", "NOT_FOUND")],
        ),
    ],
)
async def test_invalid_input_is_refused_and_nothing_is_written(
    sessions: SessionFactory,
    world: World,
    skill_id: str,
    examples: list[str],
    errors: list[UserError],
) -> None:
    admin = person(world, "admin", Role.PARTNERSHIP_ADMIN)
    async with tenant_transaction(sessions, world.id) as session:
        with pytest.raises(InvalidInput) as refused:
            await essentials.set_essential_skill_examples(
                session, admin, skill_id=skill_id, examples=examples
            )

    assert refused.value.errors == errors
    assert [v.id for v in (await _essentials(sessions, world)).values() if v.is_customized] == []


async def test_an_unknown_skill_and_bad_examples_are_reported_at_once(
    sessions: SessionFactory, world: World
) -> None:
    admin = person(world, "admin", Role.PARTNERSHIP_ADMIN)
    async with tenant_transaction(sessions, world.id) as session:
        with pytest.raises(InvalidInput) as refused:
            await essentials.set_essential_skill_examples(
                session, admin, skill_id="ES.nothing", examples=["ab"]
            )

    assert refused.value.errors == [
        UserError(("skillId",), "No essential skill with this ID.", "NOT_FOUND"),
        UserError(("examples", "0"), "Each example needs at least 3 characters.", "TOO_SHORT"),
    ]
