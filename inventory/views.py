"""Item pages: list and search, create, view, edit, move, dispose, photos, and scan links."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app.extensions import db
from app.request_values import db_id
from app.templating import query_args
from app.timeutil import utcnow
from inventory import access, disposals, item_photos, item_records, queries, signals, whereabouts
from inventory.errors import InventoryError, StaleItem
from inventory.forms import DisposeForm, ItemForm, MoveForm, NewItemForm, PhotoForm, format_extra
from inventory.models import Category, Department, Disposition, ItemPhoto, Storeroom
from inventory.photos import process_photo, shared_budget
from inventory.place_names import load_category_paths, load_place_names
from inventory.web import (
    expected_version,
    item_filter_from_args,
    item_list_page,
    photo_quota,
    photo_response,
    storeroom_choices,
    visible_item_or_404,
)

bp = Blueprint("inventory", __name__, template_folder="templates")


# --- form helpers ----------------------------------------------------------------------


def chosen(model, object_id: int | None):
    """The object picked in an optional select (validated against its choices), or None."""
    return db.session.get(model, object_id) if object_id else None


def fill_choices(form) -> None:
    """Load the select options a form needs; requesters can only pick their own department."""
    if hasattr(form, "category_id"):
        form.category_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(*pair) for pair in load_category_paths(db.session).items()
        ]
    if hasattr(form, "department_id"):
        depts = db.session.scalars(queries.departments()).all()
        if not access.can_choose_department(current_user):
            depts = [d for d in depts if d.id == current_user.department_id]
        form.department_id.choices = [SelectChoice(d.id, d.name) for d in depts]
    if hasattr(form, "storeroom_id"):
        form.storeroom_id.choices = storeroom_choices()


# --- pages ------------------------------------------------------------------------------


@bp.route("/")
@login_required
def home():
    """Start page: search, and what the user's inventory holds."""
    counts = dict(db.session.execute(queries.count_by_status(current_user)).all())
    return render_template("inventory/home.html", counts=counts)


@bp.route("/items")
@login_required
def items():
    """Search and filter the items the user may see."""
    filters = item_filter_from_args()
    page = item_list_page(filters)
    return render_template(
        "inventory/items.html",
        page=page,
        filters=filters,
        sort=queries.effective_sort(filters),
        names=load_place_names(db.session),
        print_url=url_for("labels.print_labels", **query_args(source="list")),
    )


@bp.route("/items/new", methods=["GET", "POST"])
@login_required
def new_item():
    """Register an item."""
    form = NewItemForm()
    if request.method == "GET":
        form.department_id.data = current_user.department_id
        form.storeroom_id.data = request.args.get("storeroom", type=db_id)
        form.tag.data = request.args.get("tag", "")[:64]  # a pre-printed or unknown label
    fill_choices(form)
    if form.validate_on_submit():
        fields = form.item_fields()
        fields["category"] = chosen(Category, form.category_id.data)
        fields["department"] = db.session.get(Department, form.department_id.data)
        storeroom = chosen(Storeroom, form.storeroom_id.data)
        fields["place" if storeroom else "position"] = ""  # never in a storeroom and in use
        try:
            item = item_records.create_item(
                db.session,
                fields,
                tag=form.tag.data,
                storeroom=storeroom,
                by=current_user,
                now=utcnow(),
                tag_prefix=current_app.config["TAG_PREFIX"],
                tag_digits=current_app.config["TAG_DIGITS"],
            )
        except InventoryError as error:
            db.session.rollback()
            form.tag.errors.append(access.refusal_shown(current_user, error))
        else:
            db.session.commit()
            flash(_("%(tag)s is registered.", tag=item.tag), "success")
            return redirect(url_for("inventory.item", item_id=item.id))
    return render_template("inventory/item_form.html", form=form, item=None)


@bp.route("/items/<int:item_id>")
@login_required
def item(item_id: int):
    """The item page: what it is, where it is, and its history."""
    item = visible_item_or_404(item_id)
    history = db.session.scalars(queries.item_history(item.id)).all()
    return render_template(
        "inventory/item.html",
        item=item,
        history=history,
        can_edit=access.can_edit_item(current_user, item),
        can_move=access.can_move_item(current_user, item),
        can_dispose=access.can_dispose_item(current_user, item),
        photo_form=PhotoForm(),
        parts=signals.item_page_parts(item, current_user),
    )


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(item_id: int):
    """Edit an item; a save based on an out-of-date page is refused."""
    item = visible_item_or_404(item_id)
    if not access.can_edit_item(current_user, item):
        abort(403)
    form = ItemForm(obj=item)
    if request.method == "GET":
        form.extra.data = format_extra(item.extra)
        form.version.data = item.version
    fill_choices(form)
    if form.validate_on_submit():
        changes = form.item_fields()
        del changes["place" if item.storeroom_id else "position"]  # moving changes which
        changes["category"] = chosen(Category, form.category_id.data)
        changes["department"] = db.session.get(Department, form.department_id.data)
        try:
            item_records.update_item(
                db.session,
                item,
                changes,
                expected_version=expected_version(form),
                by=current_user,
                now=utcnow(),
            )
            db.session.commit()
        except StaleItem as error:
            # Keep the user's input; the form now carries the saved version to resubmit on.
            db.session.rollback()
            form.version.data = item.version
            flash(str(error), "error")
            return render_template(
                "inventory/item_form.html", form=form, item=item, conflict=True
            ), 409
        except InventoryError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("inventory.item", item_id=item.id))
    return render_template("inventory/item_form.html", form=form, item=item)


