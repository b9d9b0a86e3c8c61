"""Pulling from the team server in pages of engagements changed after the cursor: each page
is merged and the new cursor written in one SQLite transaction, so an interrupted sync goes
on where it stopped, never repeats a page, never starts again from zero."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg

from db.models import database
from mwms_desktop.clock import Clock
from mwms_desktop.sync import checkpoints, local, merge_in, server


@dataclass
class Pulled:
    engagements: int = 0
    conflicts: int = 0
    refused: list[str] = field(default_factory=list)

    def add(self, merged: merge_in.Merged) -> None:
        self.engagements += merged.engagements
        self.conflicts += merged.conflicts
        self.refused += merged.refused

    def plus(self, other: Pulled) -> Pulled:
        return Pulled(self.engagements + other.engagements, self.conflicts + other.conflicts,
                      self.refused + other.refused)  # fmt: skip


def _read_page(conn: psycopg.Connection, cursor: tuple[int, int]):
    """One page as the server had it at one instant: (rows, entries)."""
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        rows = server.changed_after(conn, cursor, checkpoints.page_size())
        known = local.bases([u for _, u, _ in rows])
        wanted = [i for i, u, v in rows if known.get(u) != v]  # not what this laptop last had
        return rows, server.read_entries(conn, wanted)


def pull_all(
    conn: psycopg.Connection,
    *,
    clock: Clock,
    progress: Callable[[str, int, int], None] | None,
    cancelled: Callable[[], bool],
) -> Pulled:
    out = Pulled()
    total = server.count_after(conn, local.cursor())
    done = 0
    while not cancelled():
        rows, entries = _read_page(conn, local.cursor())
        if not rows:
            break
        with database.atomic("IMMEDIATE"):
            out.add(merge_in.merge(list(entries.values()), clock.now()))
            local.set_cursor((rows[-1][2], rows[-1][0]))
        done += len(rows)
        checkpoints.reached("pull")
        if progress is not None:
            progress("pull", min(done, max(total, done)), max(total, done))
    return out
