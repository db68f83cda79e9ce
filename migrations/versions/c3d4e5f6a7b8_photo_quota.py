"""Photo sizes and an index by uploader, for the per-user upload quota.

Revision ID: c3d4e5f6a7b8
Revises: b7c1d2e3f4a5
Create Date: 2026-11-23 10:00:00

The quota sums what a user has stored; keeping each photo's size in a column avoids reading
every blob to measure it.
"""

import sqlalchemy as sa
from alembic import op

revision = "c3d4e5f6a7b8"
down_revision = "b7c1d2e3f4a5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("item_photos") as batch:
        batch.add_column(sa.Column("size_bytes", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE item_photos SET size_bytes = length(data) + length(thumbnail)")
    op.create_index("ix_item_photos_uploader", "item_photos", ["uploaded_by_id", "created_at"])


def downgrade():
    op.drop_index("ix_item_photos_uploader", table_name="item_photos")
    with op.batch_alter_table("item_photos") as batch:
        batch.drop_column("size_bytes")
