"""What an uploaded workbook is, by its content rather than its name, and whether a password
locks it.

A workbook is a zip package (xlsx, xlsm and xlsb are Office Open XML packages; .ods is
OpenDocument) or an OLE2 compound file: an Excel 97-2003 .xls, whose records are in its
Workbook stream (Book in Excel 5), or any Office file saved with a password to open, which
holds its package encrypted in the streams EncryptionInfo and EncryptedPackage. An encrypted
.xls keeps its Workbook stream but begins it with a FILEPASS record (imports/xls_biff.py); an
encrypted .ods lists encryption-data for its parts in META-INF/manifest.xml. A password that
only locks sheets or the workbook's structure encrypts nothing, and such a file is read.

Files get renamed and programs name their parts as they please, so the content decides. An
Office Open XML package names its main part in `_rels/.rels` (the officeDocument
relationship), and part names are case-insensitive: Excel opens a workbook stored at the
package's root, as `xl/Workbook.xml` or as `xl/workbook2.xml`, so we find it there too.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from urllib.parse import unquote

import olefile
from defusedxml import ElementTree as SafeXml
from flask_babel import lazy_gettext as _l

from imports.errors import ImportRejected

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
WORKBOOK_STREAMS = ("Workbook", "Book")  # olefile finds either in any case
SMALL_PART_BYTES = 16 * 1024 * 1024  # a workbook, styles or relationships part, unpacked
_CHUNK = 1024 * 1024
_ENCRYPTION_DATA = re.compile(rb"<(?:[\w.-]+:)?encryption-data[\s>/]")


def password_protected() -> ImportRejected:
    return ImportRejected(
        _l(
            "This workbook is protected with a password. Open it, remove the password (File > "
            "Info > Protect Workbook, or Save As without a password) and upload it again."
        )
    )


def damaged() -> ImportRejected:
    return ImportRejected(
        _l("The file is damaged or not a spreadsheet. Save it as .xlsx or UTF-8 CSV.")
    )


def invalid_xml() -> ImportRejected:
    return ImportRejected(_l("The file is not a valid spreadsheet."))


def too_large() -> ImportRejected:
    return ImportRejected(_l("The file expands beyond the limit we accept."))


def not_a_spreadsheet() -> ImportRejected:
    return ImportRejected(_l("This is not a spreadsheet. Save it as .xlsx or UTF-8 CSV."))


# --- OLE2 compound files: .xls, or an encrypted workbook ----------------------------------------


def ole_workbook_stream(data: bytes) -> bytes:
    """The Workbook stream of an .xls; refused if the file is encrypted, or holds no workbook
    (a Word document, say). olefile reads the container in pure Python, reading each stream
    for no more sectors than its stated size (a looping sector chain cannot make it read for
    ever); a stream said to be larger than the file itself is refused before it is read."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, IndexError):
        raise damaged() from None
    with ole:
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            raise password_protected()
        name = next((name for name in WORKBOOK_STREAMS if ole.exists(name)), None)
        if name is None:
            raise not_a_spreadsheet()
        if ole.get_type(name) != olefile.STGTY_STREAM or ole.get_size(name) > len(data):
            raise damaged()
        return ole.openstream(name).read()


# --- zip packages: xlsx, xlsm, xlsb, ods --------------------------------------------------------


def read_part(archive: zipfile.ZipFile, name: str, limit: int = SMALL_PART_BYTES) -> bytes:
    """A part of the package, unpacked; refused as too large beyond `limit` bytes, before more
    than that is unpacked, whatever its header says it holds."""
    if archive.getinfo(name).file_size > limit:
        raise too_large()
    out = bytearray()
    with archive.open(name) as stream:
        while chunk := stream.read(min(_CHUNK, limit + 1 - len(out))):
            out += chunk
            if len(out) > limit:
                raise too_large()
    return bytes(out)


def part_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each entry's name by its part name folded: lower case, `/` for the `\\` some Windows
    programs write."""
    return {name.replace("\\", "/").lower(): name for name in archive.NameToInfo}


def package_kind(archive: zipfile.ZipFile, names: dict[str, str]) -> tuple[str, str]:
    """ "ods", "xlsx" or "xlsb", and the entry of its main part (content.xml for .ods); an
    encrypted .ods is refused, a zip that is no workbook called damaged."""
    if "mimetype" in names and read_part(archive, names["mimetype"]) == ODS_MIMETYPE:
        manifest = names.get("meta-inf/manifest.xml")
        if manifest and _ENCRYPTION_DATA.search(read_part(archive, manifest)):
            raise password_protected()
        return "ods", names.get("content.xml", "content.xml")
    package = relationships(archive, names, "")
    main = next((target for kind, target in package.values() if kind == "officeDocument"), None)
    main = main or names.get("xl/workbook.xml") or names.get("xl/workbook.bin")
    if main is None or main not in archive.NameToInfo:
        raise damaged()
    return ("xlsb" if main.lower().endswith(".bin") else "xlsx"), main


def relationships(
    archive: zipfile.ZipFile, names: dict[str, str], part: str
) -> dict[str, tuple[str, str]]:
    """A part's relationships (the package's own for ""): by id, the type's last word and the
    entry of the target (its part name, resolved, if there is no such entry)."""
    folder, file = posixpath.split(part.replace("\\", "/"))
    rels = names.get(posixpath.join(folder, "_rels", f"{file}.rels").lower())
    if rels is None:
        return {}
    found = {}
    for element in SafeXml.fromstring(read_part(archive, rels)).iter():
        if element.tag.rpartition("}")[2] == "Relationship" and element.get("TargetMode") is None:
            written = element.get("Target", "")
            target = resolve_target(folder, written)
            as_written = resolve_target(folder, written, decoded=False)  # as calamine takes it
            entry = names.get(target.lower()) or names.get(as_written.lower()) or target
            found[element.get("Id", "")] = (element.get("Type", "").rpartition("/")[2], entry)
    return found


def resolve_target(folder: str, target: str, *, decoded: bool = True) -> str:
    """A relationship's target as a part name: absolute ("/xl/..."), or relative to the folder
    of the part it comes from; %20 and the like decoded unless `decoded` is false."""
    target = target.replace("\\", "/")
    target = unquote(target) if decoded else target
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path).lstrip("/") if path else ""
