"""How an import tells its progress: a callback, every few thousand rows."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]  # (stage, rows done, rows in all)
PROGRESS_EVERY = 2_000  # rows between two progress reports, and rows written at a time


class RowsWritten:
    """Counts rows written and tells the progress callback, if there is one."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0
        if progress:
            progress("writing", 0, total)

    def add(self, rows: int) -> None:
        self.done += rows
        if self.progress and self.done < self.total:
            self.progress("writing", self.done, self.total)

    def finish(self) -> None:
        if self.progress:
            self.progress("writing", self.total, self.total)
