"""Moving rows to and from the team server; no merging here (that is the core merge's, on
the laptop).

* :func:`push_batch` writes a batch of rows in one PostgreSQL transaction that is safe to
  retry: retried on serialization failure and deadlock; each row under its own savepoint, so
  a row the server's policies refuse is reported and never aborts the batch; a row changed on
  the server since the laptop last saw it (its ``base`` version) is left alone and reported
  stale, for the laptop to pull and merge first. Every row written gets the batch's one
  server version (the server's trigger takes it from the counter row, locked to commit).
* :func:`pull_page` reads the rows after a cursor, in the order of (server version, table,
  id): rows of one push share a version, so the cursor carries all three and a page may end
  anywhere without skipping or repeating a row.
* :func:`server_time` is the server's clock, for the five-minute check.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
from peewee import ForeignKeyField
from psycopg import sql
from psycopg.types.json import Jsonb

from db.server.schema import record_models

RETRYABLE = (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected)
ATTEMPTS = 5


def _tables() -> list[str]:
    return [m._meta.table_name for m in record_models()]


def _refs() -> dict[str, dict[str, str]]:
    """table -> {foreign key column: parent table}."""
    out: dict[str, dict[str, str]] = {}
    for model in record_models():
        out[model._meta.table_name] = {
            f.column_name: f.rel_model._meta.table_name
            for f in model._meta.sorted_fields
            if isinstance(f, ForeignKeyField)
        }
    return out


TABLES: tuple[str, ...] = tuple(_tables())
REFS: dict[str, dict[str, str]] = _refs()


@dataclass(frozen=True, slots=True)
class OutRow:
    """A row to push: ``values`` by column (not ``id``; a foreign key column holds the
    parent's uuid), and ``base``, the server version the laptop last saw (None: new)."""

    table: str
    uuid: str
    values: Mapping[str, Any]
    base: int | None = None


@dataclass(frozen=True, slots=True)
class PushResult:
    version: int | None  # the server version of what was written (None: nothing written)
    written: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()  # changed on the server since ``base``: pull, merge, push again
    refused: tuple[tuple[str, str], ...] = ()  # (uuid, the server's reason)
    attempts: int = 1


@dataclass(frozen=True, order=True, slots=True)
class Cursor:
    version: int = 0
    table: int = -1
    id: int = 0


@dataclass(frozen=True, slots=True)
class InRow:
    table: str
    uuid: str
    version: int
    values: dict[str, Any]  # columns as stored, foreign keys as the parent's uuid


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[InRow] = field(default_factory=list)
    cursor: Cursor = Cursor()
    more: bool = False


def _statement(row: OutRow) -> tuple[sql.Composed, list[Any]]:
    """The upsert of one row and its parameters; rows of one table with the same columns and
    the same kind of base share the statement (so a batch runs as a few ``executemany``)."""
    refs = REFS[row.table]
    names = [n for n in row.values if n not in ("id", "server_version")]
    placeholders = []
    params: list[Any] = []
    for n in names:
        value = row.values[n]
        if n in refs:
            parent = sql.Identifier(refs[n])
            placeholders.append(sql.SQL("(SELECT id FROM {} WHERE uuid = %s)").format(parent))
        else:
            placeholders.append(sql.SQL("%s"))
            value = Jsonb(value) if isinstance(value, dict | list) else value
        params.append(value)
    t = sql.Identifier(row.table)
    # A row pushed as new never overwrites one already there; a row pushed over the version
    # it was based on only while the server still has that version.
    condition = sql.SQL("{}.server_version = %s").format(t) if row.base is not None else sql.SQL("false")
    if row.base is not None:
        params.append(row.base)
    query = sql.SQL(
        "INSERT INTO {t} ({columns}) VALUES ({values}) ON CONFLICT (uuid) DO UPDATE SET {updates}"
        " WHERE {condition} RETURNING 1"
    ).format(
        t=t,
        columns=sql.SQL(", ").join(sql.Identifier(n) for n in names),
        values=sql.SQL(", ").join(placeholders),
        updates=sql.SQL(", ").join(
            sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(n)) for n in names if n != "uuid"
        ),
        condition=condition,
    )
    return query, params


def _write_row(conn: psycopg.Connection, row: OutRow) -> str:
    """One upsert: 'written', 'stale' (changed since its base) or raises the server's refusal."""
    query, params = _statement(row)
    return "written" if conn.execute(query, params).fetchone() else "stale"


REFUSALS = (psycopg.errors.InsufficientPrivilege, psycopg.errors.IntegrityError, psycopg.errors.DataError)


class _Refused(Exception):
    """The fast path met a row the server refuses: the batch is redone row by row."""


