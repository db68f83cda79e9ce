"""The demo municipality's departments, sites, storerooms and category tree, as data: Swedish
names as a Swedish municipality writes them, with the categories' English, Danish and Dutch
names beside them so a reader of another language sees the tree in theirs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from inventory import place_records
from inventory.models import Category, CategoryKind, Department, Storeroom

FACILITIES = "Service och fastighet"
DEPARTMENTS = [
    FACILITIES,
    "Östra skolan",
    "Västra skolan",
    "Solgårdens äldreboende",
    "Hemtjänst Norr",
    "Hemtjänst Syd",
    "Kulturhuset",
    "Fritidsgården Oasen",
]
# (site, town, address, [(storeroom code, name, owning department)])
SITES = [
    ("Stadshuset", "Sundby", "Storgatan 1", [
        ("SH-K1", "Källarförråd 1", FACILITIES), ("SH-K2", "Källarförråd 2", FACILITIES),
    ]),
    ("Östra skolan", "Sundby", "Skolvägen 4", [
        ("OS-F1", "Förråd vid gymnastiksalen", "Östra skolan"), ("OS-V", "Vinden", "Östra skolan"),
    ]),
    ("Solgården", "Norrby", "Solgårdsvägen 12", [
        ("SG-H1", "Hjälpmedelsförråd", "Solgårdens äldreboende"),
        ("SG-F2", "Förråd plan 2", "Solgårdens äldreboende"),
    ]),
    ("Centrallagret", "Åby", "Industrigatan 7", [
        ("CL-A", "Hall A", FACILITIES), ("CL-B", "Hall B", FACILITIES),
        ("CL-C", "Hall C", FACILITIES),
    ]),
    ("Kulturhuset", "Sundby", "Torget 3", [("KH-M", "Magasinet", "Kulturhuset")]),
]  # fmt: skip


@dataclass(frozen=True)
class Leaf:
    """A category at the end of the tree, with what its items are called and look like."""

    path: tuple[tuple[str, str, str, str], ...]  # (sv, en, da, nl) from the root down
    kind: CategoryKind
    value: int  # replacement value per unit, SEK
    co2e: int  # kg CO2e per unit
    item_names: tuple[str, ...]
    picture: str  # a shape in app/demo/pictures.py


FURNITURE = ("Möbler", "Furniture", "Møbler", "Meubilair")
CHAIRS = ("Stolar", "Chairs", "Stole", "Stoelen")
TABLES = ("Bord", "Desks and tables", "Borde", "Tafels en bureaus")
STORAGE = ("Förvaring", "Storage", "Opbevaring", "Opbergmeubels")
AIDS = ("Hjälpmedel", "Assistive aids", "Hjælpemidler", "Hulpmiddelen")
EQUIPMENT = ("Utrustning", "Equipment", "Udstyr", "Apparatuur")
LEAVES = [
    Leaf((FURNITURE, CHAIRS, ("Kontorsstol", "Office chair", "Kontorstol", "Bureaustoel")),
         CategoryKind.FURNITURE, 4200, 72,
         ("Kontorsstol Kinnarps 6000", "Kontorsstol Savo Maxi", "Kontorsstol RH Logic"), "chair"),
    Leaf((FURNITURE, CHAIRS, ("Stapelstol", "Stackable chair", "Stabelstol", "Stapelstoel")),
         CategoryKind.FURNITURE, 900, 25, ("Stapelstol Ben", "Stapelstol Kinnarps 3000"), "chair"),
    Leaf((FURNITURE, TABLES, ("Höj- och sänkbart skrivbord", "Height-adjustable desk",
                              "Hæve-sænkebord", "Zit-sta-bureau")),
         CategoryKind.FURNITURE, 6500, 110,
         ("Skrivbord höj- och sänkbart 160x80", "Skrivbord höj- och sänkbart 140x80"), "desk"),
    Leaf((FURNITURE, TABLES, ("Elevbord", "Pupil desk", "Elevbord", "Leerlingentafel")),
         CategoryKind.FURNITURE, 1800, 45, ("Elevbord 70x50", "Elevbord 130x50"), "desk"),
    Leaf((FURNITURE, STORAGE, ("Bokhylla", "Bookcase", "Reol", "Boekenkast")),
         CategoryKind.FURNITURE, 2200, 60, ("Bokhylla 200 cm", "Bokhylla Lundia 180 cm"), "shelf"),
    Leaf((FURNITURE, STORAGE, ("Arkivskåp", "Filing cabinet", "Arkivskab", "Archiefkast")),
         CategoryKind.FURNITURE, 3100, 85, ("Arkivskåp 4 lådor", "Arkivskåp Bisley"), "cabinet"),
    Leaf((AIDS, ("Gånghjälpmedel", "Walking aids", "Ganghjælpemidler", "Loophulpmiddelen"),
          ("Rollator", "Rollator", "Rollator", "Rollator")),
         CategoryKind.ASSISTIVE_AID, 3500, 30, ("Rollator Topro Olympos", "Rollator Server"),
         "rollator"),
    Leaf((AIDS, ("Rullstolar", "Wheelchairs", "Kørestole", "Rolstoelen"),
          ("Manuell rullstol", "Manual wheelchair", "Manuel kørestol", "Handbewogen rolstoel")),
         CategoryKind.ASSISTIVE_AID, 9800, 90, ("Rullstol Etac Cross 6", "Rullstol Panthera"),
         "wheelchair"),
    Leaf((AIDS, ("Sängar", "Beds", "Senge", "Bedden"),
          ("Vårdsäng", "Care bed", "Plejeseng", "Zorgbed")),
         CategoryKind.ASSISTIVE_AID, 24000, 250, ("Vårdsäng Carisma", "Vårdsäng Invacare SB755"),
         "bed"),
    Leaf((AIDS, ("Hygienhjälpmedel", "Hygiene aids", "Hygiejnehjælpemidler",
                 "Hygiënehulpmiddelen"),
          ("Duschstol", "Shower chair", "Badestol", "Douchestoel")),
         CategoryKind.ASSISTIVE_AID, 1900, 18, ("Duschstol Etac Swift", "Duschpall"), "chair"),
    Leaf((EQUIPMENT, ("AV-utrustning", "AV equipment", "AV-udstyr", "AV-apparatuur"),
          ("Projektor", "Projector", "Projektor", "Beamer")),
         CategoryKind.EQUIPMENT, 7500, 95, ("Projektor Epson EB-W49", "Projektor BenQ MW560"),
         "projector"),
]  # fmt: skip


@dataclass
class Places:
    """What the rest of the demo builds on, by the names above."""

    departments: dict[str, Department]
    rooms: dict[str, Storeroom]
    leaves: list[tuple[Category, Leaf]]


def load_places(session: Session) -> Places:
    """Save the departments, sites with their storerooms, and the category tree."""
    departments = {name: place_records.save_department(session, name) for name in DEPARTMENTS}
    rooms: dict[str, Storeroom] = {}
    for name, town, address, storerooms in SITES:
        site = place_records.save_site(session, name=name, town=town, address=address)
        for code, room_name, owner in storerooms:
            rooms[code] = place_records.save_storeroom(
                session, code=code, name=room_name, site=site, department=departments[owner]
            )
    return Places(departments, rooms, _category_tree(session))


def _category_tree(session: Session) -> list[tuple[Category, Leaf]]:
    """Save each leaf's path, the levels above it once, Swedish names first."""
    nodes: dict[tuple[str, ...], Category] = {}
    leaves = []
    for leaf in LEAVES:
        parent = None
        for depth, (sv, en, da, nl) in enumerate(leaf.path):
            key = tuple(level[0] for level in leaf.path[: depth + 1])
            if key not in nodes:
                last = depth == len(leaf.path) - 1
                nodes[key] = place_records.save_category(
                    session, name=sv, parent=parent, kind=leaf.kind,
                    names={"en": en, "da": da, "nl": nl},
                    replacement_value=Decimal(leaf.value) if last else None,
                    co2e_kg=Decimal(leaf.co2e) if last else None,
                )  # fmt: skip
            parent = nodes[key]
        leaves.append((parent, leaf))
    return leaves
