"""Excel's binary workbooks, written by the tests themselves: .xls (BIFF8 in an OLE2 compound
file) and .xlsb (records in a zip), with only the records Excel and calamine need to read them.

No library writes these formats; a hand-written file of a few records keeps the tests free of
files from elsewhere. A sheet is a list of rows; a cell is None (nothing), a str, a number, a
bool, or an `Error` (an error value such as #N/A, as a plain cell or as a formula's cached
result). Only what the tests need: no styles, so no date cells (the corpus test has those).
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass

SECTOR = 512
FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
ERROR_CODES = {
    "#NULL!": 0x00,
    "#DIV/0!": 0x07,
    "#VALUE!": 0x0F,
    "#REF!": 0x17,
    "#NAME?": 0x1D,
    "#NUM!": 0x24,
    "#N/A": 0x2A,
}


@dataclass(frozen=True)
class Error:
    """An error value; `formula` makes it a formula's cached result rather than a plain cell."""

    text: str
    formula: bool = False


# --- OLE2 compound file ----------------------------------------------------------------------


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE2 compound file (version 3) holding these streams in its root storage. Each stream
    is padded to 4,096 bytes, so that none needs the mini stream."""
    sectors: list[bytes] = []
    chains: list[tuple[int, int]] = []  # (first sector, count) per stream
    for content in streams.values():
        padded = content.ljust(max(4096, -(-len(content) // SECTOR) * SECTOR), b"\0")
        chains.append((len(sectors), len(padded) // SECTOR))
        sectors += [padded[i : i + SECTOR] for i in range(0, len(padded), SECTOR)]
    names = sorted(streams, key=lambda name: (len(name), name.upper()))  # the tree's order
    entries = [_entry("Root Entry", 5, END_OF_CHAIN, 0, child=1 + list(streams).index(names[0]))]
    for index, name in enumerate(streams):
        position = names.index(name)
        right = list(streams).index(names[position + 1]) + 1 if position + 1 < len(names) else None
        size = chains[index][1] * SECTOR  # padded: a stream under 4,096 bytes is a mini stream
        entries.append(_entry(name, 2, chains[index][0], size, right=right))
    directory = b"".join(entries).ljust(-(-len(entries) // 4) * SECTOR, b"\0")
    first_directory = len(sectors)
    sectors += [directory[i : i + SECTOR] for i in range(0, len(directory), SECTOR)]
    fat_count = -(-(len(sectors) + 1) // 127) or 1
    fat = [FREE] * (fat_count * 128)
    for first, count in [*chains, (first_directory, len(directory) // SECTOR)]:
        for sector in range(first, first + count):
            fat[sector] = sector + 1 if sector + 1 < first + count else END_OF_CHAIN
    for sector in range(len(sectors), len(sectors) + fat_count):
        fat[sector] = FAT_SECTOR
    difat = [len(sectors) + n for n in range(fat_count)] + [FREE] * (109 - fat_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        b"",
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"",
        0,
        fat_count,
        first_directory,
        0,
        4096,
        END_OF_CHAIN,
        0,
        END_OF_CHAIN,
        0,
        *difat,
    )
    return header + b"".join(sectors) + struct.pack(f"<{len(fat)}I", *fat)


def _entry(name: str, kind: int, start: int, size: int, *, child=None, right=None) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded,
        len(encoded),
        kind,
        1,
        NO_STREAM,
        NO_STREAM if right is None else right,
        NO_STREAM if child is None else child,
        b"",
        0,
        0,
        0,
        start,
        size,
    )


# --- .xls: BIFF8 records -----------------------------------------------------------------------


def _record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 1996, 0, 6))


def _xls_cell(row: int, column: int, value) -> bytes:
    where = struct.pack("<HHH", row, column, 0)
    if isinstance(value, Error) and value.formula:
        cached = bytes([2, 0, ERROR_CODES[value.text], 0, 0, 0, 0xFF, 0xFF])
        formula = bytes([0x1C, ERROR_CODES[value.text]])  # ptgErr: the formula =#N/A
        body = where + cached + struct.pack("<HIH", 0, 0, len(formula)) + formula
        return _record(0x0006, body)
    if isinstance(value, Error):
        return _record(0x0205, where + bytes([ERROR_CODES[value.text], 1]))
    if isinstance(value, bool):
        return _record(0x0205, where + bytes([value, 0]))
    if isinstance(value, int | float):
        return _record(0x0203, where + struct.pack("<d", value))
    text = str(value).encode("utf-16-le")
    return _record(0x0204, where + struct.pack("<HB", len(text) // 2, 1) + text)


def _xls_sheet(rows: list[list], merged: list[tuple[int, int, int, int]]) -> bytes:
    cells = b"".join(
        _xls_cell(r, c, value)
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
        if value is not None
    )
    width = max((len(row) for row in rows), default=0)
    dimensions = _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, min(width, 256), 0))
    merges = b""
    if merged:
        refs = b"".join(struct.pack("<HHHH", *ref) for ref in merged)
        merges = _record(0x00E5, struct.pack("<H", len(merged)) + refs)
    return _bof(0x0010) + dimensions + cells + merges + _record(0x000A)


def xls(
    sheets: dict[str, list[list]],
    *,
    hidden: tuple[str, ...] = (),
    date1904: bool = False,
    merged: dict[str, list[tuple[int, int, int, int]]] | None = None,
    password: bool = False,
    stream: str = "Workbook",
) -> bytes:
    """An Excel 97-2003 workbook. `merged` gives each sheet's merged ranges as (first row,
    last row, first column, last column) from 0; `password` marks the workbook encrypted
    (a FILEPASS record, as Excel writes when a password is needed to open it)."""
    bodies = [_xls_sheet(rows, (merged or {}).get(name, [])) for name, rows in sheets.items()]

    def globals_(offsets: list[int]) -> bytes:
        records = [_bof(0x0005)]
        if password:
            records.append(_record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\0" * 48))
        records += [
            _record(0x0042, struct.pack("<H", 1200)),
            _record(0x0022, struct.pack("<H", int(date1904))),
        ]
        for (name, _), offset in zip(sheets.items(), offsets, strict=True):
            state = 1 if name in hidden else 0
            encoded = name.encode("utf-16-le")
            body = struct.pack("<IBBBB", offset, state, 0, len(name), 1) + encoded
            records.append(_record(0x0085, body))
        return b"".join(records) + _record(0x000A)

    start = len(globals_([0] * len(sheets)))
    offsets = [start + sum(len(body) for body in bodies[:n]) for n in range(len(bodies))]
    return compound_file({stream: globals_(offsets) + b"".join(bodies)})


def encrypted_ooxml() -> bytes:
    """An xlsx saved with a password to open, as Excel does: the package encrypted inside an
    OLE2 file with EncryptionInfo and EncryptedPackage streams (here with dummy contents)."""
    return compound_file(
        {
            "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"\0" * 200,
            "EncryptedPackage": b"\0" * 5000,
        }
    )


# --- .xlsb: records in a zip -------------------------------------------------------------------


def _brt(kind: int, body: bytes = b"") -> bytes:
    """A record: its type and size as 7-bit groups, low first, the high bit meaning more."""
    head = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
    size, length = len(body), b""
    while True:
        length += bytes([(size & 0x7F) | (0x80 if size > 0x7F else 0)])
        size >>= 7
        if not size:
            return head + length + body


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def _xlsb_cell(column: int, value) -> bytes:
    where = struct.pack("<II", column, 0)
    if isinstance(value, Error) and value.formula:
        formula = bytes([0x1C, ERROR_CODES[value.text]])
        tail = struct.pack("<I", len(formula)) + formula + struct.pack("<I", 0)
        return _brt(0x000B, where + bytes([ERROR_CODES[value.text]]) + b"\0\0" + tail)
    if isinstance(value, Error):
        return _brt(0x0003, where + bytes([ERROR_CODES[value.text]]))
    if isinstance(value, bool):
        return _brt(0x0004, where + bytes([value]))
    if isinstance(value, int | float):
        return _brt(0x0005, where + struct.pack("<d", value))
    return _brt(0x0006, where + _wide(str(value)))


def _xlsb_sheet(rows: list[list], merged: list[tuple[int, int, int, int]]) -> bytes:
    width = max((len(row) for row in rows), default=1)
    out = [
        _brt(0x0081),
        _brt(0x0094, struct.pack("<IIII", 0, max(len(rows) - 1, 0), 0, width - 1)),
        _brt(0x0091),
    ]
    for r, row in enumerate(rows):
        if not row:
            continue  # as Excel writes it: no record for a row without cells
        out.append(_brt(0x0000, struct.pack("<IIHBBI", r, 0, 0x12C, 0, 0, 0)))
        out += [_xlsb_cell(c, value) for c, value in enumerate(row) if value is not None]
    out.append(_brt(0x0092))
    if merged:
        out.append(_brt(0x00B1, struct.pack("<I", len(merged))))
        out += [_brt(0x00B0, struct.pack("<IIII", *ref)) for ref in merged]
        out.append(_brt(0x00B2))
    return b"".join(out + [_brt(0x0082)])


RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsb(
    sheets: dict[str, list[list]],
    *,
    hidden: tuple[str, ...] = (),
    date1904: bool = False,
    merged: dict[str, list[tuple[int, int, int, int]]] | None = None,
) -> bytes:
    """An Excel binary workbook; `merged` as for `xls`."""
    book = [
        _brt(0x0083),
        _brt(0x0099, struct.pack("<II", int(date1904), 0) + _wide("")),
        _brt(0x008F),
    ]
    rels = []
    for n, name in enumerate(sheets, start=1):
        state = 1 if name in hidden else 0
        book.append(_brt(0x009C, struct.pack("<II", state, n) + _wide(f"rId{n}") + _wide(name)))
        rels.append(
            f'<Relationship Id="rId{n}" Type="{RELS}/worksheet" Target="worksheets/sheet{n}.bin"/>'
        )
    book += [_brt(0x0090), _brt(0x0084)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr(
            "_rels/.rels",
            _relationships(
                f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.bin"/>'
            ),
        )
        archive.writestr("xl/workbook.bin", b"".join(book))
        archive.writestr("xl/_rels/workbook.bin.rels", _relationships("".join(rels)))
        for n, (name, rows) in enumerate(sheets.items(), start=1):
            sheet = _xlsb_sheet(rows, (merged or {}).get(name, []))
            archive.writestr(f"xl/worksheets/sheet{n}.bin", sheet)
    return out.getvalue()


def _relationships(inner: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
        f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{inner}'
        "</Relationships>"
    )


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.'
    'macroEnabled.main"/><Override PartName="/xl/worksheets/sheet1.bin" ContentType='
    '"application/vnd.ms-excel.worksheet"/></Types>'
)
