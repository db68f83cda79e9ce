"""Initial schema: accounts, the inventory core, and full-text search over items.

Revision ID: f0a8803e3145
Revises:
Create Date: 2026-11-23 02:19:41.532688

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "f0a8803e3145"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "furniture",
                "assistive_aid",
                "equipment",
                name="categorykind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "replacement_value", sa.Numeric(precision=12, scale=2), nullable=True
        ),
        sa.Column("co2e_kg", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["categories.id"],
            name=op.f("fk_categories_parent_id_categories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
    )
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_categories_parent_id"), ["parent_id"], unique=False
        )

    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
    )
    op.create_table(
        "departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failures_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_login_failures_email"), ["email"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_login_failures_ip"), ["ip"], unique=False)

    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("town", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
    )
    op.create_table(
        "storerooms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_storerooms_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_storerooms_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_storerooms")),
    )
    with op.batch_alter_table("storerooms", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_storerooms_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_storerooms_site_id"), ["site_id"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "manager",
                "staff",
                "requester",
                name="role",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("is_active_account", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("session_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_users_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_users_department_id"), ["department_id"], unique=False
        )

    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("storeroom_id", sa.Integer(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "in_use",
                "in_storage",
                "offered",
                "reserved",
                "disposed",
                name="itemstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
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
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("serial_number", sa.String(length=120), nullable=False),
        sa.Column("manufacturer", sa.String(length=120), nullable=False),
        sa.Column("model", sa.String(length=120), nullable=False),
        sa.Column("purchase_date", sa.Date(), nullable=True),
        sa.Column("purchase_price", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column(
            "replacement_value", sa.Numeric(precision=12, scale=2), nullable=True
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column(
            "disposition",
            sa.Enum(
                "given_away",
                "sold",
                "recycled",
                "scrapped",
                "lost",
                name="disposition",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_items_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_items_category_id_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_items_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["storeroom_id"],
            ["storerooms.id"],
            name=op.f("fk_items_storeroom_id_storerooms"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_items_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_items_condition"), ["condition"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_items_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_items_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_items_storeroom_id"), ["storeroom_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_items_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "password_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_password_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_tokens_token_hash")),
    )
    with op.batch_alter_table("password_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_password_tokens_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "item_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "created",
                "edited",
                "moved",
                "disposed",
                "photo_added",
                "photo_removed",
                "imported",
                "label_printed",
                "counted",
                "flagged",
                "requested",
                "transferred",
                "split",
                name="eventkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_item_events_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_item_events_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_events")),
    )
    with op.batch_alter_table("item_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_events_item_id"), ["item_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_item_events_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "item_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("thumbnail", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_item_photos_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_item_photos_uploaded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_photos")),
    )
    with op.batch_alter_table("item_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_photos_item_id"), ["item_id"], unique=False
        )

    # Case-insensitive uniqueness and lookups, portable to SQLite and PostgreSQL.
    op.create_index(
        "uq_departments_name_lower",
        "departments",
        [sa.text("lower(name)")],
        unique=True,
    )
    op.create_index(
        "uq_sites_name_lower", "sites", [sa.text("lower(name)")], unique=True
    )
    op.create_index(
        "uq_storerooms_code_lower", "storerooms", [sa.text("lower(code)")], unique=True
    )
    op.create_index(
        "uq_categories_parent_name",
        "categories",
        ["parent_id", sa.text("lower(name)")],
        unique=True,
    )
    op.create_index(
        "uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True
    )
    op.create_index("uq_items_tag_lower", "items", [sa.text("lower(tag)")], unique=True)
    op.create_index("ix_items_name_lower", "items", [sa.text("lower(name)")])
    op.execute("INSERT INTO counters (name, value) VALUES ('item_tag', 0)")
    create_search()


def create_search():
    """Full-text search over tag, name, serial number and notes, kept in step by the database."""
    if op.get_bind().dialect.name == "postgresql":
        # Punctuation becomes spaces first, as in inventory.search.search_terms: PostgreSQL's
        # parser would otherwise read "INV-000123" as the words "inv" and "-000123".
        op.execute(
            "ALTER TABLE items ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "to_tsvector('simple'::regconfig, translate(tag || ' ' || name || ' ' || serial_number"
            " || ' ' || notes, '-./:#', '     '))) STORED"
        )
        op.execute(
            "CREATE INDEX ix_items_search_vector ON items USING gin (search_vector)"
        )
        return
    op.execute(
        "CREATE VIRTUAL TABLE items_fts USING fts5(tag, name, serial_number, notes, "
        "content='items', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    columns = "tag, name, serial_number, notes"
    new = "new.tag, new.name, new.serial_number, new.notes"
    old = "old.tag, old.name, old.serial_number, old.notes"
    op.execute(
        f"CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN "
        f"INSERT INTO items_fts(rowid, {columns}) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN "
        f"INSERT INTO items_fts(items_fts, rowid, {columns}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER items_fts_update AFTER UPDATE OF {columns} ON items BEGIN "
        f"INSERT INTO items_fts(items_fts, rowid, {columns}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO items_fts(rowid, {columns}) VALUES (new.id, {new}); END"
    )


def drop_search():
    if op.get_bind().dialect.name == "postgresql":
        return  # the column and its index go with the table
    for trigger in ("items_fts_insert", "items_fts_delete", "items_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS items_fts")


def downgrade():
    drop_search()
    with op.batch_alter_table("item_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_photos_item_id"))

    op.drop_table("item_photos")
    with op.batch_alter_table("item_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_events_user_id"))
        batch_op.drop_index(batch_op.f("ix_item_events_item_id"))

    op.drop_table("item_events")
    with op.batch_alter_table("password_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_tokens_user_id"))

    op.drop_table("password_tokens")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_items_updated_at"))
        batch_op.drop_index(batch_op.f("ix_items_storeroom_id"))
        batch_op.drop_index(batch_op.f("ix_items_status"))
        batch_op.drop_index(batch_op.f("ix_items_department_id"))
        batch_op.drop_index(batch_op.f("ix_items_condition"))
        batch_op.drop_index(batch_op.f("ix_items_category_id"))

    op.drop_table("items")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_department_id"))

    op.drop_table("users")
    with op.batch_alter_table("storerooms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_storerooms_site_id"))
        batch_op.drop_index(batch_op.f("ix_storerooms_department_id"))

    op.drop_table("storerooms")
    op.drop_table("sites")
    op.drop_table("organisations")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_ip"))
        batch_op.drop_index(batch_op.f("ix_login_failures_email"))
        batch_op.drop_index(batch_op.f("ix_login_failures_at"))

    op.drop_table("login_failures")
    op.drop_table("departments")
    op.drop_table("counters")
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_categories_parent_id"))

    op.drop_table("categories")
