"""Who may do what in reuse: every permission check of the feature, in one place.

Each check takes the user and the object it decides about, and nothing of the request (no
`current_user`), so a page, a service and a test ask the same question the same way. Reshelf
has one manager role, the facility manager, who works across departments (a department's
manager is a user with that role), and admins may do everything; what an item's department
may do with it is `inventory.access`'s to say.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session, object_session

from app.auth.roles import Role
from inventory.access import MANAGERS, MOVERS, can_view_item, item_scope
from inventory.models import Item, Storeroom
from reuse.listings.models import Listing, Tier
from reuse.repairs.models import RepairJob
from reuse.requests.models import TransferRequest

if TYPE_CHECKING:
    from app.auth.models import User
    from reuse.demand.models import Wish
    from reuse.notices.models import Notification

PARTNER_KEEPERS = (Role.ADMIN, Role.MANAGER)  # the partner directory and outside interest
SETTINGS_KEEPERS = (Role.ADMIN,)  # the ladder's windows and the rule for the outside
CHECK_READERS = (Role.MANAGER, Role.ADMIN)  # the list of checks before buying


# --- seeing a listing ---------------------------------------------------------------------------


def may_see(user: User, listing: Listing) -> bool:
    """Inside tiers: the owning department and the departments working at the same site (a
    storeroom of theirs there) see a listing first; cross-department roles (staff, managers,
    admins) see every internal listing."""
    if listing.tier >= Tier.ORGANISATION or user.works_across_departments:
        return True
    return in_first_circle(user, listing)


def in_first_circle(user: User, listing: Listing) -> bool:
    """The owning department, and departments with a storeroom at the item's site."""
    item = listing.item
    if item.department_id == user.department_id:
        return True
    return item.storeroom is not None and item.storeroom.site_id in sites_of(
        object_session(listing), user.department_id
    )


def sites_of(session: Session, department_id: int) -> set[int]:
    """The sites where a department has a storeroom: its neighbours in the first tier."""
    return set(session.scalars(select(Storeroom.site_id).where(
        Storeroom.department_id == department_id)))  # fmt: skip


def listing_scope(user: User, *, site_neighbours: bool = True) -> ColumnElement[bool]:
    """`may_see` as SQL, for a query of listings joined to their item and its storeroom.

    The check before buying has always asked without `site_neighbours`: it shows a
    department-tier listing to its own department only."""
    if user.works_across_departments:
        return true()
    seen = [Listing.tier >= Tier.ORGANISATION, Item.department_id == user.department_id]
    if site_neighbours:
        neighbours = select(Storeroom.site_id).where(Storeroom.department_id == user.department_id)
        seen.append(Storeroom.site_id.in_(neighbours))
    return or_(*seen)


def may_see_interests(user: User, listing: Listing) -> bool:
    """Managers and the owning department read the contact details outsiders left."""
    return user.role in MANAGERS or listing.item.department_id == user.department_id


# --- deciding on a listing and its requests -------------------------------------------------


def may_decide(user: User, listing: Listing) -> bool:
    """Facility managers and admins decide on the requests of a listing they see: approve,
    decline, hand over, change its window. Which request each may decide `is_other_side`
    narrows further."""
    return user.role in MANAGERS and may_see(user, listing)


def may_close(user: User, listing: Listing) -> bool:
    """Whoever decides on its requests records how a listing ended."""
    return may_decide(user, listing)


def may_withdraw(user: User, listing: Listing) -> bool:
    """The deciders, and the owning department, which offered it."""
    return may_decide(user, listing) or listing.item.department_id == user.department_id


def is_other_side(user: User, request: TransferRequest) -> bool:
    """A request is decided by the other side: never by whoever asked, nor by anyone of the
    department that asked, whatever their role."""
    return user.id != request.requested_by_id and user.department_id != request.department_id


def may_read_request(user: User, request: TransferRequest) -> bool:
    """A request is read by the department that made it, the department whose listing it asks
    for, and whoever decides on that listing (its page shows them every request side by side).
    Anyone else who may see the listing does not see who asked for it, nor their message."""
    listing = request.listing
    return (
        request.department_id == user.department_id
        or listing.item.department_id == user.department_id
        or may_decide(user, listing)
    )


def request_scope(user: User) -> ColumnElement[bool]:
    """`may_read_request` as SQL, for a query of requests joined to their listing, its item
    and the item's storeroom."""
    seen = [
        TransferRequest.department_id == user.department_id,
        Item.department_id == user.department_id,
    ]
    if user.role in MANAGERS:  # the deciders: every request of a listing they see
        seen.append(listing_scope(user))
    return or_(*seen)


def may_cancel(user: User, request: TransferRequest) -> bool:
    """The requesting department takes its request back; the deciders may too."""
    return request.department_id == user.department_id or may_decide(user, request.listing)


def may_confirm_handover(user: User, request: TransferRequest) -> bool:
    """The deciders record a handover, and the receiving department confirms its receipt."""
    return request.department_id == user.department_id or may_decide(user, request.listing)


# --- the rest of the feature -------------------------------------------------------------------


def sees_every_department(user: User) -> bool:
    """The savings report of every department; anyone else reads their own department's."""
    return user.role in MANAGERS


def may_read_checks(user: User) -> bool:
    """The recent checks before buying, with who checked and what they bought."""
    return user.role in CHECK_READERS


def is_recipient(user: User, notification: Notification) -> bool:
    """A notice is its recipient's alone; anyone else's is answered as one that is not there."""
    return notification.user_id == user.id


def owns_wish(user: User, wish: Wish) -> bool:
    """A wish is its maker's alone, likewise."""
    return wish.user_id == user.id


# --- repair jobs --------------------------------------------------------------------------------


def may_see_repair(user: User, job: RepairJob) -> bool:
    """A job is seen by whoever sees its item."""
    return can_view_item(user, job.item)


def repair_scope(user: User) -> ColumnElement[bool]:
    """`may_see_repair` as SQL, for a query of repair jobs: by the item's department now (the
    job's own is the one that sent it, and the item may have been handed over since)."""
    if user.works_across_departments:
        return true()
    return RepairJob.item_id.in_(select(Item.id).where(item_scope(user)))


def may_send_to_repair(user: User, item: Item) -> bool:
    """Warehouse staff, managers and admins send an item they see to repair."""
    return user.role in MOVERS and can_view_item(user, item)


def may_work_on_repair(user: User, job: RepairJob) -> bool:
    """The same people record a quote, parts and labour, the repair done and the return."""
    return user.role in MOVERS and may_see_repair(user, job)


def may_decide_repair(user: User, job: RepairJob) -> bool:
    """Managers and admins spend the money: approve, write off, give a partner its link."""
    return user.role in MANAGERS and may_see_repair(user, job)
