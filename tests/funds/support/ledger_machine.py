"""The ledger's Hypothesis state machine: each step calls the real services in its own
transaction and must succeed exactly when the reference (``support.reference``) allows
it; after every step the invariants (``support.ledger_invariants``) read the rows."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import ClassVar, Protocol, TypeVar

from hypothesis import note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.auth.principal import Principal
from coalition.db.session import tenant_transaction
from coalition.errors import InvalidInput
from coalition.funds.models.contributions import Contribution
from coalition.funds.models.disbursements import Disbursement
from coalition.funds.models.ledger import LedgerTransaction
from coalition.funds.models.pools import FundCommitment
from coalition.funds.service.cancellations import cancel_disbursement
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.contributions import ContributionInput, record_contribution
from coalition.funds.service.disbursements import (
    DisbursementInput,
    approve_disbursement,
    mark_requirement_met,
    pay_disbursement,
    schedule_disbursement,
)
from coalition.funds.service.reversals import reverse_transaction
from coalition.funds.service.verifications import verify_contribution
from tests.funds.support import ledger_invariants, reference
from tests.funds.support.ledger_world import (
    DATES,
    ELIGIBLE_PURPOSES,
    FLAWS,
    REASONS,
    RECIPIENTS,
    REVERSIBLE,
    SCHEDULE_FLAWS,
    STEP_WEIGHTS,
    TERM,
    TIER_CHOICES,
    Harness,
    WorldIds,
    amounts,
    bad_amounts,
    choices,
    create_pool_world,
    read_snapshot,
)
from tests.funds.support.reference import ReferencePool


class HasId(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


R = TypeVar("R", bound=HasId)


def can_verify(contribution: reference.Contribution) -> bool:
    return contribution.status == "RECORDED"


def can_schedule(contribution: reference.Contribution) -> bool:
    return contribution.status == "VERIFIED" and contribution.matched > contribution.scheduled


def can_reverse_match(contribution: reference.Contribution) -> bool:
    return (
        contribution.match_transaction is not None
        and contribution.status == "VERIFIED"
        and contribution.scheduled == 0
    )


def can_approve(tranche: reference.Tranche) -> bool:
    return tranche.status == "SCHEDULED"


def can_mark_requirement_met(tranche: reference.Tranche) -> bool:
    return (
        tranche.has_requirement
        and not tranche.requirement_met
        and tranche.status in {"SCHEDULED", "APPROVED"}
    )


def can_pay(tranche: reference.Tranche) -> bool:
    return tranche.status == "APPROVED" and (tranche.requirement_met or not tranche.has_requirement)


def is_waiting_for_requirement(tranche: reference.Tranche) -> bool:
    return tranche.status == "APPROVED" and tranche.has_requirement and not tranche.requirement_met


def can_cancel(tranche: reference.Tranche) -> bool:
    return tranche.status in {"SCHEDULED", "APPROVED"}


def pick(count: int, choice: int, aim: bool, good: Callable[[int], bool]) -> int:
    """An index below ``count``: when aiming, one for which the step should succeed
    (if there is one)."""
    candidates = [index for index in range(count) if good(index)] if aim else []
    return candidates[choice % len(candidates)] if candidates else choice % count


class LedgerMachine(RuleBasedStateMachine):
    harness: ClassVar[Harness]
    world: WorldIds
    admin: Principal

    def __init__(self) -> None:
        super().__init__()
        self.model: ReferencePool | None = None
        self.commitment_ids: list[uuid.UUID] = []
        self.contribution_ids: list[uuid.UUID] = []
        self.tranche_ids: list[uuid.UUID] = []
        # The database's ledger transactions in the reference's order (set by the invariant).
        self.transaction_ids: list[uuid.UUID] = []
        # Every money mutation that succeeded, to be replayed with its key: (label, call, id).
        self.successes: list[tuple[str, Callable[[AsyncSession], Awaitable[HasId]], uuid.UUID]] = []

    # -- running one step ----------------------------------------------------------------

    @property
    def ref(self) -> ReferencePool:
        assert self.model is not None
        return self.model

    def attempt(
        self,
        label: str,
        allowed: bool,
        call: Callable[[AsyncSession], Awaitable[R]],
        *,
        replayable: bool = True,
    ) -> R | None:
        """Run ``call`` in its own transaction; it must succeed exactly when ``allowed``."""
        self.harness.outcomes[f"{label.split()[0]} {'done' if allowed else 'refused'}"] += 1

        async def work() -> R:
            async with tenant_transaction(self.harness.app_sessions, self.world.tenant) as session:
                return await call(session)

        try:
            result = self.harness.run(work())
        except InvalidInput as error:
            codes = [problem.code for problem in error.errors]
            assert not allowed, f"{label}: the reference allows it, the service refused {codes}"
            note(f"{label}: refused {codes}")
            return None
        assert allowed, f"{label}: the reference refuses it, the service did it"
        if replayable:
            self.successes.append((label, call, result.id))
        return result

    # -- steps -----------------------------------------------------------------------------

    @initialize(
        tiers=st.sampled_from(TIER_CHOICES),
        cap=st.sampled_from([250_000, 600_000, 2_000_000]),
        # The cap in a year, in fifths of the cap over the term: at 3/5 a recipient meets
        # the annual cap in its first year and the term cap in its second.
        annual_fifths=st.sampled_from([3, 1, 10]),
        amount=st.sampled_from([3_000_000, 700_000, 20_000_000]),
    )
    def open_pool(
        self, tiers: list[tuple[int | None, str]], cap: int, annual_fifths: int, amount: int
    ) -> None:
        """A fresh tenant and OPEN pool, with a first commitment."""
        annual_cap = cap * annual_fifths // 5
        self.world, self.admin = self.harness.run(
            create_pool_world(
                self.harness.owner_sessions, self.harness.app_sessions, tiers, cap, annual_cap
            )
        )
        self.model = ReferencePool(
            tiers=[(size, Fraction(ratio)) for size, ratio in tiers],
            cap=cap,
            annual_cap=annual_cap,
            employee_counts=dict(RECIPIENTS),
            starts_on=TERM[0],
            ends_on=TERM[1],
            today=datetime.now(UTC).date(),
            eligible_purposes=frozenset(ELIGIBLE_PURPOSES),
        )
        self._commit(amount)

    @precondition(lambda self: self.model is not None)
    @rule(data=st.data())
    def step(self, data: st.DataObject) -> None:
        """One step, of a kind that can succeed now (drawn by weight, not by rule, so that
        every example mixes all of them and reaches deep states: swarm testing would
        switch off half of the rules of each example)."""
        ref = self.ref
        tranches, contributions = ref.tranches, ref.contributions
        # Steps with a target to succeed on; the target is missed on purpose now and then.
        ready = {
            "pay": any(map(can_pay, tranches)),
            "mark_requirement_met": any(map(can_mark_requirement_met, tranches)),
            "approve": any(map(can_approve, tranches)),
            "schedule": any(map(can_schedule, contributions)),
            "verify": any(map(can_verify, contributions)),
            "record": True,
            "commit": True,
            "cancel": any(map(can_cancel, tranches)),
            "reverse_match": any(map(can_reverse_match, contributions)),
            "reverse_commitment": any(map(self._can_reverse_commitment, ref.commitments)),
            "reverse_other": any(t.kind not in REVERSIBLE for t in ref.transactions),
            "replay": bool(self.successes),
            "record_flawed": True,
            "pay_too_early": any(map(is_waiting_for_requirement, tranches)),
        }
        names = [
            name for name, weight in STEP_WEIGHTS.items() if ready[name] for _ in range(weight)
        ]
        name = data.draw(st.sampled_from(names), label="step")
        getattr(self, f"_step_{name}")(data)

    def _can_reverse_commitment(self, commitment: reference.Commitment) -> bool:
        return commitment.active and commitment.amount <= self.ref.remaining

    def _aim(self, data: st.DataObject) -> bool:
        """Usually pick a target the step should succeed on; sometimes any target."""
        return data.draw(st.integers(0, 2), label="aim") < 2

    def _commit(self, amount: int) -> None:
        given = CommitmentInput(
            self.world.pool, self.world.funder, "PHILANTHROPIC", amount, "USD", TERM[0]
        )
        idempotency_key = f"commit-{uuid.uuid4()}"

        async def call(session: AsyncSession) -> FundCommitment:
            return await add_commitment(session, self.admin, given, idempotency_key=idempotency_key)

        created = self.attempt(f"commit {amount}", self.ref.commit(amount), call)
        if created is not None:
            self.commitment_ids.append(created.id)

    def _step_commit(self, data: st.DataObject) -> None:
        self._commit(data.draw(st.one_of(amounts, bad_amounts), label="amount"))

    def _record(
        self, recipient: str, amount: int, contributed_on: date, kind: str, purpose: str
    ) -> None:
        documented = kind != "IN_KIND_UNDOCUMENTED"
        given = ContributionInput(
            initiative_id=self.world.initiative,
            organization_id=self.world.recipients[recipient],
            pool_id=self.world.pool,
            kind="CASH" if kind == "CASH" else "IN_KIND",
            purpose=purpose,
            amount_minor=amount,
            currency="USD",
            contributed_on=contributed_on,
            valuation_method=None if kind == "CASH" else "WAGE_RATE",
            evidence_note="Timesheets of the mentors." if kind == "IN_KIND" else None,
        )
        idempotency_key = f"record-{uuid.uuid4()}"

        async def call(session: AsyncSession) -> Contribution:
            return await record_contribution(
                session, self.admin, given, idempotency_key=idempotency_key
            )

        allowed = self.ref.record(recipient, amount, contributed_on, purpose, documented)
        created = self.attempt(f"record {recipient} {amount} {contributed_on}", allowed, call)
        if created is not None:
            self.contribution_ids.append(created.id)

    def _step_record(self, data: st.DataObject) -> None:
        self._record(
            data.draw(st.sampled_from(list(RECIPIENTS)), label="recipient"),
            data.draw(amounts, label="amount"),
            data.draw(st.sampled_from(DATES), label="contributed_on"),
            data.draw(st.sampled_from(["CASH", "IN_KIND"]), label="kind"),
            data.draw(st.sampled_from(ELIGIBLE_PURPOSES), label="purpose"),
        )

    def _step_record_flawed(self, data: st.DataObject) -> None:
        """One flaw each: a zero, negative or too large amount, a date before the pool's
        term or in the future, in-kind without evidence, a purpose the pool does not match."""
        flaw = data.draw(st.sampled_from(FLAWS), label="flaw")
        self._record(
            data.draw(st.sampled_from(list(RECIPIENTS)), label="recipient"),
            {"zero": 0, "negative": -100, "too_much": reference.MAX_AMOUNT_MINOR + 1}.get(
                flaw, 5_000
            ),
            {"before_term": date(2023, 12, 31), "future": date(2099, 1, 1)}.get(
                flaw, date(2025, 2, 14)
            ),
            "IN_KIND_UNDOCUMENTED" if flaw == "evidence" else "CASH",
            "TRAINING_EQUIPMENT" if flaw == "purpose" else "TRAINING_COSTS",
        )

    def _step_verify(self, data: st.DataObject) -> None:
        contributions = self.ref.contributions
        index = pick(
            len(contributions),
            data.draw(choices, label="contribution"),
            self._aim(data),
            lambda i: can_verify(contributions[i]),
        )
        contribution_id = self.contribution_ids[index]
        idempotency_key = f"verify-{uuid.uuid4()}"

        async def call(session: AsyncSession) -> Contribution:
            return await verify_contribution(
                session, self.admin, contribution_id, idempotency_key=idempotency_key
            )

        verified = self.attempt(f"verify #{index}", self.ref.verify(index), call)
        if verified is not None:
            expected = contributions[index]
            self.harness.outcomes[f"match limited by {expected.limited_by}"] += 1
            assert (verified.match_requested_minor, verified.matched_minor) == (
                expected.requested,
                expected.matched,
            ), f"verify #{index}: the match differs from the reference's"

    def _step_schedule(self, data: st.DataObject) -> None:
        contributions = self.ref.contributions
        index = pick(
            len(contributions),
            data.draw(choices, label="contribution"),
            self._aim(data),
            lambda i: (
                contributions[i].status == "VERIFIED"
                and contributions[i].matched > contributions[i].scheduled
            ),
        )
        contribution = contributions[index]
        left = contribution.matched - contribution.scheduled
        # A quarter .. all of what is left, or a flaw: nothing, more than is left, or
        # a payee that is neither the contributor nor a training provider.
        flaw = data.draw(st.sampled_from(SCHEDULE_FLAWS), label="flaw")
        amount = {"zero": 0, "too_much": left + 1}.get(
            flaw or "", max(1, left * data.draw(st.integers(1, 4), label="quarters") // 4)
        )
        payee = (
            "college"
            if flaw == "college"
            else data.draw(st.sampled_from(["contributor", "provider"]), label="payee")
        )
        requirement = data.draw(st.booleans(), label="requirement")
        payee_id = {
            "contributor": self.world.recipients[contribution.recipient],
            "provider": self.world.provider,
            "college": self.world.college,
        }[payee]
        given = DisbursementInput(
            self.contribution_ids[index],
            payee_id,
            amount,
            "USD",
            date(2026, 6, 1),
            "Outcome report" if requirement else None,
        )
        idempotency_key = f"schedule-{uuid.uuid4()}"

        async def call(session: AsyncSession) -> Disbursement:
            return await schedule_disbursement(
                session, self.admin, given, idempotency_key=idempotency_key
            )

        allowed = self.ref.schedule(index, amount, payee != "college", requirement)
        created = self.attempt(f"schedule {amount} of #{index} to {payee}", allowed, call)
        if created is not None:
            self.tranche_ids.append(created.id)

    def _tranche_step(
        self,
        data: st.DataObject,
        label: str,
        good: Callable[[reference.Tranche], bool],
        step: Callable[[int], bool],
        service_call: Callable[[AsyncSession, uuid.UUID], Awaitable[Disbursement]],
        *,
        replayable: bool = True,
    ) -> None:
        tranches = self.ref.tranches
        index = pick(
            len(tranches),
            data.draw(choices, label="tranche"),
            self._aim(data),
            lambda i: good(tranches[i]),
        )
        tranche_id = self.tranche_ids[index]

        async def call(session: AsyncSession) -> Disbursement:
            return await service_call(session, tranche_id)

        self.attempt(f"{label} tranche #{index}", step(index), call, replayable=replayable)

    def _step_approve(self, data: st.DataObject) -> None:
        idempotency_key = f"approve-{uuid.uuid4()}"
        self._tranche_step(
            data,
            "approve",
            can_approve,
            self.ref.approve,
            lambda session, tranche_id: approve_disbursement(
                session, self.admin, tranche_id, idempotency_key=idempotency_key
            ),
        )

    def _step_mark_requirement_met(self, data: st.DataObject) -> None:
        self._tranche_step(
            data,
            "mark the requirement of",
            lambda t: (
                t.has_requirement
                and not t.requirement_met
                and t.status in {"SCHEDULED", "APPROVED"}
            ),
            self.ref.mark_requirement_met,
            lambda session, tranche_id: mark_requirement_met(session, self.admin, tranche_id),
            replayable=False,
        )

    def _step_pay(self, data: st.DataObject) -> None:
        idempotency_key = f"pay-{uuid.uuid4()}"
        self._tranche_step(
            data,
            "pay",
            can_pay,
            self.ref.pay,
            lambda session, tranche_id: pay_disbursement(
                session, self.admin, tranche_id, idempotency_key=idempotency_key
            ),
        )

    def _step_pay_too_early(self, data: st.DataObject) -> None:
        """An approved tranche whose requirement is not met yet: it must not be paid."""
        idempotency_key = f"pay-{uuid.uuid4()}"
        self._tranche_step(
            data,
            "pay before the requirement of",
            is_waiting_for_requirement,
            self.ref.pay,
            lambda session, tranche_id: pay_disbursement(
                session, self.admin, tranche_id, idempotency_key=idempotency_key
            ),
        )

    def _step_cancel(self, data: st.DataObject) -> None:
        reason = data.draw(st.sampled_from(REASONS), label="reason")
        idempotency_key = f"cancel-{uuid.uuid4()}"
        self._tranche_step(
            data,
            "cancel",
            can_cancel,
            lambda index: self.ref.cancel(index, reason),
            lambda session, tranche_id: cancel_disbursement(
                session, self.admin, tranche_id, reason, idempotency_key=idempotency_key
            ),
        )

    def _reverse(self, label: str, transaction: int, step: Callable[[], bool], reason: str) -> None:
        transaction_id = self.transaction_ids[transaction]
        idempotency_key = f"reverse-{uuid.uuid4()}"

        async def call(session: AsyncSession) -> LedgerTransaction:
            return await reverse_transaction(
                session, self.admin, transaction_id, reason, idempotency_key=idempotency_key
            )

        self.attempt(f"reverse {label} ({reason!r})", step(), call)

    def _step_reverse_match(self, data: st.DataObject) -> None:
        contributions = self.ref.contributions
        matched = [i for i, c in enumerate(contributions) if c.match_transaction is not None]
        index = matched[
            pick(
                len(matched),
                data.draw(choices, label="match"),
                self._aim(data),
                lambda i: (
                    contributions[matched[i]].status == "VERIFIED"
                    and contributions[matched[i]].scheduled == 0
                ),
            )
        ]
        reason = data.draw(st.sampled_from(REASONS), label="reason")
        transaction = contributions[index].match_transaction
        assert transaction is not None
        self._reverse(
            f"the match of #{index}",
            transaction,
            lambda: self.ref.reverse_match(index, reason),
            reason,
        )

    def _step_reverse_commitment(self, data: st.DataObject) -> None:
        commitments = self.ref.commitments
        index = pick(
            len(commitments),
            data.draw(choices, label="commitment"),
            self._aim(data),
            lambda i: self._can_reverse_commitment(commitments[i]),
        )
        reason = data.draw(st.sampled_from(REASONS), label="reason")
        self._reverse(
            f"commitment #{index}",
            commitments[index].transaction,
            lambda: self.ref.reverse_commitment(index, reason),
            reason,
        )

    def _step_reverse_other(self, data: st.DataObject) -> None:
        """Approvals, payments, cancellations and reversals are never reversed."""
        others = [i for i, t in enumerate(self.ref.transactions) if t.kind not in REVERSIBLE]
        index = others[data.draw(choices, label="transaction") % len(others)]
        kind = self.ref.transactions[index].kind
        self._reverse(f"{kind} #{index}", index, lambda: False, "Try it.")

    def _step_replay(self, data: st.DataObject) -> None:
        """A money mutation that succeeded, again with its key and input (however long
        ago): the first result comes back, nothing is written (the invariants compare)."""
        label, call, first = self.successes[
            data.draw(choices, label="success") % len(self.successes)
        ]
        replayed = self.attempt(f"replay {label}", True, call, replayable=False)
        assert replayed is not None and replayed.id == first, f"replay {label}: another object"

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def the_ledger_holds(self) -> None:
        if self.model is None:
            return
        seen = self.harness.run(read_snapshot(self.harness.app_sessions, self.world, self.admin))
        ledger_invariants.check_transactions_balance(seen)
        ledger_invariants.check_pool_totals(seen, self.ref)
        ledger_invariants.check_recipients(seen, self.ref)
        ledger_invariants.check_ledger_is_the_references(seen, self.ref, self.world, self)
        self.transaction_ids = [t.id for t in seen.transactions]
        ledger_invariants.check_objects(seen, self.ref, self)
        ledger_invariants.check_what_funders_see(seen, self.ref, self.world)
