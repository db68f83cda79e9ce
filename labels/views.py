"""Label pages: choose what to print, print it, calibrate printers, pre-printed codes."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    Response,
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
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from app.audit.models import AuditAction, AuditObject
from app.audit.record import Target
from app.audit.web import audit, audit_change
from app.auth.roles import Role, role_required
from app.extensions import db
from app.request_values import db_id
from app.timeutil import utcnow
from inventory import queries
from inventory.access import MOVERS, item_scope
from inventory.models import Item, Organisation, Site, Storeroom
from inventory.signals import IMPORT_BATCH, item_ids_of_group
from inventory.web import item_filter_from_args
from labels import services
from labels.formats import FORMATS
from labels.forms import PrintForm, ProfileForm, ReservedForm, format_choices
from labels.models import PrinterProfile
from labels.pdf import render_calibration, render_labels

bp = Blueprint("labels", __name__, template_folder="templates")

MANAGERS = (Role.ADMIN, Role.MANAGER)
WAREHOUSE = tuple(MOVERS)


@dataclass
class Selection:
    """What a print job holds: items (their labels) or storerooms (theirs)."""

    description: str
    items: Select | None = None
    storerooms: Select | None = None

    def count(self) -> int:
        query = self.items if self.items is not None else self.storerooms
        return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def selection_from_args() -> Selection:
    """Read ?source= and its arguments; anything malformed is a 404."""
    args, user = request.args, current_user
    source = args.get("source", "")
    if source == "list":
        filters = item_filter_from_args()
        query = queries.search_items(db.session, user, filters)
        return Selection(_("The items in your list"), items=query)
    if source == "items":
        ids = [int(v) for v in args.getlist("item") if v.isdigit()]
        if not ids:
            return Selection(_("No items ticked"), items=select(Item).where(False))
        query = select(Item).where(Item.id.in_(ids), item_scope(user)).order_by(Item.tag)
        return Selection(_("The ticked items"), items=query)
    object_id = args.get("id", type=db_id) or abort(404)
    if source == "item":
        query = select(Item).where(Item.id == object_id, item_scope(user))
        item = db.session.scalar(query) or abort(404)
        return Selection(item.tag, items=query)
    if source == "batch":
        return batch_selection(object_id, user)
    if source in ("storeroom", "storeroom-label"):
        room = db.session.get(Storeroom, object_id) or abort(404)
        if source == "storeroom":
            return Selection(
                _("The items in %(code)s", code=room.code), items=queries.items_in(room, user)
            )
        if user.role not in WAREHOUSE:
            abort(403)
        return Selection(room.code, storerooms=select(Storeroom).where(Storeroom.id == room.id))
    if source == "site":
        if user.role not in WAREHOUSE:
            abort(403)
        site = db.session.get(Site, object_id) or abort(404)
        query = select(Storeroom).where(Storeroom.site_id == site.id).order_by(Storeroom.code)
        return Selection(_("The storerooms of %(site)s", site=site), storerooms=query)
    abort(404)


def batch_selection(batch_id: int, user) -> Selection:
    """An import batch's items, asked of the feature that keeps batches; a batch the user may
    not see answers as one that does not exist (404)."""
    batch_items = item_ids_of_group(db.session, IMPORT_BATCH, batch_id, user=user)
    if batch_items is None:
        abort(404)
    query = select(Item).where(item_scope(user), Item.id.in_(batch_items)).order_by(Item.tag)
    return Selection(_("The items of import %(number)s", number=batch_id), items=query)


def profile_choices(form) -> None:
    profiles = db.session.scalars(select(PrinterProfile).order_by(PrinterProfile.name)).all()
    form.format.choices = format_choices()
    form.profile.choices = [SelectChoice("", _("None (print at true position)"))] + [
        SelectChoice(p.id, str(p)) for p in profiles
    ]


def pdf_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.route("/labels/print", methods=["GET", "POST"])
@login_required
def print_labels():
    """Choose format, printer and start position for a selection; POST returns the PDF."""
    selection = selection_from_args()
    form = PrintForm()
    profile_choices(form)
    count = selection.count()
    if form.validate_on_submit():
        fmt = FORMATS[form.format.data]
        try:
            services.check_job(count, form.copies.data)
        except services.LabelError as error:
            flash(str(error), "error")
        else:
            pdf = print_selection(selection, fmt, form, form.chosen_profile())
            return pdf_response(pdf, f"labels-{fmt.name}.pdf")
    return render_template("labels/print.html", form=form, selection=selection, count=count)


def print_selection(selection: Selection, fmt, form: PrintForm, profile) -> bytes:
    config = current_app.config
    organisation = services.organisation_name(db.session)
    base = config["PUBLIC_BASE_URL"]
    if selection.items is not None:
        items = db.session.scalars(
            selection.items.options(selectinload(Item.storeroom).selectinload(Storeroom.site))
        ).all()
        labels = [services.item_label(item, base, organisation) for item in items]
        services.record_printed(db.session, items, fmt, by=current_user, now=utcnow())
        db.session.commit()
    else:
        rooms = db.session.scalars(selection.storerooms.options(selectinload(Storeroom.site))).all()
        labels = [services.storeroom_label(room, base, organisation) for room in rooms]
    return render_labels(
        labels,
        fmt,
        start=form.start.data,
        copies=form.copies.data,
        adjust=services.adjustment(profile),
        title=selection.description,
    )


@bp.route("/labels/reserved", methods=["GET", "POST"])
@role_required(*WAREHOUSE)
def reserved_codes():
    """Print sheets of codes no item has yet, to stick on things first and register later."""
    form = ReservedForm()
    profile_choices(form)
    if form.validate_on_submit():
        fmt = FORMATS[form.format.data]
        config = current_app.config
        try:
            tags = services.reserve_tags(
                db.session,
                form.count.data,
                by=current_user,
                now=utcnow(),
                prefix=config["TAG_PREFIX"],
                digits=config["TAG_DIGITS"],
            )
        except services.LabelError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            organisation = services.organisation_name(db.session)
            profile = form.chosen_profile()
            labels = [
                services.reserved_label(t, config["PUBLIC_BASE_URL"], organisation) for t in tags
            ]
            pdf = render_labels(
                labels, fmt, start=form.start.data, adjust=services.adjustment(profile)
            )
            return pdf_response(pdf, f"codes-{tags[0]}-{tags[-1]}.pdf")
    return render_template("labels/reserved.html", form=form)


@bp.route("/labels/calibration/<name>")
@login_required
def calibration(name: str):
    """A calibration page for a format, corrected by a profile when one is given."""
    fmt = FORMATS.get(name) or abort(404)
    profile_id = request.args.get("profile", type=db_id)
    profile = db.session.get(PrinterProfile, profile_id) if profile_id else None
    return pdf_response(
        render_calibration(
            fmt, services.adjustment(profile), words=(_("Calibration page"), _("Scale"))
        ),
        f"calibration-{fmt.name}.pdf",
    )


@bp.route("/labels/profiles")
@login_required
def profiles():
    """Printer profiles and calibration pages."""
    rows = db.session.scalars(select(PrinterProfile).order_by(PrinterProfile.name_key))
    return render_template("labels/profiles.html", profiles=rows.all(), formats=FORMATS)


def profile_state(profile: PrinterProfile) -> dict:
    """A printer profile's correction, as JSON values, for the audit trail."""
    return {
        "name": profile.name,
        "format": profile.format,
        "offset_x": profile.offset_x,
        "offset_y": profile.offset_y,
        "scale": profile.scale,
    }


