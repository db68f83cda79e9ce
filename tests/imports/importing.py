"""Importing a file in a test, written once: through the services, as the CLI does."""

from app.timeutil import utcnow
from imports import services
from tests.stock_lists import workbook


def run_import(db_session, user, data: bytes, name: str, *, commit=True, **options):
    """Check a file (commit=False) or import it; returns the batch and its plan.

    :param options: create_missing (default True), all_or_nothing, mapping, choices (what the
        user chose for the file's values: kind -> folded value -> an id or "new").
    """
    batch, table = services.start_batch(db_session, data, name, user=user, sheet=None,
                                        now=utcnow(), max_rows=200_000)  # fmt: skip
    batch.create_missing = options.get("create_missing", True)
    batch.all_or_nothing = options.get("all_or_nothing", False)
    batch.value_choices = options.get("choices", {})
    if "mapping" in options:
        assert services.set_mapping(batch, options["mapping"]) == []
    if not commit:
        return batch, services.preview(db_session, batch, table, user=user)
    plan = services.commit(db_session, batch, table, user=user, now=utcnow(),
                           tag_prefix="INV-", tag_digits=6)  # fmt: skip
    db_session.commit()
    return batch, plan


def xlsx(rows: list[list]) -> bytes:
    """A one-sheet workbook of these rows."""
    return workbook({"Sheet": rows})
