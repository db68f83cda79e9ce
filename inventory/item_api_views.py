"""Items in the API: list and search, read, create, change, move, dispose, history, photos.

Each call asks inventory.access as the item pages do and writes through the same services,
so an item changed here has the same history as one changed on its page. An item is found
by its tag, in any case; one the token's user may not see is a 404, like one that is not there.
"""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.api.errors import forbidden, invalid, not_found
from app.api.schemas import PageLinks, responses
from app.api.web import bp, spec
from app.extensions import db
from app.timeutil import utcnow
from inventory import access, disposals, item_photos, item_records, queries, whereabouts
from inventory.api_schemas import (
    DisposeIn,
    EventOut,
    HistoryOut,
    ItemChange,
    ItemCreate,
    ItemList,
    ItemListQuery,
    ItemOut,
    ItemRow,
    MoveIn,
    PhotoOut,
)
from inventory.api_web import item_or_404, refused
from inventory.errors import InventoryError, PhotoRejected
from inventory.models import Category, Department, Item, ItemPhoto, Storeroom
from inventory.photos import process_photo, shared_budget
from inventory.web import item_list_page, photo_quota, photo_response

TAGS = ("items",)


def item_out(item: Item) -> ItemOut:
    return ItemOut(
        tag=item.tag, name=item.name, status=item.status, condition=item.condition,
        quantity=item.quantity, category_id=item.category_id,
        category=item.category.path if item.category else None,
        department_id=item.department_id, department=item.department.name,
        storeroom_id=item.storeroom_id, storeroom=item.storeroom.code if item.storeroom else None,
        position=item.position, place=item.place, serial_number=item.serial_number,
        manufacturer=item.manufacturer, model=item.model, purchase_date=item.purchase_date,
        purchase_price=item.purchase_price, replacement_value=item.replacement_value,
        notes=item.notes, extra=item.extra or {}, disposition=item.disposition,
        version=item.version, created_at=item.created_at, updated_at=item.updated_at,
        last_seen_at=item.last_seen_at, photos=[photo_out(item, p) for p in item.photos],
    )  # fmt: skip


def photo_out(item: Item, photo: ItemPhoto) -> PhotoOut:
    def address(size: str) -> str:
        return url_for("api.item_photo", tag=item.tag, photo_id=photo.id, size=size)

    return PhotoOut(id=photo.id, url=address("full"), thumbnail_url=address("thumb"))


@bp.get("/items")
@spec.validate(query=ItemListQuery, resp=responses(HTTP_200=ItemList), tags=TAGS)
def list_items():
    """List and search the items the token's user may see.

    The same search and filters as the item list; pages follow `links.next`."""
    args: ItemListQuery = request.context.query
    filters = queries.ItemFilter(
        q=args.q, category_id=args.category, department_id=args.department,
        storeroom_id=args.storeroom, site_id=args.site, status=args.status,
        condition=args.condition, sort=args.sort,
    )  # fmt: skip
    page = item_list_page(filters, per_page=args.per_page)
    # From the checked arguments, not the raw ones: url_for takes `_method` and such as its own.
    query = args.model_dump(mode="json", exclude_defaults=True, exclude={"after", "before"})

    def link(**edge: int) -> str:
        return url_for("api.list_items", **query, **edge)

    rows = [ItemRow.model_validate(row, from_attributes=True) for row in page.items]
    if not rows:  # past either end of the list: back to its start, as the page's pager does
        return ItemList(items=[], links=PageLinks(previous=link() if page.has_previous else None))
    return ItemList(
        items=rows,
        links=PageLinks(
            next=link(after=page.next_after) if page.has_next else None,
            previous=link(before=page.previous_before) if page.has_previous else None,
        ),
    )


def chosen(model, object_id: int | None, field: str):
    """The object a body names by id; one that does not exist is the body's fault."""
    if object_id is None:
        return None
    found = db.session.get(model, object_id)
    if found is None:
        raise invalid(_("Nothing has the id %(id)d here.", id=object_id), field)
    return found


def related_fields(body: ItemCreate | ItemChange, fields: dict) -> dict:
    """Replace the ids a body carries with the objects they name, and check the department."""
    if "category_id" in fields:
        fields["category"] = chosen(Category, fields.pop("category_id"), "category_id")
    if "department_id" in fields:
        department = chosen(Department, fields.pop("department_id"), "department_id")
        if department is None:
            raise invalid(_("An item belongs to a department."), "department_id")
        if department.id != current_user.department_id and not access.can_choose_department(
            current_user
        ):
            raise forbidden(_("Your role files items only under your own department."))
        fields["department"] = department
    return fields


@bp.post("/items")
@spec.validate(json=ItemCreate, resp=responses(HTTP_201=ItemOut, errors=(409,)), tags=TAGS)
def create_item():
    """Register an item, in a storeroom or in use at a place."""
    body: ItemCreate = request.context.json
    fields = body.model_dump(exclude_unset=True, exclude={"tag", "storeroom_id"})
    fields.setdefault("department_id", current_user.department_id)
    fields = related_fields(body, fields)
    storeroom = chosen(Storeroom, body.storeroom_id, "storeroom_id")
    fields["place" if storeroom else "position"] = ""  # never in a storeroom and in use
    config = current_app.config
    try:
        item = item_records.create_item(
            db.session, fields, tag=body.tag, storeroom=storeroom, by=current_user,
            now=utcnow(), tag_prefix=config["TAG_PREFIX"], tag_digits=config["TAG_DIGITS"],
        )  # fmt: skip
    except InventoryError as error:
        raise refused(error) from None
    db.session.commit()
    return item_out(item), 201


