-- Distribute Coalition's tables on a Citus cluster.
--
-- Run as the schema owner, on the coordinator, after `coalition db upgrade`
-- and before any tenant data is written (so before `coalition demo`):
--
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f infra/citus/distribute.sql
--
-- Global tables become reference tables (a copy on every node); every
-- tenant-owned table is hash-distributed by tenant_id and co-located with
-- organizations, in foreign-key order (a referenced table first).
--
-- Every later migration that adds a table MUST add its line here (a test
-- checks that every table appears). Each statement is skipped when its table
-- is already distributed, so after such a migration run this file again.
-- Needs Citus 11.0 or later (policies, roles and grants propagate to workers).

BEGIN;

-- Reference tables are touched first and tenant tables have foreign keys to
-- them: Citus requires one connection per node for the rest of the transaction.
SET LOCAL citus.multi_shard_modify_mode TO 'sequential';

-- Global (reference) tables
SELECT create_reference_table('tenants')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'tenants'::regclass);
SELECT create_reference_table('signing_keys')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'signing_keys'::regclass);
SELECT create_reference_table('occupation_groups')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'occupation_groups'::regclass);
SELECT create_reference_table('occupations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'occupations'::regclass);
SELECT create_reference_table('onet_occupations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'onet_occupations'::regclass);
SELECT create_reference_table('occupation_aliases')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'occupation_aliases'::regclass);
SELECT create_reference_table('skills')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'skills'::regclass);
SELECT create_reference_table('occupation_skill_ratings')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'occupation_skill_ratings'::regclass);
SELECT create_reference_table('industries')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'industries'::regclass);
SELECT create_reference_table('instructional_programs')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'instructional_programs'::regclass);
SELECT create_reference_table('program_occupations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'program_occupations'::regclass);

-- Tenant-owned (distributed) tables, co-located by tenant_id
SELECT create_distributed_table('organizations', 'tenant_id')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'organizations'::regclass);
SELECT create_distributed_table('users', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'users'::regclass);
SELECT create_distributed_table('memberships', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'memberships'::regclass);
SELECT create_distributed_table('api_clients', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'api_clients'::regclass);
SELECT create_distributed_table('audit_events', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'audit_events'::regclass);
SELECT create_distributed_table('essential_skill_overrides', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'essential_skill_overrides'::regclass);

SELECT create_distributed_table('demand_signals', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'demand_signals'::regclass);
SELECT create_distributed_table('demand_signal_skills', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'demand_signal_skills'::regclass);
SELECT create_distributed_table('demand_signal_versions', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'demand_signal_versions'::regclass);
-- Releases of pooled demand (the release before its cells)
SELECT create_distributed_table('demand_noise_secrets', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'demand_noise_secrets'::regclass);
SELECT create_distributed_table('demand_releases', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'demand_releases'::regclass);
SELECT create_distributed_table('demand_release_cells', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'demand_release_cells'::regclass);
-- Matching funds (the ledger's identity columns are per-shard sequences on Citus:
-- ordering within a pool holds, numbers are not dense)
SELECT create_distributed_table('idempotency_keys', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'idempotency_keys'::regclass);
SELECT create_distributed_table('initiatives', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'initiatives'::regclass);
SELECT create_distributed_table('initiative_participants', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'initiative_participants'::regclass);
SELECT create_distributed_table('fund_pools', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'fund_pools'::regclass);
SELECT create_distributed_table('fund_match_tiers', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'fund_match_tiers'::regclass);
SELECT create_distributed_table('fund_commitments', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'fund_commitments'::regclass);
SELECT create_distributed_table('contributions', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'contributions'::regclass);
SELECT create_distributed_table('disbursements', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'disbursements'::regclass);
SELECT create_distributed_table('ledger_transactions', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'ledger_transactions'::regclass);
SELECT create_distributed_table('ledger_entries', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'ledger_entries'::regclass);

-- Training supply (a program before its occupations, skills and cohorts)
SELECT create_distributed_table('training_programs', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'training_programs'::regclass);
SELECT create_distributed_table('training_program_occupations', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'training_program_occupations'::regclass);
SELECT create_distributed_table('training_program_skills', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'training_program_skills'::regclass);
SELECT create_distributed_table('training_cohorts', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'training_cohorts'::regclass);

-- Career pathways (a pathway before its steps, a step before its links)
SELECT create_distributed_table('career_pathways', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'career_pathways'::regclass);
SELECT create_distributed_table('career_pathway_steps', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'career_pathway_steps'::regclass);
SELECT create_distributed_table('career_pathway_step_employers', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'career_pathway_step_employers'::regclass);
SELECT create_distributed_table('career_pathway_step_programs', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'career_pathway_step_programs'::regclass);

-- Events (an event before its exhibitors, sessions and registrations)
SELECT create_distributed_table('events', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'events'::regclass);
SELECT create_distributed_table('event_occupations', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'event_occupations'::regclass);
SELECT create_distributed_table('event_programs', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'event_programs'::regclass);
SELECT create_distributed_table('event_exhibitors', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'event_exhibitors'::regclass);
SELECT create_distributed_table('event_exhibitor_openings', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'event_exhibitor_openings'::regclass);
SELECT create_distributed_table('event_exhibitor_outcomes', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'event_exhibitor_outcomes'::regclass);
SELECT create_distributed_table('event_sessions', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'event_sessions'::regclass);
SELECT create_distributed_table('event_registrations', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'event_registrations'::regclass);
SELECT create_distributed_table('event_session_bookings', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'event_session_bookings'::regclass);
SELECT create_distributed_table('event_registration_attempts', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'event_registration_attempts'::regclass);

-- Outcomes
SELECT create_distributed_table('participant_records', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'participant_records'::regclass);
SELECT create_distributed_table('outcome_targets', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'outcome_targets'::regclass);
SELECT create_distributed_table('aggregate_counts', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'aggregate_counts'::regclass);
SELECT create_distributed_table('outcome_data_versions', 'tenant_id', colocate_with => 'organizations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'outcome_data_versions'::regclass);

COMMIT;