def _groups(rows: Sequence[OutRow]) -> list[tuple[sql.Composed, list[OutRow], list[list[Any]]]]:
    """Consecutive rows sharing a statement, in order (parents stay before children)."""
    groups: list[tuple[sql.Composed, list[OutRow], list[list[Any]]]] = []
    last_key: tuple | None = None
    for row in rows:
        key = (row.table, tuple(row.values), row.base is None)
        query, params = _statement(row)
        if key != last_key:
            groups.append((query, [], []))
            last_key = key
        groups[-1][1].append(row)
        groups[-1][2].append(params)
    return groups


def _push_fast(conn: psycopg.Connection, rows: Sequence[OutRow]) -> tuple[list[str], list[str]]:
    written: list[str] = []
    stale: list[str] = []
    with conn.cursor() as cur:
        for query, group, params in _groups(rows):
            try:
                cur.executemany(query, params, returning=True)
            except REFUSALS as exc:
                raise _Refused from exc
            for row in group:
                (written if cur.fetchone() else stale).append(row.uuid)
                cur.nextset()
    return written, stale


def _push_row_by_row(
    conn: psycopg.Connection, rows: Sequence[OutRow]
) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    written: list[str] = []
    stale: list[str] = []
    refused: list[tuple[str, str]] = []
    for row in rows:
        try:
            with conn.transaction():  # a savepoint: a refused row is only itself
                outcome = _write_row(conn, row)
        except RETRYABLE:
            raise
        except REFUSALS as exc:
            refused.append((row.uuid, exc.diag.message_primary or type(exc).__name__))
            continue
        (written if outcome == "written" else stale).append(row.uuid)
    return written, stale, refused


def push_batch(conn: psycopg.Connection, rows: Sequence[OutRow], *, attempts: int = ATTEMPTS) -> PushResult:
    """Write ``rows`` (parents before children) in one transaction, retried when the server
    asks for it; ``conn`` is in autocommit (each attempt is its own transaction). The batch
    is first sent whole (``executemany``); only when the server refuses a row is it redone
    with a savepoint per row, so the refused rows are reported and the others written."""
    for attempt in range(1, attempts + 1):
        try:
            refused: list[tuple[str, str]] = []
            try:
                with conn.transaction():
                    written, stale = _push_fast(conn, rows)
                    version = _version(conn, written)
            except _Refused:
                with conn.transaction():
                    written, stale, refused = _push_row_by_row(conn, rows)
                    version = _version(conn, written)
            return PushResult(version, tuple(written), tuple(stale), tuple(refused), attempt)
        except RETRYABLE:
            if attempt == attempts:
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


def _version(conn: psycopg.Connection, written: list[str]) -> int | None:
    """The server version this transaction's writes were stamped with."""
    if not written:
        return None
    got = conn.execute("SELECT current_setting('mwms.push_version', true)").fetchone()
    return int(got[0]) if got and got[0] else None


def pull_page(conn: psycopg.Connection, cursor: Cursor, limit: int = 500) -> Page:
    """Up to ``limit`` rows after ``cursor`` that this consultant may read, oldest first."""
    branches = []
    params: list[Any] = []
    for index, table in enumerate(TABLES):
        refs = REFS[table]
        extra = sql.SQL("").join(
            sql.SQL(" || jsonb_build_object({}, (SELECT p.uuid FROM {} p WHERE p.id = x.{}))").format(
                sql.Literal(column), sql.Identifier(parent), sql.Identifier(column)
            )
            for column, parent in refs.items()
        )
        # (version, table, id) > cursor, said so that each table's server_version index serves
        if index < cursor.table:
            after, after_params = sql.SQL("x.server_version > %s"), [cursor.version]
        elif index == cursor.table:
            after, after_params = sql.SQL("(x.server_version, x.id) > (%s, %s)"), [cursor.version, cursor.id]
        else:
            after, after_params = sql.SQL("x.server_version >= %s"), [cursor.version]
        branches.append(
            sql.SQL(
                "(SELECT x.server_version, {index} AS t, x.id, x.uuid, to_jsonb(x){extra} AS v FROM {table} x"
                " WHERE {after} ORDER BY x.server_version, x.id LIMIT %s)"
            ).format(index=sql.Literal(index), extra=extra, table=sql.Identifier(table), after=after)
        )
        params += [*after_params, limit + 1]
    query = sql.SQL("SELECT * FROM ({}) u ORDER BY 1, 2, 3 LIMIT %s").format(
        sql.SQL(" UNION ALL ").join(branches)
    )
    params.append(limit + 1)
    with conn.transaction():
        fetched = conn.execute(query, params).fetchall()
    more = len(fetched) > limit
    fetched = fetched[:limit]
    rows = []
    for version, t, _id, uuid, values in fetched:
        values.pop("id", None)
        values.pop("server_version", None)
        rows.append(InRow(TABLES[t], uuid, version, values))
    last = Cursor(fetched[-1][0], fetched[-1][1], fetched[-1][2]) if fetched else cursor
    return Page(rows, last, more)


def server_time(conn: psycopg.Connection) -> datetime:
    row = conn.execute("SELECT now()").fetchone()
    assert row is not None
    return row[0]
