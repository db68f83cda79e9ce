"""The demo's surplus: listings at every rung of the ladder today, and listings of the last two
months that ended in every way one can (handed over, given away, sold, to a partner,
recycled, scrapped, withdrawn), each with the requests, watches and interest of its story."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from app.auth.models import User
from app.auth.roles import Role
from app.demo import demand
from app.demo.calendar import Calendar
from app.demo.world import World
from inventory.models import Condition, Item, ItemStatus
from reuse.listings import closing
from reuse.listings import services as listing_services
from reuse.listings.models import Closing, Listing
from reuse.outside.models import Partner
from reuse.requests import services as request_services
from reuse.requests.models import TransferRequest

REASONS = ["Verksamheten har flyttat", "Ersatt av nya möbler", "Överblivet efter renovering",
           "Behövs inte längre efter omorganisationen"]  # fmt: skip
# Each story: the day its item was offered (days ago), then (days ago, step). With windows of
# 7, 14 and 14 days, a listing offered N days ago is with its department below 8, the whole
# organisation below 22, the partners below 36 and on the public market after.
STORIES: list[tuple[int, list[tuple[int, str]]]] = [
    (3, [(2, "watch")]),
    (5, []),
    (12, [(4, "request"), (3, "watch")]),
    (16, [(8, "request"), (6, "approve")]),
    (18, [(10, "request"), (8, "cancel")]),
    (20, [(11, "request"), (8, "withdraw")]),
    (28, [(4, "partner interest")]),
    (45, [(8, "interest"), (5, "interest"), (4, "handled")]),
    (40, []),
    (55, [(47, "request"), (46, "approve"), (43, "hand over")]),
    (50, [(42, "request"), (42, "second request"), (41, "decline second"), (40, "approve"),
          (36, "hand over")]),
    (58, [(21, "interest"), (18, "close given_away")]),
    (57, [(20, "interest"), (17, "close sold")]),
    (52, [(28, "partner interest"), (27, "close to_partner")]),
    (56, [(6, "close recycled")]),
    (54, [(8, "close scrapped")]),
]  # fmt: skip


@dataclass
class Story:
    """One listing from offer to today, its steps put on the calendar."""

    world: World
    partner: Partner
    flagged: int
    listing: Listing | None = None
    requests: list[TransferRequest] = field(default_factory=list)

    def offer(self, when: datetime) -> None:
        item = _free_item(self.world, lot=self.flagged % 3 == 0)
        self.listing = listing_services.flag_surplus(
            self.world.session, item, quantity=min(item.quantity, 4),
            reason=REASONS[self.flagged % len(REASONS)], condition=item.condition,
            collect_from="Lastkajen, " + str(item.storeroom.site) if item.storeroom else "",
            asking_price=Decimal(200 + 50 * (self.flagged % 9)) if self.flagged % 2 else None,
            by=self.world.people.first(Role.MANAGER), now=when,
        )  # fmt: skip

    def step(self, what: str, when: datetime) -> None:
        world, listing = self.world, self.listing
        manager = world.people.first(Role.MANAGER)
        if what in ("request", "second request"):
            asker = _requesters(world, listing.item)[len(self.requests)]
            self.requests.append(_ask(world, listing, asker, when))
        elif what == "approve":
            request_services.approve(world.session, self.requests[0], by=manager, now=when,
                                     carrier="Vaktmästeriet")  # fmt: skip
        elif what == "decline second":
            request_services.decline(world.session, self.requests[1], by=manager, now=when,
                                     message="Den andra förfrågan kom först.")  # fmt: skip
        elif what == "cancel":
            request_services.cancel(world.session, self.requests[0],
                                    by=world.session.get(User, self.requests[0].requested_by_id),
                                    now=when)  # fmt: skip
        elif what == "hand over":
            request_services.hand_over(world.session, self.requests[0], by=manager, now=when,
                                       **world.tags)  # fmt: skip
        elif what == "withdraw":
            listing_services.withdraw(world.session, listing, by=manager, now=when)
        elif what.startswith("close "):
            _close(world, listing, Closing(what.split()[1]), self.partner, when)
        else:
            demand.follow(world, listing, what, self.partner, when)


def load_listings(world: World, calendar: Calendar, partner: Partner) -> list[Story]:
    """Put every story on the calendar; the calendar's run plays them."""
    stories = []
    for flagged, steps in STORIES:
        story = Story(world, partner, flagged)
        calendar.on(world.days_ago(flagged, hour=9), story.offer)
        for days_ago, what in steps:
            calendar.on(world.days_ago(days_ago, hour=11),
                        lambda when, story=story, what=what: story.step(what, when))  # fmt: skip
        stories.append(story)
    return stories


def _free_item(world: World, *, lot: bool) -> Item:
    """An item in a storeroom, in stock and not yet offered, a lot when one is wanted."""
    offered = set(world.session.scalars(select(Listing.item_id)))
    free = [item for item in world.items if item.status == ItemStatus.IN_STORAGE
            and item.id not in offered and item.condition != Condition.BROKEN]  # fmt: skip
    lots = [item for item in free if item.is_lot]
    return world.rng.choice(lots if lot and lots else free)


def _requesters(world: World, item: Item) -> list[User]:
    """Department staff of other departments than the item's, a different order per item."""
    others = [u for u in world.people.all(Role.REQUESTER) if u.department_id != item.department_id]
    return sorted(others, key=lambda user: (user.id * 7 + item.id) % 11)


def _ask(world: World, listing: Listing, user: User, when: datetime) -> TransferRequest:
    request = request_services.request_transfer(
        world.session, listing, user=user, quantity=min(listing.available, 2), needed_by=None,
        deliver_to=None, deliver_place=f"{user.department.name}, rum {100 + user.id}",
        message="Vi behöver det till hösten", now=when, today=when.date(),
    )  # fmt: skip
    demand.check_found(world, user, listing, when)
    return request


def _close(world: World, listing: Listing, how: Closing, partner: Partner, when: datetime) -> None:
    """End the listing outside: to whom, for how much, as the closing form asks."""
    closed_to = {Closing.GIVEN_AWAY: "Sundby fritidsförening", Closing.SOLD: "Privatperson",
                 Closing.RECYCLED: "Återvinningscentralen Åby",
                 Closing.SCRAPPED: "Återvinningscentralen Åby"}.get(how, "")  # fmt: skip
    closing.close_listing(
        world.session, listing, how, by=world.people.first(Role.MANAGER), now=when,
        sale_price=Decimal(450) if how == Closing.SOLD else None,
        partner=partner if how == Closing.TO_PARTNER else None, closed_to=closed_to,
        **world.tags,
    )  # fmt: skip
