"""Reading spreadsheet cells: what each parser accepts, and the reason it gives when it refuses."""

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import Babel
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from imports.condition_words import condition_word
from imports.values import (
    ValueProblem,
    parse_date,
    parse_decimal,
    parse_identifier,
    parse_money,
    parse_quantity,
    parse_text,
)
from inventory.errors import InvalidTag
from inventory.item_tags import normalise_tag
from inventory.models import Condition

TODAY = date(2024, 6, 1)
SWEDISH_PO = Path(__file__).parents[2] / "app/translations/sv/LC_MESSAGES/messages.po"
NUMBER_WARNING = "a number in the tag column: leading zeros may have been lost by Excel"
TAG_RULE = "a tag is 1 to 64 letters, digits, '-', '_' or '.'"


@pytest.fixture(autouse=True)
def _translations() -> Iterator[None]:
    """Reasons are lazy strings: str() them inside a request, as the importer's views will."""
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield


def reason(parse: Callable[..., Any], value: Any, **kw: Any) -> str:
    with pytest.raises(ValueProblem) as refused:
        parse(value, **kw)
    return str(refused.value)


def test_a_value_problem_is_a_value_error_whose_text_is_the_reason() -> None:
    with pytest.raises(ValueError, match="^a price cannot be negative$"):
        parse_money("-5")


@pytest.mark.parametrize(
    "parse",
    [
        parse_decimal,
        parse_money,
        parse_quantity,
        parse_date,
        parse_identifier,
        lambda value: parse_text(value, max_length=10, field_label="Name"),
    ],
)
@pytest.mark.parametrize("value", [None, "", "   ", " \t\n", "\u00a0"])
def test_an_empty_cell_is_none_for_every_parser(parse: Callable[[Any], Any], value: Any) -> None:
    assert parse(value) in (None, (None, None))


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1250, "1250"),
        (1250.0, "1250.0"),
        (12.5, "12.5"),
        (0.1 + 0.2, "0.3"),
        (-0.0, "0.0"),
        (10**30, "1" + "0" * 30),
        ("1250", "1250"),
        ("1250,5", "1250.5"),
        ("12,5", "12.5"),
        ("12.5", "12.5"),
        (",5", "0.5"),
        ("1 250,00", "1250.00"),
        ("1\u00a0250,00", "1250.00"),
        ("1\u202f250,00", "1250.00"),
        ("1 250 000", "1250000"),
        ("1'250.00", "1250.00"),
        ("1.250,00", "1250.00"),
        ("1,250.00", "1250.00"),
        ("1.250.000,50", "1250000.50"),
        ("1.500", "1500"),
        ("1,500", "1500"),
        ("1.250.000", "1250000"),
        ("0,500", "0.500"),
        ("1234.567", "1234.567"),
        ("-3", "-3"),
        ("\u22123", "-3"),
        ("- 3,5", "-3.5"),
        ("+3", "3"),
        (" 12 ", "12"),
        ("１２", "12"),
    ],
)
def test_decimal_reads_cells_and_the_ways_people_write_numbers(value: Any, expected: str) -> None:
    number = parse_decimal(value)
    assert number == Decimal(expected)
    assert str(number) == expected


