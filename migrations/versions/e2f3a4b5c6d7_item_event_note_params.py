"""An item history event's note, where the app wrote it ("Split from INV-000012"), is kept as
its msgid with its parameters beside it and put in the reader's language when read
(app/kept_messages.py); notes people typed and rows from before have no parameters (NULL).

Revision ID: e2f3a4b5c6d7
Revises: d1e2f3a4b5c6
Create Date: 2026-12-05 23:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e2f3a4b5c6d7"
down_revision = "d1e2f3a4b5c6"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not a batch: SQLite adds a nullable column in place.
def upgrade():
    op.add_column("item_events", sa.Column("note_params", sa.JSON(), nullable=True))


def downgrade():
    op.drop_column("item_events", "note_params")
