"""How much memory reading a workbook may take at once, estimated before python-calamine reads.

calamine has no lazy reader (python-calamine issue #42): it reads a sheet whole, and what it
allocates follows from the sheet, not from the size of the file. For every cell with content
it keeps about 40 bytes while it parses; it then lays the sheet out as one block of 32 bytes
for every cell between the first and the last used one, empty or not; a cell showing a shared
string gets its own copy of the string (10,000 cells naming one 32 kB string took 300 MB from a
52 kB file). Handing the rows to Python makes an object of each cell again. A sheet can
therefore be a bomb however small its file and however few its rows.

So before calamine reads anything, what it will allocate is estimated from the file: an xlsx
sheet is read a slice of rows at a time, each slice kept within `READ_BUDGET`
(imports/xlsx_slices.py); a sheet in another format, which calamine reads whole (all sheets at
once for .xls and .ods), is refused if its estimate exceeds `WHOLE_READ_BUDGET`. The parts calamine reads besides sheets are read with a limit
(imports/containers.read_part). Figures measured with python-calamine 0.9.1.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from imports.errors import ImportRejected

SPAN_CELL_BYTES = 32  # calamine's block: every cell between the first and last used one
CELL_BYTES = 80  # a cell with content: calamine's while it parses, and Python's object
STRING_BYTES = 24  # the allocation around each copy of a text, besides its characters
READ_BUDGET = 64 * 1024 * 1024  # what one read of an xlsx slice may allocate, as estimated
WHOLE_READ_BUDGET = 160 * 1024 * 1024  # a sheet or workbook calamine reads whole: 1.4 million cells
SHEET_PART_BYTES = 128 * 1024 * 1024  # an .xlsb sheet or an .ods content.xml, unpacked
SHARED_STRINGS_BYTES = 32 * 1024 * 1024  # the shared strings part, unpacked
MAX_SHARED_STRINGS = 1_000_000


def estimate(*, span: int, cells: int, text: int) -> int:
    """Bytes a read of this many cells allocates: the block of `span` cells, the cells with
    content, and `text` bytes of their texts (calamine's copy, and Python's)."""
    return SPAN_CELL_BYTES * span + CELL_BYTES * cells + 2 * text


def too_large_to_read() -> ImportRejected:
    """A sheet calamine would read whole, beyond what one read may take."""
    return ImportRejected(
        _l("This sheet is too large to read in this format. Save it as .xlsx, or split it.")
    )


def check_whole_read(*, span: int, cells: int, text: int) -> None:
    """Refuse a sheet (or workbook) calamine reads whole if its estimate exceeds the budget."""
    if estimate(span=span, cells=cells, text=text) > WHOLE_READ_BUDGET:
        raise too_large_to_read()
