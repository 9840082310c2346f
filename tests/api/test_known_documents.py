"""A document is validated in full once; a repeat is only priced with its own variables
(``api/known_documents.py``), and nothing a full validation refuses gets past the cache."""

from __future__ import annotations

from collections.abc import Iterator

import graphql
import pytest
import strawberry.schema.schema as strawberry_schema
from graphql import GraphQLError

from coalition.api.known_documents import ValidDocuments
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import World

PAGE = "query($n: Int!) { organizations(first: $n) { edges { node { id memberships(first: $n) { totalCount } } } } }"  # noqa: E501


@pytest.fixture
def full_validations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts strawberry's full validations (every rule of the schema)."""
    calls: list[int] = []
    real = strawberry_schema.validate

    def counting(*args: object, **kwargs: object) -> list[GraphQLError]:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(strawberry_schema, "validate", counting)
    yield calls


async def test_a_repeated_document_is_validated_in_full_once(
    gql: GraphQLClient, world: World, full_validations: list[int]
) -> None:
    text = "{ organizations(first: 2) { totalCount } }"
    answers = [await gql(text, token=world.tokens["admin"]) for _ in range(3)]

    assert [a.get("errors") for a in answers] == [None, None, None]
    assert answers[0]["data"] == answers[2]["data"]
    assert len(full_validations) == 1


async def test_a_known_document_is_still_priced_with_each_requests_variables(
    gql: GraphQLClient, world: World
) -> None:
    token = world.tokens["admin"]
    cheap = await gql(PAGE, {"n": 2}, token=token)
    assert cheap.get("errors") is None

    # a page past the limit of 100, with the same text
    dear = (await gql.post(PAGE, {"n": 101}, token=token)).json()
    dear_again = (await gql.post(PAGE, {"n": 101}, token=token)).json()

    assert dear["data"] is None
    assert error_codes(dear) == error_codes(dear_again) == ["QUERY_LIMIT_EXCEEDED"] * 2
    again = await gql(PAGE, {"n": 2}, token=token)
    assert again == cheap


async def test_a_refused_document_is_refused_every_time(
    gql: GraphQLClient, world: World, full_validations: list[int]
) -> None:
    text = "{ organizations(first: 2) { noSuchField } }"
    bodies = [(await gql.post(text, token=world.tokens["admin"])).json() for _ in range(3)]

    assert [error_codes(body) for body in bodies] == [["GRAPHQL_VALIDATION_FAILED"]] * 3
    assert len(full_validations) == 3


def test_the_memory_is_bounded_and_keeps_the_most_recent() -> None:
    documents = ValidDocuments(maxsize=2)
    parsed = {text: graphql.parse(text) for text in ("{ a }", "{ b }", "{ c }")}
    for text in ("{ a }", "{ b }"):
        documents.remember(text, parsed[text])
    assert documents.knows("{ a }", parsed["{ a }"])  # a is now the most recent

    documents.remember("{ c }", parsed["{ c }"])

    assert len(documents) == 2
    assert not documents.knows("{ b }", parsed["{ b }"])
    assert documents.knows("{ a }", parsed["{ a }"])
    assert documents.knows("{ c }", parsed["{ c }"])


def test_only_the_very_document_that_passed_is_known() -> None:
    documents = ValidDocuments(maxsize=4)
    documents.remember("{ a }", graphql.parse("{ a }"))

    assert not documents.knows("{ a }", graphql.parse("{ a }"))


def test_a_size_of_zero_remembers_nothing() -> None:
    documents = ValidDocuments(maxsize=0)
    document = graphql.parse("{ a }")
    documents.remember("{ a }", document)

    assert len(documents) == 0
    assert not documents.knows("{ a }", document)
