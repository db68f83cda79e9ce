"""An xlsx sheet whose cells lie far apart never reaches python-calamine as one block, however
the sheet is written: it is read a slice of rows at a time, each spanning no more than one read
may allocate, and a single row beyond that is refused. A sheet that only says it is large, or
is wide, is read.

calamine allocates a slice's whole span at once and a failed allocation aborts the process (no
exception), so a guard that regressed would take the test run down with it: here the slices
go to the guard and are measured instead of read (the guard is asked before calamine reads a
slice), and a far-apart sheet is read whole only in a child process whose address space is
limited.
"""

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from imports import xlsx_slices
from imports.read_budget import READ_BUDGET, SPAN_CELL_BYTES
from imports.reading import ImportRejected, read_table
from imports.workbooks import open_workbook
from imports.xlsx_package import Package
from imports.xlsx_span import cell_span
from tests.imports.test_reading_speedpaths import MAIN, text, with_parts, workbook

ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"
NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = '<row r="1"><c r="A1"><v>1</v></c></row>'


def sheet_xml(rows: str, *, dimension: str = "") -> str:
    return (
        f'<worksheet {MAIN} xmlns:x="{NAMESPACE}">{dimension}<sheetData>{rows}</sheetData>'
        "</worksheet>"
    )


def sheet(rows: str, *, dimension: str = "") -> bytes:
    """An xlsx whose sheet List holds the rows, written by hand."""
    return with_parts(workbook([["Name"]]), {SHEET: sheet_xml(rows, dimension=dimension)})


FAR = {
    "xfd": f'{HEADER}<row r="100000"><c r="XFD100000"><v>1</v></c></row>',
    "zz-last-row": '<row r="2"><c r="B2"><v>1</v></c></row><row r="1048576"><c r="ZZ1048576">'
    "<v>1</v></c></row>",
    "narrow-and-tall": f'{HEADER}<row r="800000"><c r="Z800000"><v>1</v></c></row>',
    "rows-out-of-order": f'{HEADER}<row r="900000"><c r="Z900000"><v>1</v></c></row>'
    '<row r="2"><c r="A2"><v>1</v></c></row>',
    "cell-outside-its-row": f'{HEADER}<row r="2"><c r="Z900000"><v>1</v></c></row>',
    "r-given-twice": f'{HEADER}<row r="2"><c r="A2" r="XFD100000"><v>1</v></c></row>',
    "single-quotes": f"{HEADER}<row r='100000'><c r='XFD100000'><v>1</v></c></row>",
    "a-newline-before-r": f'{HEADER}<row r="2"><c\nr="XFD100000"><v>1</v></c></row>',
    "a-prefix": f'{HEADER}<x:row r="2"><x:c r="XFD100000"><x:v>1</x:v></x:c></x:row>',
    "no-references": f"<row>{'<c/>' * 20_000}<c><v>1</v></c></row>{'<row/>' * 1_000}"
    "<row><c><v>1</v></c></row>",
    "only-the-row-numbered": f'{HEADER}<row r="100000">{"<c/>" * 16_383}<c><v>1</v></c></row>',
    "one-row-beyond-any-budget": '<row r="1"><c r="A1"><v>1</v></c><c r="ZZZZZZ1"><v>1</v></c>'
    "</row>",
}


class _Unread:
    """What the guard hands on instead of a workbook calamine has read."""

    def get_sheet_by_name(self, title: str) -> None:
        return None


def slices_for_calamine(data: bytes, monkeypatch) -> tuple[list[bytes], ImportRejected | None]:
    """The slices of the sheet List calamine would be given, kept instead of read; and the
    refusal, if the sheet is refused."""
    given: list[bytes] = []
    monkeypatch.setattr(Package, "with_sheet", lambda _, part, xml: given.append(xml) or _Unread())
    try:
        list(open_workbook(data).sheet("List"))
    except ImportRejected as refusal:
        return given, refusal
    return given, None


def allocated(xml: bytes) -> int:
    """What calamine allocates for a slice's block of cells (imports/read_budget.py)."""
    span = cell_span(xml)
    rows, columns = span.bottom - span.top + 1, span.right - span.left + 1
    return SPAN_CELL_BYTES * rows * columns if span.bottom >= 0 else 0


