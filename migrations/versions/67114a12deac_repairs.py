"""Repair routing (reuse/repairs): repair jobs with their parts and labour, a weight per unit
on categories, and the weight kept out of waste on each reuse outcome.

Revision ID: 67114a12deac
Revises: a1b2c3d4e5f7
Create Date: 2026-12-06 20:14:42
"""

import sqlalchemy as sa
from alembic import op

from app.db_types import UTCDateTime

revision = "67114a12deac"
down_revision = "a1b2c3d4e5f7"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "repair_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("fault", sa.Text(), nullable=False),
        sa.Column("estimated_cost", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("quoted_cost", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("quote_note", sa.Text(), nullable=False),
        sa.Column(
            "place",
            sa.Enum(
                "in_place", "workshop", "partner", name="repairplace", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "sent",
                "quoted",
                "approved",
                "repaired",
                "returned",
                "written_off",
                name="status_known",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("since", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("quoted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("repaired_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("returned_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("written_off_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "to_stock",
                "to_listing",
                "aid_cycle",
                name="outcome_known",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("write_off_reason", sa.Text(), nullable=False),
        sa.Column("link_hash", sa.String(length=64), nullable=True),
        sa.Column("link_expires_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("value_avoided", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("repair_cost", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("weight_kg", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "place != 'partner' OR partner_id IS NOT NULL",
            name=op.f("ck_repair_jobs_partner_named"),
        ),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_repair_jobs_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"], name=op.f("fk_repair_jobs_category_id_categories")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_repair_jobs_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_repair_jobs_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_repair_jobs_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_repair_jobs_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_jobs")),
    )
    with op.batch_alter_table("repair_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_repair_jobs_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_repair_jobs_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_repair_jobs_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_repair_jobs_returned_at"), ["returned_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_repair_jobs_sent_at"), ["sent_at"], unique=False)
        batch_op.create_index("uq_repair_jobs_link_hash", ["link_hash"], unique=True)
        batch_op.create_index(
            "uq_repair_jobs_open_item",
            ["item_id"],
            unique=True,
            sqlite_where=sa.text("status NOT IN ('returned', 'written_off')"),
            postgresql_where=sa.text("status NOT IN ('returned', 'written_off')"),
        )

    op.create_table(
        "repair_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("part", "labour", name="linekind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("cost", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_repair_lines_amount_positive")),
        sa.CheckConstraint("cost >= 0", name=op.f("ck_repair_lines_cost_not_negative")),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_repair_lines_by_id_users")),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["repair_jobs.id"],
            name=op.f("fk_repair_lines_job_id_repair_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_lines")),
    )
    with op.batch_alter_table("repair_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_repair_lines_job_id"), ["job_id"], unique=False)

    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("weight_kg", sa.Numeric(precision=10, scale=2), nullable=True)
        )

    with op.batch_alter_table("reuse_outcomes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("weight_kg", sa.Numeric(precision=12, scale=2), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("reuse_outcomes", schema=None) as batch_op:
        batch_op.drop_column("weight_kg")

    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_column("weight_kg")

    with op.batch_alter_table("repair_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_lines_job_id"))

    op.drop_table("repair_lines")
    with op.batch_alter_table("repair_jobs", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_repair_jobs_open_item",
            sqlite_where=sa.text("status NOT IN ('returned', 'written_off')"),
            postgresql_where=sa.text("status NOT IN ('returned', 'written_off')"),
        )
        batch_op.drop_index("uq_repair_jobs_link_hash")
        batch_op.drop_index(batch_op.f("ix_repair_jobs_sent_at"))
        batch_op.drop_index(batch_op.f("ix_repair_jobs_returned_at"))
        batch_op.drop_index(batch_op.f("ix_repair_jobs_partner_id"))
        batch_op.drop_index(batch_op.f("ix_repair_jobs_item_id"))
        batch_op.drop_index(batch_op.f("ix_repair_jobs_department_id"))

    op.drop_table("repair_jobs")
