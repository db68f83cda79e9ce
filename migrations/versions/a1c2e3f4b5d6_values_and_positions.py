"""Imports remember what a file's values mean; an item has a position in its storeroom.

`import_value_choices` keeps what a user chose in a preview for a value of a file ("Facility"
is the department Facilities), `import_batches.value_choices` the choices of a batch still in
preview. `items.position` is where in its storeroom an item stands (a shelf, a pallet), and
search finds it: the full-text index is made again with the new column.

Revision ID: a1c2e3f4b5d6
Revises: e1f2a3b4c5d6
Create Date: 2026-12-04 15:40:00
"""

import sqlalchemy as sa
from alembic import op

from app.db_types import UTCDateTime

revision = "a1c2e3f4b5d6"
down_revision = "e1f2a3b4c5d6"
branch_labels = None
depends_on = None

SEARCHED = ("tag", "name", "serial_number", "notes")


def upgrade():
    op.create_table(
        "import_value_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=450), nullable=False),
        sa.Column("choice", sa.String(length=32), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("saved_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["saved_by_id"], ["users.id"], name=op.f("fk_import_value_choices_saved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_value_choices")),
        sa.UniqueConstraint("kind", "key", name=op.f("uq_import_value_choices_kind")),
    )
    # Plain ADD COLUMNs: a batch operation would copy the tables on SQLite for no reason.
    op.add_column(
        "import_batches",
        sa.Column("value_choices", sa.JSON(), server_default="{}", nullable=False),
    )
    op.add_column(
        "items", sa.Column("position", sa.String(length=100), server_default="", nullable=False)
    )
    drop_search()
    create_search((*SEARCHED, "position"))


def downgrade():
    drop_search()
    create_search(SEARCHED)
    op.drop_column("items", "position")
    op.drop_column("import_batches", "value_choices")
    op.drop_table("import_value_choices")


def create_search(columns: tuple[str, ...]) -> None:
    """The full-text index over these columns, kept in step by the database (as the initial
    schema made it, see f0a8803e3145)."""
    if op.get_bind().dialect.name == "postgresql":
        joined = " || ' ' || ".join(columns)
        op.execute(
            "ALTER TABLE items ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            f"to_tsvector('simple'::regconfig, translate({joined}, '-./:#', '     '))) STORED"
        )
        op.execute("CREATE INDEX ix_items_search_vector ON items USING gin (search_vector)")
        return
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE items_fts USING fts5({names}, content='items', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN "
        f"INSERT INTO items_fts(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN "
        f"INSERT INTO items_fts(items_fts, rowid, {names}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER items_fts_update AFTER UPDATE OF {names} ON items BEGIN "
        f"INSERT INTO items_fts(items_fts, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO items_fts(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")


def drop_search() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_items_search_vector")
        op.execute("ALTER TABLE items DROP COLUMN IF EXISTS search_vector")
        return
    for trigger in ("items_fts_insert", "items_fts_delete", "items_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS items_fts")
