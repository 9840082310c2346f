"""For each tenant-owned table, an INSERT of a row that belongs to tenant ``b``: the
statements the RLS tests run as another tenant (each must be refused)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.world import World


def foreign_inserts(b: World) -> dict[str, tuple[str, dict[str, Any]]]:
    """One INSERT per tenant table of a row that belongs to tenant B."""
    values = {
        "tenant": b.id,
        "id": uuid.uuid4(),
        "user": b.users["member"],
        "organization": b.organizations["college"],
    }
    return {
        "organizations": (
            "INSERT INTO organizations (tenant_id, id, name, kind) "
            "VALUES (:tenant, :id, 'Planted', 'EMPLOYER')",
            values,
        ),
        "users": (
            "INSERT INTO users (tenant_id, id, email, display_name) "
            "VALUES (:tenant, :id, 'planted@example.org', 'Planted')",
            values,
        ),
        "memberships": (
            "INSERT INTO memberships (tenant_id, id, user_id, organization_id, role) "
            "VALUES (:tenant, :id, :user, :organization, 'MEMBER')",
            values,
        ),
        "api_clients": (
            "INSERT INTO api_clients (tenant_id, id, name, secret_hash, scopes) "
            "VALUES (:tenant, :id, 'planted', 'x', '{read}')",
            values,
        ),
        "essential_skill_overrides": (
            "INSERT INTO essential_skill_overrides (tenant_id, id, "
            "skill_id, examples) VALUES (:tenant, :id, "
            "'ES.communication', '{planted}')",
            values,
        ),
        "demand_signals": (
            "INSERT INTO demand_signals (tenant_id, id, organization_id, "
            "occupation_code, openings, start_quarter, end_quarter, openings_kind, "
            "sharing_level, status) VALUES (:tenant, :id, :organization, '51-4041', "
            "1, '2027-01-01', '2027-01-01', 'GROWTH', 'POOLED', 'ACTIVE')",
            values,
        ),
        "demand_signal_skills": (
            "INSERT INTO demand_signal_skills (tenant_id, id, signal_id, "
            "skill_id, level) VALUES (:tenant, :id, :id, '2.A.1.a', 1)",
            values,
        ),
        "demand_signal_versions": (
            "INSERT INTO demand_signal_versions (tenant_id, id, signal_id, "
            "version, snapshot, changed_by_kind, changed_by_id, "
            "changed_by_label, changed_at) VALUES (:tenant, :id, :id, 1, "
            "'{}', 'user', :user, 'x', now())",
            values,
        ),
        "demand_noise_secrets": (
            "INSERT INTO demand_noise_secrets (tenant_id, id, secret) "
            "VALUES (:tenant, :id, '\\x00')",
            values,
        ),
        "demand_releases": (
            "INSERT INTO demand_releases (tenant_id, id, published_at, made_by, rule) "
            "VALUES (:tenant, :id, now(), 'SCHEDULE', '{}')",
            values,
        ),
        "demand_release_cells": (
            "INSERT INTO demand_release_cells (tenant_id, id, release_id, organization_id, "
            "named, occupation_code, quarter, is_degree_required, work_based_learning, "
            "skill_ids, currency, openings, noised_openings, wage_openings, noised_wage_sum) "
            "VALUES (:tenant, :id, :id, :id, false, '51-4041', '2027-01-01', false, "
            "'{NONE}', '{}', 'USD', 1, 1, 0, 0)",
            values,
        ),
        "initiatives": (
            "INSERT INTO initiatives (tenant_id, id, name, starts_on) "
            "VALUES (:tenant, :id, 'Planted', '2026-01-01')",
            values,
        ),
        "initiative_participants": (
            "INSERT INTO initiative_participants (tenant_id, id, "
            "initiative_id, organization_id) VALUES (:tenant, :id, :id, "
            ":organization)",
            values,
        ),
        "fund_pools": (
            "INSERT INTO fund_pools (tenant_id, id, funder_organization_id, name, "
            "currency, starts_on, ends_on, status, eligible_recipient_kinds, "
            "eligible_purposes) VALUES (:tenant, :id, :organization, 'Planted', 'USD', "
            "'2026-01-01', '2027-01-01', 'OPEN', '{EMPLOYER}', '{TRAINING_COSTS}')",
            values,
        ),
        "fund_match_tiers": (
            "INSERT INTO fund_match_tiers (tenant_id, id, pool_id, "
            "ratio_numerator, ratio_denominator) VALUES (:tenant, :id, :id, 1, 1)",
            values,
        ),
        "fund_commitments": (
            "INSERT INTO fund_commitments (tenant_id, id, pool_id, "
            "funder_organization_id, source, amount_minor, committed_on, status) "
            "VALUES (:tenant, :id, :id, :organization, 'STATE', 100, "
            "'2026-01-01', 'ACTIVE')",
            values,
        ),
        "contributions": (
            "INSERT INTO contributions (tenant_id, id, initiative_id, "
            "organization_id, pool_id, kind, purpose, amount_minor, currency, "
            "contributed_on, status) VALUES (:tenant, :id, :id, :organization, :id, "
            "'CASH', 'TRAINING_COSTS', 100, 'USD', '2026-01-01', 'RECORDED')",
            values,
        ),
        "disbursements": (
            "INSERT INTO disbursements (tenant_id, id, pool_id, contribution_id, "
            "payee_organization_id, amount_minor, scheduled_on, status) VALUES "
            "(:tenant, :id, :id, :id, :organization, 100, '2026-01-01', "
            "'SCHEDULED')",
            values,
        ),
        "ledger_transactions": (
            "INSERT INTO ledger_transactions (tenant_id, id, pool_id, kind, "
            "occurred_on, actor) VALUES (:tenant, :id, :id, 'COMMITMENT', "
            "'2026-01-01', 'x')",
            values,
        ),
        "ledger_entries": (
            "INSERT INTO ledger_entries (tenant_id, id, pool_id, transaction_id, "
            "account, amount_minor, currency, seq) VALUES (:tenant, :id, :id, :id, "
            "'AVAILABLE', 100, 'USD', 1)",
            values,
        ),
        "idempotency_keys": (
            "INSERT INTO idempotency_keys (tenant_id, id, key, operation, "
            "request_hash) VALUES (:tenant, :id, 'planted', 'x', 'x')",
            values,
        ),
        "training_programs": (
            "INSERT INTO training_programs (tenant_id, id, organization_id, name, "
            "cip_code, credential_kind, modality, status) VALUES (:tenant, :id, "
            ":organization, 'Planted', '51.3902', 'NONE', 'ONLINE', 'ACTIVE')",
            values,
        ),
        "training_program_occupations": (
            "INSERT INTO training_program_occupations (tenant_id, id, program_id, "
            "occupation_code) VALUES (:tenant, :id, :id, '51-4041')",
            values,
        ),
        "training_program_skills": (
            "INSERT INTO training_program_skills (tenant_id, id, program_id, skill_id, "
            "level) VALUES (:tenant, :id, :id, 'onet:2.A.1.a', 1)",
            values,
        ),
        "training_cohorts": (
            "INSERT INTO training_cohorts (tenant_id, id, program_id, starts_on, ends_on, "
            "seats, completion_rate_percent, status) VALUES (:tenant, :id, :id, "
            "'2027-01-01', '2027-06-30', 10, 80, 'PLANNED')",
            values,
        ),
        "career_pathways": (
            "INSERT INTO career_pathways (tenant_id, id, name) VALUES (:tenant, :id, 'Planted')",
            values,
        ),
        "career_pathway_steps": (
            "INSERT INTO career_pathway_steps (tenant_id, id, pathway_id, position, "
            "occupation_code) VALUES (:tenant, :id, :id, 1, '51-4041')",
            values,
        ),
        "career_pathway_step_employers": (
            "INSERT INTO career_pathway_step_employers (tenant_id, id, step_id, "
            "organization_id, position) VALUES (:tenant, :id, :id, :organization, 1)",
            values,
        ),
        "career_pathway_step_programs": (
            "INSERT INTO career_pathway_step_programs (tenant_id, id, step_id, program_id, "
            "position) VALUES (:tenant, :id, :id, :id, 1)",
            values,
        ),
        "events": (
            "INSERT INTO events (tenant_id, id, organization_id, kind, title, starts_at, "
            "ends_at, time_zone, attendance_mode, status, visibility) VALUES (:tenant, :id, "
            ":organization, 'JOB_FAIR', 'Planted', '2027-01-01T10:00Z', '2027-01-01T12:00Z', "
            "'UTC', 'IN_PERSON', 'DRAFT', 'PUBLIC')",
            values,
        ),
        "event_occupations": (
            "INSERT INTO event_occupations (tenant_id, id, event_id, occupation_code) "
            "VALUES (:tenant, :id, :id, '51-4041')",
            values,
        ),
        "event_programs": (
            "INSERT INTO event_programs (tenant_id, id, event_id, program_id) "
            "VALUES (:tenant, :id, :id, :id)",
            values,
        ),
        "event_exhibitors": (
            "INSERT INTO event_exhibitors (tenant_id, id, event_id, organization_id, status) "
            "VALUES (:tenant, :id, :id, :organization, 'APPROVED')",
            values,
        ),
        "event_exhibitor_openings": (
            "INSERT INTO event_exhibitor_openings (tenant_id, id, exhibitor_id, "
            "occupation_code, openings) VALUES (:tenant, :id, :id, '51-4041', 1)",
            values,
        ),
        "event_exhibitor_outcomes": (
            "INSERT INTO event_exhibitor_outcomes (tenant_id, id, exhibitor_id, "
            "occupation_code, interviews, offers, hires) "
            "VALUES (:tenant, :id, :id, '51-4041', 1, 1, 1)",
            values,
        ),
        "event_sessions": (
            "INSERT INTO event_sessions (tenant_id, id, event_id, kind, title, starts_at, "
            "ends_at, capacity) VALUES (:tenant, :id, :id, 'GROUP', 'Planted', "
            "'2027-01-01T10:00Z', '2027-01-01T11:00Z', 5)",
            values,
        ),
        "event_registrations": (
            "INSERT INTO event_registrations (tenant_id, id, event_id, name, email, "
            "attendance, status, arrival, code, token_hash) VALUES (:tenant, :id, :id, "
            "'Planted', 'planted@example.org', 'IN_PERSON', 'CONFIRMED', 1, 'X', 'x')",
            values,
        ),
        "event_session_bookings": (
            "INSERT INTO event_session_bookings (tenant_id, id, session_id, registration_id) "
            "VALUES (:tenant, :id, :id, :id)",
            values,
        ),
        "event_registration_attempts": (
            "INSERT INTO event_registration_attempts (tenant_id, id, event_id, address_hash) "
            "VALUES (:tenant, :id, :id, 'x')",
            values,
        ),
        "participant_records": (
            "INSERT INTO participant_records (tenant_id, id, organization_id, "
            "participant_identifier, entry_date) "
            "VALUES (:tenant, :id, :organization, 'P-1', '2027-01-04')",
            values,
        ),
        "outcome_targets": (
            "INSERT INTO outcome_targets (tenant_id, id, initiative_id, metric, period, "
            "starts_on, ends_on, target) "
            "VALUES (:tenant, :id, :id, 'ENROLLMENTS', '2027Q1', '2027-01-01', '2027-03-31', 1)",
            values,
        ),
        "aggregate_counts": (
            "INSERT INTO aggregate_counts (tenant_id, id, organization_id, quarter_starts_on, "
            "dimension, served, exited, completed, credentialed, placed) "
            "VALUES (:tenant, :id, :organization, '2027-01-01', 'TOTAL', 1, 0, 0, 0, 0)",
            values,
        ),
        "outcome_data_versions": (
            "INSERT INTO outcome_data_versions (tenant_id, id, version) VALUES (:tenant, :id, 1)",
            values,
        ),
        "audit_events": (
            "INSERT INTO audit_events (tenant_id, id, actor_kind, actor_id, "
            "actor_label, action) VALUES (:tenant, :id, 'USER', :user, 'x', 'x')",
            values,
        ),
    }


__all__ = ["foreign_inserts"]