@pytest.mark.parametrize(
    "value",
    ["1e309", "NaN", "inf", "abc", "1,2,3,4.5.6", "1.2.3", "12.", "1 2", "1 2345", "1,25.000",
     "--3", "-", "12 kr", "0x10", float("nan"), float("inf"), True, date(2024, 1, 1)],
)  # fmt: skip
def test_decimal_refuses_what_is_not_a_number(value: Any) -> None:
    assert reason(parse_decimal, value).startswith("not a number: ")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1 250,00 kr", "1250.00"),
        ("kr. 1.500,00", "1500.00"),
        ("1.500,00 DKK", "1500.00"),
        ("€ 450,00", "450.00"),
        ("EUR 450,00", "450.00"),
        ("450 €", "450.00"),
        ("450 euro", "450.00"),
        ("SEK 99", "99.00"),
        ("99 NOK", "99.00"),
        ("1500kr", "1500.00"),
        ("1 250:-", "1250.00"),
        ("450,-", "450.00"),
        ("1.250,-", "1250.00"),
        ("12,345", "12345.00"),
        ("12,3456", "12.35"),
        (12.345, "12.35"),
        (12.344, "12.34"),
        (1250, "1250.00"),
        (0, "0.00"),
        (-0.0, "0.00"),
    ],
)
def test_money_ignores_currency_marks_and_keeps_two_decimals(value: Any, expected: str) -> None:
    assert str(parse_money(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-450 kr", "a price cannot be negative"),
        ("\u2212450", "a price cannot be negative"),
        (-1, "a price cannot be negative"),
        ("kr", "not a number: kr"),
        ("ca 500 kr", "not a number: ca 500 kr"),
        ("gratis", "not a number: gratis"),
        (10**30, "price too large: 1" + "0" * 30),
    ],
)
def test_money_refuses_negative_and_unreadable_prices(value: Any, expected: str) -> None:
    assert reason(parse_money, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, 3),
        (3.0, 3),
        ("12", 12),
        (" 12 ", 12),
        ("12 st", 12),
        ("12 st.", 12),
        ("12 ST", 12),
        ("4 stk.", 4),
        ("4 stk", 4),
        ("2 stuks", 2),
        ("2 stuk", 2),
        ("3 pcs", 3),
        ("3 pieces", 3),
        ("3 x", 3),
        ("3x", 3),
        ("1.000", 1000),
        ("1 000", 1000),
        ("１２", 12),
    ],
)
def test_quantity_reads_whole_numbers_with_or_without_a_unit(value: Any, expected: int) -> None:
    assert parse_quantity(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "quantity must be a whole number of at least 1"),
        ("0 st", "quantity must be a whole number of at least 1"),
        ("1,5", "quantity must be a whole number of at least 1"),
        (2.5, "quantity must be a whole number of at least 1"),
        ("-3", "quantity must be a whole number of at least 1"),
        (True, "not a number: TRUE"),
        (False, "not a number: FALSE"),
        ("TRUE", "not a number: TRUE"),
        ("abc", "not a number: abc"),
        ("st", "not a number: st"),
        ("12 st 4", "not a number: 12 st 4"),
        (10**30, "quantity too large: 1" + "0" * 30),
    ],
)
def test_quantity_refuses_what_is_not_a_count(value: Any, expected: str) -> None:
    assert reason(parse_quantity, value) == expected


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        datetime(2024, 3, 15, 10, 30),
        datetime(2024, 3, 15, 23, 30, tzinfo=UTC),
        datetime(2024, 3, 16, 1, 30, tzinfo=timezone(timedelta(hours=2))),
        date(2024, 3, 15),
        45366,
        45366.75,
        "45366",
        "2024-03-15",
        "2024-03-15 00:00:00",
        "2024-03-15T10:00",
        "2024-3-15",
        "15.03.2024",
        "15-03-2024",
        "15/03/2024",
        "15.3.2024",
        " 15.03.2024 ",
        "20240315",
    ],
)
def test_date_reads_cells_serials_and_day_first_text(value: Any) -> None:
    assert parse_date(value, today=TODAY) == date(2024, 3, 15)


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (0, date(1904, 1, 1)),
        (0.5, date(1904, 1, 1)),
        (1, date(1904, 1, 2)),
        (43904, date(2024, 3, 15)),
        ("43904", date(2024, 3, 15)),
    ],
)
def test_date_counts_serials_from_the_workbooks_epoch(serial: Any, expected: date) -> None:
    assert parse_date(serial, epoch=CALENDAR_MAC_1904, today=TODAY) == expected


def test_the_same_serial_is_four_years_apart_in_1900_and_1904_workbooks() -> None:
    in_1900 = parse_date(43904, epoch=CALENDAR_WINDOWS_1900, today=TODAY)
    in_1904 = parse_date(43904, epoch=CALENDAR_MAC_1904, today=TODAY)
    assert in_1900 == parse_date(43904, today=TODAY) == date(2020, 3, 14)
    assert in_1904 is not None and in_1900 is not None
    assert (in_1904 - in_1900).days == 1462


@pytest.mark.parametrize(
    "value",
    ["15.03.24", "3/15/2024", "31.02.2024", "2024-02-30", "15.03-2024", "2024-03-15 25:00",
     "12345", "2024", "15 mars 2024", "March 15, 2024", "yesterday", "１２", "12 st 4",
     float("nan"), True],
)  # fmt: skip
def test_date_refuses_what_is_not_a_day_first_date(value: Any) -> None:
    assert reason(parse_date, value, today=TODAY).startswith("not a date: ")


