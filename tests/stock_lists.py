"""Stock lists as facility managers keep them, written by the tests themselves.

Each builder returns the bytes of one file, the same every run (a fixed seed), with what makes
real lists hard: titles above the header, blank rows, totals rows, quantities such as "12 st",
prices such as "1 250,00 kr", dates as cells and as text in local forms, Windows-1252 and BOMs,
two sheets. Tests never read files from outside the repository; the team's shared sample
files beside the checkout are for trying the importer by hand.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta

import openpyxl


def workbook(
    sheets: dict[str, list[list]], *, merged: dict[str, list[str]] | None = None,
    hidden: tuple[str, ...] = (),
) -> bytes:  # fmt: skip
    """An xlsx with these sheets and rows, as openpyxl writes it (formulas without values)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in (merged or {}).get(title, []):
            sheet.merge_cells(cells)
        sheet.sheet_state = "hidden" if title in hidden else "visible"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def text_file(rows: list[list], *, encoding: str, delimiter: str, newline: str = "\r\n") -> bytes:
    """A CSV as Excel saves one: the encoding and the separator of the user's locale."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue().encode(encoding)


def _day(rng: random.Random) -> date:
    return date(2008, 1, 1) + timedelta(days=rng.randrange(17 * 365))


def _swedish_money(amount: float, rng: random.Random) -> str:
    whole = f"{amount:,.0f}".replace(",", " ")
    decimals = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    return rng.choice([f"{whole} kr", decimals, f"{decimals} kr", str(round(amount))])


def swedish_school_storerooms() -> bytes:
    """240 rows under a merged title and a date, two blank rows inside, a totals formula below."""
    rng = random.Random(1501)
    names = {
        "Stolar": ["Pall", "Elevstol", "Kontorsstol"],
        "Förvaring": ["Bokhylla", "Förvaringsskåp med lås"],
        "Bord": ["Konferensbord", "Elevbänk", "Skrivbord höj- och sänkbart"],
        "Soffor": ["Soffa 3-sits"],
        "Övrigt": ["Whiteboard på hjul"],
    }
    places = [
        ("Förråd 2", "Skåreskolan"),
        ("Lager Norr", "Kommunhuset"),
        ("Vinden", "Rudsskolan"),
        ("Förråd källaren", "Skåreskolan"),
    ]
    departments = ["Skåreskolan", "Kommunledningskontoret", "Fritidsgård Orion", "Rudsskolan"]
    rows: list[list] = [
        ["Förrådsinventering – Barn- och utbildningsförvaltningen"],
        ["Uppdaterad", datetime(2026, 10, 3)],
        [],
        [
            "Inventarienr",
            "Benämning",
            "Kategori",
            "Antal",
            "Skick",
            "Förråd",
            "Byggnad",
            "Verksamhet",
            "Inköpsdatum",
            "Inköpspris",
            "Anmärkning",
            "Färg",
        ],
        [
            "BUF-00001",
            "Pall",
            "Stolar",
            "12",
            "Bra",
            "Förråd 2",
            "Skåreskolan",
            "Skåreskolan",
            datetime(2022, 1, 31),
            "438 kr",
            None,
            "Björk",
        ],
        [
            "BUF-00002",
            "Bokhylla",
            "Förvaring",
            "4",
            "OK",
            "Lager Norr",
            "Kommunhuset",
            "Kommunledningskontoret",
            "20161009",
            "1 410 kr",
            "Ej i bruk sedan 2022",
            "Svart",
        ],
    ]
    for number in range(3, 241):
        category = rng.choice(list(names))
        room, site = rng.choice(places)
        bought = _day(rng)
        rows.append(
            [
                None if number % 11 == 0 else f"BUF-{number:05d}",
                rng.choice(names[category]),
                category,
                rng.choice(["1", "2", "4 st", "12 st", "30", 1, 4, 30, "1 st"]),
                rng.choice(
                    [
                        "Bra",
                        "OK",
                        "Trasig",
                        "Behöver lagas",
                        "Nyskick",
                        "Mycket bra",
                        "bra",
                        "Sliten",
                    ]
                ),
                room,
                site,
                rng.choice(departments),
                rng.choice(
                    [
                        datetime.combine(bought, datetime.min.time()),
                        bought.isoformat(),
                        bought.strftime("%Y%m%d"),
                    ]
                ),
                _swedish_money(rng.uniform(300, 9000), rng),
                rng.choice([None, None, "Repig skiva", "Saknar nyckel"]),
                rng.choice(["Björk", "Svart", "Grå", "Blå", None]),
            ]
        )
        if number in (80, 160):
            rows.append([])
    rows.append([None, "Summa", None, f"=SUM(D5:D{len(rows)})"])
    return workbook({"Inventering": rows}, merged={"Inventering": ["A1:F1"]})


def swedish_aids_register() -> bytes:
    """150 aids in Windows-1252, separated by semicolons, decimal commas, two date forms."""
    rng = random.Random(1502)
    aids = [
        ("Rullstol manuell", 9800),
        ("Duschstol", 1900),
        ("Toalettförhöjning", 650),
        ("Lyftsele", 3100),
        ("Gåbord", 5200),
        ("Rollator", 2300),
        ("Vårdsäng elektrisk", 24000),
    ]
    rows = [
        [
            "Individnummer",
            "Artikelbenämning",
            "Artikelnummer",
            "Serienummer",
            "Skick",
            "Lagerplats",
            "Verksamhet",
            "Senaste service",
            "Inköpspris",
            "Kommentar",
        ]
    ]
    for number in range(1, 151):
        name, price = rng.choice(aids)
        serviced = _day(rng)
        rows.append(
            [
                f"HJM{number:06d}",
                name,
                str(rng.randrange(100000, 999999)),
                f"SN{rng.randrange(10**7, 10**8)}",
                rng.choice(["bra", "Trasig", "Behöver lagas", "Sliten", "OK", "Mycket bra"]),
                rng.choice(["Hjälpmedelsförrådet Karlstad", "Hjälpmedelsförrådet Arvika"]),
                rng.choice(["Rehab Öst", "Korttidsboende Solgläntan", "Hemtjänst Norr"]),
                rng.choice(["", serviced.isoformat(), serviced.strftime("%d.%m.%Y")]),
                rng.choice([str(price), f"{price:,}".replace(",", " ") + ",00", f"{price} kr"]),
                rng.choice(["", "Rekonditionerad", "Bromsen kärvar"]),
            ]
        )
    return text_file(rows, encoding="cp1252", delimiter=";")


def danish_housing_furniture() -> bytes:
    """80 rows of Danish headers, "4 stk." quantities, "kr. 1.500,00" prices, dd-mm-yyyy."""
    rng = random.Random(1503)
    things = [
        ("Seng 90x200", 3200),
        ("Kontorstol", 2600),
        ("Reol", 1100),
        ("Sofabord", 1500),
        ("Spisebordsstol", 900),
    ]
    rows: list[list] = [
        [
            "Nummer",
            "Betegnelse",
            "Antal",
            "Stand",
            "Lokale",
            "Afdeling",
            "Anskaffelsespris",
            "Købt",
            "Bemærkning",
        ]
    ]
    for number in range(1, 81):
        name, price = rng.choice(things)
        amount = f"{price:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        bought = _day(rng)
        rows.append(
            [
                f"DK-{number}",
                name,
                rng.choice([1, 2, 6, "4 stk.", "1 stk"]),
                rng.choice(["Som ny", "God", "god", "Defekt", "Slidt", "Skal repareres"]),
                rng.choice(["Kælderrum A", "Fælleshus", "Depot Vest"]),
                rng.choice(["Afd. 7 Engparken", "Afd. 12 Solbakken"]),
                rng.choice([f"kr. {amount}", f"{amount} DKK", amount]),
                rng.choice(
                    [datetime.combine(bought, datetime.min.time()), bought.strftime("%d-%m-%Y")]
                ),
                rng.choice([None, None, "Ridse i bordplade"]),
            ]
        )
    return workbook({"Inventar": rows})


def flemish_welfare_furniture() -> bytes:
    """90 rows in UTF-8 with a BOM: "€ 450,00" and "EUR 450,00", "2 stuks", dd/mm/yyyy."""
    rng = random.Random(1504)
    things = [
        ("Kleerkast", "Kasten", 390),
        ("Bed 1-persoons", "Bedden", 300),
        ("Stoel", "Stoelen", 80),
        ("Wasmachine", "Witgoed", 520),
        ("Eettafel", "Tafels", 450),
    ]
    rows = [
        [
            "Inventarisnummer",
            "Omschrijving",
            "Categorie",
            "Aantal",
            "Staat",
            "Locatie",
            "Dienst",
            "Aankoopprijs",
            "Aankoopdatum",
        ]
    ]
    for number in range(1, 91):
        name, category, price = rng.choice(things)
        bought = _day(rng)
        rows.append(
            [
                f"OCMW{number:04d}",
                name,
                category,
                rng.choice(["1", "2", "4", "2 stuks"]),
                rng.choice(["Nieuw", "Goed", "goed", "Versleten", "Defect", "Te herstellen"]),
                rng.choice(["Woning Zuidstraat 12", "Magazijn Noord", "Depot Kringwinkel"]),
                rng.choice(["Facility", "Tijdelijk wonen"]),
                rng.choice([f"€ {price},00", f"EUR {price},00", f"{price},00"]),
                rng.choice([bought.strftime("%d/%m/%Y"), bought.isoformat()]),
            ]
        )
    return text_file(rows, encoding="utf-8-sig", delimiter=",")


def english_facilities() -> bytes:
    """Two sheets with clean headers: 60 pieces of furniture, then 30 aids."""
    rng = random.Random(1505)
    things = [
        ("Bokhylla", "Förvaring", 114.29),
        ("Pall", "Stolar", 42.86),
        ("Elevstol", "Stolar", 84.76),
        ("Konferensbord", "Bord", 847.62),
        ("Soffa 3-sits", "Soffor", 704.76),
    ]
    furniture: list[list] = [
        [
            "Asset tag",
            "Name",
            "Category",
            "Quantity",
            "Condition",
            "Storeroom",
            "Building",
            "Department",
            "Purchase date",
            "Purchase price",
            "Serial number",
            "Notes",
        ]
    ]
    for number in range(1, 61):
        name, category, price = rng.choice(things)
        furniture.append(
            [
                f"FAC-{number:05d}",
                name,
                category,
                rng.choice([1, 3, 10]),
                rng.choice(["Good", "New", "Broken", "Fair", "Poor"]),
                *rng.choice(
                    [
                        ("Basement store", "Town hall"),
                        ("Basement store", "Library"),
                        ("Store B2", "Town hall"),
                    ]
                ),
                rng.choice(["Library services", "Facilities"]),
                datetime.combine(_day(rng), datetime.min.time()),
                price,
                None,
                None,
            ]
        )
    aids: list[list] = [
        ["Asset tag", "Name", "Category", "Serial number", "Condition", "Storeroom", "Department"]
    ]
    for number in range(1, 31):
        name, category = rng.choice(
            [("Duschstol", "Hygien"), ("Lyftsele", "Lyft"), ("Rollator", "Gånghjälpmedel")]
        )
        aids.append(
            [
                f"AID-{number:05d}",
                name,
                category,
                f"SN{rng.randrange(10**6, 10**7)}",
                "Good",
                "Aids store",
                "Home care",
            ]
        )
    return workbook({"Furniture": furniture, "Aids": aids})


# file name -> (builder, data rows on its first sheet)
SAMPLES: dict[str, tuple[Callable[[], bytes], int]] = {
    "forrad-skolor-sv.xlsx": (swedish_school_storerooms, 240),
    "hjalpmedel-sv.csv": (swedish_aids_register, 150),
    "inventar-boligafdeling-da.xlsx": (danish_housing_furniture, 80),
    "meubilair-ocmw-nl.csv": (flemish_welfare_furniture, 90),
    "facilities-en.xlsx": (english_facilities, 60),
}


def sample(name: str) -> bytes:
    """The bytes of one of the SAMPLES by its file name."""
    return SAMPLES[name][0]()