@bp.get("/items/<tag>")
@spec.validate(resp=responses(HTTP_200=ItemOut), tags=TAGS)
def get_item(tag: str):
    """Read an item by its tag (in any case)."""
    return item_out(item_or_404(tag))


@bp.patch("/items/<tag>")
@spec.validate(json=ItemChange, resp=responses(HTTP_200=ItemOut, errors=(409,)), tags=TAGS)
def change_item(tag: str):
    """Change an item's fields, on the version read: a stale version is a 409 with the
    version now. Where it is changes by a move, not here."""
    item = item_or_404(tag)
    if not access.can_edit_item(current_user, item):
        raise forbidden()
    body: ItemChange = request.context.json
    changes = related_fields(body, body.model_dump(exclude_unset=True, exclude={"version"}))
    changes.pop("place" if item.storeroom_id else "position", None)  # moving changes which
    try:
        item_records.update_item(
            db.session, item, changes, expected_version=body.version, by=current_user,
            now=utcnow(),
        )  # fmt: skip
        db.session.commit()
    except InventoryError as error:
        raise refused(error, item) from None
    return item_out(item)


@bp.post("/items/<tag>/move")
@spec.validate(json=MoveIn, resp=responses(HTTP_200=ItemOut, errors=(409,)), tags=TAGS)
def move_item(tag: str):
    """Move an item into a storeroom (at a position), or out into use at a place."""
    item = item_or_404(tag)
    if not access.can_move_item(current_user, item):
        raise forbidden()
    body: MoveIn = request.context.json
    to = chosen(Storeroom, body.storeroom_id, "storeroom_id")
    try:
        whereabouts.move_item(
            db.session, item, to, position=body.position, place=body.place, by=current_user,
            now=utcnow(), expected_version=body.version,
        )  # fmt: skip
        db.session.commit()
    except InventoryError as error:
        raise refused(error, item) from None
    return item_out(item)


@bp.post("/items/<tag>/dispose")
@spec.validate(json=DisposeIn, resp=responses(HTTP_200=ItemOut, errors=(409,)), tags=TAGS)
def dispose_item(tag: str):
    """Record that an item has left the organisation; its history stays."""
    item = item_or_404(tag)
    if not access.can_dispose_item(current_user, item):
        raise forbidden()
    body: DisposeIn = request.context.json
    try:
        disposals.dispose_item(
            db.session, item, body.disposition, note=body.note, by=current_user, now=utcnow(),
            expected_version=body.version,
        )  # fmt: skip
        db.session.commit()
    except InventoryError as error:
        raise refused(error, item) from None
    return item_out(item)


@bp.get("/items/<tag>/history")
@spec.validate(resp=responses(HTTP_200=HistoryOut), tags=TAGS)
def item_history(tag: str):
    """An item's history, oldest first: who changed what, from what, to what."""
    item = item_or_404(tag)
    events = db.session.scalars(queries.item_history(item.id)).all()
    return HistoryOut(
        tag=item.tag,
        events=[
            EventOut(
                kind=event.kind.value,
                at=event.at,
                by=str(event.user) if event.user else None,
                changes=event.changes or {},
                note=event.note_text,
            )  # fmt: skip
            for event in sorted(events, key=lambda event: (event.at, event.id))
        ],
    )


@bp.post("/items/<tag>/photos")
@spec.validate(resp=responses(HTTP_201=PhotoOut, errors=(409, 413)), tags=TAGS)
def add_photo(tag: str):
    """Attach a photo: multipart/form-data with the file in the field `photo`. It is
    checked, downscaled and stored, as on the item page."""
    item = item_or_404(tag)
    if not access.can_edit_item(current_user, item):
        raise forbidden()
    upload = request.files.get("photo")
    if upload is None:
        raise invalid(_("Send the photo as multipart/form-data in the field 'photo'."), "photo")
    config = current_app.config
    try:
        photo = process_photo(
            upload.read(config["MAX_CONTENT_LENGTH"] + 1), max_pixels=config["PHOTOS_MAX_PIXELS"],
            full_size=config["PHOTOS_FULL_SIZE"], thumb_size=config["PHOTOS_THUMB_SIZE"],
            budget=shared_budget(current_app.extensions, config["PHOTOS_DECODE_BUDGET"]),
        )  # fmt: skip
        stored = item_photos.add_photo(
            db.session, item, photo, by=current_user, now=utcnow(), quota=photo_quota(config)
        )
    except PhotoRejected as error:
        raise invalid(str(error), "photo") from None
    except InventoryError as error:
        raise refused(error, item) from None
    db.session.commit()
    return photo_out(item, stored), 201


def photo_of(tag: str, photo_id: int) -> tuple[Item, ItemPhoto]:
    item = item_or_404(tag)
    photo = db.session.get(ItemPhoto, photo_id)
    if photo is None or photo.item_id != item.id:
        raise not_found()
    return item, photo


@bp.get("/items/<tag>/photos/<int:photo_id>/<any(full, thumb):size>")
@spec.validate(resp=responses(HTTP_200=None), tags=TAGS)
def item_photo(tag: str, photo_id: int, size: str):
    """A photo's JPEG, at full size or as a thumbnail."""
    return photo_response(photo_of(tag, photo_id)[1], size)


@bp.delete("/items/<tag>/photos/<int:photo_id>")
@spec.validate(resp=responses(HTTP_204=None), tags=TAGS)
def delete_photo(tag: str, photo_id: int):
    """Remove a photo from an item."""
    item, photo = photo_of(tag, photo_id)
    if not access.can_edit_item(current_user, item):
        raise forbidden()
    item_photos.remove_photo(db.session, photo, by=current_user, now=utcnow())
    db.session.commit()
    return "", 204
