"""The demo's import: Östra skolan's own stock list, a semicolon CSV as a school exports it
from its spreadsheet, with its own inventory numbers, a column we have no field for and one
row in error, imported through the same steps as an upload."""

from __future__ import annotations

from datetime import datetime

from app.auth.roles import Role
from app.demo.world import World
from imports import services
from imports.models import ImportBatch
from inventory.models import Item

FILENAME = "Inventarier Östra skolan 2026.csv"
HEADER = ["Inventarienummer", "Benämning", "Kategori", "Verksamhet", "Förråd", "Hylla", "Skick",
          "Antal", "Inköpsdatum", "Inköpspris", "Fakturanummer", "Anmärkning"]  # fmt: skip
ROWS = [
    ["ÖS-1001", "Elevbord 70x50", "Elevbord", "Östra skolan", "OS-F1", "1", "Bra", "24",
     "2016-08-10", "1650", "F-88213", "Från sal 12"],
    ["ÖS-1002", "Elevbord 70x50", "Elevbord", "Östra skolan", "OS-V", "2", "Sliten", "12",
     "2014-08-01", "1500", "F-71004", ""],
    ["ÖS-1003", "Stapelstol Ben", "Stapelstol", "Östra skolan", "OS-F1", "3", "Bra", "40",
     "2018-06-15", "850", "F-90125", "Matsalen"],
    ["ÖS-1004", "Stapelstol Ben", "Stapelstol", "Östra skolan", "OS-V", "3", "Trasig", "6",
     "2012-01-20", "800", "", "Väntar på lagning"],
    ["ÖS-1005", "Bokhylla 200 cm", "Bokhylla", "Östra skolan", "OS-V", "", "Godtagbar", "1",
     "2015-03-02", "2100", "F-73377", ""],
    ["ÖS-1006", "Bokhylla 200 cm", "Bokhylla", "Östra skolan", "OS-V", "", "Bra", "1",
     "2015-03-02", "2100", "F-73377", ""],
    ["ÖS-1007", "Projektor Epson EB-W49", "Projektor", "Östra skolan", "OS-F1", "5", "Bra",
     "1", "2021-01-11", "7200", "F-99871", "Med fjärrkontroll"],
    ["ÖS-1008", "Projektor BenQ MW560", "Projektor", "Östra skolan", "OS-F1", "5", "Ny", "1",
     "2023-09-04", "6900", "F-10442", ""],
    ["ÖS-1009", "Arkivskåp 4 lådor", "Arkivskåp", "Östra skolan", "OS-V", "", "Bra", "2",
     "2013-05-05", "2900", "", "Expeditionen"],
    ["ÖS-1010", "Kontorsstol Savo Maxi", "Kontorsstol", "Östra skolan", "OS-F1", "4", "Sliten",
     "3", "2017-11-30", "3900", "F-85002", ""],
    ["ÖS-1011", "Höj- och sänkbart skrivbord", "Höj- och sänkbart skrivbord", "Östra skolan",
     "OS-F1", "", "Bra", "-2", "2019-02-14", "6200", "F-94410", "Antalet fel i listan"],
    ["ÖS-1012", "Kontorsstol Kinnarps 6000", "Kontorsstol", "Östra skolan", "OS-F1", "4", "Bra",
     "2", "2020-08-20", "4100", "F-97731", ""],
]  # fmt: skip


def stock_list_bytes() -> bytes:
    """The file as the school saved it: semicolons, Swedish dates, UTF-8 with a BOM."""
    lines = [";".join(HEADER)] + [";".join(row) for row in ROWS]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def load_import(world: World, when: datetime, *, max_rows: int) -> tuple[ImportBatch, list[Item]]:
    """Upload, check and commit the list as the school's facility manager does."""
    user = world.people.first(Role.MANAGER)
    batch, table = services.start_batch(world.session, stock_list_bytes(), FILENAME, user=user,
                                        sheet=None, now=when, max_rows=max_rows)  # fmt: skip
    services.check(world.session, batch, table, user=user)
    services.commit(world.session, batch, table, user=user, now=when, **world.tags)
    items = [row.item for row in batch.items if row.item is not None]
    world.items.extend(items)
    return batch, items
