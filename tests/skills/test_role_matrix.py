"""Each vocabulary mutation tried by each role and partner app: only a partnership admin
may change the partnership's essential-skill examples; every refusal is FORBIDDEN (or
UNAUTHENTICATED without a token) and leaves every row of the partnership as it was."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from coalition.skills.schema import Mutation
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.snapshots import Rows, snapshot
from tests.support.world import World

ACTORS = ["admin", "analyst", "org_admin", "member", "other_org_admin", "reader", "writer", None]
OWN = ["You brief the next shift in two minutes, standing at the board."]
SET = """mutation($input: SetEssentialSkillExamplesInput!) {
  setEssentialSkillExamples(input: $input) {
    essentialSkill { id examples isCustomized } userErrors { field code } } }"""
RESET = """mutation($input: ResetEssentialSkillExamplesInput!) {
  resetEssentialSkillExamples(input: $input) {
    essentialSkill { id examples isCustomized } userErrors { field code } } }"""


@pytest.fixture(autouse=True)
def _loaded(reference_data: dict[str, int]) -> None:
    """The framework is in the reference data."""


def _overrides(rows: Rows) -> list[tuple[str, list[str]]]:
    return [(row["skill_id"], row["examples"]) for row in rows["essential_skill_overrides"]]


def _unchanged_but_overrides(before: Rows, after: Rows) -> None:
    assert {k: v for k, v in after.items() if k != "essential_skill_overrides"} == {
        k: v for k, v in before.items() if k != "essential_skill_overrides"
    }


def _customized(before: Rows, after: Rows) -> None:
    _unchanged_but_overrides(before, after)
    assert _overrides(before) == []
    assert _overrides(after) == [("ES.communication", OWN)]


def _reset(before: Rows, after: Rows) -> None:
    _unchanged_but_overrides(before, after)
    assert _overrides(before) == [("ES.communication", OWN)]
    assert _overrides(after) == []


async def _nothing(gql: GraphQLClient, world: World) -> None:
    return None


async def _customize_first(gql: GraphQLClient, world: World) -> None:
    body = await gql(
        SET,
        {"input": {"skillId": "ES.communication", "examples": OWN}},
        token=world.tokens["admin"],
    )
    assert body["data"]["setEssentialSkillExamples"]["userErrors"] == []


@dataclass(frozen=True)
class Case:
    field: str
    document: str
    variables: dict[str, Any]
    given: Callable[[GraphQLClient, World], Awaitable[None]]
    effect: Callable[[Rows, Rows], None]
    allowed: frozenset[str] = frozenset({"admin"})


CASES = {
    "setEssentialSkillExamples": Case(
        "setEssentialSkillExamples",
        SET,
        {"input": {"skillId": "ES.communication", "examples": OWN}},
        _nothing,
        _customized,
    ),
    "resetEssentialSkillExamples": Case(
        "resetEssentialSkillExamples",
        RESET,
        {"input": {"skillId": "ES.communication"}},
        _customize_first,
        _reset,
    ),
}


@pytest.mark.parametrize("actor", ACTORS, ids=lambda actor: actor or "anonymous")
@pytest.mark.parametrize("case_name", list(CASES))
async def test_each_mutation_by_each_actor(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    case_name: str,
    actor: str | None,
) -> None:
    # given
    case = CASES[case_name]
    await case.given(gql, world)
    # The audit log is left out: a refused mutation does write its denial there.
    before = await snapshot(owner_sessions, world.id, leave_out=("audit_events",))

    # when
    body = await gql(case.document, case.variables, token=world.tokens[actor] if actor else None)

    # then
    after = await snapshot(owner_sessions, world.id, leave_out=("audit_events",))
    if actor in case.allowed:
        assert "errors" not in body, body
        assert body["data"][case.field]["userErrors"] == []
        case.effect(before, after)
    else:
        assert error_codes(body) == ["UNAUTHENTICATED" if actor is None else "FORBIDDEN"]
        assert body["errors"][0]["path"] == [case.field]
        assert body["data"] is None
        assert after == before


def test_the_matrix_covers_every_vocabulary_mutation() -> None:
    definition = Mutation.__strawberry_definition__  # type: ignore[attr-defined]
    names = {field.python_name for field in definition.fields}
    camel = {name.split("_")[0] + "".join(p.title() for p in name.split("_")[1:]) for name in names}

    assert camel == set(CASES)