def test_date_refuses_a_month_first_date_and_says_how_to_write_it() -> None:
    assert reason(parse_date, "3/15/2024") == (
        "not a date: 3/15/2024; write it as 2024-03-15 or 15.03.2024"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31.12.1899", "date out of range: 1899-12-31"),
        (date(1850, 1, 1), "date out of range: 1850-01-01"),
        ("02.06.2025", "date out of range: 2025-06-02"),
        (0, "date out of range: 1899-12-30"),
        (10**30, "date out of range: 1" + "0" * 30),
        (2024, "a year alone is not a date: 2024"),
        (1999.0, "a year alone is not a date: 1999"),
    ],
)
def test_date_refuses_dates_before_1900_or_after_next_year(value: Any, expected: str) -> None:
    assert reason(parse_date, value, today=TODAY) == expected


def test_date_allows_up_to_a_year_ahead() -> None:
    assert parse_date("01.06.2025", today=TODAY) == date(2025, 6, 1)
    assert parse_date("01.01.1900", today=TODAY) == date(1900, 1, 1)
    assert parse_date("28.02.2025", today=date(2024, 2, 29)) == date(2025, 2, 28)


# --- words ---------------------------------------------------------------------------------

WORDS = {
    Condition.NEW: ["New", "Ny", "Nyskick", "Ny/oanvänd", "Oanvänd", "Som ny", "Ubrugt",
                    "Nieuw", "Als nieuw", "new"],
    Condition.GOOD: ["Good", "Bra", "God", "Gott", "Gott skick", "Goed", "Fine", "OK", "good"],
    Condition.FAIR: ["Fair", "Used", "Worn", "Sliten", "Begagnad", "Brugt", "Slidt",
                     "Nogenlunde", "Redelijk", "Gebruikt", "Versleten", "Acceptable", "fair"],
    Condition.NEEDS_REPAIR: ["Needs repair", "Repair", "Behöver lagas", "Lagas", "Reparation",
                             "Skal repareres", "Trænger til reparation", "Reparatie nodig",
                             "Te herstellen", "Beschadigd", "Damaged", "Skadad", "Beskadiget",
                             "needs_repair"],
    Condition.BROKEN: ["Broken", "Trasig", "Defekt", "Sönder", "I stykker", "Ødelagt", "Defect",
                       "Kapot", "Stuk", "broken"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("word", "condition"), [(word, c) for c, words in WORDS.items() for word in words]
)
def test_condition_words_in_four_languages_map_to_our_scale(
    word: str, condition: Condition
) -> None:
    assert condition_word(word) is condition


@pytest.mark.parametrize(
    ("word", "condition"),
    [
        ("  BEHÖVER LAGAS. ", Condition.NEEDS_REPAIR),
        ("behover lagas", Condition.NEEDS_REPAIR),
        ("Sonder!", Condition.BROKEN),
        ("ØDELAGT", Condition.BROKEN),
        ("i  stykker", Condition.BROKEN),
        ("ny / oanvänd", Condition.NEW),
        ("(Gott skick)", Condition.GOOD),
        ("ok.", Condition.GOOD),
        ("Trænger til reparation", Condition.NEEDS_REPAIR),
    ],
)
def test_condition_ignores_case_accents_spaces_and_punctuation(
    word: str, condition: Condition
) -> None:
    assert condition_word(word) is condition


@pytest.mark.parametrize(
    ("msgid", "condition"),
    [
        ("New", Condition.NEW),
        ("Good", Condition.GOOD),
        ("Fair", Condition.FAIR),
        ("Needs repair", Condition.NEEDS_REPAIR),
        ("Broken", Condition.BROKEN),
    ],
)
def test_condition_reads_our_own_swedish_labels_so_an_export_reimports(
    msgid: str, condition: Condition
) -> None:
    with SWEDISH_PO.open("rb") as po:
        label = read_po(po)[msgid].string
    assert label
    assert condition_word(label) is condition
    assert condition_word(msgid) is condition


@pytest.mark.parametrize("word", ["so-so", "5", "Lånad ut", "Kassera?ad"])
def test_a_condition_word_we_do_not_know_is_none(word: str) -> None:
    assert condition_word(word) is None


# --- text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Office chair  ", "Office chair"),
        (7, "7"),
        (7.0, "7"),
        (-0.0, "0"),
        (1.5, "1.5"),
        (True, "TRUE"),
        (date(2024, 3, 15), "2024-03-15"),
        (datetime(2024, 3, 15), "2024-03-15"),
        (datetime(2024, 3, 15, 10, 5), "2024-03-15 10:05:00"),
        ("e\u0301", "\u00e9"),
        ("a\x00b\x07c\x1bd\x7f", "abcd"),
        ("line\r\nnext\rlast", "line\nnext\nlast"),
        ("tab\tkept", "tab\tkept"),
        ("\x00", None),
        ("x" * 20, "x" * 20),
    ],
)
def test_text_is_cleaned_and_whole_numbers_lose_their_point_zero(
    value: Any, expected: str | None
) -> None:
    assert parse_text(value, max_length=20, field_label="Name") == expected


