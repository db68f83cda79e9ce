"""Rows that are not items: totals at the end of a block, lines after the data, the header
repeated for printing. Each is skipped with its reason; nothing else is."""

from datetime import datetime

from imports.header import table_from_rows
from imports.reading import read_table
from tests.stock_lists import text_file

HEADER = ["Inventarisnummer", "Omschrijving", "Aantal", "Aankoopprijs"]


def rows_of(table) -> list[int]:
    return [number for number, _ in table.rows]


def test_a_totals_row_a_blank_row_and_a_signature_are_skipped():
    sheet = [
        HEADER,
        ["OCMW1", "Stoel", 4, 80],
        ["OCMW2", "Tafel", 1, 450],
        [None, "Totaal", 5, 530],
        [],
        ["Opgemaakt door: J. Peeters", None, None, None],
        ["Datum: 12/03/2026", None, None, None],
    ]
    table = table_from_rows(map(tuple, sheet), max_rows=100)
    assert rows_of(table) == [2, 3]
    assert table.skipped == [(4, "totals"), (6, "footer"), (7, "footer")]


def test_subtotals_at_the_end_of_each_block_and_a_repeated_header_are_skipped():
    sheet = [
        HEADER,
        ["A1", "Stoel", 4, 80],
        [None, "Subtotaal", 4, 80],
        [],
        HEADER,
        ["B1", "Bed", 2, 300],
        ["B2", "Kast", 1, 390],
        ["", "Totaal generaal", 7, 770],
    ]
    table = table_from_rows(map(tuple, sheet), max_rows=100)
    assert rows_of(table) == [2, 6, 7]
    assert table.skipped == [(3, "totals"), (5, "header"), (8, "totals")]


def test_an_item_named_like_a_total_inside_a_block_stays_an_item():
    sheet = [HEADER, ["T1", "Total station", 1, 9000], ["T2", "Totalt slitna stolar", 3, None],
             ["T3", "Stativ", 1, 200]]  # fmt: skip
    table = table_from_rows(map(tuple, sheet), max_rows=100)
    assert rows_of(table) == [2, 3, 4] and table.skipped == []


def test_a_short_last_item_stays_an_item_above_the_signature_lines():
    sheet = [
        ["Benämning", "Antal"],
        ["Stol", 4],
        ["Bord", 2],
        ["Pall", None],
        [],
        ["Underskrift:", None],
        ["____________", None],
        ["Eva Svensson", None],
        [datetime(2026, 10, 3), None],
    ]
    table = table_from_rows(map(tuple, sheet), max_rows=100)
    assert rows_of(table) == [2, 3, 4]
    assert table.skipped == [(6, "footer"), (7, "footer"), (8, "footer"), (9, "footer")]


def test_a_csv_with_a_footer_and_page_numbers_lists_what_it_skipped(app):
    data = text_file(
        [
            ["Nummer", "Betegnelse", "Antal"],
            ["DK-1", "Seng", "2"],
            ["DK-2", "Reol", "1"],
            ["I alt", "", "3"],
            ["", "", ""],
            ["Side 1 af 1", "", ""],
        ],
        encoding="utf-8",
        delimiter=";",
    )
    with app.test_request_context():
        table = read_table(data, "liste.csv", max_rows=100)
    assert rows_of(table) == [2, 3]
    assert table.skipped == [(4, "totals"), (6, "footer")] and table.blank_rows == 1
