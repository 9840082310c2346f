"""events

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coalition.db.rls import disable_tenant_isolation, enable_tenant_isolation

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = (
    "events",
    "event_occupations",
    "event_programs",
    "event_exhibitors",
    "event_exhibitor_openings",
    "event_exhibitor_outcomes",
    "event_sessions",
    "event_registrations",
    "event_session_bookings",
    "event_registration_attempts",
)


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "JOB_FAIR",
                "HIRING_HALL",
                "INFORMATION_SESSION",
                "TRAINING_OPEN_HOUSE",
                "EMPLOYER_SITE_VISIT",
                "OTHER",
                name="event_kind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column(
            "attendance_mode",
            sa.Enum(
                "IN_PERSON", "ONLINE", "MIXED", name="attendance_mode", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("venue_name", sa.String(length=200), nullable=True),
        sa.Column("venue_address", sa.String(length=300), nullable=True),
        sa.Column("venue_city", sa.String(length=100), nullable=True),
        sa.Column("venue_postal_code", sa.String(length=20), nullable=True),
        sa.Column("online_url", sa.String(length=2048), nullable=True),
        sa.Column("step_free_access", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("asl_interpretation", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("captioning", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("languages", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("transit_nearby", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("childcare", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("quiet_room", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("accessibility_note", sa.Text(), server_default="", nullable=False),
        sa.Column("capacity_in_person", sa.Integer(), nullable=True),
        sa.Column("capacity_online", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "DRAFT",
                "PUBLISHED",
                "CANCELLED",
                "COMPLETED",
                name="event_status",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "visibility",
            sa.Enum("PUBLIC", "MEMBERS", name="event_visibility", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("sequence", sa.Integer(), server_default="0", nullable=False),
        sa.Column("arrivals", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_by_user_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "capacity_in_person IS NULL OR capacity_in_person >= 0",
            name=op.f("ck_events_in_person_not_negative"),
        ),
        sa.CheckConstraint(
            "capacity_online IS NULL OR capacity_online >= 0",
            name=op.f("ck_events_online_not_negative"),
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_events_ends_after_start")),
        sa.CheckConstraint("sequence >= 0", name=op.f("ck_events_sequence_not_negative")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "created_by_user_id"],
            ["users.tenant_id", "users.id"],
            name=op.f("fk_events_tenant_id_created_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
            name=op.f("fk_events_tenant_id_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_events_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_events")),
    )
    op.create_index(
        op.f("ix_events_tenant_id_organization_id_id"),
        "events",
        ["tenant_id", "organization_id", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_events_tenant_id_starts_at_id"),
        "events",
        ["tenant_id", "starts_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_events_tenant_id_status_visibility_starts_at"),
        "events",
        ["tenant_id", "status", "visibility", "starts_at"],
        unique=False,
    )
    op.create_table(
        "event_exhibitors",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "REQUESTED",
                "APPROVED",
                "DECLINED",
                "WITHDRAWN",
                name="exhibitor_status",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("interviews", sa.Integer(), nullable=True),
        sa.Column("offers", sa.Integer(), nullable=True),
        sa.Column("hires", sa.Integer(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "(interviews IS NULL) = (offers IS NULL) AND (offers IS NULL) = (hires IS NULL)",
            name=op.f("ck_event_exhibitors_outcomes_together"),
        ),
        sa.CheckConstraint(
            "interviews IS NULL OR (interviews >= 0 AND offers >= 0 AND hires >= 0)",
            name=op.f("ck_event_exhibitors_outcomes_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "event_id"],
            ["events.tenant_id", "events.id"],
            name=op.f("fk_event_exhibitors_tenant_id_event_id_events"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
            name=op.f("fk_event_exhibitors_tenant_id_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_event_exhibitors_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_event_exhibitors")),
        sa.UniqueConstraint(
            "tenant_id",
            "event_id",
            "organization_id",
            name=op.f("uq_event_exhibitors_tenant_id_event_id_organization_id"),
        ),
    )
    op.create_index(
        op.f("ix_event_exhibitors_tenant_id_organization_id"),
        "event_exhibitors",
        ["tenant_id", "organization_id"],
        unique=False,
    )
    op.create_table(
        "event_occupations",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("occupation_code", sa.String(length=7), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["occupation_code"],
            ["occupations.soc_code"],
            name=op.f("fk_event_occupations_occupation_code_occupations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "event_id"],
            ["events.tenant_id", "events.id"],
            name=op.f("fk_event_occupations_tenant_id_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_event_occupations_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_event_occupations")),
        sa.UniqueConstraint(
            "tenant_id",
            "event_id",
            "occupation_code",
            name=op.f("uq_event_occupations_tenant_id_event_id_occupation_code"),
        ),
    )
    op.create_index(
        op.f("ix_event_occupations_tenant_id_occupation_code"),
        "event_occupations",
        ["tenant_id", "occupation_code"],
        unique=False,
    )
    op.create_table(
        "event_programs",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "event_id"],
            ["events.tenant_id", "events.id"],
            name=op.f("fk_event_programs_tenant_id_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["training_programs.tenant_id", "training_programs.id"],
            name=op.f("fk_event_programs_tenant_id_program_id_training_programs"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_event_programs_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_event_programs")),
        sa.UniqueConstraint(
            "tenant_id",
            "event_id",
            "program_id",
            name=op.f("uq_event_programs_tenant_id_event_id_program_id"),
        ),
    )
    op.create_index(
        op.f("ix_event_programs_tenant_id_program_id"),
        "event_programs",
        ["tenant_id", "program_id"],
        unique=False,
    )
    op.create_table(
        "event_registration_attempts",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "attempted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "event_id"],
            ["events.tenant_id", "events.id"],
            name=op.f("fk_event_registration_attempts_tenant_id_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_event_registration_attempts_tenant_id_tenants"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_event_registration_attempts")),
    )
    op.create_index(
        op.f("ix_event_registration_attempts_tenant_id_address_hash_attempted_at"),
        "event_registration_attempts",
        ["tenant_id", "address_hash", "attempted_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_event_registration_attempts_tenant_id_event_id_attempted_at"),
        "event_registration_attempts",
        ["tenant_id", "event_id", "attempted_at"],
        unique=False,
    )
    op.create_table(
        "event_registrations",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("accessibility_needs", sa.Text(), server_default="", nullable=False),
        sa.Column("consent_to_contact", sa.Boolean(), server_default="false", nullable=False),
        sa.Column(
            "attendance",
            sa.Enum("IN_PERSON", "ONLINE", name="event_attendance", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "CONFIRMED",
                "WAITLISTED",
                "CANCELLED",
                name="registration_status",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("arrival", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("walk_in", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "event_id"],
            ["events.tenant_id", "events.id"],
            name=op.f("fk_event_registrations_tenant_id_event_id_events"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_event_registrations_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_event_registrations")),
        sa.UniqueConstraint(
            "tenant_id",
            "event_id",
            "arrival",
            name=op.f("uq_event_registrations_tenant_id_event_id_arrival"),
        ),
        sa.UniqueConstraint(
            "tenant_id",
            "event_id",
            "code",
            name=op.f("uq_event_registrations_tenant_id_event_id_code"),
        ),
        sa.UniqueConstraint(
            "tenant_id",
            "event_id",
            "email",
            name=op.f("uq_event_registrations_tenant_id_event_id_email"),
        ),
        sa.UniqueConstraint(
            "tenant_id", "token_hash", name=op.f("uq_event_registrations_tenant_id_token_hash")
        ),
    )
    op.create_index(
        op.f("ix_event_registrations_tenant_id_event_id_status_arrival"),
        "event_registrations",
        ["tenant_id", "event_id", "status", "arrival"],
        unique=False,
    )
    op.create_table(
        "event_exhibitor_openings",
        sa.Column("exhibitor_id", sa.Uuid(), nullable=False),
        sa.Column("occupation_code", sa.String(length=7), nullable=False),
        sa.Column("openings", sa.Integer(), nullable=False),
        sa.Column("wage_min_minor", sa.BigInteger(), nullable=True),
        sa.Column("wage_max_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
        sa.Column("demand_signal_ids", sa.ARRAY(sa.Uuid()), server_default="{}", nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "openings > 0", name=op.f("ck_event_exhibitor_openings_openings_positive")
        ),
        sa.CheckConstraint(
            "wage_min_minor IS NULL OR wage_max_minor IS NULL OR wage_min_minor <= wage_max_minor",
            name=op.f("ck_event_exhibitor_openings_wage_range_ordered"),
        ),
        sa.CheckConstraint(
            "wage_min_minor IS NULL OR wage_min_minor >= 0",
            name=op.f("ck_event_exhibitor_openings_wage_min_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["occupation_code"],
            ["occupations.soc_code"],
            name=op.f("fk_event_exhibitor_openings_occupation_code_occupations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "exhibitor_id"],
            ["event_exhibitors.tenant_id", "event_exhibitors.id"],
            name=op.f("fk_event_exhibitor_openings_tenant_id_exhibitor_id_event_exhibitors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_event_exhibitor_openings_tenant_id_tenants"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_event_exhibitor_openings")),
    )
    op.create_index(
        op.f("ix_event_exhibitor_openings_tenant_id_exhibitor_id"),
        "event_exhibitor_openings",
        ["tenant_id", "exhibitor_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_event_exhibitor_openings_tenant_id_occupation_code"),
        "event_exhibitor_openings",
        ["tenant_id", "occupation_code"],
        unique=False,
    )
    op.create_table(
        "event_exhibitor_outcomes",
        sa.Column("exhibitor_id", sa.Uuid(), nullable=False),
        sa.Column("occupation_code", sa.String(length=7), nullable=False),
        sa.Column("interviews", sa.Integer(), nullable=False),
        sa.Column("offers", sa.Integer(), nullable=False),
        sa.Column("hires", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "interviews >= 0 AND offers >= 0 AND hires >= 0",
            name=op.f("ck_event_exhibitor_outcomes_outcomes_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["occupation_code"],
            ["occupations.soc_code"],
            name=op.f("fk_event_exhibitor_outcomes_occupation_code_occupations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "exhibitor_id"],
            ["event_exhibitors.tenant_id", "event_exhibitors.id"],
            name=op.f("fk_event_exhibitor_outcomes_tenant_id_exhibitor_id_event_exhibitors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_event_exhibitor_outcomes_tenant_id_tenants"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_event_exhibitor_outcomes")),
        sa.UniqueConstraint(
            "tenant_id",
            "exhibitor_id",
            "occupation_code",
            name=op.f("uq_event_exhibitor_outcomes_tenant_id_exhibitor_id_occupation_code"),
        ),
    )
    op.create_index(
        op.f("ix_event_exhibitor_outcomes_tenant_id_occupation_code"),
        "event_exhibitor_outcomes",
        ["tenant_id", "occupation_code"],
        unique=False,
    )
    op.create_table(
        "event_sessions",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "GROUP", "INTERVIEW_SLOT", name="event_session_kind", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("exhibitor_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_event_sessions_capacity_positive")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_event_sessions_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "event_id"],
            ["events.tenant_id", "events.id"],
            name=op.f("fk_event_sessions_tenant_id_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "exhibitor_id"],
            ["event_exhibitors.tenant_id", "event_exhibitors.id"],
            name=op.f("fk_event_sessions_tenant_id_exhibitor_id_event_exhibitors"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_event_sessions_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_event_sessions")),
    )
    op.create_index(
        op.f("ix_event_sessions_tenant_id_event_id_starts_at_id"),
        "event_sessions",
        ["tenant_id", "event_id", "starts_at", "id"],
        unique=False,
    )
    op.create_table(
        "event_session_bookings",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("registration_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "registration_id"],
            ["event_registrations.tenant_id", "event_registrations.id"],
            name=op.f("fk_event_session_bookings_tenant_id_registration_id_event_registrations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "session_id"],
            ["event_sessions.tenant_id", "event_sessions.id"],
            name=op.f("fk_event_session_bookings_tenant_id_session_id_event_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_event_session_bookings_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_event_session_bookings")),
        sa.UniqueConstraint(
            "tenant_id",
            "session_id",
            "registration_id",
            name=op.f("uq_event_session_bookings_tenant_id_session_id_registration_id"),
        ),
    )
    op.create_index(
        op.f("ix_event_session_bookings_tenant_id_registration_id"),
        "event_session_bookings",
        ["tenant_id", "registration_id"],
        unique=False,
    )

    for table in TENANT_TABLES:
        for statement in enable_tenant_isolation(table):
            op.execute(statement)


def downgrade() -> None:
    for table in TENANT_TABLES:
        for statement in disable_tenant_isolation(table):
            op.execute(statement)
    op.drop_index(
        op.f("ix_event_session_bookings_tenant_id_registration_id"),
        table_name="event_session_bookings",
    )
    op.drop_table("event_session_bookings")
    op.drop_index(
        op.f("ix_event_sessions_tenant_id_event_id_starts_at_id"), table_name="event_sessions"
    )
    op.drop_table("event_sessions")
    op.drop_index(
        op.f("ix_event_exhibitor_outcomes_tenant_id_occupation_code"),
        table_name="event_exhibitor_outcomes",
    )
    op.drop_table("event_exhibitor_outcomes")
    op.drop_index(
        op.f("ix_event_exhibitor_openings_tenant_id_occupation_code"),
        table_name="event_exhibitor_openings",
    )
    op.drop_index(
        op.f("ix_event_exhibitor_openings_tenant_id_exhibitor_id"),
        table_name="event_exhibitor_openings",
    )
    op.drop_table("event_exhibitor_openings")
    op.drop_index(
        op.f("ix_event_registrations_tenant_id_event_id_status_arrival"),
        table_name="event_registrations",
    )
    op.drop_table("event_registrations")
    op.drop_index(
        op.f("ix_event_registration_attempts_tenant_id_event_id_attempted_at"),
        table_name="event_registration_attempts",
    )
    op.drop_index(
        op.f("ix_event_registration_attempts_tenant_id_address_hash_attempted_at"),
        table_name="event_registration_attempts",
    )
    op.drop_table("event_registration_attempts")
    op.drop_index(op.f("ix_event_programs_tenant_id_program_id"), table_name="event_programs")
    op.drop_table("event_programs")
    op.drop_index(
        op.f("ix_event_occupations_tenant_id_occupation_code"), table_name="event_occupations"
    )
    op.drop_table("event_occupations")
    op.drop_index(
        op.f("ix_event_exhibitors_tenant_id_organization_id"), table_name="event_exhibitors"
    )
    op.drop_table("event_exhibitors")
    op.drop_index(op.f("ix_events_tenant_id_status_visibility_starts_at"), table_name="events")
    op.drop_index(op.f("ix_events_tenant_id_starts_at_id"), table_name="events")
    op.drop_index(op.f("ix_events_tenant_id_organization_id_id"), table_name="events")
    op.drop_table("events")
