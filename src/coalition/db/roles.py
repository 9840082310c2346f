"""The API's login role: created and kept in shape by ``coalition db upgrade``.

The role owns no table, is no superuser and has no BYPASSRLS, so the
row-level security policies bind it. Its privileges are exactly
``APP_PRIVILEGES``: a table missing here is unreachable from the API, and
``tests/db/test_catalog.py`` fails when a table is missing or extra.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# Append-only tables (audit_events) get no UPDATE or DELETE.
APP_PRIVILEGES: dict[str, tuple[str, ...]] = {
    # UPDATE only of the caller's own row (RLS policy tenant_self_update, migration 0004).
    "tenants": ("SELECT", "UPDATE"),
    "signing_keys": ("SELECT",),
    # The schema's revision, which /readyz compares with the migrations' head.
    "alembic_version": ("SELECT",),
    "organizations": ("SELECT", "INSERT", "UPDATE"),
    "users": ("SELECT", "INSERT", "UPDATE"),
    # UPDATE also lets the services lock rows with SELECT ... FOR UPDATE.
    "memberships": ("SELECT", "INSERT", "UPDATE", "DELETE"),
    "api_clients": ("SELECT", "INSERT", "UPDATE"),
    "audit_events": ("SELECT", "INSERT"),
    # The shared vocabulary is global reference data: the API only reads it.
    "occupation_groups": ("SELECT",),
    "occupations": ("SELECT",),
    "onet_occupations": ("SELECT",),
    "occupation_aliases": ("SELECT",),
    "skills": ("SELECT",),
    "occupation_skill_ratings": ("SELECT",),
    "industries": ("SELECT",),
    "instructional_programs": ("SELECT",),
    "program_occupations": ("SELECT",),
    "essential_skill_overrides": ("SELECT", "INSERT", "UPDATE", "DELETE"),
    "demand_signals": ("SELECT", "INSERT", "UPDATE"),
    "demand_signal_skills": ("SELECT", "INSERT", "DELETE"),
    # Versions are history: appended, never changed.
    "demand_signal_versions": ("SELECT", "INSERT"),
    # Releases are frozen: made once, never changed. The secret is made once too.
    "demand_noise_secrets": ("SELECT", "INSERT"),
    "demand_releases": ("SELECT", "INSERT"),
    "demand_release_cells": ("SELECT", "INSERT"),
    # Matching funds. UPDATE on pools, contributions and disbursements is for their
    # status and running totals (and SELECT ... FOR UPDATE locks); the ledger itself
    # is append-only: INSERT and SELECT, never UPDATE or DELETE.
    "initiatives": ("SELECT", "INSERT", "UPDATE"),
    "initiative_participants": ("SELECT", "INSERT", "DELETE"),
    "fund_pools": ("SELECT", "INSERT", "UPDATE"),
    "fund_match_tiers": ("SELECT", "INSERT"),
    "fund_commitments": ("SELECT", "INSERT", "UPDATE"),
    "contributions": ("SELECT", "INSERT", "UPDATE"),
    "disbursements": ("SELECT", "INSERT", "UPDATE"),
    "ledger_transactions": ("SELECT", "INSERT"),
    "ledger_entries": ("SELECT", "INSERT"),
    "idempotency_keys": ("SELECT", "INSERT", "UPDATE"),
    # Training supply: programs are edited and their occupations and skills replaced
    # as a set; cohorts are edited. Nothing is deleted but the replaced links.
    "training_programs": ("SELECT", "INSERT", "UPDATE"),
    "training_program_occupations": ("SELECT", "INSERT", "DELETE"),
    "training_program_skills": ("SELECT", "INSERT", "DELETE"),
    "training_cohorts": ("SELECT", "INSERT", "UPDATE"),
    # Career pathways: pathways and steps are edited (steps retired, never deleted);
    # a step's employers and programs are replaced as a set.
    "career_pathways": ("SELECT", "INSERT", "UPDATE"),
    "career_pathway_steps": ("SELECT", "INSERT", "UPDATE"),
    "career_pathway_step_employers": ("SELECT", "INSERT", "DELETE"),
    "career_pathway_step_programs": ("SELECT", "INSERT", "DELETE"),
    # Events: events, exhibitors, sessions and registrations are edited (a registration
    # is cancelled, never deleted); target lists, openings and outcome lines replaced as
    # a set; bookings cancelled by deleting; rate-limit attempts pruned.
    "events": ("SELECT", "INSERT", "UPDATE"),
    "event_occupations": ("SELECT", "INSERT", "DELETE"),
    "event_programs": ("SELECT", "INSERT", "DELETE"),
    "event_exhibitors": ("SELECT", "INSERT", "UPDATE"),
    "event_exhibitor_openings": ("SELECT", "INSERT", "DELETE"),
    "event_exhibitor_outcomes": ("SELECT", "INSERT", "DELETE"),
    "event_sessions": ("SELECT", "INSERT", "UPDATE"),
    "event_registrations": ("SELECT", "INSERT", "UPDATE"),
    "event_session_bookings": ("SELECT", "INSERT", "DELETE"),
    "event_registration_attempts": ("SELECT", "INSERT", "DELETE"),
    # Outcomes: participant records are edited (a re-import updates them), not deleted.
    "participant_records": ("SELECT", "INSERT", "UPDATE"),
    # An initiative's targets are set again (updated) and removed; a member's aggregate
    # counts of a quarter are replaced as a set (deleted and inserted), never updated.
    "outcome_targets": ("SELECT", "INSERT", "UPDATE", "DELETE"),
    "aggregate_counts": ("SELECT", "INSERT", "DELETE"),
    # Bumped by the trigger of those two tables, as the role that changed them.
    "outcome_data_versions": ("SELECT", "INSERT", "UPDATE"),
}
# Sequences the app role draws from (through triggers).
APP_SEQUENCES = ("outcome_data_version_seq",)

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def ensure_app_role(conn: AsyncConnection, *, role: str, password: str | None) -> None:
    """Create or update ``role`` and set its privileges; run as the owner."""
    if not _ROLE_NAME.match(role):
        raise ValueError(f"invalid role name {role!r}")
    owner = (await conn.execute(text("SELECT current_user"))).scalar_one()
    if owner == role:
        raise ValueError("the app role must differ from the owner role that runs migrations")
    exists = (
        await conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    ).scalar_one_or_none()
    if not exists:
        # The defaults are what we want: NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE.
        # Naming them would need superuser rights a managed database's owner lacks.
        await conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    attributes = "LOGIN"
    if password is not None:
        attributes += f" PASSWORD {_quote_literal(password)}"
    await conn.execute(text(f'ALTER ROLE "{role}" {attributes}'))
    powers = (
        await conn.execute(
            text(
                "SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb "
                "FROM pg_roles WHERE rolname = :r"
            ),
            {"r": role},
        )
    ).scalar_one()
    if powers:
        raise ValueError(
            f"role {role!r} is a superuser or may bypass RLS, create roles or databases: "
            "the API must connect as a role without those powers"
        )
    database = (await conn.execute(text("SELECT current_database()"))).scalar_one()
    await conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"'))
    await conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
    await conn.execute(text(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"'))
    existing = set(
        (
            await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        ).scalars()
    )
    for table, privileges in APP_PRIVILEGES.items():
        # A table a later migration makes is granted when the database reaches it (an
        # upgrade to an earlier revision, as tests of a migration do, has no such table).
        if table in existing:
            await conn.execute(text(f'GRANT {", ".join(privileges)} ON "{table}" TO "{role}"'))
    sequences = set(
        (
            await conn.execute(
                text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
            )
        ).scalars()
    )
    for sequence in APP_SEQUENCES:
        if sequence in sequences:
            await conn.execute(text(f'GRANT USAGE ON SEQUENCE "{sequence}" TO "{role}"'))
