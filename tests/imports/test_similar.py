"""When a file's name for a place is ours, near ours, or another place."""

import pytest

from imports.similar import is_near, same_key


@pytest.mark.parametrize(
    ("written", "ours"),
    [
        ("Förråd  2", "förråd 2"),
        ("FORRÅD 2", "Förråd 2"),
        ("Forrad 2", "Förråd 2"),
        ("  Östra skolan ", "Ostra Skolan"),
        ("Café", "CAFE"),
    ],
)
def test_case_accents_and_spaces_make_no_other_place(written: str, ours: str) -> None:
    assert same_key(written) == same_key(ours)


@pytest.mark.parametrize(
    ("written", "ours"),
    [
        ("Facility", "Facilities"),
        ("Stol", "Stolar"),
        ("Stoelen", "Stoel"),
        ("Kaelderrum A", "Kælderrum A"),
        ("Afd. 7 Engparken", "Afd 7 Engparken"),
        ("Fasilities", "Facilities"),
        ("Basement-store", "Basement store"),
        ("Hjälpmedelsförådet", "Hjälpmedelsförrådet"),
    ],
)
def test_plural_punctuation_spelled_out_letters_and_typos_are_near(written: str, ours: str) -> None:
    assert same_key(written) != same_key(ours)
    assert is_near(written, ours) and is_near(ours, written)


@pytest.mark.parametrize(
    ("written", "ours"),
    [
        ("Store B2", "Store B3"),
        ("Afd. 7 Engparken", "Afd. 12 Engparken"),
        ("Förråd 2", "Förråd 12"),
        ("Vinden", "Källaren"),
        ("Bord", "Bad"),  # short names: a letter apart is another word
        ("Kök", "Rök"),
        ("Library", "Facilities"),
    ],
)
def test_other_numbers_and_other_words_are_not_near(written: str, ours: str) -> None:
    assert not is_near(written, ours)
