"""Who hears of what: notification rows added in the caller's transaction.

Each event adds one Notification per recipient. Its text is rendered when it is read
(reuse/notices/text.py), in the reader's language, so a row keeps names and numbers in
`params`, never a sentence. The row is also the mail outbox: when the session says mail is on
(MAIL_ENABLED in session.info, set by reuse/notices/mail.py), it is written PENDING and its id noted
under OUTBOX; the mailer sends it only after the commit, so a rolled-back change mails nothing.

The daily reminders (about to go outside, handover still to do) run from every tick, from the
background worker and cron alike: each is looked for first, and only when missing is the listing or request
row locked (a no-op UPDATE, which waits for another tick's transaction on PostgreSQL and SQLite
alike) and looked for again before it is written, so two ticks at once remind once.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.roles import Role
from app.auth.throttle import account_locked
from app.states import advance
from inventory.access import MANAGERS
from reuse.demand import services as demand
from reuse.demand.models import Watch
from reuse.listings import states as listings
from reuse.listings.models import Listing, ListingStatus, ReuseSettings, Tier
from reuse.notices.models import MailState, Notification
from reuse.requests import states as requests
from reuse.requests.models import RequestStatus, TransferRequest

MAIL_ENABLED = "reshelf.mail_enabled"  # session.info: write rows PENDING for the mailer
OUTBOX = "reshelf.outbox"  # session.info: ids written PENDING in this transaction
WARN_BEFORE_OUTSIDE = timedelta(days=3)  # owners hear this long before a listing leaves


class Kind(enum.StrEnum):
    REQUEST_NEW = "request_new"  # to the owners
    REQUEST_APPROVED = "request_approved"  # to the requester
    REQUEST_DECLINED = "request_declined"  # to the requester
    REQUEST_CANCELLED = "request_cancelled"  # to the owners, and the requester if not by them
    HANDOVER_REMINDER = "handover_reminder"  # to both sides, once a day until handed over
    HANDOVER_MOVED = "handover_moved"  # to the requester: what they collect was moved
    GOING_OUTSIDE = "going_outside"  # to the owners, before the listing leaves the organisation
    INTEREST_NEW = "interest_new"  # to the owners: an outsider would like it
    WISH_MATCH = "wish_match"  # to whoever wished for something like it
    WATCH_CLIMBED = "watch_climbed"  # to watchers, and likewise below
    WATCH_RESERVED = "watch_reserved"
    WATCH_WITHDRAWN = "watch_withdrawn"
    WATCH_CLOSED = "watch_closed"
    ACCOUNT_LOCKED = "account_locked"  # to the admins: failed logins from many places


def notify(
    session: Session, user_ids: Iterable[int | None], kind: Kind, *, now: datetime,
    params: dict[str, Any], listing_id: int | None = None, request_id: int | None = None,
    skip: int | None = None,
) -> list[Notification]:  # fmt: skip
    """Add one notification per active user in `user_ids` (once each, never to `skip`,
    the user who did it)."""
    ids = {i for i in user_ids if i is not None} - {skip}
    if not ids:
        return []
    users = session.scalars(
        select(User).where(User.id.in_(ids), User.is_active_account).order_by(User.id)
    ).all()
    mail = bool(session.info.get(MAIL_ENABLED))
    rows = [
        Notification(
            user_id=user.id, kind=kind.value, params=dict(params), listing_id=listing_id,
            request_id=request_id, created_at=now,
            mail_state=MailState.PENDING if mail and user.email else MailState.NONE,
        )
        for user in users
    ]  # fmt: skip
    session.add_all(rows)
    session.flush()
    pending = [row.id for row in rows if row.mail_state == MailState.PENDING]
    if pending:
        session.info.setdefault(OUTBOX, []).extend(pending)
    return rows


def about(listing: Listing) -> dict[str, Any]:
    """What every notification about a listing names: the item as its owners know it."""
    return {"item": listing.item.name, "tag": listing.item.tag}


def owners(session: Session, listing: Listing) -> list[int]:
    """Who decides on the listing, and who offered it: every facility manager (the role that
    approves, across departments; they usually sit in one facilities department, not the
    owning one), the owning department's admins, and the user who offered it."""
    deciders = session.scalars(
        select(User.id).where(
            User.is_active_account,
            or_(
                User.role == Role.MANAGER,
                and_(User.role.in_(MANAGERS), User.department_id == listing.item.department_id),
            ),
        )
    ).all()
    return [*deciders, listing.created_by_id]


