"""When two names are one, and when they are near: how a file's places meet ours.

A name in a file is the same as one of ours when they differ only in case, accents and spaces
("Förråd  2" is "forrad 2"). It is *near* one of ours when they differ by punctuation, a
Danish or German letter written out ("Kaelderrum", "Kælderrum"), singular and plural in our
four languages ("Facility", "Facilities"; "Stol", "Stolar") or a small typo ("Fasilities") —
but never by a number: "Store B2" and "Store B3", "Afd. 7" and "Afd. 12" are different places.
A near name is only ever offered to the user, never used in its place.
Plain Python: no database, no request.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

# Letters that do not decompose into a base letter and an accent, as people write them in ASCII.
_SPELLED_OUT = str.maketrans({"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l"})
# Plural and definite endings of English, Swedish, Danish and Dutch nouns, longest first.
_ENDINGS = ("ierne", "erna", "orna", "arna", "erne", "ene", "ies", "ar", "er", "or", "en",
            "es", "na", "e", "s")  # fmt: skip
_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=16_384)  # a file names the same few places on every row
def same_key(name: str) -> str:
    """The form two names share when they are the same place: no case, accents or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(letters.split())


@lru_cache(maxsize=16_384)
def loose_key(name: str) -> str:
    """Letters and digits only, special letters spelled out: "Afd. 7 Kælder-rum" -> "afd7kaelderrum"."""
    return "".join(char for char in same_key(name).translate(_SPELLED_OUT) if char.isalnum())


def _stem(name: str) -> str:
    """The loose key without a plural or definite ending on its last word."""
    key = loose_key(name)
    for ending in _ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= 3:
            return key[: -len(ending)] + ("y" if ending == "ies" else "")
    return key


def _within(a: str, b: str, limit: int) -> bool:
    """Whether a and b are at most `limit` single-letter edits apart (Levenshtein)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (char != other)))  # fmt: skip
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def _typo_limit(key: str) -> int:
    return 0 if len(key) < 5 else 1 if len(key) < 10 else 2


def is_near(name: str, other: str) -> bool:
    """Whether two different names probably mean the same place (see the module's docstring)."""
    if _DIGITS.findall(name) != _DIGITS.findall(other):
        return False
    a, b = loose_key(name), loose_key(other)
    if a == b or _stem(name) == _stem(other):
        return True
    return _within(a, b, min(_typo_limit(a), _typo_limit(b)))


def near_names(name: str, candidates: Iterable[str]) -> list[str]:
    """The candidates near `name`, in the order given."""
    return [candidate for candidate in candidates if is_near(name, candidate)]


def near_ids(name: str, names_by_id: Mapping[int, str]) -> list[int]:
    """The ids whose names are near `name`."""
    return [id_ for id_, candidate in names_by_id.items() if is_near(name, candidate)]
