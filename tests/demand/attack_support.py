"""Helpers of the release attacks: a fixed noise secret, the member's edits through the
API, a competitor's edits as the owner, and reading every number a member can read
into the LP attacker's terms (tests/demand/lp_attacker.py)."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from typing import Any

from sqlalchemy import update

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.demand.models import DemandSignal, DemandStatus, NoiseSecret, SharingLevel
from coalition.tenancy.models import Organization, OrganizationKind
from tests.demand.lp_attacker import Posting, Query, every_query
from tests.demand.pooled import Posted, Signal, summary
from tests.support.graphql import GraphQLClient
from tests.support.world import World, global_id

ME = "me"
NOISE_MAX = 0.25
UPDATE = """mutation($input: UpdateDemandSignalInput!) {
  updateDemandSignal(input: $input) { demandSignal { id openings status } userErrors { code } }
}"""
TREND = """query($code: String!, $from: String, $quarters: Int) {
  demandTrend(occupationCode: $code, from: $from, quarters: $quarters) {
    points { key { quarter } openings suppressed } total { openings suppressed }
  }
}"""
FILTER_NAMES: dict[str, Any] = {
    "occupationCodes": list,
    "quarterFrom": str,
    "quarterTo": str,
    "isDegreeRequired": bool,
    "workBasedLearning": list,
}
Readings = list[tuple[Query, list[tuple[dict[str, Any], int | None]]]]


async def fixed_market(
    owner_sessions: SessionFactory, world: World, names: list[str]
) -> dict[str, uuid.UUID]:
    """Employers ``names`` with fixed IDs and the partnership's noise secret fixed before
    its first release: with signals given posting IDs (``posting_ids``), every factor,
    and so every number, is the same each run."""
    ids = {name: uuid.uuid5(uuid.NAMESPACE_URL, f"coalition-test:{name}") for name in names}
    async with tenant_transaction(owner_sessions, world.id) as session:
        session.add(
            NoiseSecret(
                tenant_id=world.id,
                secret=hashlib.sha256(b"i10").digest(),
                noise_min_percent=10,
                noise_max_percent=25,
            )
        )
        for name, organization_id in ids.items():
            session.add(
                Organization(
                    tenant_id=world.id,
                    id=organization_id,
                    name=name,
                    kind=OrganizationKind.EMPLOYER,
                    employee_count=25,
                )
            )
    return ids


def posting_ids(signals: list[Signal], prefix: str = "p") -> list[Signal]:
    """``signals`` each with a posting ID (its factor's key) unless it has one."""
    return [
        signal if signal.external_id else dataclasses.replace(signal, external_id=f"{prefix}{i}")
        for i, signal in enumerate(signals)
    ]


def provable(noised: float, slack: float) -> tuple[float, float]:
    """What an attacker who isolated ``noised`` (± ``slack``) can prove of the truth:
    [y/(1+max), y/(1-max)], the hull of the factor set."""
    return max(noised - slack, 0) / (1 + NOISE_MAX), (noised + slack) / (1 - NOISE_MAX)


def within_ten_percent(interval: tuple[float, float], truth: float) -> bool:
    return interval[0] >= 0.9 * truth and interval[1] <= 1.1 * truth


def as_posting(posted: Posted) -> Posting:
    signal = posted.signal
    return Posting(
        employer=signal.employer,
        key=str(posted.id),
        openings=signal.openings,
        occupation=signal.occupation,
        first=signal.quarter,
        last=signal.until,
        degree=signal.degree,
        work_based_learning=frozenset(signal.work_based_learning),
        skills=tuple(sorted(signal.skills)),
        named=signal.sharing is SharingLevel.NAMED,
    )


async def set_openings(
    owner_sessions: SessionFactory, world: World, posted: Posted, **values: Any
) -> Posted:
    """A competitor edits its signal (written as the owner): ``openings``, ``status`` or
    ``sharing``."""
    columns = {
        {"sharing": "sharing_level"}.get(name, name): value for name, value in values.items()
    }
    async with tenant_transaction(owner_sessions, world.id) as session:
        await session.execute(
            update(DemandSignal)
            .where(DemandSignal.tenant_id == world.id, DemandSignal.id == posted.id)
            .values(**columns)
        )
    return dataclasses.replace(posted, signal=dataclasses.replace(posted.signal, **values))


async def edit(gql: GraphQLClient, world: World, posted: Posted, **change: Any) -> Posted:
    """The member changes its organization's signal through the API (``openings`` or
    ``status``)."""
    fields = {
        name: value.value if isinstance(value, DemandStatus) else value
        for name, value in change.items()
    }
    body = await gql(
        UPDATE,
        {"input": {"id": global_id("DemandSignal", posted.id)} | fields},
        token=world.tokens["member"],
    )
    assert body["data"]["updateDemandSignal"]["userErrors"] == [], body
    return dataclasses.replace(posted, signal=dataclasses.replace(posted.signal, **change))


def api_key(cell_key: dict[str, Any]) -> dict[str, Any]:
    """A demandSummary cell key in the LP attacker's terms."""
    key: dict[str, Any] = {}
    if cell_key.get("occupation"):
        key["OCCUPATION"] = cell_key["occupation"]["code"]
    if cell_key.get("majorGroup"):
        key["MAJOR_GROUP"] = cell_key["majorGroup"]["code"]
    if cell_key.get("skill"):
        key["SKILL"] = cell_key["skill"]["id"]
    if cell_key.get("quarter"):
        key["QUARTER"] = cell_key["quarter"]
    if cell_key.get("workBasedLearning"):
        key["WORK_BASED_LEARNING"] = cell_key["workBasedLearning"]
    if cell_key.get("isDegreeRequired") is not None:
        key["DEGREE_REQUIRED"] = cell_key["isDegreeRequired"]
    return key


async def read(gql: GraphQLClient, token: str, query: Query) -> list[tuple[dict[str, Any], Any]]:
    """One query's figures (key, openings; the total's key {}) through the API."""
    if query.known_quarters:
        variables = {
            "code": query.chosen["occupationCodes"][0],
            "from": query.known_quarters[0],
            "quarters": len(query.known_quarters),
        }
        body = await gql(TREND, variables, token=token)
        assert "errors" not in body, body
        trend = body["data"]["demandTrend"]
        figures = [({"QUARTER": p["key"]["quarter"]}, p["openings"]) for p in trend["points"]]
        return [*figures, ({}, trend["total"]["openings"])]
    chosen = {name: FILTER_NAMES[name](value) for name, value in query.filter}
    result = await summary(gql, token, list(query.group_by), chosen or None)
    figures = [(api_key(cell["key"]), cell["openings"]) for cell in result["cells"]]
    return [*figures, ({}, result["total"]["openings"])]


async def read_everything(
    gql: GraphQLClient, world: World, postings: list[Posting], extra: list[Query] | None = None
) -> Readings:
    """Every summary of ``every_query`` (and ``extra``) and every trend, as the member."""
    token = world.tokens["member"]
    return [
        (query, await read(gql, token, query)) for query in every_query(postings) + (extra or [])
    ]
