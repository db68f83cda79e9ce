"""Read queries. Each returns a Select, so views paginate it and tests execute it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, selectinload

from inventory.access import item_scope
from inventory.models import (
    Category,
    Condition,
    Department,
    Item,
    ItemEvent,
    ItemStatus,
    Site,
    Storeroom,
)
from inventory.search import Search, search_terms

if TYPE_CHECKING:
    from datetime import datetime

    from app.auth.models import User


@dataclass(frozen=True)
class SortKey:
    """An order that is unique (its last column is the item id), all one direction."""

    order: tuple[ColumnElement, ...]
    descending: bool

    def clauses(self) -> list[ColumnElement]:
        return [c.desc() if self.descending else c.asc() for c in self.order]


SORTS = {
    "registered": SortKey((Item.id,), descending=True),
    "name": SortKey((Item.name_key, Item.id), descending=False),
    "tag": SortKey((Item.tag_key, Item.id), descending=False),
    "newest": SortKey((Item.updated_at, Item.id), descending=True),
    "oldest": SortKey((Item.updated_at, Item.id), descending=False),
}
# What a row of an item list shows; the names of its category, department and storeroom
# come from PlaceNames, which the list page loads anyway for its filter menus.
LIST_COLUMNS = (
    Item.id,
    Item.tag,
    Item.name,
    Item.quantity,
    Item.status,
    Item.position,
    Item.place,
    Item.category_id,
    Item.department_id,
    Item.storeroom_id,
)


@dataclass
class ItemFilter:
    """What the item list is filtered by; every field optional."""

    q: str = ""
    category_id: int | None = None
    department_id: int | None = None
    storeroom_id: int | None = None
    site_id: int | None = None
    status: ItemStatus | None = None
    condition: Condition | None = None
    sort: str = ""  # empty: the default for the query, see effective_sort


def category_and_descendants(category_id: int) -> Select:
    """The ids of a category and everything below it in the tree."""
    tree = select(Category.id).where(Category.id == category_id).cte(recursive=True)
    tree = tree.union_all(select(Category.id).where(Category.parent_id == tree.c.id))
    return select(tree.c.id)


def effective_sort(filters: ItemFilter) -> str:
    """The chosen sort, or the default: best match, then newest registered, when searching;
    else by name."""
    if filters.sort in SORTS:
        return filters.sort
    return "registered" if search_terms(filters.q) else "name"


def ranked(filters: ItemFilter) -> bool:
    """Whether the list is a search in its default order, best matches first (see
    inventory.search: such a list is paged tier by tier)."""
    return effective_sort(filters) == "registered" and bool(search_terms(filters.q))


def search_items(session: Session, user: User, filters: ItemFilter) -> Select[tuple[Item]]:
    """Items `user` may see that match `filters`, in the list's order: the whole list, for
    exports and labels. The list page itself reads a search page by page (inventory.web)."""
    query = filtered_items(user, filters)
    search = Search.prepare(session, filters.q)
    if search is not None:
        query = query.where(search.matches())
        if ranked(filters):
            return query.order_by(search.score().desc(), Item.id.desc())
    return query.order_by(*SORTS[effective_sort(filters)].clauses())


def filtered_items(user: User, filters: ItemFilter) -> Select[tuple[Item]]:
    """Items `user` may see that pass every filter but the search, in no order."""
    query = select(Item).where(item_scope(user))
    if filters.category_id:
        query = query.where(Item.category_id.in_(category_and_descendants(filters.category_id)))
    if filters.department_id:
        query = query.where(Item.department_id == filters.department_id)
    if filters.storeroom_id:
        query = query.where(Item.storeroom_id == filters.storeroom_id)
    if filters.site_id:
        in_site = select(Storeroom.id).where(Storeroom.site_id == filters.site_id)
        query = query.where(Item.storeroom_id.in_(in_site))
    if filters.status:
        query = query.where(Item.status == filters.status)
    else:  # disposed items show only when asked for
        query = query.where(Item.status != ItemStatus.DISPOSED)
    if filters.condition:
        query = query.where(Item.condition == filters.condition)
    return query


def list_rows(query: Select) -> Select:
    """Only the columns an item list shows: no ORM objects, no related rows."""
    return query.with_only_columns(*LIST_COLUMNS)


def anchor_values(user: User, key: SortKey, item_id: int) -> Select:
    """The sort values of an item `user` may see, where the next or previous page starts."""
    return select(*key.order).where(Item.id == item_id, item_scope(user))


def item_history(item_id: int) -> Select[tuple[ItemEvent]]:
    return (
        select(ItemEvent)
        .where(ItemEvent.item_id == item_id)
        .options(selectinload(ItemEvent.user))
        .order_by(ItemEvent.id.desc())
    )


def departments() -> Select[tuple[Department]]:
    return select(Department).order_by(Department.name_key)


def sites() -> Select[tuple[Site]]:
    return select(Site).order_by(Site.name_key)


def categories() -> Select[tuple[Category]]:
    return select(Category).options(selectinload(Category.parent))


def items_in(storeroom: Storeroom, user: User) -> Select[tuple[Item]]:
    """What a storeroom holds, as far as `user` may see."""
    return (
        select(Item)
        .where(
            Item.storeroom_id == storeroom.id, Item.status != ItemStatus.DISPOSED, item_scope(user)
        )
        .order_by(*SORTS["name"].clauses())
    )


def count_by_status(user: User) -> Select:
    return select(Item.status, func.count()).where(item_scope(user)).group_by(Item.status)


def not_seen_since(cutoff: datetime) -> Select[tuple[Item]]:
    """Items in storerooms that no scan has seen since `cutoff` (or ever, if registered before):
    the things forgotten in a storeroom."""
    return select(Item).where(
        Item.storeroom_id.is_not(None),
        Item.status != ItemStatus.DISPOSED,
        func.coalesce(Item.last_seen_at, Item.created_at) < cutoff,
    )
