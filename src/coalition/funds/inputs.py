# mypy: disable-error-code="untyped-decorator"
"""GraphQL inputs of matching funds. Money comes in as ``MoneyInput`` (a decimal string
of minor units and a currency); the services parse and check it."""

from __future__ import annotations

from datetime import date

import strawberry

from coalition.api.money import MoneyInput
from coalition.funds import (
    models,
    types,  # noqa: F401  (describes the enums before they are used)
)
from coalition.tenancy.models import OrganizationKind

KEY_DESCRIPTION = (
    "A key you choose for this request (a UUID is a good choice), 1 to 255 printable "
    "characters: retrying with the same key and input returns the first result and changes "
    "nothing; the same key with other input is refused."
)


def _key() -> str:
    return strawberry.field(description=KEY_DESCRIPTION)  # type: ignore[no-any-return]


@strawberry.input(description="A new initiative (partnership admins).")
class CreateInitiativeInput:
    name: str = strawberry.field(description="Name, unique in the partnership (max 200).")
    description: str | None = strawberry.field(default=None, description="What it is.")
    starts_on: date = strawberry.field(description="When it starts.")
    ends_on: date | None = strawberry.field(default=None, description="When it ends, if known.")
    participant_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Participating organizations."
    )


@strawberry.input(description="An organization joining an initiative.")
class AddInitiativeParticipantInput:
    initiative_id: strawberry.ID = strawberry.field(description="The initiative.")
    organization_id: strawberry.ID = strawberry.field(description="The organization.")


@strawberry.input(description="A match rule for recipients up to a size.")
class MatchTierInput:
    max_employees: int | None = strawberry.field(
        default=None, description="Recipients with at most this many employees; null: any size."
    )
    ratio: str = strawberry.field(
        description='Pool dollars per contributed dollar, a positive decimal ("2", "1.5"): '
        "2 means the pool adds $2 for each $1."
    )


@strawberry.input(description="A new fund pool, opened as DRAFT.")
class CreateFundPoolInput:
    idempotency_key: str = _key()
    funder_organization_id: strawberry.ID = strawberry.field(
        description="The funder organization that manages it."
    )
    name: str = strawberry.field(description="Name, unique in the partnership (max 200).")
    purpose: str | None = strawberry.field(default=None, description="What it is for.")
    currency: str = strawberry.field(description="ISO 4217 currency of all its money.")
    starts_on: date = strawberry.field(description="First day of the term.")
    ends_on: date = strawberry.field(description="Last day of the term.")
    match_tiers: list[MatchTierInput] = strawberry.field(
        description="Match rules by recipient size; a recipient no tier covers gets no match."
    )
    cap_per_recipient: MoneyInput | None = strawberry.field(
        default=None, description="Most one recipient may be matched over the term."
    )
    annual_cap_per_recipient: MoneyInput | None = strawberry.field(
        default=None, description="Most one recipient may be matched per calendar year."
    )
    eligible_recipient_kinds: list[OrganizationKind] = strawberry.field(
        description="Kinds of organizations whose contributions it matches."
    )
    eligible_purposes: list[models.FundPurpose] = strawberry.field(
        description="Purposes it matches."
    )


@strawberry.input(description="A pool's next status: DRAFT to OPEN or CLOSED, OPEN to CLOSED.")
class SetFundPoolStatusInput:
    pool_id: strawberry.ID = strawberry.field(description="The pool.")
    status: models.FundPoolStatus = strawberry.field(description="The new status.")


@strawberry.input(description="A funder's commitment of money to a DRAFT or OPEN pool.")
class AddFundCommitmentInput:
    idempotency_key: str = _key()
    pool_id: strawberry.ID = strawberry.field(description="The pool.")
    funder_organization_id: strawberry.ID = strawberry.field(
        description="The funder organization whose money it is."
    )
    source: models.FundingSource = strawberry.field(description="Where the money comes from.")
    amount: MoneyInput = strawberry.field(description="The amount, in the pool's currency.")
    committed_on: date = strawberry.field(description="When it was committed.")