@pytest.mark.parametrize("rows", FAR.values(), ids=FAR.keys())
def test_a_sheet_whose_cells_lie_far_apart_never_reaches_calamine_as_one_block(
    app, monkeypatch, rows
):
    """A file of a few hundred bytes calamine would make billions of cells of."""
    with app.test_request_context():
        given, refusal = slices_for_calamine(sheet(rows), monkeypatch)
    assert all(allocated(xml) <= READ_BUDGET for xml in given)
    assert refusal is None or "expands beyond" in str(refusal)


@pytest.mark.parametrize("name", ["no-references", "one-row-beyond-any-budget"])
def test_rows_that_cannot_be_cut_within_the_budget_are_refused(app, monkeypatch, name):
    with app.test_request_context():
        _, refusal = slices_for_calamine(sheet(FAR[name]), monkeypatch)
    assert "expands beyond the limit" in str(refusal)


def test_rows_out_of_order_across_slices_are_refused_as_damaged(app):
    """Read whole, calamine would put row 2 before row 900,000; in slices it would come after."""
    header = f'<row r="1">{text("A1", "Name")}{text("B1", "Quantity")}</row>'
    rows = f'{header}<row r="900000"><c r="Z900000"><v>1</v></c></row>'
    rows += f'<row r="2">{text("A2", "Chair")}</row>'
    with app.test_request_context(), pytest.raises(ImportRejected, match="damaged"):
        read_table(sheet(rows), "order.xlsx", max_rows=100)


def test_chunks_and_slices_cut_anywhere_read_the_same(app, monkeypatch):
    monkeypatch.setattr(xlsx_slices, "CHUNK", 7)
    monkeypatch.setattr(xlsx_slices, "SLICE_BYTES", 64)
    with app.test_request_context():
        given, refusal = slices_for_calamine(sheet(FAR["xfd"]), monkeypatch)
        assert refusal is None and all(allocated(xml) <= READ_BUDGET for xml in given)
        monkeypatch.undo()
        monkeypatch.setattr(xlsx_slices, "CHUNK", 7)
        monkeypatch.setattr(xlsx_slices, "SLICE_BYTES", 64)
        assert len(read_table(wide_sheet(), "wide.xlsx", max_rows=100).rows) == 3


def test_the_first_of_two_sheets_of_one_name_is_read_as_calamine_reads_it(app, monkeypatch):
    """calamine reads the first sheet of a name a workbook repeats."""
    data = with_parts(workbook([["Name"]], hidden="Twin"), {SHEET: sheet_xml(FAR["no-references"])})
    named_twice = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    data = with_parts(data, {"xl/workbook.xml": named_twice.replace(b'"Twin"', b'"List"')})
    with app.test_request_context():
        _, refusal = slices_for_calamine(data, monkeypatch)
    assert "expands beyond" in str(refusal)


def test_a_sheet_part_named_as_written_is_found_as_calamine_finds_it(app):
    """calamine takes a sheet's part name as written (%20 and all)."""
    data = workbook([["Name", "Quantity"], ["Chair", 2]])
    source = zipfile.ZipFile(io.BytesIO(data))
    rels = source.read("xl/_rels/workbook.xml.rels")
    data = with_parts(data, {
        "xl/_rels/workbook.xml.rels": rels.replace(b"sheet1.xml", b"sheet%201.xml"),
        "xl/worksheets/sheet%201.xml": source.read(SHEET),
    })  # fmt: skip
    with app.test_request_context():
        assert read_table(data, "named.xlsx", max_rows=10).rows == [(2, ("Chair", 2))]


CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from app import create_app
from imports.reading import ImportRejected, read_table
app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
with app.test_request_context():
    print(read_table(open(sys.argv[1], "rb").read(), "far.xlsx", max_rows=1000).rows)
