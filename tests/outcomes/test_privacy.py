"""No participant identifier and no record field reaches the audit log or the logs:
an audit event of a record carries its UUID and the names of the changed fields only."""

from __future__ import annotations

import logging

import pytest

from coalition.audit.models import AuditEvent
from coalition.db.engine import SessionFactory
from tests.outcomes.support import CREATE, CSV, IMPORT, LIST, NODE, UPDATE, record_input
from tests.support.graphql import GraphQLClient
from tests.support.snapshots import snapshot
from tests.support.world import World, global_id

SECRET = "ZQX-PRIVATE-4471"
SSN_LIKE = "078-05-1120"


async def test_no_identifier_or_field_value_reaches_the_audit_log_or_the_logs(
    gql: GraphQLClient,
    world: World,
    owner_sessions: SessionFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    token = world.tokens["college_admin"]
    college = global_id("Organization", world.organizations["college"])
    created = await gql(
        CREATE, {"input": record_input(world, participantIdentifier=SECRET)}, token=token
    )
    record = created["data"]["createParticipantRecord"]["participantRecord"]["id"]
    taken = await gql(
        CREATE, {"input": record_input(world, participantIdentifier=SECRET)}, token=token
    )
    refused = await gql(
        CREATE, {"input": record_input(world, participantIdentifier=SSN_LIKE)}, token=token
    )
    await gql(
        UPDATE,
        {"input": {"id": record, "hourlyWage": {"amountMinor": "3175", "currency": "USD"}}},
        token=token,
    )
    await gql(
        IMPORT,
        {
            "input": {
                "organizationId": college,
                "csv": f"100,900\n{SECRET},2026-01-12\nZQX-OTHER-1,2026-02-30\n"
                f"{SSN_LIKE},2026-01-12\n",
            }
        },
        token=token,
    )
    await gql(
        IMPORT,
        {"input": {"organizationId": college, "csv": f"100,900,901,923\n{SECRET},2026-01-12,,\n"}},
        token=token,
    )
    for document, variables in (
        (LIST, {"org": college}),
        (NODE, {"id": record}),
        (CSV, {"org": college}),
    ):
        await gql(document, variables, token=token)
        await gql(document, variables, token=world.tokens["admin"])

    assert [e["code"] for e in taken["data"]["createParticipantRecord"]["userErrors"]] == ["TAKEN"]
    assert refused["data"]["createParticipantRecord"]["userErrors"][0]["code"] == "LOOKS_LIKE_SSN"
    events = (await snapshot(owner_sessions, world.id, [AuditEvent.__table__]))["audit_events"]
    recorded = sorted(
        (e for e in events if e["object_type"] == "ParticipantRecord"),
        key=lambda e: e["occurred_at"],
    )
    assert [e["action"] for e in recorded] == [
        "participant_record.create",
        "participant_record.update",
        "participant_record.update",
    ]
    assert recorded[1]["changes"] == {"hourly_wage_cents": {}}
    assert recorded[2]["changes"] == {"exit_date": {}, "exit_reason": {}}
    assert all(value == {} for e in recorded for value in e["changes"].values())
    # The logs did run (one access line per request at least): the scan below saw them.
    assert len([r for r in caplog.records if r.name.startswith("coalition")]) >= 12
    text = repr(events) + caplog.text + repr([r.args for r in caplog.records])
    for value in (SECRET, SSN_LIKE, "ZQX-OTHER-1", "3175", "51-4041", "2026-06-12"):
        assert value not in text, value
