"""The aid depot at Solgården: rollators, wheelchairs, shower chairs and patient lifts going
round the reconditioning cycle, so every state, a kit with a gap, two equivalence groups and
a lift whose yearly inspection is overdue are there to see.

Each aid is a new item whose whole life is stepped through the same services the pages use,
oldest step first, so its history and inspection journal read as they happened.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from app.auth.roles import Role
from app.demo.world import World
from inventory import item_records, place_records
from inventory.models import Category, CategoryKind, Condition, Item
from reuse.aids import records
from reuse.aids.cycle import Details, enrol, take_step
from reuse.aids.models import Aid, ArticleScheme
from reuse.aids.states import Step

DEPOT, ISSUED_TO = "SG-H1", "Hemtjänst Norr"
CHECKS = {
    "Rollator": "Bromsar\nHjul och gaffel\nHandtag och höjdinställning",
    "Manuell rullstol": "Bromsar\nDäck och lufttryck\nFotstöd\nSittdyna",
    "Duschstol": "Ben och gummitassar\nSits och ryggstöd",
    "Personlyft": "Lyftmotor\nNödsänkning\nBatteri och laddning\nLyftbygel och sele",
}
# The steps from a return up to each state; an aid is taken as far as its state.
CLEANED = {"method": "Spritavtorkning", "agent": "Etanol 70 %"}
ROUND = [(Step.RETURNED, {}), (Step.CLEANED, CLEANED), (Step.INSPECTED, {"passed": True}),
         (Step.READY, {}), (Step.ISSUED, {"unit": "Team 2"})]  # fmt: skip


def load_aids(world: World) -> None:
    """Plans, kits, groups, and aids in every state of the cycle."""
    categories = _categories(world)
    staff = world.people.first(Role.STAFF)
    _plans(world, categories)
    _walking_and_hygiene(world, categories, staff)
    _lifts(world, categories["Personlyft"], categories["Lyftsele"], categories["Laddare"], staff)


def _plans(world: World, categories: dict[str, Category]) -> None:
    """A plan for each aid category; rollators in a forced group, wheelchairs in an optional
    one; a lift's kit is its sling and charger."""
    groups = {"Rollator": records.save_group(world.session, "Rollatorer", forced=True),
              "Manuell rullstol": records.save_group(world.session, "Rullstolar", forced=False)}  # fmt: skip
    for name, checklist in CHECKS.items():
        records.save_plan(world.session, categories[name], checklist=checklist,
                          inspection_days=365, service_days=182 if name == "Personlyft" else None,
                          step_days={"returned": 2, "quarantined": 3, "cleaned": 2,
                                     "inspected": 2, "in_repair": 21},
                          group=groups.get(name))  # fmt: skip
    records.set_kit(world.session, categories["Personlyft"],
                    [categories["Lyftsele"], categories["Laddare"]])  # fmt: skip


def _walking_and_hygiene(world: World, categories: dict[str, Category], staff) -> None:
    """Rollators ready at different ages (the oldest went first), out and just back; a
    wheelchair in quarantine, one cleaned, one ready; a shower chair inspected, one failed."""

    def aid(name: str, bought: int, category: str = "Rollator") -> Item:
        return _new_aid(world, categories[category], name, bought=bought,
                        at=world.days_ago(1.5 * 365))  # fmt: skip

    chair, shower = "Manuell rullstol", "Duschstol"
    for bought, name in ((2016, "Rollator Topro Olympos"), (2019, "Rollator Server"),
                         (2021, "Rollator Topro Olympos")):  # fmt: skip
        _round(world, aid(name, bought), staff, up_to=Step.READY, days_ago=40)
    _round(world, aid("Rollator Server", 2014), staff, up_to=Step.ISSUED, days_ago=30)
    _round(world, aid("Rollator Topro Olympos", 2017), staff, up_to=Step.RETURNED, days_ago=1)
    contaminated = aid("Rullstol Etac Cross 6", 2018, chair)
    _round(world, contaminated, staff, up_to=Step.RETURNED, days_ago=6)
    _step(world, contaminated, Step.QUARANTINED, staff, world.days_ago(6, hour=11),
          notes="Kom tillbaka nedsmutsad; väntar på desinfektion.")  # fmt: skip
    _round(world, aid("Rullstol Panthera", 2020, chair), staff, up_to=Step.CLEANED, days_ago=3)
    _round(world, aid("Rullstol Etac Cross 6", 2015, chair), staff, up_to=Step.READY,
           days_ago=20)  # fmt: skip
    _round(world, aid("Duschstol Etac Swift", 2022, shower), staff, up_to=Step.INSPECTED,
           days_ago=2)  # fmt: skip
    broken = aid("Duschpall", 2014, shower)
    _round(world, broken, staff, up_to=Step.CLEANED, days_ago=9)
    _step(world, broken, Step.INSPECTED, staff, world.days_ago(8), passed=False,
          notes="Ett ben böjt; gummitassar saknas.",
          checks=[("Ben och gummitassar", False), ("Sits och ryggstöd", True)])  # fmt: skip


