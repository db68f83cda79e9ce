"""An item's status and every move between its values.

An item rests in storage or in use (its storeroom says which), may go missing, may be held by
a reuse listing (offered, then reserved for a request), and leaves for good when disposed of.
Items are saved through the ORM with a version column, so a race is caught at the flush; the
table here says which moves a status allows, and `step` makes one, or refuses it saying why.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.states import Transition, transition
from inventory import vocabulary
from inventory.errors import ItemNotAvailable
from inventory.models import Item, ItemStatus

IN_USE, IN_STORAGE, MISSING = ItemStatus.IN_USE, ItemStatus.IN_STORAGE, ItemStatus.MISSING
OFFERED, RESERVED, DISPOSED = ItemStatus.OFFERED, ItemStatus.RESERVED, ItemStatus.DISPOSED

STOCK = frozenset({IN_USE, IN_STORAGE})  # resting: its storeroom, or none, says which
ACTIVE = STOCK | {MISSING}  # can be moved, edited in full, marked missing or disposed of
HELD = frozenset({OFFERED, RESERVED})  # held by an open reuse listing until it ends
# What a listing relies on: a held item keeps them until its listing ends.
HELD_FIELDS = ("quantity", "department")

PUT_AWAY = transition("put away", ACTIVE, IN_STORAGE)  # moved into a storeroom
TAKE_INTO_USE = transition("take into use", ACTIVE, IN_USE)  # moved out to a place
CARRY_OFFERED = transition("carry offered", {OFFERED}, OFFERED)  # moved, still on offer
CARRY_RESERVED = transition("carry reserved", {RESERVED}, RESERVED)
MARK_MISSING = transition("mark missing", ACTIVE, MISSING)
DISPOSE = transition("dispose", ACTIVE, DISPOSED)
DISPOSE_OFFERED = transition("dispose offered", {OFFERED}, DISPOSED)  # its listing closed
OFFER = transition("offer", STOCK, OFFERED)
RESERVE = transition("reserve", {OFFERED}, RESERVED)  # all that is offered is reserved
RELEASE = transition("release", {RESERVED}, OFFERED)  # a reservation cancelled or handed over
RESTOCK_STORED = transition("restock stored", HELD, IN_STORAGE)  # its listing ended
RESTOCK_IN_USE = transition("restock in use", HELD, IN_USE)
TRANSFER_STORED = transition("transfer stored", STOCK | HELD, IN_STORAGE)  # handed over
TRANSFER_IN_USE = transition("transfer in use", STOCK | HELD, IN_USE)

TRANSITIONS: tuple[Transition[ItemStatus], ...] = (
    PUT_AWAY, TAKE_INTO_USE, CARRY_OFFERED, CARRY_RESERVED, MARK_MISSING, DISPOSE,
    DISPOSE_OFFERED, OFFER, RESERVE, RELEASE, RESTOCK_STORED, RESTOCK_IN_USE, TRANSFER_STORED,
    TRANSFER_IN_USE,
)  # fmt: skip

REFUSALS: dict[Transition, LazyString] = {
    MARK_MISSING: _l("This item cannot be marked missing now. Its status: %(s)s."),
    DISPOSE: _l("This item cannot be disposed of now. Its status: %(s)s."),
    DISPOSE_OFFERED: _l("This item cannot be disposed of now. Its status: %(s)s."),
    OFFER: _l("This item cannot be offered now. Its status: %(s)s."),
}
MOVE_REFUSAL = _l("This item cannot be moved now. Its status: %(s)s.")


def moving(item: Item, into_storage: bool) -> Transition[ItemStatus]:
    """The move an item makes when carried: a held one stays held, a resting one goes into
    storage or into use."""
    if item.status == OFFERED:
        return CARRY_OFFERED
    if item.status == RESERVED:
        return CARRY_RESERVED
    return PUT_AWAY if into_storage else TAKE_INTO_USE


def restocking(item: Item) -> Transition[ItemStatus]:
    """Back to rest when nothing holds it: into storage if it has a storeroom, else in use."""
    return RESTOCK_STORED if item.storeroom_id else RESTOCK_IN_USE


def check(item: Item, move: Transition[ItemStatus]) -> None:
    """Refuse a move the item's status does not allow, naming the status it has."""
    if not move.allows(item.status):
        refusal = REFUSALS.get(move, MOVE_REFUSAL)
        raise ItemNotAvailable(refusal % {"s": vocabulary.STATUS[item.status]})


def step(item: Item, move: Transition[ItemStatus]) -> None:
    """Set the item's status by `move`, or refuse it."""
    check(item, move)
    item.status = move.target