@strawberry.input(
    description="A member's contribution to an initiative, asking a pool to match it."
)
class RecordContributionInput:
    idempotency_key: str = _key()
    initiative_id: strawberry.ID = strawberry.field(description="The initiative.")
    organization_id: strawberry.ID = strawberry.field(description="The contributing organization.")
    pool_id: strawberry.ID = strawberry.field(description="The pool asked to match it.")
    kind: models.ContributionKind = strawberry.field(description="Cash or in-kind.")
    purpose: models.FundPurpose = strawberry.field(description="What it pays for.")
    amount: MoneyInput = strawberry.field(description="Its value, in the pool's currency.")
    contributed_on: date = strawberry.field(
        description="When it was made: within the pool's term and the initiative's dates."
    )
    valuation_method: models.ValuationMethod | None = strawberry.field(
        default=None, description="How an in-kind contribution was valued (required for it)."
    )
    evidence_note: str | None = strawberry.field(
        default=None, description="The evidence for an in-kind value (required for it)."
    )


@strawberry.input(description="The contribution to verify and match.")
class VerifyContributionInput:
    idempotency_key: str = _key()
    contribution_id: strawberry.ID = strawberry.field(description="The contribution.")


@strawberry.input(description="A tranche of a verified contribution's match.")
class ScheduleDisbursementInput:
    idempotency_key: str = _key()
    contribution_id: strawberry.ID = strawberry.field(description="The contribution.")
    payee_organization_id: strawberry.ID = strawberry.field(
        description="Who is paid: the contributor, or a training provider on its behalf."
    )
    amount: MoneyInput = strawberry.field(
        description="The amount, at most what is left of the match."
    )
    scheduled_on: date = strawberry.field(description="When it is to be paid.")
    requirement: str | None = strawberry.field(
        default=None, description="What must happen before it is paid, if anything."
    )


@strawberry.input(description="The scheduled tranche to approve.")
class ApproveDisbursementInput:
    idempotency_key: str = _key()
    disbursement_id: strawberry.ID = strawberry.field(description="The tranche.")


@strawberry.input(description="The tranche whose requirement is met.")
class MarkDisbursementRequirementMetInput:
    disbursement_id: strawberry.ID = strawberry.field(description="The tranche.")


@strawberry.input(description="The approved tranche that was paid.")
class PayDisbursementInput:
    idempotency_key: str = _key()
    disbursement_id: strawberry.ID = strawberry.field(description="The tranche.")


@strawberry.input(description="The scheduled or approved tranche to cancel, and why.")
class CancelDisbursementInput:
    idempotency_key: str = _key()
    disbursement_id: strawberry.ID = strawberry.field(description="The tranche.")
    reason: str = strawberry.field(description="Why it is cancelled.")


@strawberry.input(description="A commitment or match to undo with a compensating transaction.")
class ReverseLedgerTransactionInput:
    idempotency_key: str = _key()
    transaction_id: strawberry.ID = strawberry.field(
        description="The COMMITMENT or MATCH transaction."
    )
    reason: str = strawberry.field(description="Why it is reversed.")


@strawberry.input(description="A contribution to withdraw, and why.")
class ReverseContributionInput:
    idempotency_key: str = _key()
    contribution_id: strawberry.ID = strawberry.field(description="The contribution.")
    reason: str = strawberry.field(description="Why it is withdrawn.")


@strawberry.input(description="Which contributions to list.")
class ContributionFilter:
    pool_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only those asking this pool for a match."
    )
    initiative_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only those to this initiative."
    )
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this organization's."
    )
    status: models.ContributionStatus | None = strawberry.field(
        default=None, description="Only those in this status."
    )


__all__ = [
    "AddFundCommitmentInput",
    "AddInitiativeParticipantInput",
    "ApproveDisbursementInput",
    "CancelDisbursementInput",
    "ContributionFilter",
    "CreateFundPoolInput",
    "CreateInitiativeInput",
    "MarkDisbursementRequirementMetInput",
    "MatchTierInput",
    "PayDisbursementInput",
    "RecordContributionInput",
    "ReverseLedgerTransactionInput",
    "ScheduleDisbursementInput",
    "SetFundPoolStatusInput",
    "VerifyContributionInput",
]
