"""Every spreadsheet people have: .xls and .xlsb read as xlsx is, whatever the file is called;
a password to open gets a message of its own; a package Excel opens is never called damaged.

The .xls and .xlsb files are written by the tests (tests/binary_workbooks.py), the xlsx by
openpyxl or by hand with zipfile; the test files of python-calamine are read in
test_calamine_corpus.py.
"""

import contextlib
import io
import random
import struct
import zipfile

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900
from openpyxl.workbook.protection import WorkbookProtection

from imports.reading import ImportRejected, read_table
from imports.table import MergedRange
from tests.binary_workbooks import Error, compound_file, encrypted_ooxml, xls, xlsb
from tests.imports.test_reading_speedpaths import MAIN, text, workbook
from tests.stock_lists import workbook as xlsx

PASSWORD = "protected with a password"
LIST = [
    ["Stock list 2024"],
    [],
    ["Name", "Quantity", "Condition", "Price"],
    ["Chair", 12, "good", 1250.5],
    ["Desk", 1, None, 0.1],
    [None, None, None, None],
    ["Lamp", 3, "worn", 10**12],
]


def read(data: bytes, name: str, **options):
    return read_table(data, name, max_rows=1000, **options)


@pytest.mark.parametrize("write", [xls, xlsb], ids=["xls", "xlsb"])
def test_binary_workbooks_read_as_the_same_list_in_xlsx(app, write):
    sheets = {"Cover": [["Read me first"]], "List": LIST}
    with app.test_request_context():
        table = read(write(sheets, hidden=("Cover",)), "list.bin")
        reference = read(xlsx(sheets, hidden=("Cover",)), "list.xlsx")
    assert table == reference
    assert (table.sheet, table.sheets, table.header_row, table.blank_rows) == (
        "List",
        ["List"],
        3,
        1,
    )
    assert [tuple(map(type, cells)) for _, cells in table.rows][0] == (str, int, str, float)


@pytest.mark.parametrize("write", [xls, xlsb], ids=["xls", "xlsb"])
def test_the_first_sheet_with_a_header_is_used_or_the_one_asked_for(app, write):
    data = write({"Notes": [["Counted in March"]], "List": LIST, "Aids": LIST[2:4]})
    with app.test_request_context():
        assert read(data, "x").sheet == "List"
        assert read(data, "x", sheet="Aids").rows == [(2, ("Chair", 12, "good", 1250.5))]
        with pytest.raises(ImportRejected, match="no sheet called Nope"):
            read(data, "x", sheet="Nope")


@pytest.mark.parametrize("write", [xls, xlsb], ids=["xls", "xlsb"])
def test_error_values_in_binary_workbooks_are_read_as_excel_shows_them(app, write):
    """calamine reads an error as an empty cell; the importer must never take it for one."""
    rows = [["Name", "Quantity", "Price"], ["Chair", Error("#N/A"), Error("#DIV/0!", formula=True)],
            ["Desk", 2, Error("#REF!", formula=True)]]  # fmt: skip
    with app.test_request_context():
        table = read(write({"List": rows}), "errors")
    assert table.rows == [(2, ("Chair", "#N/A", "#DIV/0!")), (3, ("Desk", 2, "#REF!"))]


@pytest.mark.parametrize("write", [xls, xlsb], ids=["xls", "xlsb"])
def test_merged_cells_in_binary_workbooks_are_refused_or_filled(app, write):
    rows = [["Name", "Department", "Quantity"], ["Chair", "Parks", 1], ["Desk", None, 2],
            ["Lamp", None, 3], ["Shelf", "Schools", 4]]  # fmt: skip
    data = write({"List": rows}, merged={"List": [(1, 3, 1, 1), (4, 4, 0, 1)]})
    with app.test_request_context():
        kept = read(data, "merged")
        filled = read(data, "merged", fill_merged=True)
    assert kept.merged == [MergedRange(2, 4, 1)]  # the merge within one row needs nothing
    assert [cells[1] for _, cells in filled.rows] == ["Parks", "Parks", "Parks", "Schools"]


@pytest.mark.parametrize("write", [xls, xlsb], ids=["xls", "xlsb"])
def test_the_date_system_of_a_binary_workbook_is_kept(app, write):
    with app.test_request_context():
        assert read(write({"L": LIST}), "d").epoch == CALENDAR_WINDOWS_1900
        assert read(write({"L": LIST}, date1904=True), "d").epoch == CALENDAR_MAC_1904