def audit_profile(profile: PrinterProfile, before: dict | None) -> None:
    """Record a profile made (`before` None) or the fields of one changed, if any changed."""
    target = Target(AuditObject.PRINTER_PROFILE, profile.id, profile.name)
    if before is None:
        audit(AuditAction.PRINTER_PROFILE_CREATED, target, after=profile_state(profile))
    else:
        audit_change(AuditAction.PRINTER_PROFILE_CHANGED, target, before, profile_state(profile))


@bp.route("/labels/profiles/new", methods=["GET", "POST"], defaults={"profile_id": None})
@bp.route("/labels/profiles/<int:profile_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_profile(profile_id: int | None):
    profile = db.session.get(PrinterProfile, profile_id) if profile_id else None
    if profile_id and profile is None:
        abort(404)
    form = ProfileForm(obj=profile)
    form.format.choices = format_choices()
    if form.validate_on_submit():
        before = profile_state(profile) if profile else None
        try:
            saved = services.save_profile(
                db.session,
                organisation=db.session.scalar(select(Organisation).limit(1)),
                name=form.name.data,
                format_name=form.format.data,
                offset_x=float(form.offset_x.data),
                offset_y=float(form.offset_y.data),
                scale=float(form.scale.data),
                profile=profile,
            )
        except services.LabelError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            audit_profile(saved, before)
            db.session.commit()
            flash(_("The printer profile is saved."), "success")
            return redirect(url_for("labels.profiles"))
    return render_template("labels/profile_form.html", form=form, profile=profile)
