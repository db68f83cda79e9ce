"""The words, places and weights the inventory benchmark's items are drawn from, and the
searches it times over them (bench/inventory_seed.py draws the items)."""

from __future__ import annotations

from inventory.models import CategoryKind, Condition, ItemStatus

# Nouns in rank order; a noun's weight is 1/rank (Zipf), which gives 'stol' about a fifth of
# all names. Each noun maps to a leaf of the category tree and to a brand group.
NOUNS = [
    ("Stol", "Stolar", "furniture"),
    ("Bord", "Bord", "furniture"),
    ("Hylla", "Förvaring", "furniture"),
    ("Skåp", "Förvaring", "furniture"),
    ("Lampa", "Belysning", "equipment"),
    ("Skrivbord", "Bord", "furniture"),
    ("Chair", "Stolar", "furniture"),
    ("Rollator", "Gånghjälpmedel", "aid"),
    ("Kontorsstol", "Stolar", "furniture"),
    ("Rullstol", "Rullstolar", "aid"),
    ("Desk", "Bord", "furniture"),
    ("Soffa", "Soffor", "furniture"),
    ("Bänk", "Soffor", "furniture"),
    ("Pall", "Stolar", "furniture"),
    ("Skärm", "IT", "equipment"),
    ("Vårdsäng", "Sängar", "aid"),
    ("Projektor", "AV", "equipment"),
    ("Bokhylla", "Förvaring", "furniture"),
    ("Whiteboard", "AV", "equipment"),
    ("Dator", "IT", "equipment"),
    ("Stapelstol", "Stolar", "furniture"),
    ("Fåtölj", "Soffor", "furniture"),
    ("Arkivskåp", "Förvaring", "furniture"),
    ("Table", "Bord", "furniture"),
    ("Kylskåp", "Kök", "equipment"),
    ("Duschstol", "Hygien", "aid"),
    ("Elevbord", "Bord", "furniture"),
    ("Byrå", "Förvaring", "furniture"),
    ("Shelf", "Förvaring", "furniture"),
    ("Mikrovågsugn", "Kök", "equipment"),
    ("Karmstol", "Stolar", "furniture"),
    ("Skrivare", "IT", "equipment"),
    ("Gåbord", "Gånghjälpmedel", "aid"),
    ("Kaffebryggare", "Kök", "equipment"),
    ("Konferensbord", "Bord", "furniture"),
    ("Golvlampa", "Belysning", "equipment"),
    ("Wheelchair", "Rullstolar", "aid"),
    ("Högtalare", "AV", "equipment"),
    ("Säng", "Sängar", "aid"),
    ("Diskmaskin", "Kök", "equipment"),
    ("Cabinet", "Förvaring", "furniture"),
    ("Lyftsele", "Hygien", "aid"),
    ("Walker", "Gånghjälpmedel", "aid"),
    ("Klädhängare", "Förvaring", "furniture"),
    ("Spegel", "Förvaring", "furniture"),
]
# Category tree: root -> [(child, leaf names)]; items go into the children.
CATEGORY_TREE = {
    ("Möbler", CategoryKind.FURNITURE): ["Stolar", "Bord", "Förvaring", "Soffor"],
    ("Hjälpmedel", CategoryKind.ASSISTIVE_AID): [
        "Gånghjälpmedel",
        "Rullstolar",
        "Sängar",
        "Hygien",
    ],
    ("Utrustning", CategoryKind.EQUIPMENT): ["AV", "IT", "Kök", "Belysning"],
}
BRANDS = {
    "furniture": [
        "Kinnarps",
        "IKEA",
        "Lammhults",
        "Materia",
        "Offecct",
        "Martela",
        "EFG",
        "Edsbyn",
        "Gärsnäs",
        "Abstracta",
        "Johanson",
        "Swedese",
        "Norrgavel",
        "Ire",
    ],
    "aid": ["Etac", "Invacare", "Topro", "Permobil", "Sunrise", "Handicare", "Linak", "Vermeiren"],
    "equipment": [
        "Philips",
        "Epson",
        "HP",
        "Dell",
        "Lenovo",
        "Samsung",
        "Electrolux",
        "Bosch",
        "Miele",
        "BenQ",
        "Canon",
        "Logitech",
    ],
}
MODELS = [
    "3000",
    "6000",
    "Plus",
    "Pro",
    "Classic",
    "Flex",
    "Cross",
    "Mini",
    "Max",
    "Eco",
    "Nova",
    "Swift",
    "Capella",
    "Olympos",
    "Delta",
    "Orbit",
    "Zenit",
    "Atlas",
    "Luna",
    "Sigma",
]
ATTRIBUTES = [
    "svart",
    "vit",
    "grå",
    "ek",
    "björk",
    "blå",
    "krom",
    "black",
    "röd",
    "tyg",
    "läder",
    "grön",
    "white",
    "bok",
    "furu",
    "oak",
    "beige",
    "antracit",
    "gul",
    "orange",
]
SIZES = ["120x80", "160x80", "140x70", "80x80", "200 cm", "180 cm", "60x40", "90x200"]
NOTES = [
    "Repa på vänster sida",
    "Saknar ett hjul",
    "Nyligen servad",
    "Från flytten 2021",
    "Trasigt armstöd",
    "Scratched top",
    "Fläckar på sitsen",
    "Ska lagas före utlåning",
    "Missing one wheel",
    "Reservdelar finns i förrådet",
    "Höjdinställningen kärvar",
    "Batteriet bytt 2022",
    "Ny klädsel 2020",
    "Lånas ut till hemtjänsten",
    "Kontrollerad av tekniker",
    "Gammal modell, fungerar bra",
    "Extra kuddar medföljer",
    "Nyckel saknas",
    "Serviced in 2023",
    "Donated by Västra skolan",
]
# Kept here rather than taken from the demo, so that a richer demo does not change the data
# the benchmarks' figures were measured on.
DEPARTMENTS = [
    "Facilities", "Östra skolan", "Västra skolan", "Vårdcentralen Norr", "Hemtjänst Norr",
    "Hemtjänst Syd", "Kulturhuset", "Biblioteket",
]  # fmt: skip
SITES = [
    ("Stadshuset", "Sundby", ["SH-K1", "SH-K2"]),
    ("Östra skolan", "Sundby", ["OS-F1", "OS-V"]),
    ("Vårdcentralen Norr", "Norrby", ["VC-H1", "VC-F2"]),
    ("Centrallagret", "Sundby", ["CL-A", "CL-B", "CL-C", "CL-D"]),
]
STATUS_WEIGHTS = {
    ItemStatus.IN_USE: 45,
    ItemStatus.IN_STORAGE: 35,
    ItemStatus.OFFERED: 8,
    ItemStatus.RESERVED: 4,
    ItemStatus.DISPOSED: 8,
}
CONDITION_WEIGHTS = {
    Condition.NEW: 10,
    Condition.GOOD: 50,
    Condition.FAIR: 25,
    Condition.NEEDS_REPAIR: 10,
    Condition.BROKEN: 5,
}

# --- the searches ----------------------------------------------------------------------------
COMMON_WORD = "stol"  # about 20% of names
RARE_PHRASE = "rullstol etac grön"  # three mid-frequency words, a few dozen rows together
NO_MATCH = "xylofon"
