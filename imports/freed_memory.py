"""Memory a read or a check has freed, handed back to the system rather than kept by the C
library's allocator for later.

Reading allocates and frees far more than it keeps: calamine (Rust, through the C allocator)
parses each slice of a sheet into blocks of up to 64 MB, and the Python copies of its cells
live a slice at a time, between the table's rows that stay. glibc keeps what is freed inside
its heap for later use, but a check allocates small objects, which reuse little of it: after
reading a 200,000-row stock list a worker held 130 MB it no longer used. `malloc_trim(0)`
returns the heap's free pages wherever they lie (a few milliseconds), so the check starts from
what the table holds. Where the C library is not glibc (musl, macOS) nothing is done.

Making glibc give every block from 1 MB on pages of its own (`mallopt(M_MMAP_THRESHOLD)`) took
another 15 MB off a check's peak but made reading an xlsx 15% slower: not done.
docs/benchmarks.md (Memory of a check) has the figures.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache, wraps
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@cache
def _glibc() -> Any:
    """The C library if it is glibc (it has malloc_trim), else None."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def give_back() -> None:
    """Return the heap's free pages to the system, where the C library can."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def giving_back(function: Callable[P, R]) -> Callable[P, R]:
    """Decorate a function that allocates and frees much (reading, checking): the heap's free
    pages go back once it returns and its locals are gone."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        finally:
            give_back()

    return wrapper
