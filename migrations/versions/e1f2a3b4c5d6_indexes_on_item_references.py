"""Indexes on the columns that point at an item, for deleting items.

Deleting an item makes the database look for rows pointing at it (the foreign keys): a part
split off it, a transfer request that received it, a reuse outcome, a scan. Without an index
each deletion read those tables whole; undoing an import of 100,000 items read the items
table 100,000 times. A split-off part is rare, so that index holds only the items that have
one.

Revision ID: e1f2a3b4c5d6
Revises: d0e1f2a3b4c5
Create Date: 2026-12-02 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e1f2a3b4c5d6"
down_revision = "d0e1f2a3b4c5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_items_split_from_id",
        "items",
        ["split_from_id"],
        sqlite_where=sa.text("split_from_id IS NOT NULL"),
        postgresql_where=sa.text("split_from_id IS NOT NULL"),
    )
    op.create_index("ix_transfer_requests_received_item_id", "transfer_requests",
                    ["received_item_id"])  # fmt: skip
    op.create_index("ix_reuse_outcomes_item_id", "reuse_outcomes", ["item_id"])
    op.create_index("ix_scans_item_id", "scans", ["item_id"])


def downgrade():
    op.drop_index("ix_scans_item_id", table_name="scans")
    op.drop_index("ix_reuse_outcomes_item_id", table_name="reuse_outcomes")
    op.drop_index("ix_transfer_requests_received_item_id", table_name="transfer_requests")
    op.drop_index("ix_items_split_from_id", table_name="items")
