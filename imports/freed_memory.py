"""Memory a read or a check has freed, handed back to the system rather than kept by the C
library's allocator for later.

Reading allocates and frees far more than it keeps: calamine (Rust, through the C allocator)
parses each slice of a sheet into blocks of up to 64 MB, and the Python copies of its cells
live a slice at a time, between the table's rows that stay. glibc serves a block of 128 kB or
more with pages of its own and returns them when it is freed, but each time such a block is
freed it raises that threshold to the block's size (up to 32 MB): from the second slice on,
calamine's blocks came from the heap and stayed in it. After reading a 200,000-row stock list
a worker held 130 MB it no longer used, and a check's peak was 30 to 50 MB higher.

So while an import reads or checks, blocks from 1 MB on always get pages of their own
(`mallopt(M_MMAP_THRESHOLD)`, set once per process), and when it is done `malloc_trim(0)`
returns the heap's free pages wherever they lie (a few milliseconds). Where the C library is
not glibc (musl, macOS) nothing is done. docs/benchmarks.md (Memory of a check) has figures.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache, wraps
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
MAPPED_FROM = 1024 * 1024  # blocks this large or larger get pages of their own


@cache
def _glibc() -> Any:
    """The C library if it is glibc (it has malloc_trim), else None."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


@cache
def _map_large_blocks() -> None:
    libc = _glibc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, MAPPED_FROM)


def give_back() -> None:
    """Return the heap's free pages to the system, where the C library can."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def giving_back(function: Callable[P, R]) -> Callable[P, R]:
    """Decorate a function that allocates and frees much (reading, checking): large blocks get
    pages of their own while it runs, and the heap's free pages go back once it returns."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        _map_large_blocks()
        try:
            return function(*args, **kwargs)
        finally:
            give_back()

    return wrapper
