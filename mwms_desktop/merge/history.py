"""A stage history in causal order: each move names the move it followed (``after``).

Laptop clocks do not order a history (a laptop an hour behind moves an engagement "before"
it was created); the chain does. :func:`order` lays the moves out so that each comes after
the one it followed; moves made on two laptops after the same move (a fork) are placed by
their time, then uuid, the same way everywhere. The engagement's stage is where the last
move in that order took it (:func:`current`), so a merged engagement always agrees with its
merged history.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

Move = Mapping[str, Any]  # uuid, after, from_stage, to_stage, moved_at, kind, entered_at


class Unordered(ValueError):
    """The moves are not one history: ``index`` is the move at fault (its position in the
    moves given)."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


def chained(moves: Sequence[Move]) -> list[dict[str, Any]]:
    """Moves without ``after`` (bundle format 1) chained in the order given, the creation
    first: each follows the one before it; the creation follows none. (Returned in that
    order; callers match them by uuid.)"""
    out = []
    previous = None
    # The creation first: a laptop whose clock ran behind may have sorted a move before it.
    moves = sorted(moves, key=lambda m: m.get("kind") != "created")
    for m in moves:
        m = dict(m)
        m["after"] = None if m.get("kind") == "created" else previous
        previous = m["uuid"]
        out.append(m)
    return out


def order(moves: Sequence[Move]) -> list[int]:
    """The positions of ``moves`` in causal order. Raises :class:`Unordered` for a move that
    follows a move not in the history, or a loop."""
    index = {m["uuid"]: n for n, m in enumerate(moves)}
    children: dict[int | None, list[int]] = {}
    for n, m in enumerate(moves):
        parent = m.get("after")
        if parent is not None and parent not in index:
            raise Unordered(f"Follows the move {parent}, which is not in this history.", n)
        children.setdefault(None if parent is None else index[parent], []).append(n)

    def key(n: int) -> tuple[datetime, str, int]:
        return (moves[n]["moved_at"], str(moves[n]["uuid"]), n)

    ready = [key(n) for n in children.get(None, [])]
    heapq.heapify(ready)
    out: list[int] = []
    while ready:
        *_, n = heapq.heappop(ready)
        out.append(n)
        for c in children.get(n, []):
            heapq.heappush(ready, key(c))
    if len(out) != len(moves):
        stuck = min(set(range(len(moves))) - set(out))
        raise Unordered("The moves follow each other in a loop.", stuck)
    return out


def ordered(moves: Sequence[Move]) -> list[Move]:
    return [moves[n] for n in order(moves)]


def current(moves: Sequence[Move]) -> tuple[str, datetime]:
    """The stage the history leaves the engagement in, and since when: the last move in
    causal order (an undo may give back an earlier time in the stage)."""
    last = ordered(moves)[-1]
    return last["to_stage"], last.get("entered_at") or last["moved_at"]


def last_uuid(moves: Sequence[Move]) -> str | None:
    """The uuid of the move a new move follows (None: no history)."""
    return ordered(moves)[-1]["uuid"] if moves else None


def forks(moves: Sequence[Move]) -> list[list[Move]]:
    """Groups of moves that followed the same move: made on two laptops without seeing each
    other (one laptop's own moves always follow its last one)."""
    by_parent: dict[Any, list[Move]] = {}
    for m in moves:
        if m.get("after") is not None:
            by_parent.setdefault(m["after"], []).append(m)
    return [sorted(g, key=lambda m: (m["moved_at"], m["uuid"])) for g in by_parent.values() if len(g) > 1]
