"""The test files of python-calamine (real-world quirks in every format), fetched once.

They travel in the package's source distribution on PyPI; the archive is downloaded from its
pinned address, checked against its sha256, and only its tests/data files are kept, under
tests/artifacts/ (not in git). `make test` fetches it before the suite runs
(`python -m tests.corpus`); a test that needs it and finds nothing fails, saying why.
"""

from __future__ import annotations

import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "0.9.1"
URL = (
    "https://files.pythonhosted.org/packages/68/ec/"
    "923684e9d817b4b317942c9dd36a66cd213a3c0abcb3c58d2cb22e3a4355/"
    f"python_calamine-{VERSION}.tar.gz"
)
SHA256 = "458094c3dd41bd330c0a43d20e23489964ba28b3301687f1c5acc03c81d06a9f"
FOLDER = Path(__file__).resolve().parent / "artifacts" / f"python-calamine-{VERSION}"
MEMBERS = f"python_calamine-{VERSION}/tests/data/"


class CorpusMissing(Exception):
    """The corpus is not here and could not be fetched."""


def python_calamine_corpus() -> Path:
    """The folder of python-calamine's test files, fetched and checked if not there yet."""
    if not (FOLDER / ".complete").exists():
        _fetch()
    return FOLDER


def _fetch() -> None:
    try:
        with urllib.request.urlopen(URL, timeout=60) as response:
            archive = response.read()
    except OSError as error:
        raise CorpusMissing(f"Could not download {URL}: {error}") from None
    digest = hashlib.sha256(archive).hexdigest()
    if digest != SHA256:
        raise CorpusMissing(f"{URL} has sha256 {digest}, not the pinned {SHA256}")
    FOLDER.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix(MEMBERS)
            if member.isfile() and member.name.startswith(MEMBERS) and "/" not in name:
                (FOLDER / name).write_bytes(tar.extractfile(member).read())
    (FOLDER / ".complete").write_text(SHA256)


if __name__ == "__main__":
    try:
        print(f"python-calamine's test files: {python_calamine_corpus()}")
    except CorpusMissing as missing:
        print(f"python-calamine's test files are missing: {missing}", file=sys.stderr)
        sys.exit(1)
