"""Labels and scanning: printer profiles, pre-printed codes, scans, stocktakes, last seen.

Revision ID: d4e5f6a7b8c9
Revises: c3d4e5f6a7b8
Create Date: 2026-11-23 11:00:00

The items table gets its new columns with plain ADD COLUMN (no table rebuild on SQLite, which
would drop the full-text triggers).
"""

import sqlalchemy as sa
from alembic import op

from app.db_types import UTCDateTime

revision = 'd4e5f6a7b8c9'
down_revision = 'c3d4e5f6a7b8'
branch_labels = None
depends_on = None


def add_reference(table: str, column: str, target: str) -> None:
    """ADD COLUMN with a foreign key; SQLite takes it inline, without rebuilding the table."""
    name = f"fk_{table}_{column}_{target}"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
            f"CONSTRAINT {name} REFERENCES {target} (id)"
        )
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, target, [column], ["id"])


def upgrade():
    op.create_table('printer_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('offset_x', sa.Double(), nullable=False),
    sa.Column('offset_y', sa.Double(), nullable=False),
    sa.Column('scale', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_printer_profiles_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_printer_profiles'))
    )
    op.create_index(
        "uq_printer_profiles_name_lower",
        "printer_profiles",
        ["organisation_id", sa.text("lower(name)")],
        unique=True,
    )
    op.create_table('reserved_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=64), nullable=False),
    sa.Column('reserved_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('reserved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['reserved_by_id'], ['users.id'], name=op.f('fk_reserved_tags_reserved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reserved_tags'))
    )
    op.create_index("uq_reserved_tags_tag_lower", "reserved_tags", [sa.text("lower(tag)")], unique=True)
    op.create_table('stocktakes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('storeroom_id', sa.Integer(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_stocktakes_started_by_id_users')),
    sa.ForeignKeyConstraint(['storeroom_id'], ['storerooms.id'], name=op.f('fk_stocktakes_storeroom_id_storerooms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stocktakes'))
    )
    with op.batch_alter_table('stocktakes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stocktakes_storeroom_id'), ['storeroom_id'], unique=False)

    op.create_table('scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('mode', sa.Enum('lookup', 'move', 'stocktake', name='scanmode', native_enum=False, length=32), nullable=False),
    sa.Column('storeroom_id', sa.Integer(), nullable=True),
    sa.Column('stocktake_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('scanned_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.Enum('done', 'unchanged', 'conflict', 'not_found', 'refused', name='scanoutcome', native_enum=False, length=32), nullable=False),
    sa.Column('message', sa.String(length=300), nullable=False),
    sa.Column('moved_from', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_scans_item_id_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stocktake_id'], ['stocktakes.id'], name=op.f('fk_scans_stocktake_id_stocktakes')),
    sa.ForeignKeyConstraint(['storeroom_id'], ['storerooms.id'], name=op.f('fk_scans_storeroom_id_storerooms')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_scans_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scans')),
    sa.UniqueConstraint('user_id', 'client_id', name='uq_scans_user_client')
    )
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scans_stocktake_id'), ['stocktake_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scans_user_id'), ['user_id'], unique=False)

    op.add_column("items", sa.Column("last_seen_at", UTCDateTime(timezone=True), nullable=True))
    add_reference("items", "last_seen_storeroom_id", "storerooms")
    add_reference("items", "last_seen_by_id", "users")
    op.create_index("ix_items_last_seen_at", "items", ["last_seen_at"])


def downgrade():
    op.drop_index("ix_items_last_seen_at", table_name="items")
    with op.batch_alter_table("items") as batch_op:
        batch_op.drop_column("last_seen_by_id")
        batch_op.drop_column("last_seen_storeroom_id")
        batch_op.drop_column("last_seen_at")

    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scans_user_id'))
        batch_op.drop_index(batch_op.f('ix_scans_stocktake_id'))

    op.drop_table('scans')
    with op.batch_alter_table('stocktakes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stocktakes_storeroom_id'))

    op.drop_table('stocktakes')
    op.drop_index("uq_reserved_tags_tag_lower", table_name="reserved_tags")
    op.drop_table('reserved_tags')
    op.drop_index("uq_printer_profiles_name_lower", table_name="printer_profiles")
    op.drop_table('printer_profiles')
