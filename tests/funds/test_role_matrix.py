"""Each funds mutation tried by each actor: the refused ones are FORBIDDEN and write nothing,
except where the actor may not see the record the mutation names: that is NOT_FOUND, as a
random ID is (HIDDEN).

The rules (funds/permissions.py): partnership admins do everything; a pool's funder admins
manage that pool (status, commitments of their own money, verification, disbursements,
reversals); organization admins record their own organization's contributions (and may open
a pool their organization funds); nobody verifies their own organization's contribution;
analysts, members and partner apps only read (apps with ``funds:read``)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.funds.models.ledger import LedgerTransactionKind
from coalition.funds.models.pools import FundPoolStatus
from coalition.funds.service.commitments import CommitmentInput, add_commitment
from coalition.funds.service.initiatives import add_initiative_participant
from coalition.funds.service.pools import PoolInput, create_pool, set_pool_status
from tests.funds.support.steps import (
    Rows,
    approve,
    new_pool,
    record,
    schedule,
    snapshot,
    transaction_of,
    verified,
)
from tests.funds.support.world import CONTRIBUTED_ON, FundsWorld, key
from tests.support.graphql import GraphQLClient, error_codes
from tests.support.world import global_id

ACTORS = [
    "admin",
    "analyst",
    "org_admin",
    "member",
    "other_org_admin",
    "funder_admin",
    "reader",
    "writer",
    "funds_reader",
    None,
]
USER_ERRORS = "userErrors { field message code }"

Ids = dict[str, uuid.UUID]
Setup = Callable[[FundsWorld, SessionFactory], Awaitable[Ids]]


async def _nothing(fw: FundsWorld, sessions: SessionFactory) -> Ids:
    return {}


async def _recorded(fw: FundsWorld, sessions: SessionFactory) -> Ids:
    return {"contribution": await record(sessions, fw)}


async def _verified(fw: FundsWorld, sessions: SessionFactory) -> Ids:
    contribution = await verified(sessions, fw)
    match = await transaction_of(
        sessions, fw, LedgerTransactionKind.MATCH, contribution_id=contribution
    )
    return {"contribution": contribution, "match": match}


async def _scheduled(fw: FundsWorld, sessions: SessionFactory) -> Ids:
    contribution = await verified(sessions, fw)
    tranche = await schedule(sessions, fw, contribution, 50_000, "Outcome report")
    return {"contribution": contribution, "tranche": tranche}


async def _approved(fw: FundsWorld, sessions: SessionFactory) -> Ids:
    contribution = await verified(sessions, fw)
    tranche = await schedule(sessions, fw, contribution, 50_000)
    await approve(sessions, fw, tranche)
    return {"contribution": contribution, "tranche": tranche}


async def _employer_pool(fw: FundsWorld, sessions: SessionFactory) -> Ids:
    """A pool the employer funds (its admin manages it; the foundation's does not)."""
    admin = fw.principal("admin")
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        pool = await create_pool(
            session,
            admin,
            PoolInput(
                funder_organization_id=fw.world.organizations["employer"],
                name="Employer pool",
                purpose=None,
                currency="USD",
                starts_on=date(2025, 1, 1),
                ends_on=date(2027, 12, 31),
                match_tiers=[(None, "1")],
                cap_per_recipient_minor=None,
                annual_cap_per_recipient_minor=None,
                eligible_recipient_kinds=["EMPLOYER"],
                eligible_purposes=["TRAINING_COSTS"],
            ),
            idempotency_key=key(),
        )
    return {"pool": pool.id}


def _mutation(field: str, input_type: str, selection: str) -> str:
    return (
        f"mutation($input: {input_type}!) {{ {field}(input: $input) {{ "
        f"{selection} {USER_ERRORS} }} }}"
    )


def _gid(type_name: str, object_id: uuid.UUID) -> str:
    return global_id(type_name, object_id)


def _money(amount: str) -> dict[str, str]:
    return {"amountMinor": amount, "currency": "USD"}


def _pool_variables(funder: Callable[[FundsWorld], uuid.UUID]) -> Variables:
    return lambda fw, ids: {
        "input": {
            "idempotencyKey": key(),
            "funderOrganizationId": _gid("Organization", funder(fw)),
            "name": "Matrix pool",
            "currency": "USD",
            "startsOn": "2025-01-01",
            "endsOn": "2027-12-31",
            "matchTiers": [{"maxEmployees": 49, "ratio": "2"}],
            "capPerRecipient": _money("100000"),
            "eligibleRecipientKinds": ["EMPLOYER"],
            "eligiblePurposes": ["TRAINING_COSTS"],
        }
    }


def _commitment_variables(funder: Callable[[FundsWorld], uuid.UUID]) -> Variables:
    return lambda fw, ids: {
        "input": {
            "idempotencyKey": key(),
            "poolId": _gid("FundPool", fw.pool),
            "funderOrganizationId": _gid("Organization", funder(fw)),
            "source": "PHILANTHROPIC",
            "amount": _money("250000"),
            "committedOn": "2025-02-01",
        }
    }


def _contribution_variables(organization: str) -> Variables:
    return lambda fw, ids: {
        "input": {
            "idempotencyKey": key(),
            "initiativeId": _gid("Initiative", fw.initiative),
            "organizationId": _gid("Organization", fw.world.organizations[organization]),
            "poolId": _gid("FundPool", fw.pool),
            "kind": "CASH",
            "purpose": "TRAINING_COSTS",
            "amount": _money("100000"),
            "contributedOn": CONTRIBUTED_ON.isoformat(),
        }
    }


def _tranche(ids: Ids, **more: Any) -> dict[str, Any]:
    return {"input": {"disbursementId": _gid("Disbursement", ids["tranche"]), **more}}


Variables = Callable[[FundsWorld, Ids], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    field: str
    document: str
    setup: Setup
    variables: Variables
    allowed: frozenset[str]
    # Tables the allowed call changes (the audit log always gets exactly one event).
    changes: frozenset[str]
    action: str


LEDGER = frozenset({"ledger_transactions", "ledger_entries", "fund_pools", "idempotency_keys"})

CASES: dict[str, Case] = {
    "createInitiative": Case(
        "createInitiative",
        _mutation("createInitiative", "CreateInitiativeInput", "initiative { id name }"),
        _nothing,
        lambda fw, ids: {
            "input": {
                "name": "Matrix cohort",
                "startsOn": "2025-01-01",
                "participantIds": [_gid("Organization", fw.world.organizations["employer"])],
            }
        },
        frozenset({"admin"}),
        frozenset({"initiatives", "initiative_participants"}),
        "initiative.create",
    ),
    "addInitiativeParticipant": Case(
        "addInitiativeParticipant",
        _mutation("addInitiativeParticipant", "AddInitiativeParticipantInput", "initiative { id }"),
        _nothing,
        lambda fw, ids: {
            "input": {
                "initiativeId": _gid("Initiative", fw.initiative),
                "organizationId": _gid("Organization", fw.world.organizations["college"]),
            }
        },
        frozenset({"admin"}),
        frozenset({"initiative_participants"}),
        "initiative.add_participant",
    ),
    "createFundPool(foundation)": Case(
        "createFundPool",
        _mutation("createFundPool", "CreateFundPoolInput", "fundPool { id status }"),
        _nothing,
        _pool_variables(lambda fw: fw.funder),
        frozenset({"admin", "funder_admin"}),
        frozenset({"fund_pools", "fund_match_tiers", "idempotency_keys"}),
        "fund_pool.create",
    ),
    "createFundPool(employer)": Case(
        "createFundPool",
        _mutation("createFundPool", "CreateFundPoolInput", "fundPool { id status }"),
        _nothing,
        _pool_variables(lambda fw: fw.world.organizations["employer"]),
        frozenset({"admin", "org_admin"}),
        frozenset({"fund_pools", "fund_match_tiers", "idempotency_keys"}),
        "fund_pool.create",
    ),
    "setFundPoolStatus(foundation's pool)": Case(
        "setFundPoolStatus",
        _mutation("setFundPoolStatus", "SetFundPoolStatusInput", "fundPool { id status }"),
        _nothing,
        lambda fw, ids: {"input": {"poolId": _gid("FundPool", fw.pool), "status": "CLOSED"}},
        frozenset({"admin", "funder_admin"}),
        frozenset({"fund_pools"}),
        "fund_pool.set_status",
    ),
    "setFundPoolStatus(employer's pool)": Case(
        "setFundPoolStatus",
        _mutation("setFundPoolStatus", "SetFundPoolStatusInput", "fundPool { id status }"),
        _employer_pool,
        lambda fw, ids: {"input": {"poolId": _gid("FundPool", ids["pool"]), "status": "OPEN"}},
        frozenset({"admin", "org_admin"}),
        frozenset({"fund_pools"}),
        "fund_pool.set_status",
    ),
    "addFundCommitment(own money)": Case(
        "addFundCommitment",
        _mutation("addFundCommitment", "AddFundCommitmentInput", "commitment { id status }"),
        _nothing,
        _commitment_variables(lambda fw: fw.funder),
        frozenset({"admin", "funder_admin"}),
        LEDGER | {"fund_commitments"},
        "fund_commitment.create",
    ),
    "addFundCommitment(employer's money)": Case(
        "addFundCommitment",
        _mutation("addFundCommitment", "AddFundCommitmentInput", "commitment { id status }"),
        _nothing,
        _commitment_variables(lambda fw: fw.world.organizations["employer"]),
        frozenset({"admin"}),
        LEDGER | {"fund_commitments"},
        "fund_commitment.create",
    ),
    "recordContribution(employer)": Case(
        "recordContribution",
        _mutation("recordContribution", "RecordContributionInput", "contribution { id status }"),
        _nothing,
        _contribution_variables("employer"),
        frozenset({"admin", "org_admin"}),
        frozenset({"contributions", "idempotency_keys"}),
        "contribution.create",
    ),
    "recordContribution(other_employer)": Case(
        "recordContribution",
        _mutation("recordContribution", "RecordContributionInput", "contribution { id status }"),
        _nothing,
        _contribution_variables("other_employer"),
        frozenset({"admin", "other_org_admin"}),
        frozenset({"contributions", "idempotency_keys"}),
        "contribution.create",
    ),
    "verifyContribution": Case(
        "verifyContribution",
        _mutation("verifyContribution", "VerifyContributionInput", "contribution { id status }"),
        _recorded,
        lambda fw, ids: {
            "input": {
                "idempotencyKey": key(),
                "contributionId": _gid("Contribution", ids["contribution"]),
            }
        },
        frozenset({"admin", "funder_admin"}),
        LEDGER | {"contributions"},
        "contribution.verify",
    ),
    "scheduleDisbursement": Case(
        "scheduleDisbursement",
        _mutation(
            "scheduleDisbursement", "ScheduleDisbursementInput", "disbursement { id status }"
        ),
        _verified,
        lambda fw, ids: {
            "input": {
                "idempotencyKey": key(),
                "contributionId": _gid("Contribution", ids["contribution"]),
                "payeeOrganizationId": _gid("Organization", fw.provider),
                "amount": _money("60000"),
                "scheduledOn": "2025-05-01",
            }
        },
        frozenset({"admin", "funder_admin"}),
        frozenset({"disbursements", "contributions", "idempotency_keys"}),
        "disbursement.schedule",
    ),
    "approveDisbursement": Case(
        "approveDisbursement",
        _mutation("approveDisbursement", "ApproveDisbursementInput", "disbursement { id status }"),
        _scheduled,
        lambda fw, ids: _tranche(ids, idempotencyKey=key()),
        frozenset({"admin", "funder_admin"}),
        LEDGER | {"disbursements"},
        "disbursement.approve",
    ),
    "markDisbursementRequirementMet": Case(
        "markDisbursementRequirementMet",
        _mutation(
            "markDisbursementRequirementMet",
            "MarkDisbursementRequirementMetInput",
            "disbursement { id requirementMetAt }",
        ),
        _scheduled,
        lambda fw, ids: _tranche(ids),
        frozenset({"admin", "funder_admin"}),
        frozenset({"disbursements"}),
        "disbursement.requirement_met",
    ),
    "payDisbursement": Case(
        "payDisbursement",
        _mutation("payDisbursement", "PayDisbursementInput", "disbursement { id status }"),
        _approved,
        lambda fw, ids: _tranche(ids, idempotencyKey=key()),
        frozenset({"admin", "funder_admin"}),
        LEDGER | {"disbursements"},
        "disbursement.pay",
    ),
    "cancelDisbursement": Case(
        "cancelDisbursement",
        _mutation("cancelDisbursement", "CancelDisbursementInput", "disbursement { id status }"),
        _approved,
        lambda fw, ids: _tranche(ids, idempotencyKey=key(), reason="Cohort postponed."),
        frozenset({"admin", "funder_admin"}),
        LEDGER | {"disbursements", "contributions"},
        "disbursement.cancel",
    ),
    "reverseLedgerTransaction": Case(
        "reverseLedgerTransaction",
        _mutation(
            "reverseLedgerTransaction", "ReverseLedgerTransactionInput", "reversal { id kind }"
        ),
        _verified,
        lambda fw, ids: {
            "input": {
                "idempotencyKey": key(),
                "transactionId": _gid("LedgerTransaction", ids["match"]),
                "reason": "Verified by mistake.",
            }
        },
        frozenset({"admin", "funder_admin"}),
        LEDGER | {"contributions"},
        "ledger.reverse",
    ),
    "reverseContribution": Case(
        "reverseContribution",
        _mutation("reverseContribution", "ReverseContributionInput", "contribution { id status }"),
        _verified,
        lambda fw, ids: {
            "input": {
                "idempotencyKey": key(),
                "contributionId": _gid("Contribution", ids["contribution"]),
                "reason": "Recorded twice.",
            }
        },
        frozenset({"admin", "funder_admin"}),
        LEDGER | {"contributions"},
        "contribution.reverse",
    ),
}


# Who may not see the record a mutation names (another employer's admin and apps without
# funds:read see none of the employer's contributions and tranches; only a pool's overseers
# see its ledger), and the NOT_FOUND they get instead of FORBIDDEN: exactly what a random ID
# gets (test_hidden_reads_as_missing.py), so the answer does not tell them it exists.
NOT_SEEING = frozenset({"other_org_admin", "reader", "writer"})
_CONTRIBUTION = (NOT_SEEING, "contributionId", "No contribution with this ID.")
_TRANCHE = (NOT_SEEING, "disbursementId", "No disbursement with this ID.")
HIDDEN: dict[str, tuple[frozenset[str], str, str]] = {
    "verifyContribution": _CONTRIBUTION,
    "reverseContribution": _CONTRIBUTION,
    "scheduleDisbursement": _CONTRIBUTION,
    "approveDisbursement": _TRANCHE,
    "markDisbursementRequirementMet": _TRANCHE,
    "payDisbursement": _TRANCHE,
    "cancelDisbursement": _TRANCHE,
    "reverseLedgerTransaction": (
        NOT_SEEING | {"org_admin", "member"},
        "transactionId",
        "No ledger transaction with this ID.",
    ),
}


def _new_events(before: Rows, after: Rows) -> list[dict[str, Any]]:
    known = {row["id"] for row in before["audit_events"]}
    return [row for row in after["audit_events"] if row["id"] not in known]


def _without_audit(rows: Rows) -> Rows:
    return {name: table for name, table in rows.items() if name != "audit_events"}


@pytest.mark.parametrize("actor", ACTORS, ids=lambda actor: actor or "anonymous")
@pytest.mark.parametrize("case_name", list(CASES))
async def test_each_funds_mutation_by_each_actor(
    gql: GraphQLClient,
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    case_name: str,
    actor: str | None,
) -> None:
    # given
    case = CASES[case_name]
    ids = await case.setup(funds, owner_sessions)
    before = await snapshot(owner_sessions, funds.tenant_id)

    # when
    body = await gql(
        case.document, case.variables(funds, ids), token=funds.token(actor) if actor else None
    )

    # then
    after = await snapshot(owner_sessions, funds.tenant_id)
    events = _new_events(before, after)
    if actor in case.allowed:
        assert "errors" not in body, body
        payload = body["data"][case.field]
        assert payload["userErrors"] == []
        assert [value for name, value in payload.items() if name != "userErrors"] != [None]
        changed = {name for name in before if before[name] != after[name]}
        assert changed == case.changes | {"audit_events"}
        assert [event["action"] for event in events] == [case.action]
    elif case.field in HIDDEN and actor in HIDDEN[case.field][0]:
        _, field, message = HIDDEN[case.field]
        payload = body["data"][case.field]
        assert [value for name, value in payload.items() if name != "userErrors"] == [None]
        assert payload["userErrors"] == [
            {"field": [field], "message": message, "code": "NOT_FOUND"}
        ]
        assert after == before
    else:
        expected = "UNAUTHENTICATED" if actor is None else "FORBIDDEN"
        assert error_codes(body) == [expected], body
        assert body["errors"][0]["path"] == [case.field]
        assert body["data"] is None
        assert _without_audit(after) == _without_audit(before)
        # A denial is audited, in its own transaction; an anonymous call is not.
        denials = [] if actor is None else [f"{case.field}.denied"]
        assert [event["action"] for event in events] == denials


def test_the_matrix_covers_every_funds_mutation() -> None:
    from coalition.funds.schema import Mutation

    definition = Mutation.__strawberry_definition__  # type: ignore[attr-defined]
    names = {field.python_name for field in definition.fields}
    camel = {name.split("_")[0] + "".join(p.title() for p in name.split("_")[1:]) for name in names}

    assert camel == {case.field for case in CASES.values()}


# -- nobody verifies their own organization's contribution ----------------------------------

VERIFY = CASES["verifyContribution"].document


async def _contribution_of(
    fw: FundsWorld, sessions: SessionFactory, organization_id: uuid.UUID, kind: str, by: str
) -> uuid.UUID:
    """A recorded contribution of an organization of ``kind``, in a pool that matches it."""
    pool_id = await new_pool(
        sessions, fw, eligible_recipient_kinds=[kind], match_tiers=[(None, "1")]
    )
    async with tenant_transaction(sessions, fw.tenant_id) as session:
        await add_initiative_participant(
            session, fw.principal("admin"), fw.initiative, organization_id
        )
    return await record(sessions, fw, by=by, pool_id=pool_id, organization_id=organization_id)


@pytest.mark.parametrize(
    ("organization", "kind", "recorder", "own", "other"),
    [
        ("convener", "PUBLIC_AGENCY", "admin", "admin", "funder_admin"),
        ("funder", "FUNDER", "funder_admin", "funder_admin", "admin"),
    ],
)
async def test_nobody_verifies_their_own_organizations_contribution(
    gql: GraphQLClient,
    funds: FundsWorld,
    owner_sessions: SessionFactory,
    organization: str,
    kind: str,
    recorder: str,
    own: str,
    other: str,
) -> None:
    # given: a contribution of the verifier's own organization
    organization_id = (
        funds.funder if organization == "funder" else funds.world.organizations[organization]
    )
    contribution = await _contribution_of(funds, owner_sessions, organization_id, kind, recorder)
    variables = {
        "input": {"idempotencyKey": key(), "contributionId": _gid("Contribution", contribution)}
    }
    before = await snapshot(owner_sessions, funds.tenant_id)

    # when
    refused = await gql(VERIFY, variables, token=funds.token(own))

    # then: refused and nothing written; the other pool manager may verify it
    assert error_codes(refused) == ["FORBIDDEN"]
    after = await snapshot(owner_sessions, funds.tenant_id)
    assert _without_audit(after) == _without_audit(before)
    assert [e["action"] for e in _new_events(before, after)] == ["verifyContribution.denied"]
    variables["input"]["idempotencyKey"] = key()
    accepted = await gql(VERIFY, variables, token=funds.token(other))
    assert accepted["data"]["verifyContribution"] == {
        "contribution": {"id": _gid("Contribution", contribution), "status": "VERIFIED"},
        "userErrors": [],
    }


async def test_a_funder_admin_commits_only_their_own_organizations_money(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given
    document = CASES["addFundCommitment(own money)"].document
    before = await snapshot(owner_sessions, funds.tenant_id)

    # when: the foundation's admin commits the employer's and then the college's money
    refused = [
        await gql(document, variables(funds, {}), token=funds.token("funder_admin"))
        for variables in (
            _commitment_variables(lambda fw: fw.world.organizations["employer"]),
            _commitment_variables(lambda fw: fw.world.organizations["college"]),
        )
    ]

    # then
    assert [error_codes(body) for body in refused] == [["FORBIDDEN"], ["FORBIDDEN"]]
    after = await snapshot(owner_sessions, funds.tenant_id)
    assert _without_audit(after) == _without_audit(before)


async def test_a_funder_admin_does_not_manage_another_funders_pool(
    gql: GraphQLClient, funds: FundsWorld, owner_sessions: SessionFactory
) -> None:
    # given: an open pool the employer funds, with a contribution of the other employer
    pool_id = (await _employer_pool(funds, owner_sessions))["pool"]
    async with tenant_transaction(owner_sessions, funds.tenant_id) as session:
        await add_commitment(
            session,
            funds.principal("admin"),
            CommitmentInput(
                pool_id,
                funds.world.organizations["employer"],
                "EMPLOYER",
                500_000,
                "USD",
                date(2025, 1, 1),
            ),
            idempotency_key=key(),
        )
        await set_pool_status(session, funds.principal("admin"), pool_id, FundPoolStatus.OPEN)
    contribution = await record(
        owner_sessions,
        funds,
        by="other_org_admin",
        pool_id=pool_id,
        organization_id=funds.world.organizations["other_employer"],
    )
    variables = {
        "input": {"idempotencyKey": key(), "contributionId": _gid("Contribution", contribution)}
    }
    before = await snapshot(owner_sessions, funds.tenant_id)

    # when
    refused = await gql(VERIFY, variables, token=funds.token("funder_admin"))
    variables["input"]["idempotencyKey"] = key()
    accepted = await gql(VERIFY, variables, token=funds.token("org_admin"))

    # then: the foundation's admin, who may not see the contribution, gets what a random ID
    # gets; the employer's admin (the pool's funder) verifies the other employer's
    # contribution
    assert refused["data"]["verifyContribution"]["userErrors"] == [
        {
            "field": ["contributionId"],
            "message": "No contribution with this ID.",
            "code": "NOT_FOUND",
        }
    ]
    assert accepted["data"]["verifyContribution"]["contribution"]["status"] == "VERIFIED"
    after = await snapshot(owner_sessions, funds.tenant_id)
    assert after["contributions"] != before["contributions"]
