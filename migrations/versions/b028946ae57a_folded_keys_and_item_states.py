"""Case-folded keys for names and tags (app/folding.py): a key column beside every value that
is unique regardless of case, filled in Python, with a plain index on it, instead of indexes
on lower(), which on SQLite called a Python function of ours that no other program has.

The keys are Python's lower() of the values, which is what SQLite's indexes held already;
should two values that PostgreSQL's lower() told apart fold to one key (it has not happened
with letters of names and tags), the unique index refuses it and the migration stops, naming
the value: rename one of the two and run it again.

An item's status and disposition get CHECK constraints (as c4e8a1d2f3b5 gave listings and
requests theirs), so no writer, the bulk writer's raw SQL included, stores a state the
transition table of inventory/item_states.py does not know.

On SQLite a column becomes NOT NULL, and a table gets a CHECK, only by copying the table
(batch mode): the table's indexes and triggers are set aside first and made again after from
the SQL that made them (the copy would lose the full-text index's triggers on items and a
partial index's WHERE). Items are copied once, for both.

Revision ID: b028946ae57a
Revises: 9944dd9dd35c
Create Date: 2026-12-15 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.extensions import NAMING_CONVENTION
from app.folding import folded

revision = "b028946ae57a"
down_revision = "9944dd9dd35c"
branch_labels = None
depends_on = None

# table: (value column, key column, the value's length)
KEYS = {
    "departments": (("name", "name_key", 200),),
    "sites": (("name", "name_key", 200),),
    "storerooms": (("code", "code_key", 32),),
    "categories": (("name", "name_key", 200),),
    "items": (("tag", "tag_key", 64), ("name", "name_key", 200)),
    "users": (("email", "email_key", 254),),
    "printer_profiles": (("name", "name_key", 100),),
    "reserved_tags": (("tag", "tag_key", 64),),
}
# index: (table, columns, unique)
OLD = {
    "uq_departments_name_lower": ("departments", ("lower(name)",), True),
    "uq_sites_name_lower": ("sites", ("lower(name)",), True),
    "uq_storerooms_code_lower": ("storerooms", ("lower(code)",), True),
    "uq_categories_parent_name": ("categories", ("parent_id", "lower(name)"), True),
    "uq_items_tag_lower": ("items", ("lower(tag)",), True),
    "ix_items_name_lower": ("items", ("lower(name)",), False),
    "ix_items_department_status_name": (
        "items", ("department_id", "status", "lower(name)", "id"), False,
    ),
    "uq_users_email_lower": ("users", ("lower(email)",), True),
    "uq_printer_profiles_name_lower": ("printer_profiles", ("organisation_id", "lower(name)"), True),
    "uq_reserved_tags_tag_lower": ("reserved_tags", ("lower(tag)",), True),
}  # fmt: skip
NEW = {
    "uq_departments_name_key": ("departments", ("name_key",), True),
    "uq_sites_name_key": ("sites", ("name_key",), True),
    "uq_storerooms_code_key": ("storerooms", ("code_key",), True),
    "uq_categories_parent_name": ("categories", ("parent_id", "name_key"), True),
    "uq_items_tag_key": ("items", ("tag_key",), True),
    "ix_items_name_key": ("items", ("name_key",), False),
    "ix_items_department_status_name": (
        "items", ("department_id", "status", "name_key", "id"), False,
    ),
    "uq_users_email_key": ("users", ("email_key",), True),
    "uq_printer_profiles_name_key": ("printer_profiles", ("organisation_id", "name_key"), True),
    "uq_reserved_tags_tag_key": ("reserved_tags", ("tag_key",), True),
}  # fmt: skip
ITEM_STATES = {
    "status_known": ("status", ("in_use", "in_storage", "offered", "reserved", "missing",
                                "disposed")),
    "disposition_known": ("disposition", ("given_away", "sold", "recycled", "scrapped", "lost",
                                          "to_partner")),
}  # fmt: skip
FILL_CHUNK = 5_000
# The copy reflects only its own table, not the ones its foreign keys name, and names the
# foreign keys SQLite reflects without their names (those made with ADD COLUMN) as they were.
BATCH = {"reflect_kwargs": {"resolve_fks": False}, "naming_convention": NAMING_CONVENTION}


def upgrade():
    for name, (table, _, _) in OLD.items():
        op.drop_index(name, table_name=table)
    for table, keys in KEYS.items():
        for _, key, length in keys:  # a plain ADD COLUMN, NULL until filled
            op.add_column(table, sa.Column(key, sa.String(2 * length), nullable=True))
        _fill(table, keys)
        _require(table, keys)
    _create(NEW)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        with sqlite_copy("items") as batch:
            for name in ITEM_STATES:
                batch.drop_constraint(name, type_="check")
    else:
        for name in ITEM_STATES:
            op.drop_constraint(name, "items", type_="check")
    for name, (table, _, _) in NEW.items():
        op.drop_index(name, table_name=table)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # the old indexes were on the app's own lower()
        bind.connection.driver_connection.create_function("lower", 1, folded, deterministic=True)
    for table, keys in KEYS.items():
        for _, key, _ in keys:  # SQLite has had DROP COLUMN since 3.35
            op.execute(f"ALTER TABLE {table} DROP COLUMN {key}")
    _create(OLD)


def _fill(table: str, keys: tuple[tuple[str, str, int], ...]) -> None:
    """Each row's keys, folded in Python, a few thousand rows at a time in id order."""
    bind = op.get_bind()
    values = ", ".join(value for value, _, _ in keys)
    read = sa.text(f"SELECT id, {values} FROM {table} WHERE id > :after ORDER BY id LIMIT :n")
    sets = ", ".join(f"{key} = :{key}" for _, key, _ in keys)
    write = sa.text(f"UPDATE {table} SET {sets} WHERE id = :id")
    after = 0
    while rows := bind.execute(read, {"after": after, "n": FILL_CHUNK}).all():
        bind.execute(write, [
            {"id": row[0], **{key: folded(v) for (_, key, _), v in zip(keys, row[1:])}}
            for row in rows
        ])  # fmt: skip
        after = rows[-1][0]


