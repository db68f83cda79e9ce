"""Which column holds which item field: header names in English, Swedish, Danish and Dutch.

Headers are compared after folding case, accents and punctuation, so "Inköpspris",
"INKOPSPRIS" and "Inköps-pris" are one name. A column we do not recognise is kept: its values
go into the item's extra attributes under the header's name. The user can change any of this
in the preview; a confirmed mapping is remembered for files with the same headers.
"""

from __future__ import annotations

import hashlib
import unicodedata

from flask_babel import lazy_gettext as _l

EXTRA = "extra"  # keep the column as an extra attribute
IGNORE = "ignore"  # drop the column (only when the user says so)

# field -> header names, in any of our languages (our own export's headers included).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "tag": (
        "Asset tag", "Tag", "Asset number", "Asset no", "Inventory number", "Inventarienr",
        "Inventarienummer", "Inventarie nr", "Nummer", "Nr", "Individnummer", "Löpnummer",
        "Inventarnummer", "Inventarnr", "Inventarisnummer", "Inventarisnr", "Etikett",
    ),
    "name": (
        "Name", "Item", "Description", "Benämning", "Namn", "Artikelbenämning", "Beskrivning",
        "Betegnelse", "Benævnelse", "Navn", "Omschrijving", "Naam", "Artikel",
    ),
    "category": (
        "Category", "Type", "Kategori", "Varugrupp", "Artikelgrupp", "Gruppe", "Categorie",
        "Groep",
    ),
    "quantity": ("Quantity", "Qty", "Antal", "Aantal", "Mängd", "Stk", "St", "Stuks"),
    "condition": (
        "Condition", "State", "Skick", "Tillstånd", "Stand", "Tilstand", "Staat", "Conditie",
    ),
    "storeroom": (
        "Storeroom", "Store", "Location", "Förråd", "Lagerplats", "Lager", "Lokale", "Depot",
        "Locatie", "Magazijn", "Opslag",
    ),
    "site": (
        "Site", "Building", "Byggnad", "Fastighet", "Anläggning", "Bygning", "Ejendom",
        "Gebouw", "Vestiging",
    ),
    "department": (
        "Department", "Verksamhet", "Avdelning", "Förvaltning", "Afdeling", "Dienst",
        "Afdeling/enhed",
    ),
    "purchase_date": (
        "Purchase date", "Purchased", "Bought", "Inköpsdatum", "Inköpt", "Anskaffningsdatum",
        "Købt", "Købsdato", "Anskaffelsesdato", "Aankoopdatum", "Aangekocht",
    ),
    "purchase_price": (
        "Purchase price", "Price", "Cost", "Inköpspris", "Pris", "Anskaffningsvärde",
        "Anskaffelsespris", "Købspris", "Aankoopprijs", "Prijs", "Aankoopwaarde",
    ),
    "replacement_value": (
        "Replacement value", "Replacement cost", "Återanskaffningsvärde", "Nypris",
        "Genanskaffelsesværdi", "Genanskaffelsespris", "Vervangingswaarde", "Nieuwprijs",
    ),
    "serial_number": (
        "Serial number", "Serial", "Serial no", "SN", "Serienummer", "Serienr", "Serie nr",
    ),
    "manufacturer": (
        "Manufacturer", "Brand", "Make", "Tillverkare", "Fabrikat", "Märke", "Producent",
        "Fabrikant", "Merk",
    ),
    "model": ("Model", "Modell", "Typbeteckning", "Modelnummer"),
    "place": ("Place", "Room", "Placering", "Plats", "Rum", "Sted", "Rum nr", "Plaats", "Ruimte"),
    "notes": (
        "Notes", "Note", "Comment", "Comments", "Remarks", "Anmärkning", "Kommentar",
        "Anteckning", "Notering", "Bemærkning", "Bemærkninger", "Opmerking", "Opmerkingen",
    ),
    # Our export's status column (status changes go through workflows), and the reason column
    # of our error-rows download, in each language we write it.
    IGNORE: ("Status", "Import error", "Importfel"),
}  # fmt: skip

FIELDS = tuple(key for key in SYNONYMS if key != IGNORE)


def fold(header: str) -> str:
    """A header name without case, accents, spaces or punctuation: "Inköps-pris " -> "inkopspris"."""
    decomposed = unicodedata.normalize("NFKD", header.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


_LOOKUP = {fold(name): key for key, names in SYNONYMS.items() for name in names}


def guess_field(header: str) -> str | None:
    """The field a header names, or None when we do not know it."""
    return _LOOKUP.get(fold(header)) if header else None


def guess_mapping(headers: list[str]) -> list[str]:
    """A target for every column: a field (each used once, by its first column), or extra."""
    taken: set[str] = set()
    mapping = []
    for header in headers:
        target = guess_field(header)
        if not header:
            mapping.append(IGNORE)  # an unnamed column has no name to keep its values under
        elif target is None or (target != IGNORE and target in taken):
            mapping.append(EXTRA)
        else:
            taken.add(target)
            mapping.append(target)
    return mapping


def signature(headers: list[str]) -> str:
    """The same headers in the same order give the same signature: remembered mappings."""
    return hashlib.sha256("\x1f".join(fold(h) for h in headers).encode()).hexdigest()


def check_mapping(headers: list[str], mapping: list[str]) -> list[str]:
    """Problems with a mapping the user chose: unknown targets, a field on two columns."""
    problems: list[str] = []
    if len(mapping) != len(headers):
        return [str(_l("The mapping does not match the file's columns."))]
    seen: dict[str, str] = {}
    for header, target in zip(headers, mapping, strict=True):
        if target not in (*FIELDS, EXTRA, IGNORE):
            problems.append(str(_l("%(column)s: choose a field from the list.", column=header)))
        elif target in FIELDS and target in seen:
            problems.append(
                str(_l("%(first)s and %(second)s are mapped to the same field.",
                       first=seen[target], second=header))
            )  # fmt: skip
        seen.setdefault(target, header)
    return problems
