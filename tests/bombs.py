"""Files that cost far more to read than they weigh, written by the tests themselves.

Each is written without ever holding what it unpacks to: the reader under test must not hold
it either. `measured` runs a piece of the app in a child process and reads its peak memory, as
bench/bench_import.py does (VmHWM, which counts python-calamine's and Pillow's allocations;
ru_maxrss would carry the test run's own peak into a forked child).
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"

PEAK = """
import json, sys
def peak_mb():
    with open("/proc/self/status") as status:
        return int(next(l for l in status if l.startswith("VmHWM:")).split()[1]) // 1024
"""


def measured(script: str, *args: str, timeout: float = 300) -> dict:
    """Run `script` (after PEAK, with the repository importable) in a child process; the JSON
    object its last line prints."""
    child = subprocess.run(
        [sys.executable, "-c", PEAK + script, *args], cwd=ROOT, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr[-2000:]
    return json.loads(child.stdout.strip().splitlines()[-1])


# --- xlsx ----------------------------------------------------------------------------------------


def _package_parts(*, strings: bool) -> dict[str, str]:
    rels = (
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    )
    if strings:
        rels += f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
    return {
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
        f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
        '<sheet name="List" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PACKAGE}">{rels}</Relationships>',
    }


def xlsx(path: Path, rows: Iterable[bytes], *, strings: bytes | None = None) -> Path:
    """An xlsx whose sheet List holds these rows (XML, a block at a time), written as it comes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, content in _package_parts(strings=strings is not None).items():
            package.writestr(name, content)
        if strings is not None:
            package.writestr(STRINGS, strings)
        with package.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            for block in rows:
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return path


HEADER = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>Quantity</t></is></c></row>'
)
_ROW = (
    b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Chair</t></is></c><c r="B%d"><v>1</v></c></row>'
)


def rows_far_past_the_cap(declared: int) -> Iterable[bytes]:
    """A header, then rows of small cells, each written as Excel writes it, until `declared`
    bytes of them: millions of rows, far more than any cap."""
    yield HEADER
    written, first = 0, 2
    while written < declared:
        block = b"".join([_ROW % (row, row, row) for row in range(first, first + 20_000)])
        yield block
        written, first = written + len(block), first + 20_000


def one_string_in_every_cell(rows: int, length: int) -> tuple[Iterable[bytes], bytes]:
    """Rows that each show shared string 0, and shared strings whose string 0 is `length`
    characters long: calamine copies the string into every cell that shows it."""
    strings = f'<sst xmlns="{MAIN}"><si><t>{"x" * length}</t></si></sst>'.encode()
    row = b'<row r="%d"><c r="A%d" t="s"><v>0</v></c><c r="B%d"><v>1</v></c></row>'

    def blocks() -> Iterable[bytes]:
        yield HEADER
        for first in range(2, rows + 2, 10_000):
            yield b"".join([row % (n, n, n) for n in range(first, min(first + 10_000, rows + 2))])

    return blocks(), strings


def distinct_texts(rows: int, columns: int) -> Iterable[bytes]:
    """A header of Name, Quantity and columns we have no field for, then rows in which every
    cell of those columns is a text of its own (20 characters): nothing to share."""
    names = ["Name", "Quantity"] + [f"Note {n}" for n in range(3, columns + 1)]
    cell = b'<c t="inlineStr"><is><t>%s</t></is></c>'
    yield b'<row r="1">' + b"".join(cell % name.encode() for name in names) + b"</row>"
    for first in range(2, rows + 2, 1_000):
        yield b"".join(
            b'<row r="%d">' % row + cell % b"Chair %d" % row + b"<c><v>1</v></c>"
            + b"".join(cell % b"r%dc%d-xxxxxxxxxxxx" % (row, column) for column in range(3, columns + 1))
            + b"</row>"
            for row in range(first, min(first + 1_000, rows + 2))
        )  # fmt: skip


def billion_laughs() -> bytes:
    """Shared strings whose one string is ten entities nested ten deep: 10^10 characters."""
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 11)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
        f'<sst xmlns="{MAIN}"><si><t>&a10;</t></si></sst>'
    ).encode()


def with_declared_size(data: bytes, part: str, size: int) -> bytes:
    """The zip with the part's unpacked size stated as `size`, in its local header and in the
    central directory, and nothing else changed (its CRC is the whole part's)."""
    out = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(part)
    struct.pack_into("<I", out, info.header_offset + 22, size)
    directory = out.rfind(b"PK\x01\x02", 0, out.rfind(part.encode()))
    struct.pack_into("<I", out, directory + 24, size)
    return bytes(out)


def many_entries(count: int) -> bytes:
    """A zip of `count` tiny entries beside a workbook's parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, content in _package_parts(strings=False).items():
            package.writestr(name, content)
        package.writestr(SHEET, f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>')
        for number in range(count):
            package.writestr(f"xl/media/tiny{number}.bin", b"x")
    return out.getvalue()


# --- images --------------------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, *, color_type: int = 2, depth: int = 8) -> bytes:
    """A PNG of zeros of any size: 0 grey, 2 RGB, 3 palette, 6 RGBA (`depth` bits each)."""
    channels = {0: 1, 2: 3, 3: 1, 6: 4}[color_type]
    row = b"\0" * (1 + (width * channels * depth + 7) // 8)
    packer = zlib.compressobj(9)
    rows_a_block = max(1, (1 << 22) // len(row))
    packed = [packer.compress(row * rows_a_block) for _ in range(height // rows_a_block)]
    packed += [packer.compress(row * (height % rows_a_block)), packer.flush()]
    header = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)
    palette = _chunk(b"PLTE", b"\0\0\0\xff\xff\xff") if color_type == 3 else b""
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + palette
        + _chunk(b"IDAT", b"".join(packed)) + _chunk(b"IEND", b"")
    )  # fmt: skip


def xls_one_string_in_every_cell(rows: int, length: int) -> bytes:
    """An .xls whose cells each show shared string 0, `length` characters long (written across
    CONTINUE records, as Excel writes a long string)."""
    from tests.binary_workbooks import _bof, _record, compound_file

    text = b"x" * length
    table = struct.pack("<IIHB", rows, 1, length, 0) + text
    pieces = [table[:8224]] + [b"\0" + table[n : n + 8223] for n in range(8224, len(table), 8223)]
    strings = _record(0x00FC, pieces[0]) + b"".join(_record(0x003C, p) for p in pieces[1:])
    label = b"".join(_record(0x00FD, struct.pack("<HHHI", row, 0, 0, 0)) for row in range(rows))
    sheet = _bof(0x0010) + label + _record(0x000A)

    def workbook_globals(offset: int) -> bytes:
        name = "List".encode("utf-16-le")
        sheet_record = _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, 4, 1) + name)
        return _bof(0x0005) + sheet_record + strings + _record(0x000A)

    start = len(workbook_globals(0))
    return compound_file({"Workbook": workbook_globals(start) + sheet})


ODS_MANIFEST = (
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
    'opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
    'manifest:media-type="text/xml"/></manifest:manifest>'
)


def ods_one_text_repeated(rows: int, length: int) -> bytes:
    """An .ods of a header and one row, repeated `rows` times, whose cell holds a text
    `length` characters long: calamine repeats the row, and copies the text into each."""
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    header = "".join(cell.format(name) for name in ("Name", "Quantity"))
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        '<office:body><office:spreadsheet><table:table table:name="List">'
        f"<table:table-row>{header}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows}">{cell.format("x" * length)}'
        "</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        package.writestr("content.xml", content)
    return out.getvalue()