@pytest.mark.parametrize(
    "data, name",
    [
        (xls({"List": LIST}), "list.xlsx"),
        (xlsb({"List": LIST}), "list.xlsx"),
        (xlsx({"List": LIST}), "list.xls"),
        (xlsx({"List": LIST}), "list"),
        (xls({"List": LIST}, stream="Book"), "excel5.xls"),
    ],
    ids=["xls-called-xlsx", "xlsb-called-xlsx", "xlsx-called-xls", "no-extension", "Book"],
)
def test_a_workbook_is_read_by_what_it_is_not_by_its_name(app, data, name):
    with app.test_request_context():
        assert [cells[0] for _, cells in read(data, name).rows] == ["Chair", "Desk", "Lamp"]


# --- passwords -----------------------------------------------------------------------------------


def encrypted_ods() -> bytes:
    """An .ods saved with a password, as LibreOffice lists it: encryption data in the manifest
    for each part, whose content is then no XML."""
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
        'opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
        'manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/'
        '1K"/></manifest:file-entry></manifest:manifest>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", bytes(range(256)) * 4)
    return out.getvalue()


@pytest.mark.parametrize(
    "data, name",
    [
        (encrypted_ooxml(), "list.xlsx"),
        (encrypted_ooxml(), "list.xlsb"),
        (xls({"List": LIST}, password=True), "list.xls"),
        (encrypted_ods(), "list.ods"),
    ],
    ids=["xlsx", "xlsb", "xls", "ods"],
)
def test_a_workbook_locked_with_a_password_gets_a_message_of_its_own(app, data, name):
    with app.test_request_context(), pytest.raises(ImportRejected, match=PASSWORD) as refused:
        read(data, name)
    assert "Save As without a password" in str(refused.value)


def test_a_workbook_whose_sheets_or_structure_are_locked_is_read(app):
    """Protecting a sheet or the workbook's structure with a password encrypts nothing."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx({"List": LIST})))
    book["List"].protection.password = "secret"
    book["List"].protection.sheet = True
    book.security = WorkbookProtection(workbookPassword="secret", lockStructure=True)
    out = io.BytesIO()
    book.save(out)
    with app.test_request_context():
        assert len(read(out.getvalue(), "locked.xlsx").rows) == 3


# --- packages Excel opens ------------------------------------------------------------------------

RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"


def package(workbook: str, sheet: str, *, target: str | None = None, main: str | None = None):
    """The least an xlsx needs, by hand: the package's relationships naming the workbook
    part (as `main`, default its name), the workbook's naming its sheet (as `target`)."""
    folder, _, file = workbook.rpartition("/")
    sheet_xml = (
        f'<worksheet {MAIN}><sheetData><row r="1">{text("A1", "Name")}{text("B1", "Quantity")}'
        f'</row><row r="2">{text("A2", "Chair")}<c r="B2" t="e"><v>#N/A</v></c></row>'
        f'<row r="3">{text("A3", "Desk")}<c r="B3"><v>2</v></c></row></sheetData></worksheet>'
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName='
            f'"/{workbook}" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/></Types>'
        ),
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type='
        f'"{RELATIONSHIPS}/officeDocument" Target="{main or workbook}"/></Relationships>',
        workbook: f'<workbook {MAIN} xmlns:r="{RELATIONSHIPS}"><sheets><sheet name="List" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>',
        f"{folder}/_rels/{file}.rels".lstrip("/"): f'<Relationships xmlns="{PACKAGE}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="{target or sheet}"/>'
        "</Relationships>",
        sheet: sheet_xml,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        package("xl/workbook.xml", "xl/worksheets/sheet1.xml", target="worksheets/sheet1.xml"),
        package("workbook.xml", "sheet1.xml"),
        package("xl/workbook2.xml", "xl/worksheets/sheet1.xml", target="/xl/worksheets/sheet1.xml"),
        package("xl/Workbook.xml", "xl/Worksheets/Sheet1.xml", target="worksheets/sheet1.xml"),
        package("xl/workbook.xml", "xl/sheet.xml", target="sheet.xml", main="/XL/WORKBOOK.XML"),
        package("book/main.xml", "book/data/list.xml", target="data/list.xml"),
    ],
    ids=["relative", "at-the-root", "workbook2", "capitals", "absolute-main", "own-folders"],
)
def test_a_minimal_package_is_read_wherever_its_workbook_is(app, data):
    with app.test_request_context():
        table = read(data, "minimal.xlsx")
    assert table.rows == [(2, ("Chair", "#N/A")), (3, ("Desk", 2))]


