"""A pure-Python reference of one pool's matching-funds rules, for the property tests.

Written from the issue's rules, not from the service's code: what each step
must refuse, what it moves, and the ledger transactions it must post. Indices
stand for the objects (the n-th commitment, contribution, tranche); the state
machine maps them to the database's IDs.

The match of a contribution is ``floor(amount * ratio)`` for the recipient's
size, limited by what is left of the recipient's cap over the term, of its cap
for the contribution's calendar year, and of the pool's committed money not
yet matched (never below zero). A reversed match gives its money back to the
pool and stops counting towards the recipient's caps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

MAX_AMOUNT_MINOR = 10**14
COMMITMENTS, AVAILABLE = "COMMITMENTS", "AVAILABLE"
MATCHED, APPROVED, PAID = "MATCHED", "APPROVED", "PAID"

# One leg: (account, recipient key or None, signed amount).
Leg = tuple[str, str | None, int]


@dataclass(frozen=True)
class Transaction:
    """A posted ledger transaction: its kind, what it is about, and its legs (sorted)."""

    kind: str
    subject: tuple[str, int]
    legs: tuple[Leg, ...]
    reverses: int | None = None


@dataclass
class Commitment:
    amount: int
    transaction: int
    active: bool = True


@dataclass
class Contribution:
    recipient: str
    amount: int
    contributed_on: date
    status: str = "RECORDED"
    requested: int = 0
    matched: int = 0
    scheduled: int = 0
    match_transaction: int | None = None
    # What set the match: "ratio" (all of it), "pool", "term cap", "annual cap", "no tier".
    limited_by: str | None = None


@dataclass
class Tranche:
    contribution: int
    amount: int
    has_requirement: bool
    status: str = "SCHEDULED"
    requirement_met: bool = False


def valid_amount(amount: int) -> bool:
    return 0 < amount <= MAX_AMOUNT_MINOR


@dataclass
class ReferencePool:
    """One OPEN pool. Each step returns whether it is allowed and, when it is, applies
    it; a refused step changes nothing."""

    tiers: list[tuple[int | None, Fraction]]
    cap: int | None
    annual_cap: int | None
    employee_counts: dict[str, int | None]
    starts_on: date
    ends_on: date
    today: date
    eligible_purposes: frozenset[str]
    committed: int = 0
    matched: int = 0
    disbursed: int = 0
    paid: int = 0
    contributed: int = 0
    commitments: list[Commitment] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    tranches: list[Tranche] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)

    # -- the ledger --------------------------------------------------------------------

    def _post(
        self, kind: str, subject: tuple[str, int], legs: list[Leg], reverses: int | None = None
    ) -> int:
        assert sum(amount for _, _, amount in legs) == 0 and len(legs) >= 2
        self.transactions.append(Transaction(kind, subject, tuple(sorted(legs)), reverses))
        return len(self.transactions) - 1

    @property
    def remaining(self) -> int:
        return self.committed - self.matched

    # -- commitments ------------------------------------------------------------------

    def commit(self, amount: int) -> bool:
        if not valid_amount(amount):
            return False
        index = len(self.commitments)
        transaction = self._post(
            "COMMITMENT",
            ("commitment", index),
            [(COMMITMENTS, None, -amount), (AVAILABLE, None, amount)],
        )
        self.commitments.append(Commitment(amount, transaction))
        self.committed += amount
        return True

    def reverse_commitment(self, index: int, reason: str) -> bool:
        commitment = self.commitments[index]
        if not reason.strip() or not commitment.active or self.remaining < commitment.amount:
            return False
        commitment.active = False
        original = self.transactions[commitment.transaction]
        self._post(
            "REVERSAL",
            ("commitment", index),
            [(account, who, -amount) for account, who, amount in original.legs],
            commitment.transaction,
        )
        self.committed -= commitment.amount
        return True

    # -- contributions and matching -----------------------------------------------------

    def record(
        self, recipient: str, amount: int, contributed_on: date, purpose: str, documented: bool
    ) -> bool:
        if not (
            valid_amount(amount)
            and documented
            and purpose in self.eligible_purposes
            and self.starts_on <= contributed_on <= self.ends_on
            and contributed_on <= self.today
        ):
            return False
        self.contributions.append(Contribution(recipient, amount, contributed_on))
        return True

    def ratio_for(self, recipient: str) -> Fraction | None:
        size = self.employee_counts[recipient]
        for max_employees, ratio in sorted(
            self.tiers, key=lambda tier: (tier[0] is None, tier[0] or 0)
        ):
            if max_employees is None or (size is not None and size <= max_employees):
                return ratio
        return None

    def matched_for(self, recipient: str, year: int | None = None) -> int:
        """What the recipient's live (verified, not reversed) matches hold, in one year."""
        return sum(
            c.matched
            for c in self.contributions
            if c.recipient == recipient
            and c.status == "VERIFIED"
            and (year is None or c.contributed_on.year == year)
        )

    def verify(self, index: int) -> bool:
        contribution = self.contributions[index]
        if contribution.status != "RECORDED":
            return False
        ratio = self.ratio_for(contribution.recipient)
        requested = (
            0 if ratio is None else contribution.amount * ratio.numerator // ratio.denominator
        )
        limits = {"ratio": requested, "pool": self.remaining}
        if self.cap is not None:
            limits["term cap"] = self.cap - self.matched_for(contribution.recipient)
        if self.annual_cap is not None:
            limits["annual cap"] = self.annual_cap - self.matched_for(
                contribution.recipient, contribution.contributed_on.year
            )
        matched = max(0, min(limits.values()))
        contribution.status, contribution.requested = "VERIFIED", requested
        contribution.matched = matched
        contribution.limited_by = (
            "no tier" if ratio is None else min(limits, key=lambda name: limits[name])
        )
        self.contributed += contribution.amount
        if matched:
            contribution.match_transaction = self._post(
                "MATCH",
                ("contribution", index),
                [(AVAILABLE, None, -matched), (MATCHED, contribution.recipient, matched)],
            )
            self.matched += matched
        return True

    def reverse_match(self, index: int, reason: str) -> bool:
        contribution = self.contributions[index]
        assert contribution.match_transaction is not None
        if not reason.strip() or contribution.status != "VERIFIED" or contribution.scheduled:
            return False
        original = self.transactions[contribution.match_transaction]
        self._post(
            "REVERSAL",
            ("contribution", index),
            [(account, who, -amount) for account, who, amount in original.legs],
            contribution.match_transaction,
        )
        contribution.status = "REVERSED"
        self.matched -= contribution.matched
        self.contributed -= contribution.amount
        contribution.matched = 0
        return True

    # -- disbursements -------------------------------------------------------------------

    def schedule(self, index: int, amount: int, payee_allowed: bool, has_requirement: bool) -> bool:
        contribution = self.contributions[index]
        if not (
            valid_amount(amount)
            and payee_allowed
            and contribution.status == "VERIFIED"
            and contribution.scheduled + amount <= contribution.matched
        ):
            return False
        contribution.scheduled += amount
        self.tranches.append(Tranche(index, amount, has_requirement))
        return True

    def _move(self, index: int, kind: str, source: str, target: str) -> None:
        tranche = self.tranches[index]
        recipient = self.contributions[tranche.contribution].recipient
        self._post(
            kind,
            ("tranche", index),
            [(source, recipient, -tranche.amount), (target, recipient, tranche.amount)],
        )

    def approve(self, index: int) -> bool:
        tranche = self.tranches[index]
        if tranche.status != "SCHEDULED":
            return False
        tranche.status = "APPROVED"
        self._move(index, "DISBURSEMENT_APPROVAL", MATCHED, APPROVED)
        self.disbursed += tranche.amount
        return True

    def mark_requirement_met(self, index: int) -> bool:
        """Marking a met requirement again is a no-op that succeeds."""
        tranche = self.tranches[index]
        if not tranche.has_requirement:
            return False
        if tranche.requirement_met:
            return True
        if tranche.status not in {"SCHEDULED", "APPROVED"}:
            return False
        tranche.requirement_met = True
        return True

    def pay(self, index: int) -> bool:
        tranche = self.tranches[index]
        if tranche.has_requirement and not tranche.requirement_met:
            return False
        if tranche.status != "APPROVED":
            return False
        tranche.status = "PAID"
        self._move(index, "PAYMENT", APPROVED, PAID)
        self.paid += tranche.amount
        return True

    def cancel(self, index: int, reason: str) -> bool:
        tranche = self.tranches[index]
        if not reason.strip() or tranche.status not in {"SCHEDULED", "APPROVED"}:
            return False
        if tranche.status == "APPROVED":
            self._move(index, "CANCELLATION", APPROVED, MATCHED)
            self.disbursed -= tranche.amount
        tranche.status = "CANCELLED"
        self.contributions[tranche.contribution].scheduled -= tranche.amount
        return True

    # -- what funders see --------------------------------------------------------------

    def live(self) -> list[Contribution]:
        """Verified contributions whose match stands (reversed ones no longer count)."""
        return [c for c in self.contributions if c.status == "VERIFIED"]

    def small_employer_share(self, below: int) -> Decimal | None:
        """The fraction of matched money whose recipient has fewer than ``below`` employees
        (an unknown size is not small)."""
        small = 0
        for contribution in self.live():
            size = self.employee_counts[contribution.recipient]
            if size is not None and size < below:
                small += contribution.matched
        return to_4_places(small, self.matched)

    def by_recipient(self) -> dict[str, tuple[int, int, int, int]]:
        """Per recipient: contributed, matched, disbursed, paid (all-zero rows left out)."""
        rows: dict[str, list[int]] = {}
        for contribution in self.live():
            row = rows.setdefault(contribution.recipient, [0, 0, 0, 0])
            row[0] += contribution.amount
            row[1] += contribution.matched
        for tranche in self.tranches:
            if tranche.status in {"APPROVED", "PAID"}:
                recipient = self.contributions[tranche.contribution].recipient
                row = rows.setdefault(recipient, [0, 0, 0, 0])
                row[2] += tranche.amount
                if tranche.status == "PAID":
                    row[3] += tranche.amount
        return {name: (a, b, c, d) for name, (a, b, c, d) in rows.items() if a or b or c or d}


def to_4_places(numerator: int, denominator: int) -> Decimal | None:
    """An exact quotient rounded half to even to 4 decimal places; None over zero."""
    if denominator == 0:
        return None
    return Decimal(round(Fraction(numerator * 10_000, denominator))).scaleb(-4)
