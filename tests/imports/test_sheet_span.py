"""An xlsx sheet whose cells lie far apart is refused before python-calamine reads it, however
the sheet is written; a sheet that only says it is large, or is wide, is read.

calamine allocates a sheet's whole span at once and a failed allocation aborts the process (no
exception), so a guard that regressed would take the test run down with it: the far-apart
sheets go to the guard itself here (Workbook.marks, asked before calamine reads a sheet), and
are read whole only in a child process whose address space is limited.
"""

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from imports import xlsx_xml
from imports.reading import ImportRejected, read_table
from imports.workbooks import open_workbook
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
    "r-given-twice": f'{HEADER}<row r="2"><c r="A2" r="XFD100000"><v>1</v></c></row>',
    "single-quotes": f"{HEADER}<row r='100000'><c r='XFD100000'><v>1</v></c></row>",
    "a-newline-before-r": f'{HEADER}<row r="2"><c\nr="XFD100000"><v>1</v></c></row>',
    "a-prefix": f'{HEADER}<x:row r="2"><x:c r="XFD100000"><x:v>1</x:v></x:c></x:row>',
    "no-references": f"<row>{'<c/>' * 20_000}<c><v>1</v></c></row>{'<row/>' * 1_000}"
    "<row><c><v>1</v></c></row>",
    "only-the-row-numbered": f'{HEADER}<row r="100000">{"<c/>" * 16_383}<c><v>1</v></c></row>',
}


@pytest.mark.parametrize("rows", FAR.values(), ids=FAR.keys())
def test_a_sheet_whose_cells_lie_far_apart_is_refused_before_calamine_reads_it(app, rows):
    """A file of a few hundred bytes calamine would make billions of cells of."""
    opened = open_workbook(sheet(rows))
    with app.test_request_context(), pytest.raises(ImportRejected, match="expands beyond"):
        opened.marks("List")


def test_a_reference_cut_by_the_end_of_a_chunk_is_read_whole(app, monkeypatch):
    monkeypatch.setattr(xlsx_xml, "SCAN_CHUNK", 7)
    with app.test_request_context():
        with pytest.raises(ImportRejected, match="expands beyond"):
            open_workbook(sheet(FAR["xfd"])).marks("List")
        assert len(read_table(wide_sheet(), "wide.xlsx", max_rows=100).rows) == 3


def test_the_first_of_two_sheets_of_one_name_is_measured_as_calamine_reads_it(app):
    """calamine reads the first sheet of a name a workbook repeats."""
    data = with_parts(workbook([["Name"]], hidden="Twin"), {SHEET: sheet_xml(FAR["xfd"])})
    named_twice = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    data = with_parts(data, {"xl/workbook.xml": named_twice.replace(b'"Twin"', b'"List"')})
    with app.test_request_context(), pytest.raises(ImportRejected, match="expands beyond"):
        open_workbook(data).marks("List")


def test_a_sheet_whose_part_we_do_not_find_is_measured_with_every_part(app):
    """calamine takes a sheet's part name as written (%20 and all); should we not find it,
    every part is measured."""
    data = workbook([["Name"]])
    rels = zipfile.ZipFile(io.BytesIO(data)).read("xl/_rels/workbook.xml.rels")
    data = with_parts(data, {
        "xl/_rels/workbook.xml.rels": rels.replace(b"sheet1.xml", b"sheet%201.xml"),
        "xl/worksheets/sheet%201.xml": sheet_xml(FAR["xfd"]),
    })  # fmt: skip
    with app.test_request_context(), pytest.raises(ImportRejected, match="expands beyond"):
        open_workbook(data).marks("List")


CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from app import create_app
from imports.reading import ImportRejected, read_table
app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
with app.test_request_context():
    try:
        read_table(open(sys.argv[1], "rb").read(), "far.xlsx", max_rows=1000)
    except ImportRejected as refusal:
        print(refusal)
"""


def test_reading_a_far_apart_sheet_is_refused_not_a_crash(tmp_path):
    """The whole read, in a child process: without the guard calamine asks for 52 GB there
    and aborts the child (SIGABRT), as it would a web worker."""
    path = tmp_path / "far.xlsx"
    path.write_bytes(sheet(FAR["xfd"]))
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr[-1000:]
    assert "expands beyond the limit" in child.stdout


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
