"""Reference vocabulary: occupations, skills, industries, programs; essential skill overrides.

Every table is global reference data except essential_skill_overrides, which
is tenant-owned and put behind FORCEd row-level security here. Search indexes
are full-text GIN indexes over to_tsvector('simple', ...): see
coalition/skills/models.py for why not trigrams or the english configuration.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coalition.db.rls import disable_tenant_isolation, enable_tenant_isolation

TENANT_TABLES = ("essential_skill_overrides",)

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _search_index(table: str, column: str) -> None:
    op.create_index(
        f"ix_{table}_{column}_search",
        table,
        [sa.text(f"to_tsvector('simple'::regconfig, {column})")],
        postgresql_using="gin",
    )


def upgrade() -> None:
    op.create_table(
        "occupation_groups",
        sa.Column("code", sa.String(length=7), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=5), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_occupation_groups")),
        sa.CheckConstraint(
            "level IN ('Major', 'Minor', 'Broad')",
            name=op.f("ck_occupation_groups_level_is_major_minor_or_broad"),
        ),
    )
    op.create_table(
        "occupations",
        sa.Column("soc_code", sa.String(length=7), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=True),
        sa.Column("major_code", sa.String(length=7), nullable=False),
        sa.Column("minor_code", sa.String(length=7), nullable=False),
        sa.Column("broad_code", sa.String(length=7), nullable=False),
        sa.ForeignKeyConstraint(
            ["major_code"],
            ["occupation_groups.code"],
            name=op.f("fk_occupations_major_code_occupation_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["minor_code"],
            ["occupation_groups.code"],
            name=op.f("fk_occupations_minor_code_occupation_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["broad_code"],
            ["occupation_groups.code"],
            name=op.f("fk_occupations_broad_code_occupation_groups"),
        ),
        sa.PrimaryKeyConstraint("soc_code", name=op.f("pk_occupations")),
    )
    _search_index("occupations", "title")
    op.create_table(
        "onet_occupations",
        sa.Column("onet_code", sa.String(length=10), nullable=False),
        sa.Column("soc_code", sa.String(length=7), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["soc_code"],
            ["occupations.soc_code"],
            name=op.f("fk_onet_occupations_soc_code_occupations"),
        ),
        sa.PrimaryKeyConstraint("onet_code", name=op.f("pk_onet_occupations")),
    )
    op.create_index(op.f("ix_onet_occupations_soc_code"), "onet_occupations", ["soc_code"])
    _search_index("onet_occupations", "title")
    op.create_table(
        "occupation_aliases",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("soc_code", sa.String(length=7), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("is_illustrative", sa.Boolean(), server_default="false", nullable=False),
        sa.ForeignKeyConstraint(
            ["soc_code"],
            ["occupations.soc_code"],
            name=op.f("fk_occupation_aliases_soc_code_occupations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occupation_aliases")),
        sa.UniqueConstraint("soc_code", "title", name=op.f("uq_occupation_aliases_soc_code_title")),
    )
    _search_index("occupation_aliases", "title")
    op.create_table(
        "skills",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "ESSENTIAL",
                "TECHNICAL",
                "KNOWLEDGE",
                name="skill_kind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=200), nullable=True),
        sa.Column("onet_element_id", sa.String(length=20), nullable=True),
        sa.Column("osn_rsd_uri", sa.String(length=2048), nullable=True),
        sa.Column("lightcast_id", sa.String(length=64), nullable=True),
        sa.Column("examples", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skills")),
    )
    _search_index("skills", "name")
    op.create_table(
        "occupation_skill_ratings",
        sa.Column("onet_code", sa.String(length=10), nullable=False),
        sa.Column("skill_id", sa.String(length=40), nullable=False),
        sa.Column("importance", sa.Numeric(precision=4, scale=2), nullable=True),
        sa.Column("level", sa.Numeric(precision=4, scale=2), nullable=True),
        sa.Column(
            "is_suppressed_recommended", sa.Boolean(), server_default="false", nullable=False
        ),
        sa.Column("is_not_relevant", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("updated", sa.String(length=7), nullable=True),
        sa.ForeignKeyConstraint(
            ["onet_code"],
            ["onet_occupations.onet_code"],
            name=op.f("fk_occupation_skill_ratings_onet_code_onet_occupations"),
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_occupation_skill_ratings_skill_id_skills")
        ),
        sa.PrimaryKeyConstraint("onet_code", "skill_id", name=op.f("pk_occupation_skill_ratings")),
    )
    op.create_index(
        op.f("ix_occupation_skill_ratings_skill_id"), "occupation_skill_ratings", ["skill_id"]
    )
    op.create_table(
        "industries",
        sa.Column("naics_code", sa.String(length=6), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("naics_code", name=op.f("pk_industries")),
        sa.CheckConstraint(
            "level IN ('Sector', 'Subsector', 'Industry Group', 'NAICS Industry', "
            "'National Industry')",
            name=op.f("ck_industries_level_is_a_naics_level"),
        ),
    )
    op.create_table(
        "instructional_programs",
        sa.Column("cip_code", sa.String(length=7), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("cip_code", name=op.f("pk_instructional_programs")),
    )
    op.create_table(
        "program_occupations",
        sa.Column("cip_code", sa.String(length=7), nullable=False),
        sa.Column("soc_code", sa.String(length=7), nullable=False),
        sa.ForeignKeyConstraint(
            ["cip_code"],
            ["instructional_programs.cip_code"],
            name=op.f("fk_program_occupations_cip_code_instructional_programs"),
        ),
        sa.ForeignKeyConstraint(
            ["soc_code"],
            ["occupations.soc_code"],
            name=op.f("fk_program_occupations_soc_code_occupations"),
        ),
        sa.PrimaryKeyConstraint("cip_code", "soc_code", name=op.f("pk_program_occupations")),
    )
    op.create_index(op.f("ix_program_occupations_soc_code"), "program_occupations", ["soc_code"])
    op.create_table(
        "essential_skill_overrides",
        sa.Column("skill_id", sa.String(length=40), nullable=False),
        sa.Column("examples", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_essential_skill_overrides_skill_id_skills")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_essential_skill_overrides_tenant_id_tenants"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_essential_skill_overrides")),
        sa.UniqueConstraint(
            "tenant_id", "skill_id", name=op.f("uq_essential_skill_overrides_tenant_id_skill_id")
        ),
    )
    for table in TENANT_TABLES:
        for statement in enable_tenant_isolation(table):
            op.execute(statement)


def downgrade() -> None:
    for table in TENANT_TABLES:
        for statement in disable_tenant_isolation(table):
            op.execute(statement)
    op.drop_table("essential_skill_overrides")
    op.drop_index(op.f("ix_program_occupations_soc_code"), table_name="program_occupations")
    op.drop_table("program_occupations")
    op.drop_table("instructional_programs")
    op.drop_table("industries")
    op.drop_index(
        op.f("ix_occupation_skill_ratings_skill_id"), table_name="occupation_skill_ratings"
    )
    op.drop_table("occupation_skill_ratings")
    op.drop_index("ix_skills_name_search", table_name="skills")
    op.drop_table("skills")
    op.drop_index("ix_occupation_aliases_title_search", table_name="occupation_aliases")
    op.drop_table("occupation_aliases")
    op.drop_index("ix_onet_occupations_title_search", table_name="onet_occupations")
    op.drop_index(op.f("ix_onet_occupations_soc_code"), table_name="onet_occupations")
    op.drop_table("onet_occupations")
    op.drop_index("ix_occupations_title_search", table_name="occupations")
    op.drop_table("occupations")
    op.drop_table("occupation_groups")
