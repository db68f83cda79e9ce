"""Assistive aids (reuse/aids): one row per unit in the reconditioning cycle, its accessories,
the journal of its steps, the plans of aid categories, their kits and equivalence groups.

Revision ID: a1b2c3d4e5f7
Revises: d7e8f9a0b1c2
Create Date: 2026-12-06 14:11:32
"""

import sqlalchemy as sa
from alembic import op

from app.db_types import UTCDateTime

revision = "a1b2c3d4e5f7"
down_revision = "d7e8f9a0b1c2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "equivalence_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=400), nullable=False),
        sa.Column("forced", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equivalence_groups")),
        sa.UniqueConstraint("name_key", name=op.f("uq_equivalence_groups_name_key")),
    )
    op.create_table(
        "aid_plans",
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("service_days", sa.Integer(), nullable=True),
        sa.Column("inspection_days", sa.Integer(), nullable=True),
        sa.Column("checklist", sa.Text(), nullable=False),
        sa.Column("step_days", sa.JSON(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_aid_plans_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["equivalence_groups.id"],
            name=op.f("fk_aid_plans_group_id_equivalence_groups"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("category_id", name=op.f("pk_aid_plans")),
    )
    with op.batch_alter_table("aid_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aid_plans_group_id"), ["group_id"], unique=False)

    op.create_table(
        "kit_parts",
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("accessory_category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["accessory_category_id"],
            ["categories.id"],
            name=op.f("fk_kit_parts_accessory_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_kit_parts_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("category_id", "accessory_category_id", name=op.f("pk_kit_parts")),
    )
    op.create_table(
        "aid_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "step",
            sa.Enum(
                "returned",
                "quarantined",
                "cleaned",
                "inspected",
                "ready",
                "issued",
                name="step",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "from_state",
            sa.Enum(
                "returned",
                "quarantined",
                "cleaned",
                "inspected",
                "in_repair",
                "ready",
                "issued",
                name="aidstate",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_state",
            sa.Enum(
                "returned",
                "quarantined",
                "cleaned",
                "inspected",
                "in_repair",
                "ready",
                "issued",
                name="aidstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("by_name", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=200), nullable=False),
        sa.Column("agent", sa.String(length=200), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("proposed_item_id", sa.Integer(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_aid_steps_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_aid_steps_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_aid_steps_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["proposed_item_id"],
            ["items.id"],
            name=op.f("fk_aid_steps_proposed_item_id_items"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aid_steps")),
    )
    with op.batch_alter_table("aid_steps", schema=None) as batch_op:
        batch_op.create_index("ix_aid_steps_item", ["item_id", "id"], unique=False)
        batch_op.create_index("ix_aid_steps_step_at", ["step", "at"], unique=False)

    op.create_table(
        "aids",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "returned",
                "quarantined",
                "cleaned",
                "inspected",
                "in_repair",
                "ready",
                "issued",
                name="aid_state_known",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("returned_at", UTCDateTime(), nullable=True),
        sa.Column("iso_class", sa.String(length=20), nullable=False),
        sa.Column(
            "article_scheme",
            sa.Enum("hmi", "hms", "gtin", name="articlescheme", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("article_number", sa.String(length=40), nullable=False),
        sa.Column("last_inspected_on", sa.Date(), nullable=True),
        sa.Column("last_serviced_on", sa.Date(), nullable=True),
        sa.Column("kit_gap_reason", sa.Text(), nullable=False),
        sa.Column("issued_department_id", sa.Integer(), nullable=True),
        sa.Column("issued_unit", sa.String(length=200), nullable=False),
        sa.Column("home_storeroom_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["home_storeroom_id"],
            ["storerooms.id"],
            name=op.f("fk_aids_home_storeroom_id_storerooms"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_department_id"],
            ["departments.id"],
            name=op.f("fk_aids_issued_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_aids_item_id_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_aids")),
    )
    with op.batch_alter_table("aids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aids_status"), ["status"], unique=False)

    op.create_table(
        "aid_accessories",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("aid_item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["aid_item_id"],
            ["aids.item_id"],
            name=op.f("fk_aid_accessories_aid_item_id_aids"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_aid_accessories_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_aid_accessories")),
    )
    with op.batch_alter_table("aid_accessories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_aid_accessories_aid_item_id"), ["aid_item_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("aid_accessories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aid_accessories_aid_item_id"))

    op.drop_table("aid_accessories")
    with op.batch_alter_table("aids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aids_status"))

    op.drop_table("aids")
    with op.batch_alter_table("aid_steps", schema=None) as batch_op:
        batch_op.drop_index("ix_aid_steps_step_at")
        batch_op.drop_index("ix_aid_steps_item")

    op.drop_table("aid_steps")
    op.drop_table("kit_parts")
    with op.batch_alter_table("aid_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aid_plans_group_id"))

    op.drop_table("aid_plans")
    op.drop_table("equivalence_groups")
