"""Import jobs: a batch's preview summary and the state of the background job working on it.

Revision ID: f6a7b8c9d0e1
Revises: e5f6a7b8c9d0
Create Date: 2026-11-23 18:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.db_types import UTCDateTime

revision = "f6a7b8c9d0e1"
down_revision = "e5f6a7b8c9d0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("import_batches") as batch:
        batch.add_column(sa.Column("preview", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("job", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("job_stage", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("job_done", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("job_total", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("job_beat_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("job_error", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("import_batches") as batch:
        for name in ("job_error", "job_beat_at", "job_total", "job_done", "job_stage", "job",
                     "preview"):  # fmt: skip
            batch.drop_column(name)
