"""A value an enum does not have is refused with the enum's valid values listed, in
development and in production (which still strips "did you mean" suggestions)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World

KINDS = (
    "Valid values: EMPLOYER, TRAINING_PROVIDER, WORKER_ORGANIZATION, FUNDER, "
    "COMMUNITY_ORGANIZATION, PUBLIC_AGENCY, EDUCATION_INSTITUTION."
)
CREATE = (
    "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) "
    "{ userErrors { code } } }"
)
SUGGESTION = " Did you mean the enum value 'EMPLOYER'?"

CASES: dict[str, tuple[str, dict[str, Any] | None, str]] = {
    "literal": (
        'mutation { createOrganization(input: {name: "X", kind: EMPLOYR}) '
        "{ userErrors { code } } }",
        None,
        f"Value 'EMPLOYR' does not exist in 'OrganizationKind' enum. {KINDS}",
    ),
    "variable": (
        CREATE,
        {"input": {"name": "X", "kind": "EMPLOYR"}},
        "Variable '$input' has invalid value at .kind: "
        f"Value 'EMPLOYR' does not exist in 'OrganizationKind' enum. {KINDS}",
    ),
    "string-literal": (
        'mutation { createOrganization(input: {name: "X", kind: "EMPLOYER"}) '
        "{ userErrors { code } } }",
        None,
        f"Enum 'OrganizationKind' cannot represent non-enum value: \"EMPLOYER\". {KINDS}",
    ),
    "in-a-list": (
        "{ organizations(filter: {kinds: [EMPLOYR]}) { totalCount } }",
        None,
        f"Value 'EMPLOYR' does not exist in 'OrganizationKind' enum. {KINDS}",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_an_unknown_enum_value_lists_the_valid_ones(
    gql: GraphQLClient, world: World, case: str
) -> None:
    query, variables, message = CASES[case]

    body = await gql(query, variables, token=world.tokens["admin"])

    assert body["data"] is None
    # a literal is the document's, checked by validation; a variable's value is input
    expected = "BAD_USER_INPUT" if variables else "GRAPHQL_VALIDATION_FAILED"
    assert error_codes(body) == [expected]
    assert [error["message"] for error in body["errors"]] == [message + SUGGESTION]


@pytest.mark.parametrize("case", list(CASES))
async def test_production_lists_the_valid_values_without_suggestions(
    production_gql: GraphQLClient, world: World, case: str
) -> None:
    query, variables, message = CASES[case]

    body = await production_gql(query, variables, token=world.tokens["admin"])

    assert body["data"] is None
    assert [error["message"] for error in body["errors"]] == [message]


async def test_a_field_typo_in_production_still_names_nothing(
    production_gql: GraphQLClient, world: World
) -> None:
    body = await production_gql("{ organizations { totlCount } }", token=world.tokens["admin"])

    assert [error["message"] for error in body["errors"]] == [
        "Cannot query field 'totlCount' on type 'OrganizationConnection'."
    ]
