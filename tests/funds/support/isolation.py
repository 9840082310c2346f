"""Each partnership's funds objects for the isolation tests, and a GraphQL answer with the
IDs under test masked, to compare a foreign ID's answer with a random one's."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.models.ledger import LedgerEntry, LedgerTransactionKind
from coalition.funds.models.pools import FundCommitment
from tests.funds.support.steps import approve, record, schedule, transaction_of, verified
from tests.funds.support.world import FundsWorld


@dataclass
class Objects:
    """One partnership's funds objects, by what they are."""

    fw: FundsWorld
    ids: dict[str, uuid.UUID]


async def make_objects(fw: FundsWorld, sessions: SessionFactory) -> Objects:
    """A recorded contribution, a verified one with a scheduled tranche (with a requirement)
    and an approved one, the pool's commitment and its ledger."""
    recorded = await record(sessions, fw)
    matched = await verified(sessions, fw)
    scheduled = await schedule(sessions, fw, matched, 50_000, "Outcome report")
    approved = await schedule(sessions, fw, matched, 50_000)
    await approve(sessions, fw, approved)
    match = await transaction_of(sessions, fw, LedgerTransactionKind.MATCH, contribution_id=matched)
    commitment_transaction = await transaction_of(
        sessions, fw, LedgerTransactionKind.COMMITMENT, pool_id=fw.pool
    )
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        commitment = await session.scalar(
            select(FundCommitment.id).where(
                FundCommitment.tenant_id == fw.tenant_id, FundCommitment.pool_id == fw.pool
            )
        )
        entry = await session.scalar(
            select(LedgerEntry.id).where(
                LedgerEntry.tenant_id == fw.tenant_id, LedgerEntry.transaction_id == match
            )
        )
    assert commitment is not None and entry is not None
    return Objects(
        fw,
        {
            "pool": fw.pool,
            "initiative": fw.initiative,
            "organization": fw.world.organizations["employer"],
            "funder": fw.funder,
            "recorded": recorded,
            "matched": matched,
            "scheduled": scheduled,
            "approved": approved,
            "match": match,
            "commitment_transaction": commitment_transaction,
            "commitment": commitment,
            "entry": entry,
        },
    )


def masked(body: dict[str, Any], *ids: str) -> str:
    text = json.dumps(body, sort_keys=True)
    for value in ids:
        text = text.replace(value, "<ID>")
    return text