"""


def test_reading_a_far_apart_sheet_is_no_crash(tmp_path):
    """The whole read, in a child process: read whole, calamine would ask for 52 GB here and
    abort the child (SIGABRT), as it would a web worker; a slice at a time, it reads it."""
    header = f'<row r="1">{text("A1", "Name")}{text("B1", "Quantity")}</row>'
    far = f'<row r="100000">{text("A100000", "Chair")}<c r="B100000"><v>2</v></c>'
    path = tmp_path / "far.xlsx"
    path.write_bytes(sheet(f'{header}{far}<c r="XFD100000"><v>1</v></c></row>'))
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr[-1000:]
    assert child.stdout.strip() == "[(100000, ('Chair', 2))]"


# --- sheets that are read -----------------------------------------------------------------------


def wide_sheet() -> bytes:
    """Three items with notes in the sheet's last column, XFD, beyond the header (which a
    table takes as far as the header goes)."""
    rows = [
        f'<row r="{n}">{text(f"A{n}", name)}<c r="B{n}"><v>{n}</v></c>'
        f"{text(f'XFD{n}', f'{name} note')}</row>"
        for n, name in [(2, "Chair"), (3, "Desk"), (4, "Lamp")]
    ]
    header = f'<row r="1">{text("A1", "Name")}{text("B1", "Quantity")}</row>'
    return sheet(header + "".join(rows))


def test_a_sheet_as_wide_as_excel_allows_is_read(app):
    with app.test_request_context():
        table = read_table(wide_sheet(), "wide.xlsx", max_rows=100)
    assert table.rows == [(2, ("Chair", 2)), (3, ("Desk", 3)), (4, ("Lamp", 4))]


def test_a_sheet_whose_dimension_overstates_it_is_read(app):
    """T-A6b: a sheet may declare A1:XFD1048576 and hold ten rows; calamine ignores it too."""
    rows = "".join(
        f'<row r="{n}">{text(f"A{n}", f"Chair {n}")}<c r="B{n}"><v>{n}</v></c></row>'
        for n in range(2, 12)
    )
    header = f'<row r="1">{text("A1", "Name")}{text("B1", "Quantity")}</row>'
    data = sheet(header + rows, dimension='<dimension ref="A1:XFD1048576"/>')
    with app.test_request_context():
        table = read_table(data, "lying.xlsx", max_rows=100)
    assert [cells for _, cells in table.rows][::9] == [("Chair 2", 2), ("Chair 11", 11)]


def test_a_long_list_in_many_columns_is_read(app):
    """Rows of more digits and columns of two letters, chunk after chunk: each chunk expects
    the cells its last cell makes likely, and none is looked at twice."""
    header = ["Name", "Quantity", *[f"Extra {n}" for n in range(58)]]
    rows = [header, *[[f"Chair {n}", n, *range(58)] for n in range(3_000)]]
    with app.test_request_context():
        table = read_table(workbook(rows), "long.xlsx", max_rows=5_000)
    assert (len(table.rows), table.rows[-1][1][:2], len(table.rows[-1][1])) == (
        3_000, ("Chair 2999", 2_999), 60,
    )  # fmt: skip


ODD = {
    "no-references": "<row><c><v>1</v></c><c/><c><v>2</v></c></row><row/>"
    "<row><c/><c><v>3</v></c></row>",
    "rows-numbered-cells-not": '<row r="5"><c><v>1</v></c></row><row><c r="C9"><v>2</v></c>'
    "<c><v>3</v></c></row>",
    "r-given-twice": '<row r="1"><c r="A1" r="D4"><v>1</v></c><c r="B2" s="0" t="n" r="E7">'
    "<v>2</v></c></row>",
    "empty-cells-do-not-count": '<row r="1"><c r="B2"><v>1</v></c><c r="H9"/><c r="J12"></c></row>',
    "prefixed-and-quoted": "<x:row r='3'><x:c r='C3'><x:v>1</x:v></x:c><x:c><x:v>2</x:v></x:c>"
    "</x:row>",
    "spaces": '<row r = "2" ><c\n r =\t"B2" ><v>1</v></c><c  s="0"><v>2</v></c></row>',
}


@pytest.mark.parametrize("rows", ODD.values(), ids=ODD.keys())
def test_a_sheet_written_otherwise_is_measured_as_calamine_reads_it(rows):
    """Small sheets, so that calamine may read them: the span read tag by tag is calamine's."""
    found = CalamineWorkbook.from_filelike(io.BytesIO(sheet(rows))).get_sheet_by_name("List")
    span = cell_span(sheet_xml(rows).encode())
    assert ((span.top, span.left), (span.bottom, span.right)) == (found.start, found.end)
