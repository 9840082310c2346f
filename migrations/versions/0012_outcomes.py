"""outcomes

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coalition.db.rls import disable_tenant_isolation, enable_tenant_isolation

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ("participant_records",)


def upgrade() -> None:
    op.create_table(
        "participant_records",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("participant_identifier", sa.String(length=40), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=True),
        sa.Column("cohort_id", sa.Uuid(), nullable=True),
        sa.Column("initiative_id", sa.Uuid(), nullable=True),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("exit_date", sa.Date(), nullable=True),
        sa.Column(
            "exit_reason",
            sa.Enum(
                "NONE_OF_THESE",
                "INSTITUTIONALIZED",
                "HEALTH_MEDICAL",
                "DECEASED",
                "RESERVE_FORCES_ACTIVE_DUTY",
                "FOSTER_CARE_RELOCATION",
                "INELIGIBLE",
                "CRIMINAL_OFFENDER",
                name="exit_reason",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column(
            "sex",
            sa.Enum(
                "MALE",
                "FEMALE",
                "NOT_DISCLOSED",
                name="participant_sex",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("hispanic_latino", sa.Boolean(), nullable=True),
        sa.Column("american_indian_alaska_native", sa.Boolean(), nullable=True),
        sa.Column("asian", sa.Boolean(), nullable=True),
        sa.Column("black_african_american", sa.Boolean(), nullable=True),
        sa.Column("native_hawaiian_pacific_islander", sa.Boolean(), nullable=True),
        sa.Column("white", sa.Boolean(), nullable=True),
        sa.Column("race_not_self_identified", sa.Boolean(), nullable=True),
        sa.Column(
            "age_band",
            sa.Enum(
                "UNDER_18",
                "AGE_18_24",
                "AGE_25_34",
                "AGE_35_44",
                "AGE_45_54",
                "AGE_55_64",
                "AGE_65_PLUS",
                name="age_band",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column(
            "veteran_status",
            sa.Enum(
                "NO",
                "VETERAN",
                "ELIGIBLE_SPOUSE",
                "NOT_DISCLOSED",
                name="veteran_status",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("barriers", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column(
            "credential_1_type",
            sa.Enum(
                "SECONDARY_DIPLOMA",
                "ASSOCIATE_DEGREE",
                "BACHELORS_DEGREE",
                "OCCUPATIONAL_LICENSURE",
                "OCCUPATIONAL_CERTIFICATE",
                "OCCUPATIONAL_CERTIFICATION",
                "OTHER_RECOGNIZED",
                name="credential_type",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("credential_1_on", sa.Date(), nullable=True),
        sa.Column(
            "credential_2_type",
            sa.Enum(
                "SECONDARY_DIPLOMA",
                "ASSOCIATE_DEGREE",
                "BACHELORS_DEGREE",
                "OCCUPATIONAL_LICENSURE",
                "OCCUPATIONAL_CERTIFICATE",
                "OCCUPATIONAL_CERTIFICATION",
                "OTHER_RECOGNIZED",
                name="credential_type",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("credential_2_on", sa.Date(), nullable=True),
        sa.Column(
            "credential_3_type",
            sa.Enum(
                "SECONDARY_DIPLOMA",
                "ASSOCIATE_DEGREE",
                "BACHELORS_DEGREE",
                "OCCUPATIONAL_LICENSURE",
                "OCCUPATIONAL_CERTIFICATE",
                "OCCUPATIONAL_CERTIFICATION",
                "OTHER_RECOGNIZED",
                name="credential_type",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("credential_3_on", sa.Date(), nullable=True),
        sa.Column(
            "employed_q1",
            sa.Enum(
                "EMPLOYED",
                "NOT_EMPLOYED",
                "UNKNOWN",
                name="employment_status",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column(
            "employed_q2",
            sa.Enum(
                "EMPLOYED",
                "NOT_EMPLOYED",
                "UNKNOWN",
                name="employment_status",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column(
            "employed_q3",
            sa.Enum(
                "EMPLOYED",
                "NOT_EMPLOYED",
                "UNKNOWN",
                name="employment_status",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column(
            "employed_q4",
            sa.Enum(
                "EMPLOYED",
                "NOT_EMPLOYED",
                "UNKNOWN",
                name="employment_status",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("employer_organization_id", sa.Uuid(), nullable=True),
        sa.Column("employer_is_other", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("occupation_code", sa.String(length=7), nullable=True),
        sa.Column("hourly_wage_cents", sa.Integer(), nullable=True),
        sa.Column("earnings_q2_cents", sa.BigInteger(), nullable=True),
        sa.Column("earnings_q4_cents", sa.BigInteger(), nullable=True),
        sa.Column("is_related_to_training", sa.Boolean(), nullable=True),
        sa.Column("skill_gain_educational_functioning_level_on", sa.Date(), nullable=True),
        sa.Column("skill_gain_postsecondary_transcript_on", sa.Date(), nullable=True),
        sa.Column("skill_gain_secondary_transcript_on", sa.Date(), nullable=True),
        sa.Column("skill_gain_training_milestone_on", sa.Date(), nullable=True),
        sa.Column("skill_gain_skills_progression_on", sa.Date(), nullable=True),
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
            "NOT (employer_is_other AND employer_organization_id IS NOT NULL)",
            name=op.f("ck_participant_records_one_employer"),
        ),
        sa.CheckConstraint(
            "earnings_q2_cents IS NULL OR earnings_q2_cents >= 0",
            name=op.f("ck_participant_records_earnings_q2_not_negative"),
        ),
        sa.CheckConstraint(
            "earnings_q4_cents IS NULL OR earnings_q4_cents >= 0",
            name=op.f("ck_participant_records_earnings_q4_not_negative"),
        ),
        sa.CheckConstraint(
            "exit_date IS NULL OR exit_date >= entry_date",
            name=op.f("ck_participant_records_exit_after_entry"),
        ),
        sa.CheckConstraint(
            "hourly_wage_cents IS NULL OR hourly_wage_cents > 0",
            name=op.f("ck_participant_records_wage_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["occupation_code"],
            ["occupations.soc_code"],
            name=op.f("fk_participant_records_occupation_code_occupations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "cohort_id"],
            ["training_cohorts.tenant_id", "training_cohorts.id"],
            name=op.f("fk_participant_records_tenant_id_cohort_id_training_cohorts"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "employer_organization_id"],
            ["organizations.tenant_id", "organizations.id"],
            name="fk_participant_records_employer_organizations",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "initiative_id"],
            ["initiatives.tenant_id", "initiatives.id"],
            name=op.f("fk_participant_records_tenant_id_initiative_id_initiatives"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "organization_id"],
            ["organizations.tenant_id", "organizations.id"],
            name=op.f("fk_participant_records_tenant_id_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "program_id"],
            ["training_programs.tenant_id", "training_programs.id"],
            name=op.f("fk_participant_records_tenant_id_program_id_training_programs"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_participant_records_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_participant_records")),
        sa.UniqueConstraint(
            "tenant_id",
            "organization_id",
            "participant_identifier",
            name="uq_participant_records_participant_identifier",
        ),
    )
    op.create_index(
        op.f("ix_participant_records_tenant_id_initiative_id"),
        "participant_records",
        ["tenant_id", "initiative_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_participant_records_tenant_id_organization_id_exit_date_id"),
        "participant_records",
        ["tenant_id", "organization_id", "exit_date", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_participant_records_tenant_id_program_id"),
        "participant_records",
        ["tenant_id", "program_id"],
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
        op.f("ix_participant_records_tenant_id_program_id"), table_name="participant_records"
    )
    op.drop_index(
        op.f("ix_participant_records_tenant_id_organization_id_exit_date_id"),
        table_name="participant_records",
    )
    op.drop_index(
        op.f("ix_participant_records_tenant_id_initiative_id"), table_name="participant_records"
    )
    op.drop_table("participant_records")
