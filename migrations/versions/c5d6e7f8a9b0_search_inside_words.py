"""Search finds words inside words: a trigram index over the searched fields.

The word index (FTS5 unicode61 on SQLite, a 'simple' tsvector on PostgreSQL) found only word
starts, so "säng" missed "Vårdsäng". It is replaced by one trigram index over the same fields,
lower-cased, punctuation turned to spaces, with a space at each end: " inv 000012 vårdsäng ".
A pattern with spaces then tells a whole word (" säng ") from a word start (" säng") from
anywhere inside (" säng" without the space, "säng"); see inventory/search.py.

SQLite: a contentless FTS5 table `items_search` with the trigram tokenizer, kept by triggers.
PostgreSQL: a generated column `items.search_text` with a pg_trgm GIN index, read by LIKE.

Revision ID: c5d6e7f8a9b0
Revises: c5e1a9d3f7b2
Create Date: 2026-12-05 18:20:00
"""

from alembic import op

revision = "c5d6e7f8a9b0"
down_revision = "c5e1a9d3f7b2"
branch_labels = None
depends_on = None

SEARCHED = ("tag", "name", "serial_number", "notes", "position")
# What separates words besides white space; inventory.search.search_terms splits on these too.
PUNCTUATION = "-./:#,;()[]_'\"!?+&*\t\n\r"


def upgrade():
    drop_word_index()
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "ALTER TABLE items ADD COLUMN search_text text GENERATED ALWAYS AS "
            f"({_postgresql_text()}) STORED"
        )
        op.execute(
            "CREATE INDEX ix_items_search_text ON items USING gin (search_text gin_trgm_ops)"
        )
        return
    op.execute(
        "CREATE VIRTUAL TABLE items_search USING fts5(words, content='', tokenize='trigram')"
    )
    new, old = _sqlite_text("new"), _sqlite_text("old")
    op.execute(
        "CREATE TRIGGER items_search_insert AFTER INSERT ON items BEGIN "
        f"INSERT INTO items_search(rowid, words) VALUES (new.id, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER items_search_delete AFTER DELETE ON items BEGIN INSERT INTO "
        f"items_search(items_search, rowid, words) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER items_search_update AFTER UPDATE OF {', '.join(SEARCHED)} ON items "
        "BEGIN INSERT INTO "
        f"items_search(items_search, rowid, words) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO items_search(rowid, words) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"INSERT INTO items_search(rowid, words) SELECT id, {_sqlite_text('items')} FROM items"
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_items_search_text")
        op.execute("ALTER TABLE items DROP COLUMN IF EXISTS search_text")
        joined = " || ' ' || ".join(SEARCHED)
        op.execute(
            "ALTER TABLE items ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            f"to_tsvector('simple'::regconfig, translate({joined}, '-./:#', '     '))) STORED"
        )
        op.execute("CREATE INDEX ix_items_search_vector ON items USING gin (search_vector)")
        return
    for trigger in ("items_search_insert", "items_search_delete", "items_search_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS items_search")
    names = ", ".join(SEARCHED)
    new = ", ".join(f"new.{c}" for c in SEARCHED)
    old = ", ".join(f"old.{c}" for c in SEARCHED)
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


def drop_word_index() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_items_search_vector")
        op.execute("ALTER TABLE items DROP COLUMN IF EXISTS search_vector")
        return
    for trigger in ("items_fts_insert", "items_fts_delete", "items_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS items_fts")


def _sqlite_text(row: str) -> str:
    """The indexed text of `row` (new, old or a table): the trigram tokenizer folds case."""
    parts = []
    for column in SEARCHED:
        expression = f"coalesce({row}.{column}, '')"
        for char in PUNCTUATION:
            expression = f"replace({expression}, char({ord(char)}), ' ')"
        parts.append(expression)
    return "' ' || " + " || ' ' || ".join(parts) + " || ' '"


def _postgresql_text() -> str:
    joined = " || ' ' || ".join(f"coalesce({column}, '')" for column in SEARCHED)
    chars = PUNCTUATION.replace("'", "''")
    return f"' ' || lower(translate({joined}, E'{_escaped(chars)}', '{' ' * len(PUNCTUATION)}')) || ' '"


def _escaped(chars: str) -> str:
    return (
        chars.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )
