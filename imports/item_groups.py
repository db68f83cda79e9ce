"""An import batch's items, for whoever asks the core for them (labels prints them): the
answer to `inventory.signals.item_group` for import batches, so nobody imports this package."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from imports.access import can_see_batches
from imports.models import ImportBatch
from imports.queries import batch_item_ids
from inventory.signals import IMPORT_BATCH, item_group

if TYPE_CHECKING:
    from app.auth.models import User


def batch_items(
    _kind: str, *, session: Session, group_id: int, user: User | None, **_: Any
) -> Select | None:
    """The ids of the batch's items; None for a batch that does not exist or that the user
    may not see (the operator at the command line, `user` None, sees every batch)."""
    if user is not None and not can_see_batches(user):
        return None
    if session.get(ImportBatch, group_id) is None:
        return None
    return batch_item_ids(group_id)


def listen() -> None:
    item_group.connect(batch_items, sender=IMPORT_BATCH)
