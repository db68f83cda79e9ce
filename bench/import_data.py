"""The stock list the import benchmark imports: a Swedish-style list of 12 columns (an empty
tag column, names, "12 st" quantities, "1 250,00 kr" prices, real date cells, conditions such
as Bra and Sliten, department, storeroom, site, category, manufacturer and an unknown column),
written as Excel writes xlsx (shared strings, a date style) and as a semicolon CSV with a BOM.
"""

from __future__ import annotations

import csv
import random
import zipfile
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

HEADERS = ["Inventarienr", "Benämning", "Antal", "Inköpspris", "Inköpsdatum", "Skick",
           "Verksamhet", "Förråd", "Byggnad", "Kategori", "Tillverkare", "Färg"]  # fmt: skip
NOUNS = [("Stol", "Stolar"), ("Bord", "Bord"), ("Hylla", "Förvaring"), ("Skåp", "Förvaring"),
         ("Lampa", "Belysning"), ("Skrivbord", "Bord"), ("Kontorsstol", "Stolar"),
         ("Rollator", "Hjälpmedel"), ("Rullstol", "Hjälpmedel"), ("Soffa", "Soffor"),
         ("Bänk", "Soffor"), ("Pall", "Stolar"), ("Skärm", "IT"), ("Vårdsäng", "Sängar"),
         ("Projektor", "AV"), ("Bokhylla", "Förvaring"), ("Whiteboard", "AV"), ("Dator", "IT"),
         ("Elevbord", "Bord"), ("Kylskåp", "Kök"), ("Gardin", "Textil"), ("Matta", "Textil"),
         ("Stege", "Övrigt")]  # fmt: skip
BRANDS = ["Kinnarps", "IKEA", "Lammhults", "Materia", "Martela", "EFG", "Edsbyn", "Etac",
          "Invacare", "Topro", "Philips", "Epson", "Dell", "Electrolux", "Bosch", "Gärsnäs"]  # fmt: skip
MODELS = ["3000", "6000", "Plus", "Pro", "Classic", "Flex", "Mini", "Max", "Eco", "Nova"]
COLOURS = ["Björk", "Ek", "Svart", "Vit", "Grå", "Blå", "Röd", "Krom", "Bok", "Grön"]
CONDITIONS = ["Bra"] * 10 + ["Sliten"] * 5 + ["Ny"] * 2 + ["Behöver lagas"] * 2 + ["Trasig"]
DEPARTMENTS = ["Barn och utbildning", "Vård och omsorg", "Kultur och fritid",
               "Samhällsbyggnad", "Socialtjänsten", "Kommunledningskontoret"]  # fmt: skip
SITES = ["Skåreskolan", "Norrskolan", "Västra skolan", "Stadshuset", "Vårdcentralen Norr",
         "Centrallagret", "Kulturhuset", "Solhemmet"]  # fmt: skip
ROOMS = ["Källarförrådet", "Vinden", "Förråd plan 2"]
EXCEL_EPOCH = date(1899, 12, 30)


# --- the data --------------------------------------------------------------------------------


def swedish_money(amount: int) -> str:
    """1250 -> "1 250,00 kr", as Swedes type prices."""
    return f"{amount:,}".replace(",", " ") + ",00 kr"


def stock_rows(count: int, seed: int) -> list[list]:
    """Rows of cells (str, int, date or None) in the order of HEADERS, the tag left empty."""
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        noun, category = NOUNS[min(int(rng.paretovariate(1.2)) - 1, len(NOUNS) - 1)]
        brand = rng.choice(BRANDS)
        name = f"{noun} {brand}" + (f" {rng.choice(MODELS)}" if rng.random() < 0.6 else "")
        site = rng.choice(SITES)
        lot = rng.random() < 0.1
        quantity = f"{rng.randint(2, 40)} st" if lot else ("1 st" if rng.random() < 0.7 else 1)
        priced = rng.random() < 0.8
        rows.append([
            None,
            name,
            quantity,
            swedish_money(rng.randint(2, 250) * 50) if priced else None,
            date(2008, 1, 1) + timedelta(days=rng.randint(0, 6000)) if priced else None,
            rng.choice(CONDITIONS),
            rng.choice(DEPARTMENTS),
            f"{rng.choice(ROOMS)}, {site}",
            site,
            category,
            brand,
            rng.choice(COLOURS) if rng.random() < 0.7 else None,
        ])  # fmt: skip
    return rows


def changed_half(rows: list[list], tags: list[str]) -> list[list]:
    """The same rows with the created items' tags and every second row changed: quantity,
    condition, price or storeroom, in turn."""
    changed = []
    for n, (row, tag) in enumerate(zip(rows, tags, strict=True)):
        row = [tag, *row[1:]]
        if n % 2 == 0:
            kind = (n // 2) % 4
            if kind == 0:
                row[2] = "45 st"
            elif kind == 1:
                row[5] = "Trasig" if row[5] != "Trasig" else "Bra"
            elif kind == 2:
                row[3] = swedish_money(99_950)
            else:
                row[7] = f"{ROOMS[(ROOMS.index(row[7].split(',')[0]) + 1) % 3]}, {row[8]}"
        changed.append(row)
    return changed


# --- writing the files -----------------------------------------------------------------------


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


WORKBOOK_FILES = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Inventarier" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" '
        'xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle '
        'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}


def write_xlsx(path: Path, rows: list[list]) -> None:
    """Write rows as Excel does: every text in xl/sharedStrings.xml, dates as day numbers
    with a date style, empty cells left out."""
    strings: dict[str, int] = {}
    uses = 0
    sheet = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://'
        'schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:'
        f'{column_letter(len(HEADERS) - 1)}{len(rows) + 1}"/><sheetData>'
    ]
    for number, row in enumerate([HEADERS, *rows], start=1):
        cells = []
        for index, value in enumerate(row):
            ref = f"{column_letter(index)}{number}"
            if value is None:
                continue
            if isinstance(value, str):
                uses += 1
                cells.append(f'<c r="{ref}" t="s"><v>{strings.setdefault(value, len(strings))}'
                             "</v></c>")  # fmt: skip
            elif isinstance(value, date):
                cells.append(f'<c r="{ref}" s="1"><v>{(value - EXCEL_EPOCH).days}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        sheet.append(f'<row r="{number}">{"".join(cells)}</row>')
    sheet.append("</sheetData></worksheet>")
    shared = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
        f'openxmlformats.org/spreadsheetml/2006/main" count="{uses}" '
        f'uniqueCount="{len(strings)}">',
        *(f"<si><t>{escape(text)}</t></si>" for text in strings),
        "</sst>",
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in WORKBOOK_FILES.items():
            archive.writestr(name, content)
        archive.writestr("xl/sharedStrings.xml", "".join(shared))
        archive.writestr("xl/worksheets/sheet1.xml", "".join(sheet))


def write_csv(path: Path, rows: list[list]) -> None:
    """Write rows as Excel's "CSV UTF-8" does in Sweden: BOM, semicolons, CRLF."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow(["" if cell is None else cell for cell in row])
