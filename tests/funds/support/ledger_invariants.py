"""The ledger's invariants, read from a snapshot of its rows after every step of the
state machine and compared with the reference's state."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Protocol

from coalition.funds import ledger
from coalition.funds.models.ledger import LedgerEntry
from coalition.funds.report.summaries import PoolSummary
from tests.funds.support import reference
from tests.funds.support.ledger_world import Snapshot, WorldIds
from tests.funds.support.reference import ReferencePool


class MachineIds(Protocol):
    """The database's IDs of the machine's objects, in the reference's order."""

    commitment_ids: list[uuid.UUID]
    contribution_ids: list[uuid.UUID]
    tranche_ids: list[uuid.UUID]


def check_what_funders_see(seen: Snapshot, ref: ReferencePool, world: WorldIds) -> None:
    """The pool's summary and its breakdown by recipient (funds/report.py)."""
    assert seen.summary == PoolSummary(
        currency="USD",
        committed=ref.committed,
        matched=ref.matched,
        disbursed=ref.disbursed,
        paid=ref.paid,
        remaining=ref.remaining,
        contributed=ref.contributed,
        leverage=reference.to_4_places(ref.contributed, ref.matched),
        small_employer_share_under_50=ref.small_employer_share(50),
        small_employer_share_under_500=ref.small_employer_share(500),
    )
    name_of = {str(org): name for name, org in world.recipients.items()}
    assert {
        name_of[row.key]: (row.contributed, row.matched, row.disbursed, row.paid)
        for row in seen.by_recipient
    } == ref.by_recipient()


def check_transactions_balance(seen: Snapshot) -> None:
    legs: defaultdict[uuid.UUID, list[LedgerEntry]] = defaultdict(list)
    for entry in seen.entries:
        legs[entry.transaction_id].append(entry)
    assert set(legs) <= {t.id for t in seen.transactions}
    for transaction in seen.transactions:
        entries = legs[transaction.id]
        assert len(entries) >= 2, f"{transaction.kind} {transaction.id} has {len(entries)} legs"
        assert {entry.currency for entry in entries} == {"USD"}
        assert sum(entry.amount_minor for entry in entries) == 0, (
            f"{transaction.kind} {transaction.id} does not balance"
        )


def check_pool_totals(seen: Snapshot, ref: ReferencePool) -> None:
    pool = seen.pool
    assert 0 <= pool.paid_minor <= pool.disbursed_minor <= pool.matched_minor
    assert pool.matched_minor <= pool.committed_minor
    from_entries = ledger.balances_of((entry.account, entry.amount_minor) for entry in seen.entries)
    expected = ledger.Balances(ref.committed, ref.matched, ref.disbursed, ref.paid)
    assert ledger.pool_balances(pool) == from_entries == expected
    assert pool.contributed_minor == ref.contributed
    available = sum(e.amount_minor for e in seen.entries if e.account == "AVAILABLE")
    assert available == ref.remaining


def check_recipients(seen: Snapshot, ref: ReferencePool) -> None:
    """From the entries alone: no recipient account below zero, no recipient beyond
    its cap over the term or in the calendar year of its contributions."""
    contribution_of = {t.id: t.contribution_id for t in seen.transactions}
    per_account: defaultdict[tuple[uuid.UUID | None, str], int] = defaultdict(int)
    per_term: defaultdict[uuid.UUID | None, int] = defaultdict(int)
    per_year: defaultdict[tuple[uuid.UUID | None, int], int] = defaultdict(int)
    for entry in seen.entries:
        if entry.account not in ledger.RECIPIENT_ACCOUNTS:
            continue
        contribution_id = contribution_of[entry.transaction_id]
        assert contribution_id is not None
        contribution = seen.contributions[contribution_id]
        assert entry.organization_id == contribution.organization_id
        per_account[(entry.organization_id, entry.account)] += entry.amount_minor
        per_term[entry.organization_id] += entry.amount_minor
        per_year[(entry.organization_id, contribution.contributed_on.year)] += entry.amount_minor
    assert all(amount >= 0 for amount in per_account.values()), per_account
    assert ref.cap is not None and ref.annual_cap is not None
    assert all(amount <= ref.cap for amount in per_term.values()), per_term
    assert all(amount <= ref.annual_cap for amount in per_year.values()), per_year


