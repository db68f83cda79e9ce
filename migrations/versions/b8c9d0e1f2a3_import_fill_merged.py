"""Imports: the "fill merged cells" option of a batch.

Revision ID: b8c9d0e1f2a3
Revises: 177d0f269f7b
Create Date: 2026-11-24 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b8c9d0e1f2a3"
down_revision = "177d0f269f7b"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: a batch operation would copy the table on SQLite for no reason.
    op.add_column(
        "import_batches",
        sa.Column("fill_merged", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade():
    op.drop_column("import_batches", "fill_merged")