@bp.route("/items/<int:item_id>/move", methods=["GET", "POST"])
@login_required
def move_item(item_id: int):
    """Move an item to a storeroom or into use somewhere."""
    item = visible_item_or_404(item_id)
    if not access.can_move_item(current_user, item):
        abort(403)
    form = MoveForm()
    if request.method == "GET":
        form.version.data = item.version
    fill_choices(form)
    if form.validate_on_submit():
        to = chosen(Storeroom, form.storeroom_id.data)
        try:
            whereabouts.move_item(
                db.session,
                item,
                to,
                position=form.position.data or "",
                place=form.place.data,
                by=current_user,
                now=utcnow(),
                expected_version=expected_version(form),
            )
        except InventoryError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("inventory.item", item_id=item_id))
        db.session.commit()
        flash(_("Moved."), "success")
        return redirect(url_for("inventory.item", item_id=item.id))
    return render_template("inventory/move.html", form=form, item=item)


@bp.route("/items/<int:item_id>/dispose", methods=["GET", "POST"])
@login_required
def dispose_item(item_id: int):
    """Record that an item has left the organisation."""
    item = visible_item_or_404(item_id)
    if not access.can_dispose_item(current_user, item):
        abort(403)
    form = DisposeForm()
    if request.method == "GET":
        form.version.data = item.version
    if form.validate_on_submit():
        try:
            disposals.dispose_item(
                db.session,
                item,
                Disposition(form.disposition.data),
                note=(form.note.data or "").strip(),
                by=current_user,
                now=utcnow(),
                expected_version=expected_version(form),
            )
        except InventoryError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("inventory.item", item_id=item_id))
        db.session.commit()
        flash(_("Disposed of. Its history is kept."), "success")
        return redirect(url_for("inventory.item", item_id=item.id))
    return render_template("inventory/dispose.html", form=form, item=item)


# --- photos -----------------------------------------------------------------------------


@bp.route("/items/<int:item_id>/photos", methods=["POST"])
@login_required
def add_photo(item_id: int):
    """Attach a photo; it is checked, downscaled and stored in the database."""
    item = visible_item_or_404(item_id)
    if not access.can_edit_item(current_user, item):
        abort(403)
    form = PhotoForm()
    if not form.validate_on_submit():
        flash(_("Choose a photo to upload."), "error")
        return redirect(url_for("inventory.item", item_id=item.id))
    config = current_app.config
    try:
        photo = process_photo(
            form.photo.data.read(config["MAX_CONTENT_LENGTH"] + 1),
            max_pixels=config["PHOTOS_MAX_PIXELS"],
            full_size=config["PHOTOS_FULL_SIZE"],
            thumb_size=config["PHOTOS_THUMB_SIZE"],
            budget=shared_budget(current_app.extensions, config["PHOTOS_DECODE_BUDGET"]),
        )
        item_photos.add_photo(
            db.session,
            item,
            photo,
            by=current_user,
            now=utcnow(),
            quota=photo_quota(config),
        )
    except InventoryError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Photo added."), "success")
    return redirect(url_for("inventory.item", item_id=item.id))


def visible_photo_or_404(photo_id: int) -> ItemPhoto:
    photo = db.session.get(ItemPhoto, photo_id)
    if photo is None or not access.can_view_item(current_user, photo.item):
        abort(404)
    return photo


@bp.route("/photos/<int:photo_id>/<any(full, thumb):size>")
@login_required
def photo(photo_id: int, size: str):
    """Serve a stored photo with its real type; never sniffed as anything else."""
    return photo_response(visible_photo_or_404(photo_id), size)


@bp.route("/photos/<int:photo_id>/delete", methods=["POST"])
@login_required
def delete_photo(photo_id: int):
    """Remove a photo from an item."""
    photo = visible_photo_or_404(photo_id)
    if not access.can_edit_item(current_user, photo.item):
        abort(403)
    item_id = photo.item_id
    item_photos.remove_photo(db.session, photo, by=current_user, now=utcnow())
    db.session.commit()
    flash(_("Photo removed."), "success")
    return redirect(url_for("inventory.item", item_id=item_id))
