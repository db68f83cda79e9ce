"""Labels in the API: a PDF of labels for items chosen by tag, for a storeroom's items, or of a
storeroom's own label, as the print page makes them.

The same rules as the page: anyone prints labels for the items they may see (an item they may
not see is told as one that does not exist), only warehouse roles print a storeroom's own
label, and printing an item's label is noted in its history.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api.errors import forbidden, invalid
from app.api.schemas import responses
from app.api.web import bp, spec
from app.extensions import db
from app.folding import folded
from app.timeutil import utcnow
from inventory import queries
from inventory.access import item_scope
from inventory.models import Item, Storeroom
from inventory.place_records import find_storeroom_by_code
from labels import services
from labels.api_schemas import LabelsIn
from labels.formats import FORMATS, LabelFormat
from labels.models import PrinterProfile
from labels.pdf import Label, render_labels
from labels.views import WAREHOUSE, pdf_response

TAGS = ("labels",)


def chosen_profile(body: LabelsIn, fmt: LabelFormat) -> PrinterProfile | None:
    """The printer profile the body names, checked as the print form checks it."""
    if body.start > fmt.per_page:
        raise invalid(_("This format has %(n)d labels a sheet.", n=fmt.per_page), "start")
    if body.profile_id is None:
        return None
    profile = db.session.get(PrinterProfile, body.profile_id)
    if profile is None:
        raise invalid(_("Nothing has the id %(id)d here.", id=body.profile_id), "profile_id")
    if profile.format != fmt.name:
        raise invalid(_("This profile is for %(f)s labels.", f=profile.format), "profile_id")
    return profile


def check_choice(body: LabelsIn) -> None:
    """One source of labels: tags, or a storeroom (its items, or its own label)."""
    if (body.tags is None) == (body.storeroom is None):
        raise invalid(_("Choose what to print: either tags or a storeroom."), "tags")
    if body.storeroom_label and body.storeroom is None:
        raise invalid(_("Choose what to print: either tags or a storeroom."), "storeroom")


def items_by_tag(tags: list[str]) -> list[Item]:
    """The items with these tags, in the order given; a tag no item the token's user may see
    has is refused as one that does not exist."""
    keys = list(dict.fromkeys(folded(tag) for tag in tags))
    query = select(Item).where(Item.tag_key.in_(keys), item_scope(current_user))
    found = {item.tag_key: item for item in db.session.scalars(query)}
    for tag in tags:
        if folded(tag) not in found:
            raise invalid(_("No item has the tag %(tag)s.", tag=tag), "tags")
    return [found[key] for key in keys]


def storeroom_of(code: str) -> Storeroom:
    room = find_storeroom_by_code(db.session, code)
    if room is None:
        raise invalid(_("No storeroom has the code %(code)s.", code=code), "storeroom")
    return room


def chosen_labels(body: LabelsIn) -> tuple[list[Label], str]:
    """The labels to print and the PDF's title; items' printing is noted in their history."""
    config = current_app.config
    base, organisation = config["PUBLIC_BASE_URL"], services.organisation_name(db.session)
    if body.storeroom is not None and body.storeroom_label:
        if current_user.role not in WAREHOUSE:
            raise forbidden()
        room = storeroom_of(body.storeroom)
        check_count(1, body)
        return [services.storeroom_label(room, base, organisation)], room.code
    if body.tags is not None:
        items, title = items_by_tag(body.tags), _("The chosen items")
    else:
        room = storeroom_of(body.storeroom)
        query = queries.items_in(room, current_user).options(
            selectinload(Item.storeroom).selectinload(Storeroom.site)
        )
        items, title = db.session.scalars(query).all(), _("The items in %(code)s", code=room.code)
    check_count(len(items), body)
    services.record_printed(db.session, items, FORMATS[body.format], by=current_user,
                            now=utcnow())  # fmt: skip
    return [services.item_label(item, base, organisation) for item in items], title


def check_count(count: int, body: LabelsIn) -> None:
    try:
        services.check_job(count, body.copies)
    except services.LabelError as error:
        raise invalid(str(error), "tags" if body.tags is not None else "storeroom") from None


@bp.post("/labels")
@spec.validate(json=LabelsIn, resp=responses(HTTP_200=None), tags=TAGS)
def print_labels_api():
    """A PDF of labels (application/pdf): for the items with `tags`, for the items in
    `storeroom`, or, with `storeroom_label`, the storeroom's own label.

    On the sheet `format`, from label `start`, `copies` of each, corrected by a printer
    profile if one is named. Each item's history notes that its label was printed."""
    body: LabelsIn = request.context.json
    check_choice(body)
    fmt = FORMATS[body.format]
    profile = chosen_profile(body, fmt)
    labels, title = chosen_labels(body)
    pdf = render_labels(labels, fmt, start=body.start, copies=body.copies,
                        adjust=services.adjustment(profile), title=title)  # fmt: skip
    db.session.commit()  # "label printed" is kept only once there is a sheet to print
    return pdf_response(pdf, f"labels-{fmt.name}.pdf")
