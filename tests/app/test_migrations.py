from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from inventory.search import described_by_models


def test_migrations_build_the_schema_the_models_describe(app):
    """A model change without its migration fails here, not in production."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": described_by_models})
        assert compare_metadata(context, db.metadata) == []