def check_ledger_is_the_references(
    seen: Snapshot, ref: ReferencePool, world: WorldIds, ids: MachineIds
) -> None:
    recipient_of = {org: name for name, org in world.recipients.items()}
    commitment_index = {cid: i for i, cid in enumerate(ids.commitment_ids)}
    contribution_index = {cid: i for i, cid in enumerate(ids.contribution_ids)}
    tranche_index = {tid: i for i, tid in enumerate(ids.tranche_ids)}
    position = {t.id: i for i, t in enumerate(seen.transactions)}
    legs: defaultdict[uuid.UUID, list[reference.Leg]] = defaultdict(list)
    for entry in seen.entries:
        who = None if entry.organization_id is None else recipient_of[entry.organization_id]
        legs[entry.transaction_id].append((entry.account, who, entry.amount_minor))
    posted: list[reference.Transaction] = []
    for transaction in seen.transactions:
        subject: tuple[str, int]
        if transaction.disbursement_id is not None:
            subject = ("tranche", tranche_index[transaction.disbursement_id])
            tranche = ref.tranches[subject[1]]
            assert transaction.contribution_id == ids.contribution_ids[tranche.contribution]
        elif transaction.commitment_id is not None:
            subject = ("commitment", commitment_index[transaction.commitment_id])
        else:
            assert transaction.contribution_id is not None
            subject = ("contribution", contribution_index[transaction.contribution_id])
        posted.append(
            reference.Transaction(
                transaction.kind.value,
                subject,
                tuple(sorted(legs[transaction.id])),
                None if transaction.reverses_id is None else position[transaction.reverses_id],
            )
        )
    assert posted == ref.transactions


def check_objects(seen: Snapshot, ref: ReferencePool, ids: MachineIds) -> None:
    net: defaultdict[uuid.UUID | None, int] = defaultdict(int)
    contribution_of = {t.id: t.contribution_id for t in seen.transactions}
    for entry in seen.entries:
        if entry.account in ledger.RECIPIENT_ACCOUNTS:
            net[contribution_of[entry.transaction_id]] += entry.amount_minor
    assert len(seen.contributions) == len(ref.contributions)
    for index, expected in enumerate(ref.contributions):
        row = seen.contributions[ids.contribution_ids[index]]
        assert row.matched_minor <= row.match_requested_minor
        assert 0 <= row.scheduled_minor <= row.matched_minor
        assert (row.status.value, row.match_requested_minor, row.scheduled_minor) == (
            expected.status,
            expected.requested,
            expected.scheduled,
        ), f"contribution #{index}"
        assert row.matched_minor == expected.matched, f"contribution #{index}"
        assert net[row.id] == expected.matched, f"entries of contribution #{index}"
    assert len(seen.tranches) == len(ref.tranches)
    for index, tranche in enumerate(ref.tranches):
        found = seen.tranches[ids.tranche_ids[index]]
        assert (
            found.status.value,
            found.amount_minor,
            found.requirement_met_at is not None,
        ) == (tranche.status, tranche.amount, tranche.requirement_met), f"tranche #{index}"
    assert len(seen.commitments) == len(ref.commitments)
    for index, commitment in enumerate(ref.commitments):
        found_commitment = seen.commitments[ids.commitment_ids[index]]
        assert (found_commitment.status.value, found_commitment.amount_minor) == (
            "ACTIVE" if commitment.active else "REVERSED",
            commitment.amount,
        ), f"commitment #{index}"
