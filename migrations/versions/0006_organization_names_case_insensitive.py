"""Organization names are unique in a partnership without regard to case.

The unique constraint on ``(tenant_id, name)`` becomes a unique index on
``(tenant_id, lower(name))``: "harbor fabrication" beside "Harbor Fabrication"
is refused by the database as well as by the service.

A partnership that already has two names differing only in case cannot get the
index. The migration then stops, naming each pair, and changes nothing: which
of the two is the right one (and whether they are one organization) is the
partnership's call, not the migration's.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUPLICATES = """
SELECT t.slug, array_agg(o.name ORDER BY o.name) AS names
FROM organizations o JOIN tenants t ON t.id = o.tenant_id
GROUP BY t.slug, o.tenant_id, lower(o.name)
HAVING count(*) > 1
ORDER BY t.slug, lower(o.name)
"""


class DuplicateOrganizationNames(RuntimeError):
    """Names that differ only in case stand in the way of the unique index."""


def upgrade() -> None:
    connection = op.get_bind()
    # The owner is bound by the FORCEd row-level security of organizations too, and no
    # tenant is set here: lift FORCE for this one read (inside the migration's
    # transaction, so it comes back whatever happens).
    op.execute("ALTER TABLE organizations NO FORCE ROW LEVEL SECURITY")
    duplicates = connection.execute(sa.text(DUPLICATES)).all()
    op.execute("ALTER TABLE organizations FORCE ROW LEVEL SECURITY")
    if duplicates:
        pairs = "; ".join(
            f"partnership {slug!r}: " + ", ".join(repr(name) for name in names)
            for slug, names in duplicates
        )
        raise DuplicateOrganizationNames(
            "Organization names must be unique without regard to case, and these differ "
            f"only in case: {pairs}. Rename one of each, then run `coalition db upgrade` again."
        )
    op.drop_constraint("uq_organizations_tenant_id_name", "organizations", type_="unique")
    op.create_index(
        "uq_organizations_tenant_id_lower_name",
        "organizations",
        ["tenant_id", sa.text("lower(name)")],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_organizations_tenant_id_lower_name", table_name="organizations")
    op.create_unique_constraint(
        "uq_organizations_tenant_id_name", "organizations", ["tenant_id", "name"]
    )
