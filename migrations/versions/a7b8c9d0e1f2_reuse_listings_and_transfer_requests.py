"""Reuse: listings on a ladder of audiences, transfer requests, settings; split-off parts.

Revision ID: a7b8c9d0e1f2
Revises: f6a7b8c9d0e1
Create Date: 2026-11-23 20:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.db_types import UTCDateTime

# revision identifiers, used by Alembic.
revision = "a7b8c9d0e1f2"
down_revision = "f6a7b8c9d0e1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reuse_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_days", sa.Integer(), nullable=False),
        sa.Column("organisation_days", sa.Integer(), nullable=False),
        sa.Column("partner_days", sa.Integer(), nullable=False),
        sa.Column(
            "external_mode",
            sa.Enum("give", "sell", "both", name="externalmode", native_enum=False, length=32),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reuse_settings")),
    )
    op.create_table(
        "listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "condition",
            sa.Enum(
                "new",
                "good",
                "fair",
                "needs_repair",
                "broken",
                name="condition",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("collect_from", sa.String(length=300), nullable=False),
        sa.Column("asking_price", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("tier_started_at", UTCDateTime(), nullable=False),
        sa.Column("tier_ends_at", UTCDateTime(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open", "closed", "withdrawn", name="listingstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("closing", sa.String(length=32), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_listings_quantity_positive")),
        sa.CheckConstraint(
            "reserved >= 0 AND reserved <= quantity", name=op.f("ck_listings_reserved_within")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_listings_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_listings_item_id_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listings")),
    )
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listings_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_listings_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_listings_tier"), ["tier"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_listings_tier_ends_at"), ["tier_ends_at"], unique=False
        )
        batch_op.create_index(
            "uq_listings_open_item",
            ["item_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "transfer_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("needed_by", sa.Date(), nullable=True),
        sa.Column("deliver_to_id", sa.Integer(), nullable=True),
        sa.Column("deliver_place", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "declined",
                "cancelled",
                "completed",
                name="requeststatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decision_message", sa.Text(), nullable=False),
        sa.Column("handover_on", sa.Date(), nullable=True),
        sa.Column("carrier", sa.String(length=200), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("received_item_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_transfer_requests_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_transfer_requests_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["deliver_to_id"],
            ["storerooms.id"],
            name=op.f("fk_transfer_requests_deliver_to_id_storerooms"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_transfer_requests_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_transfer_requests_listing_id_listings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["received_item_id"],
            ["items.id"],
            name=op.f("fk_transfer_requests_received_item_id_items"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_transfer_requests_requested_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_requests")),
    )
    with op.batch_alter_table("transfer_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transfer_requests_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            "uq_transfer_requests_live",
            ["listing_id", "department_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'approved')"),
            postgresql_where=sa.text("status IN ('pending', 'approved')"),
        )

    # ADD COLUMN: a batch (copy-and-move) on SQLite would drop the search triggers.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE items ADD COLUMN split_from_id INTEGER "
            "CONSTRAINT fk_items_split_from_id_items REFERENCES items (id)"
        )
    else:
        op.add_column("items", sa.Column("split_from_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_items_split_from_id_items", "items", "items", ["split_from_id"],
                              ["id"])  # fmt: skip


def downgrade():
    with op.batch_alter_table("items") as batch_op:
        batch_op.drop_column("split_from_id")

    with op.batch_alter_table("transfer_requests", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_transfer_requests_live",
            sqlite_where=sa.text("status IN ('pending', 'approved')"),
            postgresql_where=sa.text("status IN ('pending', 'approved')"),
        )
        batch_op.drop_index(batch_op.f("ix_transfer_requests_department_id"))

    op.drop_table("transfer_requests")
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_listings_open_item",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index(batch_op.f("ix_listings_tier_ends_at"))
        batch_op.drop_index(batch_op.f("ix_listings_tier"))
        batch_op.drop_index(batch_op.f("ix_listings_item_id"))
        batch_op.drop_index(batch_op.f("ix_listings_created_at"))

    op.drop_table("listings")
    op.drop_table("reuse_settings")
