"""Read queries. Each returns a Select, so views paginate it and tests execute it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import selectinload

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
from inventory.search import filter_matching, newest_match_first, search_terms

if TYPE_CHECKING:
    from app.auth.models import User

SORTS = {
    "registered": (Item.id.desc(),),
    "name": (func.lower(Item.name), Item.id),
    "tag": (func.lower(Item.tag),),
    "newest": (Item.updated_at.desc(), Item.id.desc()),
    "oldest": (Item.updated_at, Item.id),
}


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
    """The chosen sort, or the default: newest registered when searching, else by name.

    Sorting thousands of matches of a common word by name costs more than the page itself,
    while the search index yields the newest matches in order at no cost.
    """
    if filters.sort in SORTS:
        return filters.sort
    return "registered" if search_terms(filters.q) else "name"


def search_items(user: User, filters: ItemFilter, dialect: Dialect) -> Select[tuple[Item]]:
    """Items `user` may see that match `filters`, sorted."""
    query = select(Item).where(item_scope(user))
    terms = search_terms(filters.q)
    if terms:
        query = filter_matching(query, terms, dialect)
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
    sort = effective_sort(filters)
    if sort == "registered" and terms:
        return query.order_by(newest_match_first(dialect))
    return query.order_by(*SORTS[sort])


def with_list_columns(query: Select) -> Select:
    """Load what the item list shows in a few queries instead of one per row."""
    return query.options(
        selectinload(Item.category).selectinload(Category.parent),
        selectinload(Item.department),
        selectinload(Item.storeroom),
    )


def item_history(item_id: int) -> Select[tuple[ItemEvent]]:
    return (
        select(ItemEvent)
        .where(ItemEvent.item_id == item_id)
        .options(selectinload(ItemEvent.user))
        .order_by(ItemEvent.id.desc())
    )


def departments() -> Select[tuple[Department]]:
    return select(Department).order_by(func.lower(Department.name))


def sites() -> Select[tuple[Site]]:
    return select(Site).order_by(func.lower(Site.name))


def storerooms() -> Select[tuple[Storeroom]]:
    return (
        select(Storeroom).options(selectinload(Storeroom.site)).order_by(func.lower(Storeroom.code))
    )


def categories() -> Select[tuple[Category]]:
    return select(Category).options(selectinload(Category.parent))


def items_in(storeroom: Storeroom, user: User) -> Select[tuple[Item]]:
    """What a storeroom holds, as far as `user` may see."""
    return (
        select(Item)
        .where(
            Item.storeroom_id == storeroom.id, Item.status != ItemStatus.DISPOSED, item_scope(user)
        )
        .order_by(func.lower(Item.name), Item.id)
    )


def count_by_status(user: User) -> Select:
    return select(Item.status, func.count()).where(item_scope(user)).group_by(Item.status)
