"""Workflow states. Each workflow (an item's status, a listing, a transfer request) names its
states in an enum and its transitions in one table, in a module of its own; a row changes
state only through a transition, so the allowed moves are read in one place, not gathered
from the WHERE clauses of every UPDATE.

`advance` is the one compare-and-set: an UPDATE whose WHERE holds the transition's starting
states (and any guard the caller adds, such as "nothing reserved"). Of two requests racing
for the same row, the database lets exactly one match; the other finds 0 rows and refuses.
A transition may start and end in the same state: a guarded change within it (reserving part
of an open listing) is still named and still compared-and-set.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, update
from sqlalchemy.orm import Session

S = TypeVar("S", bound=enum.Enum)


@dataclass(frozen=True)
class Transition(Generic[S]):
    """A named move from any of `sources` to `target`."""

    name: str
    sources: frozenset[S]
    target: S

    def allows(self, state: S) -> bool:
        return state in self.sources


def transition(name: str, sources: Iterable[S], target: S) -> Transition[S]:
    return Transition(name, frozenset(sources), target)


def advance(
    session: Session, model: type, move: Transition, *where: ColumnElement[bool], **values: Any
) -> int:
    """Move the rows of `model` matching `where` that are in one of the transition's starting
    states to its target, setting `values` too; return how many moved (0: someone else got
    there first, or a guard did not hold)."""
    result = session.execute(
        update(model)
        .where(model.status.in_(move.sources), *where)
        .values(status=move.target, **values)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def reachable(start: S, transitions: Iterable[Transition[S]]) -> set[S]:
    """Every state a row can reach from `start` (for the tests of each table)."""
    seen, todo = {start}, [start]
    moves = list(transitions)
    while todo:
        state = todo.pop()
        for move in moves:
            if move.allows(state) and move.target not in seen:
                seen.add(move.target)
                todo.append(move.target)
    return seen