def _lifts(world: World, lifts: Category, slings: Category, chargers: Category, staff) -> None:
    """An issued lift whose yearly inspection is overdue (two inspections in its journal), a
    lift back without its sling (lost where it was used), and a ready one whose missing
    charger was accepted."""
    overdue = _new_aid(world, lifts, "Personlyft Molift Smart 150", bought=2019,
                       at=world.days_ago(820))  # fmt: skip
    _kit(world, overdue, (slings, chargers), staff, world.days_ago(815))
    _round(world, overdue, staff, up_to=Step.ISSUED, days_ago=800)
    _round(world, overdue, staff, up_to=Step.ISSUED, days_ago=420)
    records.edit_record(world.session, _aid_of(world, overdue), iso_class="12 36 03",
                        scheme=ArticleScheme.HMI, number="109876", by=staff,
                        now=world.days_ago(419))  # fmt: skip
    no_sling = _new_aid(world, lifts, "Personlyft Liko Viking", bought=2021,
                        at=world.days_ago(500))  # fmt: skip
    _kit(world, no_sling, (slings, chargers), staff, world.days_ago(499))
    _round(world, no_sling, staff, up_to=Step.ISSUED, days_ago=300)
    lost = next(a for a in _aid_of(world, no_sling).accessories if a.item.category == slings)
    records.unlink_accessory(world.session, _aid_of(world, no_sling), lost, by=staff,
                             now=world.days_ago(5))  # fmt: skip
    _round(world, no_sling, staff, up_to=Step.INSPECTED, days_ago=4)
    gap = _new_aid(world, lifts, "Personlyft Molift Smart 150", bought=2022,
                   at=world.days_ago(200))  # fmt: skip
    _kit(world, gap, (slings,), staff, world.days_ago(199))
    _round(world, gap, staff, up_to=Step.INSPECTED, days_ago=12)
    _step(
        world,
        gap,
        Step.READY,
        staff,
        world.days_ago(11),
        gap_reason="Laddaren är beställd; en lånas ut från förrådet tills den kommer.",
    )


def _categories(world: World) -> dict[str, Category]:
    """The demo's aid categories by Swedish name, with a lift and its accessories added."""
    aids = {c.name: c for c, _leaf in world.places.leaves if c.kind == CategoryKind.ASSISTIVE_AID}
    root = next(iter(aids.values())).parent.parent
    save = place_records.save_category
    lifts = save(world.session, name="Personlyft", parent=root, kind=CategoryKind.ASSISTIVE_AID,
                 names={"en": "Patient lift", "da": "Personløfter", "nl": "Tillift"},
                 replacement_value=Decimal(45000), co2e_kg=Decimal(310))  # fmt: skip
    slings = save(world.session, name="Lyftsele", parent=root, kind=CategoryKind.EQUIPMENT,
                  names={"en": "Lifting sling", "da": "Løftesejl", "nl": "Tilband"},
                  replacement_value=Decimal(2400), co2e_kg=Decimal(6))  # fmt: skip
    chargers = save(world.session, name="Laddare", parent=root, kind=CategoryKind.EQUIPMENT,
                    names={"en": "Charger", "da": "Oplader", "nl": "Oplader"},
                    replacement_value=Decimal(1500), co2e_kg=Decimal(4))  # fmt: skip
    return {**aids, "Personlyft": lifts, "Lyftsele": slings, "Laddare": chargers}


def _new_aid(world: World, category: Category, name: str, *, bought: int, at: datetime) -> Item:
    room = world.places.rooms[DEPOT]
    fields = {
        "name": name, "category": category, "department": room.department,
        "condition": Condition.GOOD, "quantity": 1,
        "serial_number": f"SN{world.rng.randint(100000, 999999)}",
        "purchase_date": date(bought, world.rng.randint(1, 12), world.rng.randint(1, 28)),
        "purchase_price": category.replacement_value, "notes": "", "position": "", "place": "",
    }  # fmt: skip
    return item_records.create_item(
        world.session,
        fields,
        storeroom=room,
        by=world.people.first(Role.STAFF),
        now=at,
        **world.tags,
    )


def _kit(world: World, item: Item, parts: tuple[Category, ...], by, at: datetime) -> None:
    """Enrol the aid as in use and link an accessory of each category in `parts`."""
    aid = enrol(world.session, item, now=at)
    for part in parts:
        accessory = _new_aid(world, part, part.name, bought=item.purchase_date.year, at=at)
        records.link_accessory(world.session, aid, accessory, by=by, now=at)


def _aid_of(world: World, item: Item) -> Aid:
    return world.session.get(Aid, item.id)


def _round(world: World, item: Item, by, *, up_to: Step, days_ago: float) -> None:
    """Take the aid from a return up to `up_to`, a few hours apart, from `days_ago`."""
    to = world.places.departments[ISSUED_TO]
    for hours, (step, details) in enumerate(ROUND):
        when = world.days_ago(days_ago, hour=8) + timedelta(hours=hours)
        if step == Step.INSPECTED and item.category.name == "Personlyft":
            records.record_service(world.session, _aid_of(world, item), by=by, now=when,
                                   today=when.date(), notes="Batteri bytt, nödsänkning provad.")  # fmt: skip
        _step(world, item, step, by, when, **({"to": to} if step == Step.ISSUED else {}),
              **details)  # fmt: skip
        if step == up_to:
            return


def _step(world: World, item: Item, step: Step, by, when: datetime, **details) -> None:
    take_step(world.session, item, step, Details(**details), by=by, now=when, today=when.date())
