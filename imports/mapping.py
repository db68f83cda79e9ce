"""Which column holds which item field: headers as people write them in English, Swedish,
Danish and Dutch.

A header is matched after folding case, accents and punctuation, writing out abbreviations
("Inv.nr" is "inventarie nummer") and dropping units, currencies and tax notes ("Cost (EUR)",
"Inköpspris inkl. moms"); a note in brackets that names a field says what the column is
("Locatie (gebouw)" is the site). Then the stems of imports/header_words.py find compounds
and longer headers ("Hyllplats", "Date of acquisition"). A column we do not recognise is kept:
its values go into the item's extra attributes under the header's name; the preview offers a
guess from its content (imports/content_guess.py), never applied by itself. The user can change
any of this in the preview; a confirmed mapping is remembered for files with the same headers.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from flask_babel import lazy_gettext as _l

from imports.header_words import (
    ABBREVIATIONS,
    EXTRA,
    IGNORE,
    NAMES,
    NOTE_WORDS,
    OUR_STATUS,
    STEMS,
)

__all__ = ["EXTRA", "FIELDS", "IGNORE", "guess_field", "guess_mapping"]

FIELDS = tuple(key for key in NAMES if key not in (IGNORE, EXTRA))
MAX_HEADER = 80  # longer cells are text, not a column's name
_SPELLED_OUT = str.maketrans({"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "#": " nr ", "№": " nr "})
_MONEY_NOTE = frozenset({"kr", "sek", "dkk", "nok", "eur", "euro", "moms", "btw", "vat", "mva"})
_NOTE = re.compile(r"[(\[]([^)\]]*)[)\]]")


def fold(header: str) -> str:
    """A header name without case, accents, spaces or punctuation: "Inköps-pris " -> "inkopspris"."""
    decomposed = unicodedata.normalize("NFKD", header.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def _words(text: str) -> list[str]:
    """Folded words, abbreviations written out: "Inv.nr (kr)" -> inventarie, nummer, kr;
    "Løbenr" -> lobenummer."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_SPELLED_OUT))
    text = "".join(char for char in text if not unicodedata.combining(char))
    words = [ABBREVIATIONS.get(word, word) for word in re.findall(r"[^\W_]+", text)]
    return [word[:-2] + "nummer" if len(word) > 4 and word.endswith("nr") else word
            for word in words]  # fmt: skip


def _key(text: str) -> str:
    """The words of a header as one, without units and notes unless nothing else is left."""
    words = _words(text)
    return "".join([word for word in words if word not in NOTE_WORDS] or words)


_NAMES = {_key(name): field for field, names in NAMES.items() for name in names}
_OUR_STATUS = {_key(name) for name in OUR_STATUS}
_STEMS = [(field, re.compile(stems)) for field, stems in STEMS]


def _field_of(text: str) -> str | None:
    key = _key(text)
    if not key:
        return None
    found = _NAMES.get(key)
    if found is not None:
        return found
    return next((field for field, stems in _STEMS if stems.search(key)), None)


@lru_cache(maxsize=4_096)  # the header search asks of every cell of the first rows
def header_target(header: str) -> str | None:
    """What a header names: a field, IGNORE for our error file's reason, EXTRA for a column we
    know is none of our fields ("Färg", "Art.nr"), or None when we do not know it."""
    if not header or len(header) > MAX_HEADER:
        return None
    note = " ".join(_NOTE.findall(header))
    if note:  # "Locatie (gebouw)", "Status (skick)": the note says which field it is
        field = _field_of(note)
        if field == EXTRA:  # "Enhet (st/förp)": a unit of measure, not a department
            return EXTRA
        if field not in (None, IGNORE):
            return field
    field = _field_of(_NOTE.sub(" ", header))
    if field == EXTRA and _MONEY_NOTE & set(_words(header)):
        return "purchase_price"  # "Value (ex VAT)", "Belopp kr": an amount paid
    return field


def guess_field(header: str) -> str | None:
    """The field a header names, IGNORE for our error file's reason, or None."""
    target = header_target(header)
    return None if target == EXTRA else target


def guess_mapping(headers: list[str]) -> list[str]:
    """A target for every column: a field (each used once, by its first column), or extra.

    A column without a header is left out (it has no name to keep its values under); so is a
    "Status" column when the file is our own export (its status follows from the storeroom or
    place beside it), but in any other file its values are kept."""
    taken: set[str] = set()
    mapping = []
    for header in headers:
        target = guess_field(header)
        if not header:
            mapping.append(IGNORE)
        elif target is None or (target != IGNORE and target in taken):
            mapping.append(EXTRA)
        else:
            taken.add(target)
            mapping.append(target)
    ours = {"tag", "storeroom", "place"} <= taken
    return [
        IGNORE if ours and _key(header) in _OUR_STATUS else target
        for header, target in zip(headers, mapping, strict=True)
    ]


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