def watchers(session: Session, listing: Listing) -> list[int]:
    return list(session.scalars(select(Watch.user_id).where(Watch.listing_id == listing.id)))


# --- requests ------------------------------------------------------------------------------------


def request_made(session: Session, request: TransferRequest, *, now: datetime) -> None:
    listing = request.listing
    params = {**about(listing), "department": request.department.name,
              "quantity": request.quantity}  # fmt: skip
    notify(session, owners(session, listing), Kind.REQUEST_NEW, now=now, params=params,
           listing_id=listing.id, request_id=request.id, skip=request.requested_by_id)  # fmt: skip


def request_approved(session: Session, request: TransferRequest, *, now: datetime) -> None:
    """The requester hears of the decision and the handover; watchers of the reservation."""
    params = {
        **about(request.listing), "quantity": request.quantity,
        "message": request.decision_message, "carrier": request.carrier,
        "handover_on": request.handover_on.isoformat() if request.handover_on else None,
        "mode": request.handover_mode, "from": request.handover_from,
        "to": request.deliver_to.code if request.deliver_to else request.deliver_place,
    }  # fmt: skip
    notify(session, [request.requested_by_id], Kind.REQUEST_APPROVED, now=now, params=params,
           listing_id=request.listing_id, request_id=request.id, skip=request.decided_by_id)  # fmt: skip
    listing_reserved(session, request.listing, request, now=now)


def handover_moved(
    session: Session, request: TransferRequest, *, was: str, by: User | None, now: datetime
) -> None:
    """The requester was told where to collect the item; staff have since moved it."""
    params = {**about(request.listing), "from": request.handover_from, "was": was}
    notify(session, [request.requested_by_id], Kind.HANDOVER_MOVED, now=now, params=params,
           listing_id=request.listing_id, request_id=request.id,
           skip=by.id if by else None)  # fmt: skip


def request_declined(session: Session, request: TransferRequest, *, now: datetime) -> None:
    params = {**about(request.listing), "quantity": request.quantity,
              "message": request.decision_message}  # fmt: skip
    notify(session, [request.requested_by_id], Kind.REQUEST_DECLINED, now=now, params=params,
           listing_id=request.listing_id, request_id=request.id, skip=request.decided_by_id)  # fmt: skip


def request_cancelled(
    session: Session, request: TransferRequest, *, by: User, was_approved: bool, now: datetime
) -> None:  # fmt: skip
    """The owners hear that a request was taken back (what was reserved is free again); the
    requester too, when a manager cancelled it for them."""
    params = {**about(request.listing), "department": request.department.name,
              "quantity": request.quantity, "released": was_approved}  # fmt: skip
    notify(session, [*owners(session, request.listing), request.requested_by_id],
           Kind.REQUEST_CANCELLED, now=now, params=params, listing_id=request.listing_id,
           request_id=request.id, skip=by.id)  # fmt: skip


def pending_declined(session: Session, listing: Listing, *, message: str, now: datetime) -> None:
    """Tell the requesters of a listing's pending requests that they are declined with
    `message`; called just before they are."""
    pending = session.scalars(
        select(TransferRequest).where(
            TransferRequest.listing_id == listing.id,
            TransferRequest.status == RequestStatus.PENDING,
        )
    ).all()
    for request in pending:
        params = {**about(listing), "quantity": request.quantity, "message": message}
        notify(session, [request.requested_by_id], Kind.REQUEST_DECLINED, now=now,
               params=params, listing_id=listing.id, request_id=request.id)  # fmt: skip


