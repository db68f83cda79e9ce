"""Python's cycle collector paused while an import builds, checks or writes its rows."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while an import builds, checks or writes its rows.

    100,000 rows make millions of tuples, dicts and lists that all live until the end; every
    few thousand of them the collector walks the whole growing heap again, which costs a third
    of an import. Reference counting still frees what is dropped; only reference cycles wait.
    Turned on again on the way out, unless it was off before (an import in another thread
    may have paused it: the last one out turns it on). Also a decorator."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
