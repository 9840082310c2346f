"""outcome data versions: a per-partnership number bumped by every change of participant
records and aggregate counts, the key of the outcome figures' cache

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coalition.db.rls import disable_tenant_isolation, enable_tenant_isolation

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WATCHED = ("participant_records", "aggregate_counts")
EVENTS = (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))


def upgrade() -> None:
    op.create_table(
        "outcome_data_versions",
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_outcome_data_versions_tenant_id_tenants"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_outcome_data_versions")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_outcome_data_versions_tenant_id")),
    )
    for statement in enable_tenant_isolation("outcome_data_versions"):
        op.execute(statement)
    op.execute("CREATE SEQUENCE outcome_data_version_seq")
    # Once per statement (an import of thousands of rows bumps each partnership once),
    # from the statement's rows (``changed``: its transition table). A sequence, so a
    # rolled-back change never hands its number to a later one.
    op.execute(
        """
        CREATE FUNCTION bump_outcome_data_version() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO outcome_data_versions (tenant_id, id, version)
            SELECT tenant_id, gen_random_uuid(), nextval('outcome_data_version_seq')
            FROM (SELECT DISTINCT tenant_id FROM changed) AS touched
            ON CONFLICT (tenant_id)
            DO UPDATE SET version = nextval('outcome_data_version_seq');
            RETURN NULL;
        END
        $$
        """
    )
    for table in WATCHED:
        for event, rows in EVENTS:
            op.execute(
                f"CREATE TRIGGER bump_outcome_data_version_{event.lower()} AFTER {event} "
                f"ON {table} REFERENCING {rows} TABLE AS changed "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_outcome_data_version()"
            )


def downgrade() -> None:
    for table in WATCHED:
        for event, _ in EVENTS:
            op.execute(
                f"DROP TRIGGER IF EXISTS bump_outcome_data_version_{event.lower()} ON {table}"
            )
    op.execute("DROP FUNCTION IF EXISTS bump_outcome_data_version()")
    op.execute("DROP SEQUENCE IF EXISTS outcome_data_version_seq")
    for statement in disable_tenant_isolation("outcome_data_versions"):
        op.execute(statement)
    op.drop_table("outcome_data_versions")
