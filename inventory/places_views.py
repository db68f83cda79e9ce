"""Pages for the structure items live in: departments, sites, storerooms and categories."""

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app.auth.roles import Role, role_required
from app.extensions import db
from app.formats import reader_language
from app.request_values import db_id
from app.timeutil import utcnow
from inventory import access, place_records, queries
from inventory.errors import InventoryError
from inventory.forms import CategoryForm, DepartmentForm, SiteForm, StoreroomForm, clean
from inventory.models import Category, CategoryKind, Department, Item, Site, Storeroom
from inventory.place_audit import State, audit_place, place_state
from inventory.place_names import load_category_paths, load_place_names
from inventory.web import list_page

bp = Blueprint("places", __name__, template_folder="templates")

MANAGERS = (Role.ADMIN, Role.MANAGER)
NOT_SEEN_SHOWN = 10  # on a storeroom's page; the report lists them all


def get_or_404(model, object_id: int | None):
    if object_id is None:
        return None
    return db.session.get(model, object_id) or abort(404)


def save_or_show_error(form, save, before: State | None) -> bool:
    """Run a save function and record what it changed in the audit trail (`before`: the
    place's values before the edit, None for a new one); commit on success, otherwise put its
    message on the form."""
    try:
        audit_place(save(), before)
    except InventoryError as error:
        db.session.rollback()
        field = form.code if "code" in form else form.name
        field.errors.append(str(error))
        return False
    db.session.commit()
    flash(_("Saved."), "success")
    return True


# --- departments --------------------------------------------------------------------------


@bp.route("/departments")
@login_required
def departments():
    """List departments."""
    rows = db.session.scalars(queries.departments()).all()
    return render_template("places/departments.html", departments=rows)


@bp.route("/departments/new", methods=["GET", "POST"], defaults={"department_id": None})
@bp.route("/departments/<int:department_id>/edit", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_department(department_id: int | None):
    """Create or rename a department."""
    department = get_or_404(Department, department_id)
    form = DepartmentForm(obj=department)
    if form.validate_on_submit() and save_or_show_error(
        form,
        lambda: place_records.save_department(db.session, form.name.data, department=department),
        place_state(department),
    ):
        return redirect(url_for("places.departments"))
    return render_template(
        "places/simple_form.html",
        form=form,
        title=_("Department"),
        back=url_for("places.departments"),
    )


# --- sites ----------------------------------------------------------------------------------


@bp.route("/sites")
@login_required
def sites():
    """List sites with their storerooms."""
    rows = db.session.scalars(queries.sites()).all()
    return render_template("places/sites.html", sites=rows)


@bp.route("/sites/new", methods=["GET", "POST"], defaults={"site_id": None})
@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_site(site_id: int | None):
    """Create or edit a site."""
    site = get_or_404(Site, site_id)
    form = SiteForm(obj=site)
    if form.validate_on_submit() and save_or_show_error(
        form,
        lambda: place_records.save_site(
            db.session,
            name=form.name.data,
            town=clean(form.town.data),
            address=clean(form.address.data),
            site=site,
        ),
        place_state(site),
    ):
        return redirect(url_for("places.sites"))
    return render_template(
        "places/simple_form.html", form=form, title=_("Site"), back=url_for("places.sites")
    )


# --- storerooms -----------------------------------------------------------------------------


@bp.route("/storerooms/<int:storeroom_id>")
@login_required
def storeroom(storeroom_id: int):
    """A storeroom and what it holds."""
    room = get_or_404(Storeroom, storeroom_id)
    page = list_page(queries.items_in(room, current_user), queries.SORTS["name"])
    names = load_place_names(db.session)
    months = current_app.config["NOT_SEEN_MONTHS"]
    forgotten = queries.not_seen_since(utcnow() - timedelta(days=30 * months)).where(
        Item.storeroom_id == room.id, access.item_scope(current_user)
    )
    not_seen = db.session.scalars(
        forgotten.order_by(Item.last_seen_at.nullsfirst(), Item.id).limit(NOT_SEEN_SHOWN + 1)
    ).all()
    return render_template(
        "places/storeroom.html", storeroom=room, page=page, names=names,
        not_seen=not_seen[:NOT_SEEN_SHOWN], more_not_seen=len(not_seen) > NOT_SEEN_SHOWN,
        months=months,
    )  # fmt: skip


@bp.route("/storerooms/new", methods=["GET", "POST"], defaults={"storeroom_id": None})
@bp.route("/storerooms/<int:storeroom_id>/edit", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_storeroom(storeroom_id: int | None):
    """Create or edit a storeroom."""
    room = get_or_404(Storeroom, storeroom_id)
    form = StoreroomForm(obj=room)
    if request.method == "GET" and room is None:
        form.site_id.data = request.args.get("site", type=db_id)
    form.site_id.choices = [SelectChoice(s.id, str(s)) for s in db.session.scalars(queries.sites())]
    form.department_id.choices = [SelectChoice("", "—")] + [
        (d.id, d.name) for d in db.session.scalars(queries.departments())
    ]
    if form.validate_on_submit():

        def save():
            return place_records.save_storeroom(
                db.session,
                code=form.code.data,
                name=form.name.data,
                site=db.session.get(Site, form.site_id.data),
                department=get_or_404(Department, form.department_id.data),
                notes=clean(form.notes.data),
                storeroom=room,
            )

        if save_or_show_error(form, save, place_state(room)):
            return redirect(url_for("places.sites"))
    return render_template(
        "places/simple_form.html", form=form, title=_("Storeroom"), back=url_for("places.sites")
    )


# --- categories -----------------------------------------------------------------------------


@bp.route("/categories")
@login_required
def categories():
    """The category tree with replacement values and CO2e per unit."""
    language = reader_language()
    rows = sorted(
        db.session.scalars(queries.categories()), key=lambda c: c.path_in(language).lower()
    )
    return render_template("places/categories.html", categories=rows)


@bp.route("/categories/new", methods=["GET", "POST"], defaults={"category_id": None})
@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_category(category_id: int | None):
    """Create or edit a category."""
    category = get_or_404(Category, category_id)
    form = CategoryForm(obj=category)
    if category is not None and not form.is_submitted():
        form.show_names(category.names or {})
    paths = load_category_paths(db.session)
    form.parent_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(id_, path) for id_, path in paths.items() if id_ != category_id
    ]
    if form.validate_on_submit():

        def save():
            return place_records.save_category(
                db.session,
                name=form.name.data,
                parent=get_or_404(Category, form.parent_id.data),
                kind=CategoryKind(form.kind.data),
                replacement_value=form.replacement_value.data,
                co2e_kg=form.co2e_kg.data,
                weight_kg=form.weight_kg.data,
                names=form.names_by_language(),
                category=category,
            )

        if save_or_show_error(form, save, place_state(category)):
            return redirect(url_for("places.categories"))
    return render_template(
        "places/simple_form.html", form=form, title=_("Category"), back=url_for("places.categories")
    )
