"""Condition words people write in English, Swedish, Danish and Dutch, on our five-step scale.

A stock list says "Bra", "Slidt", "Te herstellen" or "Kasseres"; the file's words are resolved
with its other values (imports/resolve.py), and a word we do not know is for the user to map in
the preview. Plain Python: no database, no request.
"""

from __future__ import annotations

import re
import unicodedata

from inventory.models import Condition

# Words people write in the four languages we serve. Our own Swedish labels (messages.po:
# Ny, Bra, Godtagbar, Behöver repareras, Trasig) are here so that an export re-imports.
CONDITION_WORDS: dict[Condition, tuple[str, ...]] = {
    Condition.NEW: (
        "new", "like new", "as new", "unused", "brand new", "mint", "new in box",
        "ny", "nyskick", "ny/oanvänd", "oanvänd", "som ny", "nyköpt", "nyinköpt", "helt ny",
        "ubrugt", "ny stand", "fabriksny", "nyt", "helt nyt",
        "nieuw", "als nieuw", "ongebruikt", "zo goed als nieuw", "nieuwstaat",
    ),
    Condition.GOOD: (
        "good", "good condition", "fine", "ok", "okay", "very good", "excellent",
        "in order", "working", "serviceable", "usable", "good as is",
        "bra", "bra skick", "gott", "gott skick", "mycket bra", "utmärkt", "fin", "fint",
        "i ordning", "funktionsduglig", "hel", "helt", "fungerar", "i gott skick",
        "god", "god stand", "meget god", "i orden", "i god stand", "fejlfri", "fungerer",
        "brugbar", "pæn",
        "goed", "zeer goed", "uitstekend", "in orde", "prima", "in goede staat", "bruikbaar",
        "werkt", "netjes",
    ),
    Condition.FAIR: (
        "fair", "used", "worn", "acceptable", "average", "signs of wear", "scratched",
        "sliten", "begagnad", "godtagbar", "okej", "acceptabel", "medel", "repig",
        "brukbar", "något sliten", "lite sliten", "brugt", "slidt", "nogenlunde", "let slidt",
        "middel", "rimelig", "redelijk", "gebruikt", "versleten", "matig", "gebruikssporen",
        "licht beschadigd", "gemiddeld",
    ),
    Condition.NEEDS_REPAIR: (
        "needs repair", "repair", "to repair", "for repair", "damaged", "poor", "bad",
        "needs service", "faulty", "out of order",
        "behöver lagas", "behöver repareras", "lagas", "reparation", "till reparation",
        "ska lagas", "skadad", "dålig", "dåligt", "fel", "felanmäld", "ur funktion",
        "behöver service", "renoveras",
        "skal repareres", "til reparation", "trænger til reparation", "beskadiget",
        "dårlig", "skal istandsættes", "defekt skal repareres", "skadet", "virker ikke",
        "reparatie nodig", "te herstellen", "ter reparatie", "in reparatie", "beschadigd",
        "slecht", "herstellen", "werkt niet",
    ),
    Condition.BROKEN: (
        "broken", "defect", "defective", "beyond repair", "scrap", "to be scrapped",
        "write off", "written off", "unusable", "dispose",
        "trasig", "trasigt", "sönder", "kasserad", "kasseras", "ska kasseras", "skrot",
        "skrotas", "obrukbar", "oanvändbar",
        "defekt", "i stykker", "ødelagt", "kasseres", "kasseret", "skal kasseres",
        "ubrugelig", "til skrot",
        "kapot", "stuk", "defect", "onbruikbaar", "afschrijven", "af te voeren", "afgeschreven",
        "weg te gooien",
    ),
}  # fmt: skip


def _word_key(text: str) -> str:
    """Fold case, accents and punctuation, so " Behöver lagas." finds "behover lagas"."""
    letters = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(char for char in letters if not unicodedata.combining(char))
    return " ".join(re.findall(r"[^\W_]+", letters))


_CONDITIONS = {
    _word_key(word): condition
    for condition, words in CONDITION_WORDS.items()
    for word in (condition.value, *words)
}


def condition_word(text: str) -> Condition | None:
    """The condition a word means on our scale, or None for a word we do not know."""
    return _CONDITIONS.get(_word_key(text))
