"""The parts of an xlsx that python-calamine reads besides its sheets, checked and copied once.

calamine opens a workbook by reading the package's relationships, the workbook part, its
styles and its shared strings, each whole. Here each is read with a limit
(imports/containers.read_part) and copied into a package of their own; a slice of a sheet is
added to a copy of it for each read (imports/xlsx_slices.py), so calamine never sees the rest
of the upload. The shared strings are measured on the way: how many there are, and how long
the longest may be, since calamine copies a string into every cell that shows it.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from python_calamine import CalamineWorkbook

from imports.containers import invalid_xml, read_part, relationships, too_large
from imports.read_budget import MAX_SHARED_STRINGS, SHARED_STRINGS_BYTES

_STRING = re.compile(rb"<si(?=[\s>/])")
# What no program writes in shared strings, and what would make a string reach past the next
# one's <si>: a prefix, a comment, CDATA, a DTD or an instruction, an empty <si/>.
_UNUSUAL = re.compile(rb"<[!?]|:si[\s>/]|<si\b[^>]*/>")


@dataclass(frozen=True)
class Package:
    """The parts calamine reads when it opens the workbook, and the bytes the longest shared
    string may take."""

    base: bytes
    longest_string: int

    def book(self) -> CalamineWorkbook:
        """The workbook without its sheets: for their names and whether they are visible."""
        return CalamineWorkbook.from_filelike(io.BytesIO(self.base))

    def with_sheet(self, part: str, xml: bytes) -> CalamineWorkbook:
        """The workbook with `xml` as the sheet stored at `part`."""
        out = io.BytesIO()
        out.write(self.base)
        with zipfile.ZipFile(out, "a") as package:
            package.writestr(part, xml)
        out.seek(0)
        return CalamineWorkbook.from_filelike(out)


def calamine_package(archive: zipfile.ZipFile, names: dict[str, str], main: str) -> Package:
    """The parts calamine reads of this xlsx besides sheets, each read within its limit.

    :param names: the package's entries by folded name (imports/containers.part_names).
    :param main: the entry of the workbook part."""
    folder, file = posixpath.split(main.replace("\\", "/"))
    main_rels = names.get(posixpath.join(folder, "_rels", f"{file}.rels").lower())
    targets = relationships(archive, names, main).values()
    small = {main, main_rels, names.get("_rels/.rels"), names.get("[content_types].xml")}
    small |= {names.get("xl/styles.xml"), *_targets(archive, targets, "styles")}
    parts = {name: _without_dtd(read_part(archive, name)) for name in small if name is not None}
    strings = _targets(archive, targets, "sharedStrings") | {names.get("xl/sharedstrings.xml")}
    strings.discard(None)
    longest = 0
    for name in strings:
        parts[name] = _without_dtd(read_part(archive, name, SHARED_STRINGS_BYTES))
        longest = max(longest, longest_string(parts[name]))
    parts.update(_aliases(names, main, main_rels, parts))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return Package(out.getvalue(), longest)


def _without_dtd(xml: bytes) -> bytes:
    """The part, refused if it declares a DTD: calamine expands no entities and would refuse
    it anyway (an entity is an error), but only after trying the file as every other format."""
    if b"<!DOCTYPE" in xml[:65536]:
        raise invalid_xml()
    return xml


def _targets(archive: zipfile.ZipFile, targets, kind: str) -> set[str]:
    """The entries the workbook's relationships of this kind point at."""
    return {target for found, target in targets if found == kind and target in archive.NameToInfo}


def _aliases(
    names: dict[str, str], main: str, main_rels: str | None, parts: dict[str, bytes]
) -> dict[str, bytes]:
    """The workbook part, and its relationships, copied to workbook.xml in its folder if it is
    called otherwise: calamine takes the folder from the package's relationships, not the name."""
    folder, file = posixpath.split(main.replace("\\", "/"))
    alias = posixpath.join(folder, "workbook.xml")
    alias_rels = posixpath.join(folder, "_rels", "workbook.xml.rels")
    if file.lower() == "workbook.xml" or {alias.lower(), alias_rels.lower()} & names.keys():
        return {}
    copies = {alias: parts[main]}
    if main_rels is not None:
        copies[alias_rels] = parts[main_rels]
    return copies


def longest_string(xml: bytes) -> int:
    """Bytes the longest shared string may take, and no more than MAX_SHARED_STRINGS of them.

    A string lies between its <si> and the next one's; written otherwise than programs write
    them (see _UNUSUAL, or a string not closed before the next begins), any string may take
    the whole part."""
    start = xml.find(b"?>") + 2 if xml.lstrip()[:5] == b"<?xml" else 0
    if _UNUSUAL.search(xml, start):
        return len(xml)
    previous, longest, count = -1, 0, 0
    for found in _STRING.finditer(xml, start):
        if previous >= 0:
            if xml.count(b"</si", previous, found.start()) != 1:
                return len(xml)
            longest = max(longest, found.start() - previous)
        previous, count = found.start(), count + 1
        if count > MAX_SHARED_STRINGS:
            raise too_large()
    return max(longest, len(xml) - previous) if previous >= 0 else 0
