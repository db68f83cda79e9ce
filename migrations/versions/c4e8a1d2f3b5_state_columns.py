"""Workflow states the database holds to: CHECK constraints on the states of listings and
transfer requests, how a listing closed, and how a handover travels ("" becomes NULL).

SQLite adds a constraint only by copying the table (batch mode); the partial unique indexes
are made again after the copy, which does not carry their WHERE over.

Revision ID: c4e8a1d2f3b5
Revises: b8347d1ab7c8
Create Date: 2026-12-05 08:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c4e8a1d2f3b5"
down_revision = "b8347d1ab7c8"
branch_labels = None
depends_on = None

LISTING = ("open", "closed", "withdrawn")
CLOSING = ("transferred", "given_away", "sold", "to_partner", "recycled", "scrapped", "withdrawn")
REQUEST = ("pending", "approved", "declined", "cancelled", "completed")
HANDOVER = ("collect", "deliver")
# The copy reflects only its own table, not the ones its foreign keys name (users holds an
# expression index SQLite's reflection cannot read).
BATCH = {"reflect_kwargs": {"resolve_fks": False}}
PARTIAL = {
    "listings": ("uq_listings_open_item", ["item_id"], "status = 'open'"),
    "transfer_requests": (
        "uq_transfer_requests_live", ["listing_id", "department_id"],
        "status IN ('pending', 'approved')",
    ),
}  # fmt: skip


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _partial_index(table: str) -> None:
    name, columns, where = PARTIAL[table]
    op.drop_index(name, table_name=table, if_exists=True)
    op.create_index(name, table, columns, unique=True, sqlite_where=sa.text(where),
                    postgresql_where=sa.text(where))  # fmt: skip


def upgrade():
    with op.batch_alter_table("transfer_requests", **BATCH) as batch:
        batch.alter_column("handover_mode", existing_type=sa.String(16), type_=sa.String(32),
                           nullable=True, server_default=None)  # fmt: skip
    op.execute("UPDATE transfer_requests SET handover_mode = NULL WHERE handover_mode = ''")
    with op.batch_alter_table("transfer_requests", **BATCH) as batch:
        batch.create_check_constraint("status_known", _in("status", REQUEST))
        batch.create_check_constraint("handover_mode_known", _in("handover_mode", HANDOVER))
    with op.batch_alter_table("listings", **BATCH) as batch:
        batch.create_check_constraint("status_known", _in("status", LISTING))
        batch.create_check_constraint("closing_known", _in("closing", CLOSING))
    for table in PARTIAL:
        _partial_index(table)


def downgrade():
    with op.batch_alter_table("listings", **BATCH) as batch:
        batch.drop_constraint("closing_known", type_="check")
        batch.drop_constraint("status_known", type_="check")
    with op.batch_alter_table("transfer_requests", **BATCH) as batch:
        batch.drop_constraint("handover_mode_known", type_="check")
        batch.drop_constraint("status_known", type_="check")
    op.execute("UPDATE transfer_requests SET handover_mode = '' WHERE handover_mode IS NULL")
    with op.batch_alter_table("transfer_requests", **BATCH) as batch:
        batch.alter_column("handover_mode", existing_type=sa.String(32), type_=sa.String(16),
                           nullable=False, server_default="")  # fmt: skip
    for table in PARTIAL:
        _partial_index(table)
