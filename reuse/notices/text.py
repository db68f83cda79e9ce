"""What a notification says, rendered when it is read, in the reader's language.

A row holds a kind and its params (names, numbers, ISO dates); the words live here, so the
inbox and the mail say the same, and a Swedish reader reads Swedish even when an English
speaker's action caused the row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.formats import format_day, format_moment
from reuse.listings.models import Closing, Tier
from reuse.notices.models import Notification
from reuse.notices.notifications import Kind

AUDIENCE = {
    Tier.DEPARTMENT: _l("your department"),
    Tier.ORGANISATION: _l("the whole organisation"),
    Tier.PARTNERS: _l("partner organisations"),
    Tier.PUBLIC: _l("the public"),
}
CLOSING = {
    Closing.TRANSFERRED: _l("handed over to another department"),
    Closing.GIVEN_AWAY: _l("given away"),
    Closing.SOLD: _l("sold"),
    Closing.TO_PARTNER: _l("sent to a repair or second-hand partner"),
    Closing.RECYCLED: _l("recycled"),
    Closing.SCRAPPED: _l("scrapped"),
    Closing.WITHDRAWN: _l("withdrawn"),
}


@dataclass
class Notice:
    """A notification in words: a headline, and lines of detail below it."""

    title: str
    details: list[str] = field(default_factory=list)


def _day(value: str | None) -> str:
    return format_day(date.fromisoformat(value), "short") if value else ""


def _moment(value: str | None) -> str:
    return format_moment(datetime.fromisoformat(value), "short") if value else ""


def _quoted(message: str | None) -> list[str]:
    return [f"“{message}”"] if message else []


def describe(notification: Notification) -> Notice:
    """The notification's words in the current locale."""
    p: dict[str, Any] = {"item": "", "tag": "", **(notification.params or {})}
    render = RENDERERS.get(notification.kind)
    if render is None:  # a kind this version does not know: say something true
        return Notice(gettext("News about %(item)s", item=p["item"]))
    return render(p)


def _request_new(p: dict) -> Notice:
    title = gettext("%(department)s asks for %(num)d × %(item)s.", num=p.get("quantity", 1),
                    department=p.get("department", ""), item=p["item"])  # fmt: skip
    return Notice(title, [gettext("Approve or decline it on the listing's page.")])


def _request_approved(p: dict) -> Notice:
    details = []
    if p.get("mode") == "collect":
        details.append(gettext("You collect it."))
    elif p.get("mode") == "deliver":
        details.append(gettext("The owner delivers it."))
    if p.get("from") and p.get("to"):
        details.append(gettext("From %(origin)s to %(destination)s.", origin=p["from"],
                               destination=p["to"]))  # fmt: skip
    if p.get("handover_on"):
        details.append(gettext("Handover on %(day)s", day=_day(p["handover_on"])))
    if p.get("carrier"):
        details.append(gettext("Who carries it: %(who)s", who=p["carrier"]))
    title = gettext("Your request for %(item)s is approved.", item=p["item"])
    return Notice(title, details + _quoted(p.get("message")))


def _request_declined(p: dict) -> Notice:
    title = gettext("Your request for %(item)s was declined.", item=p["item"])
    return Notice(title, _quoted(p.get("message")))


def _request_cancelled(p: dict) -> Notice:
    title = gettext("The request of %(department)s for %(item)s was cancelled.",
                    department=p.get("department", ""), item=p["item"])  # fmt: skip
    details = [gettext("What it had reserved is offered again.")] if p.get("released") else []
    return Notice(title, details)


def _handover_reminder(p: dict) -> Notice:
    title = gettext("Reminder: %(item)s is still to be handed over to %(department)s.",
                    item=p["item"], department=p.get("department", ""))  # fmt: skip
    details = [gettext("Handover on %(day)s", day=_day(p["handover_on"]))] if p.get(
        "handover_on") else []  # fmt: skip
    return Notice(title, [*details, gettext("Once it is done, mark it handed over.")])


def _handover_moved(p: dict) -> Notice:
    title = gettext("%(item)s has been moved: collect it from %(place)s.", item=p["item"],
                    place=p.get("from", ""))  # fmt: skip
    return Notice(title, [gettext("It was at %(place)s.", place=p.get("was", ""))])


def _going_outside(p: dict) -> Notice:
    title = gettext("%(item)s leaves the organisation on %(when)s.", item=p["item"],
                    when=_moment(p.get("leaves_at")))  # fmt: skip
    audience = AUDIENCE.get(p.get("tier"), AUDIENCE[Tier.PARTNERS])
    detail = gettext("Nobody inside has asked for it yet: it will then be offered to %(who)s.",
                     who=audience)  # fmt: skip
    return Notice(title, [detail])


def _interest_new(p: dict) -> Notice:
    return Notice(gettext("%(who)s is interested in %(item)s.", who=p.get("who", ""),
                          item=p["item"]))  # fmt: skip


def _wish_match(p: dict) -> Notice:
    title = gettext("%(item)s is offered, and matches your wish.", item=p["item"])
    return Notice(title, [gettext("Your wish: %(wish)s", wish=p.get("wish", ""))])


def _watch_climbed(p: dict) -> Notice:
    audience = AUDIENCE.get(p.get("tier"), "")
    return Notice(gettext("%(item)s is now offered to %(who)s.", item=p["item"], who=audience))


def _watch_reserved(p: dict) -> Notice:
    title = gettext("%(num)d × %(item)s reserved for a request.", num=p.get("quantity", 1),
                    item=p["item"])  # fmt: skip
    return Notice(title, [gettext("Still available: %(left)s", left=p.get("left", 0))])


def _watch_withdrawn(p: dict) -> Notice:
    return Notice(gettext("%(item)s was withdrawn.", item=p["item"]))


def _watch_closed(p: dict) -> Notice:
    how = CLOSING.get(p.get("closing"), "")
    return Notice(gettext("%(item)s is closed: %(how)s.", item=p["item"], how=how))


def _account_locked(p: dict) -> Notice:
    title = gettext(
        "%(email)s is locked after failed logins from many places.", email=p.get("email", "")
    )
    detail = gettext(
        "Nobody can log in to it until an admin unlocks it on the users page, or "
        "until %(when)s. Check with its owner first.",
        when=_moment(p.get("until")),
    )
    return Notice(title, [detail])


RENDERERS = {
    Kind.REQUEST_NEW: _request_new,
    Kind.REQUEST_APPROVED: _request_approved,
    Kind.REQUEST_DECLINED: _request_declined,
    Kind.REQUEST_CANCELLED: _request_cancelled,
    Kind.HANDOVER_REMINDER: _handover_reminder,
    Kind.HANDOVER_MOVED: _handover_moved,
    Kind.GOING_OUTSIDE: _going_outside,
    Kind.INTEREST_NEW: _interest_new,
    Kind.WISH_MATCH: _wish_match,
    Kind.WATCH_CLIMBED: _watch_climbed,
    Kind.WATCH_RESERVED: _watch_reserved,
    Kind.WATCH_WITHDRAWN: _watch_withdrawn,
    Kind.WATCH_CLOSED: _watch_closed,
    Kind.ACCOUNT_LOCKED: _account_locked,
}
