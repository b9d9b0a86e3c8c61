"""Team-mode transfer against a loopback PostgreSQL (started for the run, as the tests do).

Measures the push and pull paths of ``mwms_desktop/team/transport.py`` as a consultant's own
role (row-level security on), each next to a floor measured in the same run:

  * first push of ``--count`` engagements with all their records (bench/portfolio.py), in
    batches of ``--batch`` rows, one transaction each: local rows read from SQLite, turned
    into rows with uuid references, pushed; floor: the same rows written by raw psycopg
    (``executemany`` of plain INSERTs, parents' ids looked up by uuid) in one transaction,
    into a second team database, as the same kind of role;
  * a push of 20 changed records (each over the version it was based on) and the pull of
    them by another laptop's cursor; floor: a raw UPDATE of the 20 rows and a raw SELECT;
  * a pull of 1,000 changes, in pages of 500.

Note: this measures the transfer only. The sync itself (pending marks, the merge of what is
pulled, the cursor in SQLite) waits for the merge core of issue 12.

    python bench/sync.py [--count 10000] [--batch 2000]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

from bench.portfolio import generate  # noqa: E402
from mwms_desktop.team import admin, transport  # noqa: E402
from mwms_desktop.team.transport import TABLES, Cursor, OutRow  # noqa: E402
from tests.team.pg_server import start_server  # noqa: E402


def local_rows(path: Path) -> list[OutRow]:
    """Every record of the SQLite file as rows to push, parents first, references by uuid."""
    conn = sqlite3.connect(path)
    uuids: dict[str, dict[int, str]] = {}
    rows: list[OutRow] = []
    for table in TABLES:
        cur = conn.execute(f'SELECT * FROM "{table}"')
        names = [d[0] for d in cur.description]
        refs = transport.REFS[table]
        ids: dict[int, str] = {}
        for record in cur:
            values = dict(zip(names, record, strict=True))
            ids[values["id"]] = values["uuid"]
            del values["id"]
            for column, parent in refs.items():
                if values[column] is not None:
                    values[column] = uuids[parent][values[column]]
            rows.append(OutRow(table, values["uuid"], values))
        uuids[table] = ids
    conn.close()
    return rows


def floor_insert(conn: psycopg.Connection, rows: list[OutRow]) -> None:
    """The same rows by raw psycopg: one executemany per table, one transaction."""
    by_table: dict[str, list[OutRow]] = {}
    for row in rows:
        by_table.setdefault(row.table, []).append(row)
    with conn.transaction(), conn.cursor() as cur:
        for table in TABLES:
            group = by_table.get(table, [])
            if not group:
                continue
            names = list(group[0].values)
            refs = transport.REFS[table]
            values = [
                sql.SQL("(SELECT id FROM {} WHERE uuid = %s)").format(sql.Identifier(refs[n]))
                if n in refs
                else sql.SQL("%s")
                for n in names
            ]
            query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                sql.Identifier(table),
                sql.SQL(", ").join(sql.Identifier(n) for n in names),
                sql.SQL(", ").join(values),
            )
            cur.executemany(query, [list(r.values.values()) for r in group])


def database(server, name: str) -> str:
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.init_server(server.url(name))
    return name


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=2_000)
    args = parser.parse_args()

    server = start_server()
    work = Path(tempfile.mkdtemp(prefix="mwms-bench-sync-"))
    try:
        local = generate(work / "portfolio.sqlite", args.count)
        product_db, floor_db = database(server, "bench_sync"), database(server, "bench_floor")
        pushers = {}
        for db in (product_db, floor_db):
            password = admin.add_consultant(server.url(db), f"{db}_dana")
            pushers[db] = psycopg.connect(
                server.url(db, user=f"{db}_dana", password=password), autocommit=True
            )
        reader_pw = admin.add_consultant(server.url(product_db), "bench_hana", head_office=True)
        reader = psycopg.connect(
            server.url(product_db, user="bench_hana", password=reader_pw), autocommit=True
        )

        t = time.perf_counter()
        rows = local_rows(local)
        read = time.perf_counter() - t
        t = time.perf_counter()
        versions = {}
        for start in range(0, len(rows), args.batch):
            result = transport.push_batch(pushers[product_db], rows[start : start + args.batch])
            assert not result.refused, result.refused[:3]
            assert not result.stale
            for uuid in result.written:
                versions[uuid] = result.version
        push = time.perf_counter() - t
        t = time.perf_counter()
        floor_insert(pushers[floor_db], rows)
        floor = time.perf_counter() - t
        print(f"{args.count:,} engagements, {len(rows):,} rows")
        print(
            f"first push: {read + push:.2f} s (read {read:.2f} s + push {push:.2f} s in batches of "
            f"{args.batch:,}); floor raw psycopg {floor:.2f} s; "
            f"ratio {(read + push) / floor:.1f}x (goal <= 3x)"
        )

        cursor = Cursor(max(versions.values()), len(TABLES), 0)
        records = [r for r in rows if r.table != "engagement"][:1000]

        def changed(subset: list[OutRow], n: int) -> list[OutRow]:
            stamp = f"2026-12-01T09:{n:02}:00+00:00"
            return [
                OutRow(r.table, r.uuid, {**r.values, "updated_at": stamp}, versions[r.uuid]) for r in subset
            ]

        small, small_push, small_floor, pulls, pull_floor = [], [], [], [], []
        for n in range(5):
            twenty = changed(records[n * 20 : n * 20 + 20], n)
            t = time.perf_counter()
            result = transport.push_batch(pushers[product_db], twenty)
            small_push.append(time.perf_counter() - t)
            page = transport.pull_page(reader, cursor)
            small.append(time.perf_counter() - t)
            assert len(result.written) == 20, result
            assert len(page.rows) == 20, len(page.rows)
            cursor = page.cursor
            for uuid in result.written:
                versions[uuid] = result.version
            t = time.perf_counter()
            with pushers[floor_db].transaction(), pushers[floor_db].cursor() as cur:
                for table in {r.table for r in twenty}:
                    cur.executemany(
                        sql.SQL("UPDATE {} SET updated_at = %s WHERE uuid = %s").format(
                            sql.Identifier(table)
                        ),
                        [(r.values["updated_at"], r.uuid) for r in twenty if r.table == table],
                    )
            for table in {r.table for r in twenty}:
                pushers[floor_db].execute(
                    sql.SQL("SELECT * FROM {} WHERE uuid = ANY(%s)").format(sql.Identifier(table)),
                    ([r.uuid for r in twenty],),
                ).fetchall()
            small_floor.append(time.perf_counter() - t)
        print(
            f"push 20 changed + pull them: {median_ms(small)} (push {median_ms(small_push)}); "
            f"floor raw UPDATE + SELECT {median_ms(small_floor)} (goal <= 150 ms)"
        )

        for n in range(3):
            before = cursor
            result = transport.push_batch(pushers[product_db], changed(records, 10 + n))
            for uuid in result.written:
                versions[uuid] = result.version
            t = time.perf_counter()
            got = 0
            while True:
                page = transport.pull_page(reader, cursor, limit=500)
                got += len(page.rows)
                cursor = page.cursor
                if not page.more:
                    break
            pulls.append(time.perf_counter() - t)
            assert got == len(records), got
            t = time.perf_counter()
            for table in {r.table for r in records}:
                reader.execute(
                    sql.SQL("SELECT * FROM {} WHERE server_version > %s ORDER BY server_version, id").format(
                        sql.Identifier(table)
                    ),
                    (before.version,),
                ).fetchall()
            pull_floor.append(time.perf_counter() - t)
        print(
            f"pull of {len(records):,} changes (pages of 500): {median_ms(pulls)}; "
            f"floor raw SELECTs {median_ms(pull_floor)}"
        )
        for conn in (*pushers.values(), reader):
            conn.close()
    finally:
        server.stop()
        server.remove()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
