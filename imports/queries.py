"""Read-only queries over import batches, shared by the import pages, labels and the CLI."""

from __future__ import annotations

from sqlalchemy import Select, select

from imports.models import BatchItem


def batch_item_ids(batch_id: int) -> Select:
    """The ids of the items a batch created or updated that still exist, as a subquery."""
    return select(BatchItem.item_id).where(
        BatchItem.batch_id == batch_id, BatchItem.item_id.is_not(None)
    )