def test_a_package_written_with_windows_separators_is_read(app):
    """Some Windows programs write `xl\\worksheets\\sheet1.xml`; Excel opens such files."""
    source = zipfile.ZipFile(io.BytesIO(workbook(LIST)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            archive.writestr(info.filename.replace("/", "\\"), source.read(info))
    with app.test_request_context():
        assert len(read(out.getvalue(), "windows.xlsx").rows) == 3


# --- what is not a workbook, or a broken one ---------------------------------------------------


def test_tab_separated_text_called_xls_is_read_as_the_text_it_is(app):
    """Some programs export text and name it .xls; Excel opens it, and so do we."""
    with app.test_request_context():
        table = read("Name\tQuantity\r\nChair\t2\r\n".encode("cp1252"), "export.xls")
    assert (table.delimiter, table.rows) == ("\t", [(2, ("Chair", "2"))])


def test_an_office_file_that_is_no_workbook_is_not_a_spreadsheet(app):
    with app.test_request_context(), pytest.raises(ImportRejected, match="not a spreadsheet"):
        read(compound_file({"WordDocument": b"\xec\xa5" + b"\0" * 600}), "letter.xls")


@pytest.mark.parametrize("size", [3_000, 10**9], ids=["in-no-mini-stream", "beyond-the-file"])
def test_a_compound_file_lying_about_its_stream_is_damaged(app, size):
    """A stream said to be shorter than it is: calamine's reader panics on it (a Rust panic,
    not an Exception); one said to be larger than the file is refused before it is read."""
    data = bytearray(xls({"List": LIST}))
    entry = data.find("Workbook".encode("utf-16-le"))
    struct.pack_into("<Q", data, entry + 120, size)
    with app.test_request_context(), pytest.raises(ImportRejected, match="damaged"):
        read(bytes(data), "lying.xls")


@pytest.mark.parametrize(
    "write, row, column",
    [(xls, 65_535, 65_535), (xlsb, 1_048_000, 100)],
    ids=["xls", "xlsb"],
)
def test_a_sheet_whose_cells_lie_far_apart_is_refused_before_calamine_reads_it(
    app, write, row, column
):
    """calamine allocates a sheet's whole span of rows and columns: a few cells far apart, a
    file of a few hundred bytes, would be billions of cells and abort the process."""
    rows = [["Name", "Quantity"], ["Chair", 1], *[[]] * (row - 2), [None] * column + ["x"]]
    with app.test_request_context(), pytest.raises(ImportRejected, match="expands beyond"):
        read(write({"List": rows}), "far.bin")


def test_an_xls_stating_billions_of_rows_is_refused_before_calamine_reads_it(app):
    """calamine reserves room for the rows and columns a sheet's DIMENSIONS record states."""
    data = bytearray(xls({"List": LIST}))
    dimensions = data.find(struct.pack("<HH", 0x0200, 14))
    struct.pack_into("<I", data, dimensions + 8, 4_000_000_000)
    with app.test_request_context(), pytest.raises(ImportRejected, match="expands beyond"):
        read(bytes(data), "dimensions.xls")


@pytest.mark.parametrize("write", [xls, xlsb], ids=["xls", "xlsb"])
def test_broken_binary_workbooks_are_refused_never_crash(app, write):
    """T-A24 for the binary formats: bytes changed or cut anywhere give a table or a refusal."""
    rows = [["Name", "Quantity", "Price"], ["Chair", Error("#N/A"), Error("#REF!", formula=True)],
            ["Desk", 2, "x" * 40]]  # fmt: skip
    original = write({"List": rows}, merged={"List": [(1, 2, 0, 0)]})
    chance = random.Random(20260115)
    with app.test_request_context():
        for _ in range(150):
            data = bytearray(original)
            for _ in range(chance.randint(1, 8)):
                data[chance.randrange(len(data))] = chance.randrange(256)
            cut = bytes(data[: chance.randrange(len(data) + 1)] if chance.random() < 0.2 else data)
            with contextlib.suppress(ImportRejected):
                read(cut, "broken.bin")
