"""Who reads what of matching funds: every member and ``funds:read`` app reads the aggregates
(pools, summaries, initiatives, the recognition ranking); a pool's overseers (partnership
admins, analysts, the funder's people, ``funds:read`` apps) read every contribution and the
per-recipient detail (ledger, breakdowns, report); everyone else reads only their own
organizations' contributions (another's reads as missing) and is refused the detail."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from tests.funds.support.steps import (
    verified,
)
from tests.funds.support.world import FundsWorld
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import global_id

# -- reads ----------------------------------------------------------------------------------

READERS = [
    "admin",
    "analyst",
    "org_admin",
    "member",
    "other_org_admin",
    "funder_admin",
    "funds_reader",
]
NOT_READERS = ["reader", "writer"]
# The pool's overseers: they read everything about it.
OVERSEERS = ["admin", "analyst", "funder_admin", "funds_reader"]
# The contributing employer's people, and the other employer's admin.
CONTRIBUTORS = ["org_admin", "member"]
OUTSIDERS = ["other_org_admin"]

# Each read, and its variables given the partnership and its verified contribution.
READS: dict[str, tuple[str, Callable[[FundsWorld, uuid.UUID], dict[str, Any]]]] = {
    "fundPools": (
        "query { fundPools(first: 10) { edges { node { id name status } } } }",
        lambda fw, c: {},
    ),
    "fundPool": (
        """query($id: ID!) { fundPool(id: $id) { id name summary {
            committed { amountMinor currency } matched { amountMinor } remaining { amountMinor }
            leverage } } }""",
        lambda fw, c: {"id": global_id("FundPool", fw.pool)},
    ),
    "fundPool.ledgerEntries": (
        """query($id: ID!) { fundPool(id: $id) { id ledgerEntries(first: 50) {
            edges { node { id account amount { amountMinor currency } } } } } }""",
        lambda fw, c: {"id": global_id("FundPool", fw.pool)},
    ),
    "fundPool.breakdown": (
        """query($id: ID!) { fundPool(id: $id) { id breakdown(by: RECIPIENT) {
            key matched { amountMinor } } } }""",
        lambda fw, c: {"id": global_id("FundPool", fw.pool)},
    ),
    "fundReportCsv": (
        "query($id: ID!) { fundReportCsv(poolId: $id) }",
        lambda fw, c: {"id": global_id("FundPool", fw.pool)},
    ),
    "initiatives": (
        "query { initiatives(first: 10) { edges { node { id name } } } }",
        lambda fw, c: {},
    ),
    "contributions": (
        "query { contributions(first: 10) { totalCount edges { node { id status } } } }",
        lambda fw, c: {},
    ),
    "contribution": (
        "query($id: ID!) { contribution(id: $id) { id matched { amountMinor } } }",
        lambda fw, c: {"id": global_id("Contribution", c)},
    ),
    "initiative": (
        "query($id: ID!) { initiative(id: $id) { id name } }",
        lambda fw, c: {"id": global_id("Initiative", fw.initiative)},
    ),
    "investmentRecognition": (
        "query { investmentRecognition(first: 5) { rank contributed { amountMinor } } }",
        lambda fw, c: {},
    ),
}
# Aggregates: the same for every reader.
OPEN_READS = ["fundPools", "fundPool", "initiatives", "initiative", "investmentRecognition"]
# Per-recipient detail of the pool: its overseers only, FORBIDDEN to anyone else.
DETAIL_READS = ["fundPool.ledgerEntries", "fundPool.breakdown", "fundReportCsv"]
# The contribution itself: its pool's overseers and its organization's people.
CONTRIBUTION_READS = ["contributions", "contribution"]
assert sorted([*OPEN_READS, *DETAIL_READS, *CONTRIBUTION_READS]) == sorted(READS)


def _read_field(name: str) -> str:
    return name.split(".")[0]


async def _with_a_match(fw: FundsWorld, sessions: SessionFactory) -> uuid.UUID:
    return await verified(sessions, fw)


def _check_read(read: str, data: Any, funds: FundsWorld, contribution: uuid.UUID) -> None:
    """``data`` is the full answer to ``read`` (what the pool's overseers get)."""
    pool_id = global_id("FundPool", funds.pool)
    if read == "fundPools":
        assert [edge["node"]["id"] for edge in data["edges"]] == [pool_id]
    elif read == "fundPool":
        assert data["summary"]["committed"] == {"amountMinor": "10000000", "currency": "USD"}
        assert data["summary"]["matched"] == {"amountMinor": "200000"}
        assert data["summary"]["remaining"] == {"amountMinor": "9800000"}
    elif read == "fundPool.ledgerEntries":
        amounts = [edge["node"]["amount"]["amountMinor"] for edge in data["ledgerEntries"]["edges"]]
        assert amounts == ["-10000000", "10000000", "-200000", "200000"]
    elif read == "fundPool.breakdown":
        assert data["breakdown"] == [
            {
                "key": global_id("Organization", funds.world.organizations["employer"]),
                "matched": {"amountMinor": "200000"},
            }
        ]
    elif read == "fundReportCsv":
        assert isinstance(data, str)
        assert data.count("\n") >= 5
    elif read == "initiatives":
        assert [edge["node"]["id"] for edge in data["edges"]] == [
            global_id("Initiative", funds.initiative)
        ]
    elif read == "contribution":
        assert data == {
            "id": global_id("Contribution", contribution),
            "matched": {"amountMinor": "200000"},
        }
    elif read == "initiative":
        assert data == {
            "id": global_id("Initiative", funds.initiative),
            "name": "Machinist apprenticeship",
        }
    elif read == "investmentRecognition":
        assert data == [{"rank": 1, "contributed": {"amountMinor": "100000"}}]
    else:
        assert data["totalCount"] == 1
        assert [edge["node"]["id"] for edge in data["edges"]] == [
            global_id("Contribution", contribution)
        ]


@pytest.mark.parametrize("actor", READERS)
@pytest.mark.parametrize("read", OPEN_READS)
async def test_every_member_and_funds_reader_reads_the_aggregates(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory, read: str, actor: str
) -> None:
    # given: a verified contribution, so there is something to read everywhere
    contribution = await _with_a_match(funds, owner_sessions)
    document, variables = READS[read]

    # when
    body = await gql(document, variables(funds, contribution), token=funds.token(actor))

    # then: the same answer for each of them, with the pool's real numbers
    assert "errors" not in body, body
    _check_read(read, body["data"][_read_field(read)], funds, contribution)


@pytest.mark.parametrize("actor", OVERSEERS)
@pytest.mark.parametrize("read", [*DETAIL_READS, *CONTRIBUTION_READS])
async def test_the_pools_overseers_read_every_detail(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory, read: str, actor: str
) -> None:
    # given
    contribution = await _with_a_match(funds, owner_sessions)
    document, variables = READS[read]

    # when
    body = await gql(document, variables(funds, contribution), token=funds.token(actor))

    # then
    assert "errors" not in body, body
    _check_read(read, body["data"][_read_field(read)], funds, contribution)


@pytest.mark.parametrize("actor", CONTRIBUTORS)
@pytest.mark.parametrize("read", CONTRIBUTION_READS)
async def test_the_contributors_people_read_their_own_contribution(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory, read: str, actor: str
) -> None:
    # given: the employer's verified contribution
    contribution = await _with_a_match(funds, owner_sessions)
    document, variables = READS[read]

    # when
    body = await gql(document, variables(funds, contribution), token=funds.token(actor))

    # then
    assert "errors" not in body, body
    _check_read(read, body["data"][_read_field(read)], funds, contribution)


@pytest.mark.parametrize("actor", OUTSIDERS)
@pytest.mark.parametrize("read", CONTRIBUTION_READS)
async def test_another_employers_contribution_reads_as_missing(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory, read: str, actor: str
) -> None:
    # given: the employer's verified contribution; the other employer's admin asks
    contribution = await _with_a_match(funds, owner_sessions)
    document, variables = READS[read]

    # when
    body = await gql(document, variables(funds, contribution), token=funds.token(actor))

    # then: not refused, just absent (and not counted)
    assert "errors" not in body, body
    data = body["data"][_read_field(read)]
    if read == "contribution":
        assert data is None
    else:
        assert data == {"totalCount": 0, "edges": []}


@pytest.mark.parametrize("actor", [*CONTRIBUTORS, *OUTSIDERS])
@pytest.mark.parametrize("read", DETAIL_READS)
async def test_the_per_recipient_detail_is_refused_to_non_overseers(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory, read: str, actor: str
) -> None:
    # given
    contribution = await _with_a_match(funds, owner_sessions)
    document, variables = READS[read]

    # when
    body = await gql(document, variables(funds, contribution), token=funds.token(actor))

    # then: FORBIDDEN (the pool field is nullable, so it is nulled), no figures leak
    assert error_codes(body) == ["FORBIDDEN"], body
    assert body["data"] == {_read_field(read): None}
    assert "200000" not in str(body)


@pytest.mark.parametrize("actor", [*NOT_READERS, None], ids=lambda actor: actor or "anonymous")
@pytest.mark.parametrize("read", list(READS))
async def test_apps_without_funds_read_read_nothing(
    gql: GraphQLClient,
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    read: str,
    actor: str | None,
) -> None:
    # given
    contribution = await _with_a_match(funds, owner_sessions)
    document, variables = READS[read]

    # when
    body = await gql(
        document, variables(funds, contribution), token=funds.token(actor) if actor else None
    )

    # then: refused, with no data at all
    assert error_codes(body) == ["UNAUTHENTICATED" if actor is None else "FORBIDDEN"], body
    field = _read_field(read)
    # A nullable field is nulled; a non-null connection nulls the whole of data.
    nullable = {"fundPool", "fundReportCsv", "contribution", "initiative"}
    assert body["data"] == ({field: None} if field in nullable else None)
    assert "10000000" not in str(body) and "200000" not in str(body)


@pytest.mark.parametrize("actor", NOT_READERS)
async def test_node_of_a_funds_object_is_refused_to_apps_without_funds_read(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory, actor: str
) -> None:
    # given
    contribution = await _with_a_match(funds, owner_sessions)
    document = "query($id: ID!) { node(id: $id) { id } }"
    real, random = global_id("Contribution", contribution), global_id("Contribution", uuid.uuid4())

    # when
    body = await gql(document, {"id": real}, token=funds.token(actor))
    random_body = await gql(document, {"id": random}, token=funds.token(actor))

    # then: refused whether or not the object exists (so the refusal reveals nothing)
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] == {"node": None}
    assert random_body == body
