"""Reuse: how an approved request travels: collected or delivered, and from where.

Revision ID: c9d0e1f2a3b4
Revises: b8c9d0e1f2a3
Create Date: 2026-11-23 07:25:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c9d0e1f2a3b4"
down_revision = "b8c9d0e1f2a3"
branch_labels = None
depends_on = None

COLUMNS = (("handover_mode", 16), ("handover_from", 300))


def upgrade():
    # ADD COLUMN in place: a batch (copy-and-move) on SQLite would have to rebuild the
    # partial unique index of live requests.
    for name, length in COLUMNS:
        op.add_column(
            "transfer_requests",
            sa.Column(name, sa.String(length), nullable=False, server_default=""),
        )
    if op.get_bind().dialect.name != "sqlite":
        for name, _length in COLUMNS:
            op.alter_column("transfer_requests", name, server_default=None)


def downgrade():
    with op.batch_alter_table("transfer_requests") as batch_op:
        for name, _length in COLUMNS:
            batch_op.drop_column(name)