def _require(table: str, keys: tuple[tuple[str, str, int], ...]) -> None:
    """Make the keys NOT NULL, and give items the CHECKs of their states."""
    checks = ITEM_STATES if table == "items" else {}
    if op.get_bind().dialect.name != "sqlite":
        for _, key, length in keys:
            op.alter_column(table, key, existing_type=sa.String(2 * length), nullable=False)
        for name, (column, states) in checks.items():
            op.create_check_constraint(name, table, _in(column, states))
        return
    with sqlite_copy(table) as batch:
        for _, key, length in keys:
            batch.alter_column(key, existing_type=sa.String(2 * length), nullable=False)
        for name, (column, states) in checks.items():
            batch.create_check_constraint(name, _in(column, states))


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class sqlite_copy:  # noqa: N801 (used as a context manager, as op.batch_alter_table is)
    """op.batch_alter_table on SQLite with the table's own indexes and triggers kept: dropped
    before the copy and made again after it with the SQL that made them."""

    def __init__(self, table: str) -> None:
        self.table = table

    def __enter__(self):
        self.kept = op.get_bind().execute(sa.text(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = :table "
            "AND type IN ('index', 'trigger') AND sql IS NOT NULL"
        ), {"table": self.table}).all()  # fmt: skip
        for kind, name, _ in self.kept:
            op.execute(f'DROP {kind.upper()} "{name}"')
        self.batch = op.batch_alter_table(self.table, recreate="always", **BATCH)
        return self.batch.__enter__()

    def __exit__(self, *failure):
        self.batch.__exit__(*failure)
        if failure[0] is None:
            for _, _, sql in self.kept:
                op.execute(sql)
        return False


def _create(indexes: dict[str, tuple[str, tuple[str, ...], bool]]) -> None:
    for name, (table, columns, unique) in indexes.items():
        expressions = [sa.text(c) if "(" in c else c for c in columns]
        op.create_index(name, table, expressions, unique=unique)