# --- changes of a listing --------------------------------------------------------------------------


def listing_offered(session: Session, listing: Listing, *, now: datetime) -> None:
    """A new listing: wishes hear of it if it starts where the whole organisation sees it."""
    if listing.tier >= Tier.ORGANISATION:
        wishes_matched(session, listing, now=now)


def listing_climbed(
    session: Session, listing: Listing, *, old: int, new: int, now: datetime
) -> None:
    """Watchers hear of the wider audience; wishes hear once the whole organisation sees it,
    which is always before anyone outside does (the ladder is climbed a rung at a time)."""
    notify(session, watchers(session, listing), Kind.WATCH_CLIMBED, now=now,
           params={**about(listing), "tier": new}, listing_id=listing.id)  # fmt: skip
    if old < Tier.ORGANISATION <= new:
        wishes_matched(session, listing, now=now)


def listing_reserved(
    session: Session, listing: Listing, request: TransferRequest, *, now: datetime
) -> None:
    params = {**about(listing), "quantity": request.quantity,
              "left": listing.quantity - listing.reserved}  # fmt: skip
    notify(session, watchers(session, listing), Kind.WATCH_RESERVED, now=now, params=params,
           listing_id=listing.id, skip=request.decided_by_id)  # fmt: skip


def listing_withdrawn(session: Session, listing: Listing, *, by: User, now: datetime) -> None:
    notify(session, watchers(session, listing), Kind.WATCH_WITHDRAWN, now=now,
           params=about(listing), listing_id=listing.id, skip=by.id)  # fmt: skip


def listing_closed(
    session: Session, listing: Listing, *, closing: str, by: User | None, now: datetime
) -> None:
    notify(session, watchers(session, listing), Kind.WATCH_CLOSED, now=now,
           params={**about(listing), "closing": closing}, listing_id=listing.id,
           skip=by.id if by else None)  # fmt: skip


def wishes_matched(session: Session, listing: Listing, *, now: datetime) -> None:
    """Each user whose wish the listing matches hears once, naming the first such wish."""
    told: set[int] = set()
    for wish in demand.matching_wishes(session, listing):
        if wish.user_id in told:
            continue
        told.add(wish.user_id)
        params = {**about(listing), "wish": demand.describe_wish(wish)}
        notify(session, [wish.user_id], Kind.WISH_MATCH, now=now, params=params,
               listing_id=listing.id)  # fmt: skip


def interest_registered(session: Session, listing: Listing, *, who: str, now: datetime) -> None:
    """Someone outside would like the listing; `who` is their organisation or name."""
    notify(session, owners(session, listing), Kind.INTEREST_NEW, now=now,
           params={**about(listing), "who": who}, listing_id=listing.id)  # fmt: skip


# --- accounts --------------------------------------------------------------------------------------


def tell_admins_account_locked(
    user: User, *, session: Session, until: datetime, now: datetime
) -> None:
    """Every active admin hears that failed logins from many addresses locked an account,
    so one of them can unlock it once the owner is reached (app.auth.throttle)."""
    admins = session.scalars(
        select(User.id).where(User.role == Role.ADMIN, User.is_active_account)
    ).all()
    notify(session, admins, Kind.ACCOUNT_LOCKED, now=now,
           params={"email": user.email, "until": until.isoformat()})  # fmt: skip


def listen() -> None:
    """Tell the admins of an account locked by failed logins (the shell's signal)."""
    account_locked.connect(tell_admins_account_locked)


# --- daily reminders, from the tick ----------------------------------------------------------------


def remind(session: Session, settings: ReuseSettings, *, now: datetime) -> None:
    """The tick's reminders: listings about to leave the organisation, handovers to do."""
    warn_going_outside(session, settings, now=now)
    remind_handovers(session, now=now)


def last_inside_tiers(settings: ReuseSettings) -> tuple[int, ...]:
    """The tiers a listing leaves the organisation from when its window ends."""
    if settings.organisation_days == 0:  # skipped: the department tier leads outside
        return (Tier.DEPARTMENT, Tier.ORGANISATION)
    return (Tier.ORGANISATION,)


