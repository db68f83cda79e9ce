"""After the run, in the database: every edit the app answered as saved is there with its
history, and every transfer request is whole (its row, its history event and its notice) or
not there at all, also for the requests whose answer was lost in the outage."""

from __future__ import annotations

from load_plan import MARK
from sqlalchemy import select

from app.extensions import db
from inventory.models import EventKind, Item, ItemEvent
from reuse.listings.models import Listing
from reuse.notices.models import Notification
from reuse.requests.models import TransferRequest


def check_saved(clients: list[dict]) -> list[str]:
    """What is missing or half-written, in words; empty when all is well."""
    edits = [tuple(edit) for client in clients for edit in client["edits_saved"]]
    requests = [tuple(sent) for client in clients for sent in client["requests_sent"]]
    return check_edits(edits) + check_requests(requests)


def check_edits(saved: list[tuple[int, str]]) -> list[str]:
    events = db.session.execute(
        select(ItemEvent.item_id, ItemEvent.changes).where(ItemEvent.kind == EventKind.EDITED)
    ).all()
    recorded = {(item_id, changes["notes"][1]) for item_id, changes in events if "notes" in changes}
    written = db.session.execute(select(Item.id, Item.notes).where(Item.notes.startswith(MARK)))
    problems = []
    for item_id, notes in saved:
        if (item_id, notes) not in recorded:
            problems.append(f"edit of item {item_id} answered as saved, not in history: {notes}")
    for item_id, notes in written:
        if (item_id, notes) not in recorded:
            problems.append(f"item {item_id} changed without its history: {notes}")
    return problems


def requests_by_message() -> dict[str, tuple[int, int, int]]:
    """The bench's requests in the database: message -> (request id, listing id, item id)."""
    rows = db.session.execute(
        select(TransferRequest.message, TransferRequest.id, Listing.id, Listing.item_id)
        .join(Listing)
        .where(TransferRequest.message.startswith(MARK))
    ).all()
    return {
        message: (request_id, listing_id, item_id)
        for message, request_id, listing_id, item_id in rows
    }


def check_requests(sent: list[tuple[int, str]]) -> list[str]:
    found = requests_by_message()
    problems = [
        f"request for listing {listing} answered as sent, not there: {message}"
        for listing, message in sent
        if found.get(message, (0, 0, 0))[1] != listing
    ]
    history = set(
        db.session.execute(
            select(ItemEvent.item_id, ItemEvent.note).where(ItemEvent.kind == EventKind.REQUESTED)
        ).all()
    )
    noticed = set(db.session.scalars(select(Notification.request_id)))
    for message, (request_id, _listing, item_id) in found.items():
        if (item_id, message) not in history:
            problems.append(f"request {request_id} without its history event")
        if request_id not in noticed:
            problems.append(f"request {request_id} without its notice")
    orphans = {note for _item, note in history if note.startswith(MARK)} - set(found)
    return problems + [f"history of a request that is not there: {note}" for note in orphans]
