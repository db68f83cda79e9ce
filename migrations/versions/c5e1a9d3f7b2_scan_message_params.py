"""A scan's message is kept as its msgid with its parameters beside it, and put in the
reader's language when read; rows from before keep their text and have no parameters (NULL).

Revision ID: c5e1a9d3f7b2
Revises: b7d2c9e4a1f3
Create Date: 2026-12-05 18:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c5e1a9d3f7b2"
down_revision = "b7d2c9e4a1f3"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not a batch: SQLite adds a nullable column in place.
def upgrade():
    op.add_column("scans", sa.Column("message_params", sa.JSON(), nullable=True))


def downgrade():
    op.drop_column("scans", "message_params")