def warn_going_outside(session: Session, settings: ReuseSettings, *, now: datetime) -> None:
    """Once per listing and tier, tell the owners that a listing with nothing approved will
    be offered outside within WARN_BEFORE_OUTSIDE."""
    due = session.scalars(
        select(Listing).where(
            Listing.status == ListingStatus.OPEN, Listing.reserved == 0,
            Listing.tier.in_(last_inside_tiers(settings)), Listing.tier_ends_at > now,
            Listing.tier_ends_at <= now + WARN_BEFORE_OUTSIDE,
        )
    ).all()  # fmt: skip
    to = Tier.PARTNERS if settings.partner_days > 0 else Tier.PUBLIC
    warned = _warned(session, [listing.id for listing in due])
    for listing in due:
        if (listing.id, listing.tier) in warned or not _lock_listing(session, listing):
            continue
        if (listing.id, listing.tier) in _warned(session, [listing.id]):  # another tick was first
            continue
        params = {**about(listing), "from_tier": listing.tier, "tier": to,
                  "leaves_at": listing.tier_ends_at.isoformat()}  # fmt: skip
        notify(session, owners(session, listing), Kind.GOING_OUTSIDE, now=now, params=params,
               listing_id=listing.id)  # fmt: skip


def _warned(session: Session, listing_ids: list[int]) -> set[tuple[int, int]]:
    """(listing, tier) pairs whose owners were already warned."""
    if not listing_ids:
        return set()
    rows = session.execute(
        select(Notification.listing_id, Notification.params).where(
            Notification.kind == Kind.GOING_OUTSIDE.value, Notification.listing_id.in_(listing_ids)
        )
    ).all()
    return {(listing_id, params.get("from_tier")) for listing_id, params in rows}


def _lock_listing(session: Session, listing: Listing) -> bool:
    """Hold the listing's row until commit, if it is still in the tier read."""
    return bool(advance(session, Listing, listings.WARN, Listing.id == listing.id,
                        Listing.tier == listing.tier))  # fmt: skip


def remind_handovers(session: Session, *, now: datetime) -> None:
    """Once a day, remind both sides of an approved request that is not handed over yet:
    from the day after approval, or from the day before the planned handover."""
    day_start = datetime.combine(now.date(), time(0), tzinfo=UTC)
    soon = now.date() + timedelta(days=1)
    due = [
        request
        for request in session.scalars(
            select(TransferRequest).where(
                TransferRequest.status == RequestStatus.APPROVED,
                TransferRequest.decided_at < day_start,
            )
        )
        if request.handover_on is None or request.handover_on <= soon
    ]
    reminded = _reminded(session, [request.id for request in due], day_start)
    for request in due:
        if request.id in reminded or not _lock_request(session, request):
            continue
        if _reminded(session, [request.id], day_start):  # another tick was first
            continue
        params = {
            **about(request.listing), "department": request.department.name,
            "quantity": request.quantity,
            "handover_on": request.handover_on.isoformat() if request.handover_on else None,
        }  # fmt: skip
        notify(session, [request.requested_by_id, request.decided_by_id],
               Kind.HANDOVER_REMINDER, now=now, params=params, listing_id=request.listing_id,
               request_id=request.id)  # fmt: skip


def _reminded(session: Session, request_ids: list[int], since: datetime) -> set[int]:
    """The requests among `request_ids` already reminded of since `since`."""
    if not request_ids:
        return set()
    return set(
        session.scalars(
            select(Notification.request_id).where(
                Notification.kind == Kind.HANDOVER_REMINDER.value,
                Notification.request_id.in_(request_ids),
                Notification.created_at >= since,
            )
        )
    )


def _lock_request(session: Session, request: TransferRequest) -> bool:
    """Hold the request's row until commit, if it is still approved."""
    return bool(
        advance(session, TransferRequest, requests.REMIND, TransferRequest.id == request.id)
    )
