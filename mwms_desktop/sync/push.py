"""Pushing engagements with local changes, in batches: each batch is one PostgreSQL
transaction, retried on serialization failure and deadlock. Each engagement is guarded by
the content version this laptop last had of it (``SELECT … FOR UPDATE``): one changed on the
server since is not written but pulled and merged here, then pushed again. Only the records
that changed since the server last had them are sent. An engagement the server refuses
(row-level security, a constraint) is reported and left pending; it never aborts the batch.
One this consultant may read but never change (head office and a colleague's engagement) is
not left waiting for ever: its changes are kept in a file and it is taken as the server has
it (``read_only``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby

import psycopg

from db.models import database
from mwms_desktop.clock import Clock
from mwms_desktop.sync import checkpoints, local, merge_in, read_only, server
from mwms_desktop.sync.entries import TOMB, Entry, Write, local_entries, writes
from mwms_desktop.team.transport import ATTEMPTS, REFUSALS, RETRYABLE

ROUNDS = 3  # pull-merge-push again at most this often for an engagement changed meanwhile


@dataclass
class Pushed:
    engagements: int = 0
    merged: int = 0  # engagements pulled because the server had changed them meanwhile
    conflicts: int = 0
    refused: list[str] = field(default_factory=list)
    reset: list[str] = field(default_factory=list)  # uuids made the server's again (``read_only``)


@dataclass
class _Batch:
    generations: dict[str, int]
    entries: dict[str, Entry]
    shadows: dict[str, dict[str, str]]
    bases: dict[str, int]


def _prepare(pending: list[tuple[str, int]], clock: Clock) -> _Batch:
    uuids = [u for u, _ in pending]
    with database.atomic():  # one read: what is sent and the generation it is of agree
        entries = local_entries(uuids, clock.now())
        shadows = local.shadows(uuids)
        bases = local.bases(uuids)
    return _Batch(dict(pending), entries, shadows, bases)


def _execute(conn: psycopg.Connection, items: list[Write]) -> None:
    with conn.cursor() as cur:
        for statement, group in groupby(items, key=lambda w: w.sql):
            cur.executemany(statement, [w.params for w in group])


def _order(items: list[Write]) -> list[Write]:
    """Parents before children across the whole batch (by rank), and statements of one kind
    together, so the batch runs as a few ``executemany``."""
    return sorted(items, key=lambda w: (w.rank, w.sql))


@dataclass
class _Outcome:
    versions: dict[str, int]  # the server's content version of each engagement it now has as sent
    written: list[str]  # those of them that needed a write (the others were up to date)
    stale: list[str]  # changed on the server since this laptop had them
    refused: list[tuple[str, str]]  # (uuid, why)
    read_only: list[str]  # refused ones the server lets this consultant read, not change


def _transaction(conn: psycopg.Connection, batch: _Batch, *, careful: bool = False) -> _Outcome:
    """One attempt, one PostgreSQL transaction: the whole batch at once (a refusal anywhere
    raises and undoes it), or, ``careful``, each engagement under a savepoint, so a refused
    one is reported and the others written."""
    uuids = list(batch.entries)
    with conn.transaction():
        found = dict(conn.execute(
            "SELECT uuid, content_version FROM engagement WHERE uuid = ANY(%s) ORDER BY id FOR UPDATE",
            (uuids,)).fetchall())  # fmt: skip
        refused: list[tuple[str, str]] = []
        read_only_here: list[str] = []
        missing = [u for u in uuids if u not in found]
        readable = set()
        if missing:  # not locked: new, or one this consultant may read (head office) but not change
            readable = {u for (u,) in conn.execute(
                "SELECT uuid FROM engagement WHERE uuid = ANY(%s)", (missing,)).fetchall()}  # fmt: skip
        for u in missing:
            if u in readable:
                read_only_here.append(u)
                refused.append((u, "this consultant may read it but not change it (its owner may share it)"))
            elif u in batch.bases:
                refused.append((u, "it is no longer shared with this consultant"))
        stale = [u for u in uuids if u in found and found[u] != batch.bases.get(u)]
        fresh = [u for u in uuids if u not in stale and u not in {r for r, _ in refused}]
        plan = {u: writes(batch.entries[u], batch.shadows[u]) for u in fresh}
        if not careful:
            _execute(conn, _order([w for u in fresh for w in plan[u]]))
        else:
            for u in fresh:
                try:
                    with conn.transaction():
                        _execute(conn, plan[u])
                except REFUSALS as exc:
                    refused.append((u, exc.diag.message_primary or type(exc).__name__))
        done = [u for u in fresh if u not in {r for r, _ in refused}]
        query = "SELECT uuid, content_version FROM engagement WHERE uuid = ANY(%s)"
        versions = dict(conn.execute(query, (done,)).fetchall())
    return _Outcome(versions, [u for u in done if plan[u]], stale, refused, read_only_here)


def _push_batch(conn: psycopg.Connection, batch: _Batch) -> _Outcome:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            try:
                return _transaction(conn, batch)
            except REFUSALS:  # the server refused something: again, engagement by engagement
                return _transaction(conn, batch, careful=True)
        except RETRYABLE:
            if attempt == ATTEMPTS:
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


def _client(entry: Entry | None, uuid: str) -> str:
    return f"{entry.record['client']!r} ({uuid})" if entry is not None else uuid


def push_all(
    conn: psycopg.Connection,
    *,
    clock: Clock,
    progress: Callable[[str, int, int], None] | None,
    cancelled: Callable[[], bool],
) -> Pushed:
    out = Pushed()
    refused_here: set[str] = set()
    rounds: dict[str, int] = {}
    total = local.waiting()
    done = 0
    while not cancelled():
        pending = [(u, g) for u, g in local.pending() if u not in refused_here and rounds.get(u, 0) < ROUNDS]
        if not pending:
            break
        pending = pending[: checkpoints.batch_size()]
        for u, _ in pending:
            rounds[u] = rounds.get(u, 0) + 1
        batch = _prepare(pending, clock)
        gone = [u for u, _ in pending if u not in batch.entries]  # marked, then never written
        outcome = _push_batch(conn, batch)
        checkpoints.reached("push")
        with database.atomic("IMMEDIATE"):
            for u, version in outcome.versions.items():
                entry = batch.entries[u]
                now = entry.digests()
                kept = {k: v for k, v in batch.shadows[u].items()
                        if k not in now and TOMB + k not in now and not k.startswith(TOMB)}  # fmt: skip
                local.remember(u, version, {**kept, **now})
            local.clear_pending([(u, batch.generations[u]) for u in [*outcome.versions, *gone]])
        out.engagements += len(outcome.written)
        reset = read_only.keep_and_reset(conn, outcome.read_only, clock) if outcome.read_only else {}
        out.reset += [u for u, (replaced, _) in reset.items() if replaced]
        for u, why in outcome.refused:
            refused_here.add(u)
            kept = f"; {reset[u][1]}" if u in reset else ""
            client = _client(batch.entries.get(u), u)
            out.refused.append(f"The server refused engagement {client}: {why}{kept}")
        if outcome.stale:  # changed on the server since this laptop had it: merge it here first
            with conn.transaction():
                query = "SELECT id FROM engagement WHERE uuid = ANY(%s)"
                ids = [i for (i,) in conn.execute(query, (outcome.stale,)).fetchall()]
                entries = server.read_entries(conn, ids)
            with database.atomic("IMMEDIATE"):
                merged = merge_in.merge(list(entries.values()), clock.now())
            out.merged += merged.engagements
            out.conflicts += merged.conflicts
            out.refused += merged.refused
        done += len(outcome.versions) + len(outcome.refused)
        if progress is not None:
            progress("push", min(done, max(total, done)), max(total, done))
    return out
