"""A category's name in other languages ({"da": "Kontorstol"}), shown to readers of that
language; existing categories have none and read their main name.

Revision ID: b7d2c9e4a1f3
Revises: 9944dd9dd35c
Create Date: 2026-12-14 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b7d2c9e4a1f3"
down_revision = "9944dd9dd35c"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not a batch: SQLite adds a column in place, and a batch would rebuild the
# table without its lower(name) unique index, which it cannot reflect.
def upgrade():
    op.add_column(
        "categories",
        sa.Column("names", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )


def downgrade():
    op.drop_column("categories", "names")
