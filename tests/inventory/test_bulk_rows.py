"""Rows in bulk (inventory/bulk_rows.py): what goes in by COPY (PostgreSQL) or multi-row INSERTs
(SQLite) comes back exactly, and the rows are made as they are written, not all at once."""

import tracemalloc
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text, select

from app.timeutil import utcnow
from inventory import bulk
from inventory.bulk_rows import insert_rows
from inventory.models import Condition, EventKind, Item, ItemEvent

ROWS = 3_000
ODD_TEXTS = ["tab\there", "new\nline", "cr\r\nlf", "back\\slash", "\\N", "\\.", "",
             "quote ' \" ;", "Åsa Öberg ÆØ ĳ", "emoji 🪑", "zero-width\u200bspace", "\u2028",
             "x" * 110]  # fmt: skip


def odd_columns(department_id: int) -> dict[str, list]:
    """ROWS new items, every odd text in every text column, and NULLs where they may be."""

    def text(n: int, shift: int) -> str:
        return ODD_TEXTS[(n + shift) % len(ODD_TEXTS)] + f" {n}"

    numbers = range(ROWS)
    return {
        "tag": [f"ODD-{n}" for n in numbers],
        "name": [text(n, 0) for n in numbers],
        "department_id": [department_id] * ROWS,
        "serial_number": [text(n, 1) for n in numbers],
        "notes": [text(n, 2) for n in numbers],
        "place": [text(n, 3) for n in numbers],
        "condition": [list(Condition)[n % len(Condition)] for n in numbers],
        "quantity": [n % 7 + 1 for n in numbers],
        "purchase_date": [
            None if n % 5 == 0 else date(1999 + n % 30, n % 12 + 1, n % 28 + 1) for n in numbers
        ],  # fmt: skip
        "purchase_price": [
            None if n % 4 == 0 else Decimal(f"{n}.{n % 100:02d}") for n in numbers
        ],  # fmt: skip
        "extra": [
            {} if n % 6 == 0 else {"Färg": text(n, 4), "n": n, "list": [None, "\t\\"]}
            for n in numbers
        ],  # fmt: skip
    }


def test_odd_values_come_back_exactly(db_session, make_department):
    columns = odd_columns(make_department().id)
    ids = bulk.insert_items(db_session, columns, by=None, now=utcnow(), kind=EventKind.IMPORTED,
                            notes=[f"row\t{n}\\" for n in range(ROWS)])  # fmt: skip
    db_session.commit()
    db_session.expunge_all()
    names = list(columns)
    read = db_session.execute(
        select(*(getattr(Item, name) for name in names)).where(Item.id.in_(ids)).order_by(Item.id)
    ).all()
    assert [tuple(row) for row in read] == list(zip(*columns.values(), strict=True))


def test_rows_are_made_as_they_are_written(db_session):
    """The rows are not all held as tuples beside their columns before they go in."""
    probe = Table("bulk_rows_probe", MetaData(), Column("a", Integer), Column("b", Integer),
                  Column("c", Text))  # fmt: skip
    connection = db_session.connection()
    probe.create(connection)
    try:
        count = 50_000
        columns = {"a": list(range(count)), "b": list(range(count, 2 * count))}
        rows = (*columns.values(), ["c"] * count)
        as_rows = tracemalloc_peak(lambda: list(zip(*rows, strict=True)))
        peak = tracemalloc_peak(
            lambda: insert_rows(db_session, probe, columns, constants={"c": "c"})
        )
        assert db_session.scalar(select(probe.c.a).order_by(probe.c.a.desc()).limit(1)) == 49_999
        assert peak < as_rows / 4
    finally:
        probe.drop(db_session.connection())
        db_session.commit()


def tracemalloc_peak(work) -> int:
    """The most memory Python allocated while `work` ran, beyond what it held before."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_items_in_chunks_come_back_in_order_with_their_events(db_session, make_department):
    """One stream of chunks (one COPY on PostgreSQL): every chunk's rows, in order, with the
    ids handed out, and each item's history event."""
    columns = odd_columns(make_department().id)
    chunks = [{name: values[start : start + 700] for name, values in columns.items()}
              for start in range(0, ROWS, 700)]  # fmt: skip
    ids = bulk.insert_item_chunks(db_session, iter(chunks), count=ROWS, by=None, now=utcnow(),
                                  kind=EventKind.IMPORTED, notes=["n"] * ROWS)  # fmt: skip
    db_session.commit()
    read = db_session.execute(select(Item.id, Item.tag).order_by(Item.id)).all()
    assert [tuple(row) for row in read] == list(zip(ids, columns["tag"], strict=True))
    events = db_session.scalars(select(ItemEvent.item_id).order_by(ItemEvent.item_id)).all()
    assert events == ids


def test_a_stream_that_does_not_hold_what_it_announced_writes_nothing(db_session, make_department):
    columns = odd_columns(make_department().id)
    short = {name: values[:100] for name, values in columns.items()}
    with pytest.raises(ValueError, match="announced"):
        bulk.insert_item_chunks(db_session, iter([short]), count=150, by=None, now=utcnow(),
                                kind=EventKind.IMPORTED, notes=["n"] * 150)  # fmt: skip
    db_session.rollback()
    assert db_session.scalar(select(Item.id).limit(1)) is None
