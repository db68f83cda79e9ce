"""A category's name in other languages ({"da": "Kontorstol"}), shown to readers of that
language; existing categories have none and read their main name.

Revision ID: b7d2c9e4a1f3
Revises: b028946ae57a
Create Date: 2026-12-14 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b7d2c9e4a1f3"
down_revision = "b028946ae57a"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not a batch: SQLite adds a nullable column in place, where a batch would
# copy the whole table for it.
def upgrade():
    op.add_column(
        "categories",
        sa.Column("names", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )


def downgrade():
    op.drop_column("categories", "names")