def test_text_longer_than_the_field_is_refused_not_cut() -> None:
    assert reason(parse_text, "x" * 21, max_length=20, field_label="Name") == (
        "Name longer than 20 characters"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" A-12.b_3 ", ("A-12.b_3", None)),
        ("007", ("007", None)),
        ("Stol-Å1", ("Stol-Å1", None)),
        (7, ("7", NUMBER_WARNING)),
        (7.0, ("7", NUMBER_WARNING)),
        (1234.5, ("1234.5", NUMBER_WARNING)),
    ],
)
def test_identifier_is_text_with_a_warning_when_excel_stored_a_number(
    value: Any, expected: tuple[str, str | None]
) -> None:
    tag, warning = parse_identifier(value)
    assert (tag, warning if warning is None else str(warning)) == expected


@pytest.mark.parametrize(
    "value",
    ["a b", "a/b", "a#1", "a\u202eb", "\u202eab", "a\u200bb", "\ufeffab", "a\x00b", "x" * 65,
     True, float("nan")],
)  # fmt: skip
def test_identifier_refuses_what_cannot_be_a_tag(value: Any) -> None:
    assert reason(parse_identifier, value) == TAG_RULE


def test_identifier_max_length_is_in_the_reason() -> None:
    assert parse_identifier("x" * 32, max_length=32) == ("x" * 32, None)
    assert reason(parse_identifier, "x" * 33, max_length=32) == (
        "a tag is 1 to 32 letters, digits, '-', '_' or '.'"
    )


def test_identifier_refuses_a_tag_excel_turned_into_a_date() -> None:
    assert reason(parse_identifier, datetime(2024, 3, 15)) == (
        "a date in the tag column: Excel may have turned the tag into a date"
    )


@pytest.mark.parametrize(
    "tag", ["A-12", "stol_3.b", "Å1", "x" * 64, "x" * 65, "a b", "a/b", "a\u200bb", "é"]
)
def test_identifier_accepts_exactly_the_tags_the_inventory_accepts(tag: str) -> None:
    try:
        expected = normalise_tag(tag)
    except InvalidTag:
        expected = None
    try:
        found = parse_identifier(tag)[0]
    except ValueProblem:
        found = None
    assert found == expected


# --- garbage -------------------------------------------------------------------------------

ODD_VALUES = ["", " ", "\x00", "∞", "1e309", float("nan"), float("-inf"), -0.0, 10**30, -(10**30),
              "１２", "12 st 4", "\u202e12", "٣", "1" * 5000, "½", "²", ".", ",", "-", "€", ":-",
              True, False, 1e300, 5e-324, datetime.max, date.min, "9999-12-31", "00.00.0000"]  # fmt: skip
PARSERS = [
    parse_decimal,
    parse_money,
    parse_quantity,
    parse_date,
    parse_identifier,
    lambda value: parse_text(value, max_length=200, field_label="Name"),
]


@pytest.mark.parametrize("parse", PARSERS)
def test_garbage_gives_a_value_or_a_value_problem_and_nothing_else(
    parse: Callable[[Any], Any],
) -> None:
    for value in ODD_VALUES:
        try:
            parse(value)
        except ValueProblem as problem:
            assert str(problem)
