"""The inbox: a user's notifications, newest first, and the unread count in the nav."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.pagination import page_number
from app.timeutil import utcnow
from reuse import access
from reuse.listings.models import Listing
from reuse.notices import queries
from reuse.notices.models import Notification
from reuse.notices.notifications import Kind
from reuse.notices.text import describe
from reuse.web import ConfirmForm

bp = Blueprint("inbox", __name__, template_folder="../templates")


@bp.app_context_processor
def unread_notices():
    def count() -> int:
        if not current_user.is_authenticated:
            return 0
        try:
            return db.session.scalar(queries.unread_count(current_user.id)) or 0
        except SQLAlchemyError:  # the error page must render even when the database is down
            db.session.rollback()
            return 0

    return {"unread_notices": count}


def target(notification: Notification) -> str | None:
    """Where a notification leads, if the reader may still see it."""
    if notification.kind == Kind.ACCOUNT_LOCKED:
        return url_for("admin.users") if current_user.is_admin else None
    if notification.listing_id is None:
        return None
    listing = db.session.get(Listing, notification.listing_id)
    if listing is None or not access.may_see(current_user, listing):
        return None
    return url_for("reuse.listing", listing_id=listing.id)


@bp.route("/inbox")
@login_required
def inbox():
    """My notifications, newest first; unread ones stand out."""
    page = db.paginate(queries.inbox(current_user), page=page_number(),
                       per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)  # fmt: skip
    listing_ids = {n.listing_id for n in page.items if n.listing_id}
    if listing_ids:  # into the session at once, so target() below costs no query each
        db.session.scalars(select(Listing).where(Listing.id.in_(listing_ids))
                           .options(joinedload(Listing.item))).all()  # fmt: skip
    notices = [(n, describe(n), target(n)) for n in page.items]
    return render_template("reuse/inbox.html", page=page, notices=notices, confirm=ConfirmForm())


def own_notice_or_404(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or not access.is_recipient(current_user, notification):
        abort(404)
    return notification


@bp.route("/inbox/<int:notification_id>")
@login_required
def show_notice(notification_id: int):
    """A notification, from a mail's link. Opening changes nothing (a mail scanner or a link
    preview fetches it too); its button, which the page's script presses, marks it read."""
    notification = own_notice_or_404(notification_id)
    return render_template(
        "reuse/notice.html", n=notification, notice=describe(notification), confirm=ConfirmForm()
    )


@bp.route("/inbox/<int:notification_id>", methods=["POST"])
@login_required
def open_notice(notification_id: int):
    """Mark a notification read and go to what it is about."""
    notification = own_notice_or_404(notification_id)
    if ConfirmForm().validate_on_submit() and notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    where = target(notification)
    if where is None:
        flash(_("What this notice was about is no longer there for you to see."), "error")
        return redirect(url_for(".inbox"))
    return redirect(where)


@bp.route("/inbox/read", methods=["POST"])
@login_required
def mark_all_read():
    """Mark all my notifications read."""
    if ConfirmForm().validate_on_submit():
        db.session.execute(
            update(Notification)
            .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
        db.session.commit()
    return redirect(url_for(".inbox"))
