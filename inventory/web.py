"""Web helpers the core's pages share with the features' pages: an item the user may see (or
404), an item list's page and filters from the query string, the version an edit form was
based on, and photos' quotas and responses. Views import these; nothing here is a route."""

from flask import Response, abort, current_app, request
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from app.extensions import db
from app.pagination import Page, cursor_from_args, keyset_page, tiered_page
from app.request_values import db_id
from inventory import access, item_photos, queries
from inventory.models import Condition, Item, ItemPhoto, ItemStatus
from inventory.place_names import load_place_names
from inventory.search import TIERS, Search


def visible_item_or_404(item_id: int) -> Item:
    """The item, if the current user may see it; otherwise 404 so nothing leaks."""
    item = db.session.get(Item, item_id)
    if item is None or not access.can_view_item(current_user, item):
        abort(404)
    return item


def list_page(query, key: queries.SortKey, per_page: int | None = None) -> Page:
    """The page of an item list that ?after= or ?before= asks for; an unknown anchor is a 404."""
    cursor = cursor_from_args()
    anchor = None
    if cursor.anchor is not None:
        anchor = db.session.execute(
            queries.anchor_values(current_user, key, cursor.anchor)
        ).one_or_none() or abort(404)
    return keyset_page(
        db.session,
        queries.list_rows(query),
        order=key.order,
        descending=key.descending,
        anchor=anchor,
        backwards=cursor.before is not None,
        per_page=per_page or current_app.config["ITEMS_PER_PAGE"],
    )


def item_list_page(filters: queries.ItemFilter, per_page: int | None = None) -> Page:
    """The page of the item list for `filters`: a search in its default order is read tier by
    tier (whole words, word starts, the rest), any other list in its sort order."""
    if not queries.ranked(filters):
        key = queries.SORTS[queries.effective_sort(filters)]
        return list_page(queries.search_items(db.session, current_user, filters), key, per_page)
    search = Search.prepare(db.session, filters.q)
    cursor = cursor_from_args()
    anchor = None
    if cursor.anchor is not None:
        by_id = queries.SORTS["registered"]
        if db.session.scalar(queries.anchor_values(current_user, by_id, cursor.anchor)) is None:
            abort(404)
        anchor = (TIERS.index(search.tier_of(db.session, cursor.anchor)), cursor.anchor)
    rows = queries.list_rows(queries.filtered_items(current_user, filters))
    return tiered_page(
        db.session,
        [search.tier_rows(rows, tier) for tier in TIERS],
        anchor=anchor,
        backwards=cursor.before is not None,
        per_page=per_page or current_app.config["ITEMS_PER_PAGE"],
    )


def expected_version(form) -> int | None:
    raw = form.version.data
    return int(raw) if raw and str(raw).isdigit() else None


def item_filter_from_args() -> queries.ItemFilter:
    """Read the list's filters; unknown values are ignored rather than failing."""
    args = request.args
    status, condition = args.get("status", ""), args.get("condition", "")
    return queries.ItemFilter(
        q=args.get("q", "")[:200],
        category_id=args.get("category", type=db_id),
        department_id=args.get("department", type=db_id),
        storeroom_id=args.get("storeroom", type=db_id),
        site_id=args.get("site", type=db_id),
        status=ItemStatus(status) if status in set(ItemStatus) else None,
        condition=Condition(condition) if condition in set(Condition) else None,
        sort=args.get("sort", ""),
    )


def photo_quota(config) -> item_photos.PhotoQuota:
    return item_photos.PhotoQuota(
        per_item=config["PHOTOS_MAX_PER_ITEM"],
        per_user_per_day=config["PHOTOS_MAX_PER_USER_PER_DAY"],
        bytes_per_user=config["PHOTOS_MAX_BYTES_PER_USER"],
    )


def photo_response(photo: ItemPhoto, size: str) -> Response:
    """The photo's bytes, read only now (the columns are deferred), for a logged-in viewer."""
    column = ItemPhoto.data if size == "full" else ItemPhoto.thumbnail
    data = db.session.scalar(select(column).where(ItemPhoto.id == photo.id))
    response = Response(data, mimetype=photo.content_type)
    response.headers["Content-Disposition"] = f'inline; filename="photo-{photo.id}.jpg"'
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


def storeroom_choices(blank: str = "—") -> list[SelectChoice]:
    """Every storeroom for a select, "code · name" under its site (an <optgroup>), after a
    first choice of none (`blank`)."""
    groups = load_place_names(db.session).storerooms_by_site()
    return [SelectChoice("", blank)] + [
        SelectChoice(id_, label, optgroup=site)
        for site, rooms in groups.items()
        for id_, label in rooms.items()
    ]
