"""The demo's demand and the outside: partners in the directory, wishes kept before the
surplus came, watches on listings, checks before buying, and the interest outsiders and
partners registered in what reached them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.audit.models import AuditAction, AuditObject
from app.audit.record import Target, record_event
from app.auth.models import User
from app.auth.roles import Role
from app.demo.world import World
from inventory.models import Category, Site
from reuse.demand import services as demand_services
from reuse.demand.models import BuyCheckOutcome
from reuse.listings.models import Listing
from reuse.outside import interests, partners
from reuse.outside.models import Interest, Partner, PartnerKind

PARTNERS = [
    ("Återbruket Sundby", PartnerKind.SECOND_HAND, "Sundby", "Kim Berg"),
    ("Norrby kommun", PartnerKind.PUBLIC_BODY, "Norrby", "Helena Strand"),
    ("Möbelverkstaden Åby", PartnerKind.REPAIR, "Åby", "Jonas Wik"),
    ("Stiftelsen Nya Chanser", PartnerKind.SOCIAL_ENTERPRISE, "Sundby", "Leila Nordin"),
]
# (whose, category's Swedish name or None, words, site name or None)
WISHES = [
    ("Fatima Ali", "Vårdsäng", "", None),
    ("Karin Johansson", None, "rollator", None),
    ("Peter Sjöberg", "Elevbord", "", "Östra skolan"),
    ("Erik Lund", None, "projektor", None),
    ("Mikael Öberg", "Stolar", "", None),
]
# Outsiders who wrote in: (name, organisation, e-mail, message)
OUTSIDERS = [
    ("Maja Engström", "Sundby fritidsförening", "maja@sundbyff.example",
     "Vi kan hämta på fredag om den finns kvar."),
    ("Omar Haddad", "", "omar.haddad@example.org", "Finns den kvar? Jag kan betala kontant."),
    ("Britt Olsson", "Norrby församling", "britt.olsson@example.org",
     "Skulle passa i vårt församlingshem."),
]  # fmt: skip
LIMITS = interests.InterestLimits(per_sender_per_hour=100, per_listing_per_day=100)


def load_partners(world: World, when: datetime) -> list[Partner]:
    """The partner directory, each link made by the facility manager (the links themselves are
    only ever shown once, so the demo forgets them)."""
    made = []
    for name, kind, town, contact in PARTNERS:
        details = partners.PartnerDetails(name=name, kind=kind, town=town, contact_name=contact)
        partner, _token = partners.add_partner(world.session, details)
        record_event(world.session, AuditAction.PARTNER_LINK_MADE,
                     Target(AuditObject.PARTNER, partner.id, partner.name),
                     actor=world.people.first(Role.MANAGER), remote_addr=None, now=when,
                     after={"name": name, "kind": str(kind), "town": town})  # fmt: skip
        made.append(partner)
    return made


def load_wishes(world: World, when: datetime) -> None:
    """Wishes kept before the surplus came, so new listings match them."""
    for name, category, words, site in WISHES:
        demand_services.add_wish(world.session, _user(world, name), category=_category(world, category),
                                 words=words, site=_site(world, site), now=when)  # fmt: skip


def load_buy_checks(world: World, when: datetime) -> None:
    """Two checks before buying that found nothing suitable, so buying new was justified."""
    for name, category, words in [("Erik Lund", "Projektor", "ljusstark"),
                                  ("Linnea Persson", "Vårdsäng", "")]:  # fmt: skip
        demand_services.record_buy_check(
            world.session, _user(world, name), category=_category(world, category), words=words,
            quantity=1, outcome=BuyCheckOutcome.NOTHING_SUITABLE, listing=None, now=when,
        )  # fmt: skip


def check_found(world: World, user: User, listing: Listing, when: datetime) -> None:
    """A requester who checked before buying and found this listing."""
    demand_services.record_buy_check(
        world.session, user, category=listing.item.category, words="", quantity=1,
        outcome=BuyCheckOutcome.FOUND_REQUESTED, listing=listing, now=when,
    )  # fmt: skip


def follow(world: World, listing: Listing, what: str, partner: Partner, when: datetime) -> None:
    """A watch, an outsider's or a partner's interest, or an interest dealt with."""
    if what == "watch":
        watcher = world.people.all(Role.MANAGER)[1]
        demand_services.set_watch(world.session, listing, watcher, on=True, now=when)
    elif what == "handled":
        first = world.session.scalars(interests.listing_interests(listing.id)).first()
        interests.mark_handled(world.session, first, now=when)
    else:
        _interest(world, listing, partner if what == "partner interest" else None, when)


def _interest(world: World, listing: Listing, partner: Partner | None, when: datetime) -> None:
    count = world.session.scalar(select(Interest.id).order_by(Interest.id.desc()).limit(1)) or 0
    name, organisation, email, message = OUTSIDERS[count % len(OUTSIDERS)]
    if partner is not None:
        name, organisation, email = partner.contact_name, partner.name, "kontakt@partner.example"
    interests.register_interest(
        world.session, listing, name=name, organisation=organisation, email=email, phone="",
        message=message, client_hash=interests.client_hash(f"192.0.2.{count}", "demo"),
        partner=partner, limits=LIMITS, now=when,
    )  # fmt: skip


def _user(world: World, name: str) -> User:
    return next(user for user in world.people.users if user.name == name)


def _category(world: World, name: str | None) -> Category | None:
    if name is None:
        return None
    return world.session.scalar(select(Category).where(Category.name == name))


def _site(world: World, name: str | None) -> Site | None:
    return None if name is None else world.session.scalar(select(Site).where(Site.name == name))
