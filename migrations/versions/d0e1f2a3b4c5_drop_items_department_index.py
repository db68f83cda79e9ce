"""Items: drop the index on department_id alone.

ix_items_department_status_name starts with department_id, so it serves every lookup by
department (the item list's filter, the foreign key's checks) that this index served, and an
import of many items has one index less to build.

Revision ID: d0e1f2a3b4c5
Revises: c9d0e1f2a3b4
Create Date: 2026-11-23 09:30:00
"""

from alembic import op

revision = "d0e1f2a3b4c5"
down_revision = "c9d0e1f2a3b4"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_items_department_id", table_name="items")


def downgrade():
    op.create_index("ix_items_department_id", "items", ["department_id"])
