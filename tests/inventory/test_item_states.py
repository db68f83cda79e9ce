"""An item's status table: every status reachable, disposal final, and `step` refusing what
the status does not allow with the status named."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.states import reachable
from inventory import item_states
from inventory.errors import ItemNotAvailable
from inventory.models import Item, ItemStatus


def test_every_status_is_reachable_from_rest_and_disposal_is_final():
    assert reachable(ItemStatus.IN_USE, item_states.TRANSITIONS) == set(ItemStatus)
    assert not [m.name for m in item_states.TRANSITIONS if ItemStatus.DISPOSED in m.sources]


@pytest.mark.parametrize(
    "status, move, message",
    [
        (ItemStatus.DISPOSED, item_states.PUT_AWAY, "cannot be moved now. Its status: Disposed"),
        (ItemStatus.OFFERED, item_states.MARK_MISSING, "cannot be marked missing now"),
        (ItemStatus.RESERVED, item_states.DISPOSE, "cannot be disposed of now"),
        (ItemStatus.MISSING, item_states.OFFER, "cannot be offered now. Its status: Missing"),
    ],
)
def test_a_move_the_status_does_not_allow_is_refused_naming_the_status(app, status, move, message):
    item = Item(status=status)
    with app.test_request_context(), pytest.raises(ItemNotAvailable, match=message):
        item_states.step(item, move)
    assert item.status == status


def test_a_carried_item_keeps_its_hold_and_a_resting_one_follows_where_it_goes():
    assert item_states.moving(Item(status=ItemStatus.RESERVED), into_storage=False).target == (
        ItemStatus.RESERVED
    )
    assert item_states.moving(Item(status=ItemStatus.MISSING), into_storage=True).target == (
        ItemStatus.IN_STORAGE
    )


@pytest.mark.parametrize("column, value", [("status", "lost_in_space"), ("disposition", "burnt")])
def test_the_database_refuses_a_state_the_table_does_not_know(db_session, make_item, column,
                                                              value):  # fmt: skip
    """Even raw SQL, such as the bulk writer's, cannot store it (a CHECK constraint)."""
    item = make_item()
    with pytest.raises(IntegrityError):
        db_session.execute(text(f"UPDATE items SET {column} = :v WHERE id = :id"),
                           {"v": value, "id": item.id})  # fmt: skip
    db_session.rollback()
