"""The loser of a race over a tranche or a contribution reports the state it lost to.

Each race is made deterministic: the loser has read the record, then (through a wrapper
around the step that holds its guarded UPDATE) the winner runs in its own session and
commits, then the loser's guarded UPDATE finds the record moved. The loser writes nothing.
Races over real HTTP are in test_concurrency_tranches.py."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.errors import InvalidInput
from coalition.funds.models.contributions import Contribution
from coalition.funds.models.disbursements import Disbursement
from coalition.funds.models.ledger import LedgerTransaction
from coalition.funds.service import cancellations, disbursements, reversals, verifications
from tests.funds.support.steps import approve, pay, record, schedule, verified, verify
from tests.funds.support.world import FundsWorld, key

Step = Callable[[SessionFactory, FundsWorld, uuid.UUID], Awaitable[None]]


async def cancel(sessions: SessionFactory, fw: FundsWorld, tranche_id: uuid.UUID) -> None:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        await cancellations.cancel_disbursement(
            session, fw.principal("admin"), tranche_id, "Won the race.", idempotency_key=key()
        )


def winner_first(
    monkeypatch: pytest.MonkeyPatch,
    module: object,
    name: str,
    winner: Callable[[], Awaitable[None]],
) -> None:
    """Replace ``module.name`` with a wrapper that, on its first call, lets ``winner``
    commit before it runs the real one."""
    real = getattr(module, name)
    raced: list[bool] = []

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not raced:
            raced.append(True)
            await winner()
        return await real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


async def lost(
    sessions: SessionFactory, fw: FundsWorld, loser: Callable[[Any], Awaitable[object]]
) -> list[tuple[tuple[str, ...], str, str]]:
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        with pytest.raises(InvalidInput) as raised:
            async with session.begin_nested():
                await loser(session)
    return [(error.field, error.message, error.code) for error in raised.value.errors]


async def tranche_state(
    sessions: SessionFactory, fw: FundsWorld, tranche_id: uuid.UUID
) -> tuple[str, int]:
    """The tranche's status and the number of ledger transactions that name it."""
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        status = await session.scalar(
            select(Disbursement.status).where(
                Disbursement.tenant_id == fw.tenant_id, Disbursement.id == tranche_id
            )
        )
        postings = await session.scalar(
            select(func.count()).where(
                LedgerTransaction.tenant_id == fw.tenant_id,
                LedgerTransaction.disbursement_id == tranche_id,
            )
        )
    assert status is not None
    return str(status), int(postings or 0)


# loser, its module and the step that holds its guarded UPDATE, the winner, how far the
# tranche is before the race, and what the loser must report.
RACES: dict[str, tuple[str, object, Step, int, str, int]] = {
    "cancel loses to approve": ("cancel", cancellations, approve, 0, "APPROVED", 1),
    "cancel loses to pay": ("cancel", cancellations, pay, 1, "PAID", 2),
    "cancel loses to cancel": ("cancel", cancellations, cancel, 0, "CANCELLED", 0),
    "approve loses to cancel": ("approve", disbursements, cancel, 0, "CANCELLED", 0),
    "approve loses to approve": ("approve", disbursements, approve, 0, "APPROVED", 1),
    "pay loses to cancel": ("pay", disbursements, cancel, 1, "CANCELLED", 2),
    "pay loses to pay": ("pay", disbursements, pay, 1, "PAID", 2),
}


@pytest.mark.parametrize(
    ("loser", "module", "winner", "approved", "status", "postings"),
    RACES.values(),
    ids=RACES.keys(),
)
async def test_a_tranche_race_loser_reports_the_state_it_lost_to(
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    monkeypatch: pytest.MonkeyPatch,
    loser: str,
    module: object,
    winner: Step,
    approved: int,
    status: str,
    postings: int,
) -> None:
    # given: a tranche the loser has read in its state before the race
    matched = await verified(owner_sessions, funds)
    tranche = await schedule(owner_sessions, funds, matched, 50_000)
    if approved:
        await approve(owner_sessions, funds, tranche)
    winner_first(
        monkeypatch, module, "move_tranche", lambda: winner(owner_sessions, funds, tranche)
    )
    admin = funds.principal("admin")
    attempts = {
        "cancel": lambda s: cancellations.cancel_disbursement(
            s, admin, tranche, "Lost the race.", idempotency_key=key()
        ),
        "approve": lambda s: disbursements.approve_disbursement(
            s, admin, tranche, idempotency_key=key()
        ),
        "pay": lambda s: disbursements.pay_disbursement(s, admin, tranche, idempotency_key=key()),
    }

    # when
    errors = await lost(owner_sessions, funds, attempts[loser])

    # then: the state it lost to, and only the winner's postings
    assert errors == [
        (("disbursementId",), f"This disbursement is {status}.", "INVALID_TRANSITION")
    ]
    assert await tranche_state(owner_sessions, funds, tranche) == (status, postings)


@pytest.mark.parametrize(
    ("winner", "status"),
    [(verify, "VERIFIED"), (None, "REVERSED")],
    ids=["verify loses to verify", "verify loses to a withdrawal"],
)
async def test_a_verification_race_loser_reports_the_state_it_lost_to(
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    monkeypatch: pytest.MonkeyPatch,
    winner: Step | None,
    status: str,
) -> None:
    # given: a recorded contribution the loser has read as RECORDED
    contribution = await record(owner_sessions, funds)

    async def withdraw(sessions: SessionFactory, fw: FundsWorld, id_: uuid.UUID) -> None:
        async with tenant_transaction(sessions, fw.tenant_id) as session:
            await reversals.reverse_contribution(
                session, fw.principal("admin"), id_, "Withdrawn.", idempotency_key=key()
            )

    step = winner or withdraw
    winner_first(
        monkeypatch,
        verifications,
        "load_contribution",
        lambda: step(owner_sessions, funds, contribution),
    )

    # when
    errors = await lost(
        owner_sessions,
        funds,
        lambda s: verifications.verify_contribution(
            s, funds.principal("admin"), contribution, idempotency_key=key()
        ),
    )

    # then
    assert errors == [
        (("contributionId",), f"This contribution is already {status}.", "INVALID_TRANSITION")
    ]
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        found = await session.scalar(
            select(Contribution.status).where(
                Contribution.tenant_id == funds.tenant_id, Contribution.id == contribution
            )
        )
    assert str(found) == status


async def test_a_withdrawal_that_loses_to_a_verification_reports_it(
    funds: FundsWorld, owner_sessions: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a recorded contribution the withdrawal has read as RECORDED
    contribution = await record(owner_sessions, funds)
    winner_first(
        monkeypatch, reversals, "_withdraw", lambda: verify(owner_sessions, funds, contribution)
    )

    # when
    errors = await lost(
        owner_sessions,
        funds,
        lambda s: reversals.reverse_contribution(
            s, funds.principal("admin"), contribution, "Withdrawn.", idempotency_key=key()
        ),
    )

    # then: the verification stands
    assert errors == [
        (
            ("contributionId",),
            "This contribution is VERIFIED now (it changed meanwhile): reload it.",
            "INVALID_TRANSITION",
        )
    ]
