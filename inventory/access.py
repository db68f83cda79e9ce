"""Who may do what with which object. Every view asks here; nothing is decided in templates alone.

Requesters see and edit only their own department's items; staff and managers work across
departments; admins may do everything. Functions take the user explicitly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, true

from app.auth.roles import Role
from inventory.errors import DuplicateTag, InventoryError
from inventory.models import Item

if TYPE_CHECKING:
    from app.auth.models import User

MOVERS = frozenset({Role.ADMIN, Role.MANAGER, Role.STAFF})
MANAGERS = frozenset({Role.ADMIN, Role.MANAGER})


def item_scope(user: User) -> ColumnElement[bool]:
    """The condition on Item for the items `user` may see."""
    if user.works_across_departments:
        return true()
    return Item.department_id == user.department_id


def sees_every_item(user: User) -> bool:
    """Whether nothing in the inventory is hidden from `user`; what they are told of another
    department's items (a tag in use, a name) may then say so."""
    return user.works_across_departments


# What is said of a taken tag to those who do not see every item: the same of a tag of their own
# department's, of another department's or of a storeroom, so nothing out of sight shows.
UNUSABLE_TAG = _l("This tag can't be used; choose another, or leave it empty to get one.")


def refusal_shown(user: User, error: InventoryError) -> str:
    """A refusal as `user` may read it: never "that tag is someone else's"."""
    if isinstance(error, DuplicateTag) and not sees_every_item(user):
        return str(UNUSABLE_TAG)
    return str(error)


def can_view_item(user: User, item: Item) -> bool:
    return user.works_across_departments or item.department_id == user.department_id


def can_edit_item(user: User, item: Item) -> bool:
    return can_view_item(user, item)


def can_move_item(user: User, item: Item) -> bool:
    return user.role in MOVERS and can_view_item(user, item)


def can_dispose_item(user: User, item: Item) -> bool:
    return user.role in MANAGERS


def can_choose_department(user: User) -> bool:
    """Only cross-department roles may file an item under another department."""
    return user.works_across_departments


def can_manage_places(user: User) -> bool:
    """Sites, storerooms, departments and categories are run by facility managers and admins."""
    return user.role in MANAGERS
