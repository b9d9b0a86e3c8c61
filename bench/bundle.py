"""Importing a handover bundle of the benchmark portfolio: time and peak memory.

A portfolio of ``--count`` engagements (bench/portfolio.py) is exported with
``export_bundle``; then, each in its own Python process:

  * import into a fresh, empty database (``import_bundle``: read, validate, check against
    the database, back up, merge in one transaction) next to the floor: ``json.load`` of
    the same file and raw sqlite3 ``executemany`` inserts of the same rows into the same
    tables (schema, indexes and pragmas as the program's: WAL, synchronous=FULL, foreign
    keys), one transaction;
  * the same bundle imported again into that database (every record skipped) next to the
    floor: ``json.load`` plus one raw read of every table's uuid and updated_at, compared;
  * the round trip of issue 12: a second laptop holding the same portfolio; the first deletes
    ``--changes`` records (tombstones) and edits as many that the second edits too
    (conflicts); the first exports, the second imports: next to the re-import floor;
  * peak memory: the maximum resident size of each process (VmHWM on Linux).

The backup that ``import_bundle`` makes before merging is part of its time; a standalone
``backup_now`` of the filled database is printed for reference.

    python bench/bundle.py [--count 10000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time, uuid
from pathlib import Path
sys.path.insert(0, sys.argv[1])
variant, bundle_path, db = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
from db.connection import close_database, open_database
out = {}
if variant == "import":
    from mwms_desktop import maintenance
    from mwms_desktop.bundle import import_bundle
    open_database(db)
    t = time.perf_counter()
    first = import_bundle(db, bundle_path)
    out["import"] = time.perf_counter() - t
    out["first"] = {k: list(v) for k, v in first.report.counts.items()}
    t = time.perf_counter()
    again = import_bundle(db, bundle_path)
    out["reimport"] = time.perf_counter() - t
    out["again"] = {k: list(v) for k, v in again.report.counts.items()}
    t = time.perf_counter()
    maintenance.backup_now(db, "bench")
    out["backup"] = time.perf_counter() - t
    close_database()

    # The round trip of issue 12: laptop B holds the same portfolio (a copy of this file
    # with a device of its own, as if it had imported the same bundle); laptop A deletes
    # 1,000 records and edits 1,000 others that B edits too, each as a local write stamps it
    # (a newer version vector, a tombstone for each deletion). A exports; B imports.
    import shutil, sqlite3
    from mwms_desktop.bundle import export_bundle
    n = int(sys.argv[5])
    con = sqlite3.connect(db)
    device_a = con.execute("SELECT value FROM setting WHERE key = 'device_id'").fetchone()[0]
    con.execute("INSERT OR REPLACE INTO record_clock (uuid, vv, dots, device) SELECT uuid, ?, '{}', ? "
                "FROM stakeholder", (json.dumps({device_a: 1}), device_a))
    con.commit()
    con.close()
    db_b = db.with_name("laptop-b.sqlite")
    shutil.copyfile(db, db_b)
    device_b = str(uuid.uuid4())

    def edit(path, device, vector, role, ids, deletes=()):
        con = sqlite3.connect(path)
        con.execute("PRAGMA foreign_keys = 1")
        if device != device_a:
            con.execute("UPDATE setting SET value = ? WHERE key = 'device_id'", (device,))
        later = "2026-11-20T10:00:00+00:00" if device == device_a else "2026-11-20T09:00:00+00:00"
        for sid in ids:
            uid = con.execute("SELECT uuid FROM stakeholder WHERE id = ?", (sid,)).fetchone()[0]
            con.execute("UPDATE stakeholder SET role = ?, updated_at = ? WHERE id = ?", (role, later, sid))
            dots = json.dumps({"role": [device, vector[device], later]})
            con.execute("UPDATE record_clock SET vv = ?, dots = ?, device = ? WHERE uuid = ?",
                        (json.dumps(vector), dots, device, uid))
        for sid in deletes:
            query = "SELECT uuid, engagement_id FROM stakeholder WHERE id = ?"
            uid, eid = con.execute(query, (sid,)).fetchone()
            e_uuid = con.execute("SELECT uuid FROM engagement WHERE id = ?", (eid,)).fetchone()[0]
            con.execute("INSERT INTO tombstone VALUES (?, 'stakeholders', ?, ?, ?, 'bench', ?)",
                        (uid, e_uuid, later, device, json.dumps(vector)))
            con.execute("UPDATE record_clock SET vv = ? WHERE uuid = ?", (json.dumps(vector), uid))
            con.execute("DELETE FROM stakeholder WHERE id = ?", (sid,))
        con.commit()
        con.close()

    first = sqlite3.connect(db).execute("SELECT id FROM stakeholder ORDER BY id LIMIT ?", (2 * n,))
    ids = [i for (i,) in first]
    edit(db, device_a, {device_a: 2}, "Edited on A", ids[:n], ids[n:])
    edit(db_b, device_b, {device_a: 1, device_b: 1}, "Edited on B", ids[:n])
    open_database(db)
    t = time.perf_counter()
    export_bundle(db.with_name("from-a.json"))
    out["rt_export"] = time.perf_counter() - t
    close_database()
    open_database(db_b)
    t = time.perf_counter()
    rt = import_bundle(db_b, db.with_name("from-a.json"))
    out["rt_import"] = time.perf_counter() - t
    close_database()
    kinds = dict(sqlite3.connect(db_b).execute("SELECT kind, COUNT(*) FROM conflict GROUP BY kind"))
    out["rt"] = {"deleted": rt.report.total(3), "conflicts": kinds.get("stakeholders", 0),
                 "gates": kinds.get("gate", 0)}
else:
    import sqlite3
    from db.models import Engagement, HypothesisInsight, LearningEvidence
    from mwms_desktop import health
    from mwms_desktop.bundle.schema import ENGAGEMENT_FIELDS, KINDS
    open_database(db)
    close_database()
    con = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode=wal", "synchronous=FULL", "foreign_keys=1"):
        con.execute(f"PRAGMA {pragma}")
    LINKS = {"insights": (HypothesisInsight, "insight_id"), "evidence": (LearningEvidence, "cycle_id")}

    def plain(key, value):
        if key == "ratings":
            return json.dumps(value, sort_keys=True)
        return int(value) if isinstance(value, bool) else value

    def ids(table):
        return dict(con.execute(f"SELECT uuid, id FROM {table}"))

    def insert(table, columns, rows):
        marks = ", ".join("?" * len(columns))
        con.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    t = time.perf_counter()
    data = json.load(bundle_path.open(encoding="utf-8"))
    engagements = data["engagements"]
    con.execute("BEGIN IMMEDIATE")
    cols = ["uuid", "updated_at", *ENGAGEMENT_FIELDS]
    insert("engagement", cols, [[e[c] for c in cols] for e in engagements])
    eids = ids("engagement")
    own = {}  # table -> uuid -> id, for the kinds others point at
    for kind in KINDS:
        meta = kind.model._meta
        fields = [f for f in kind.fields if f not in LINKS]
        cols = ["uuid", "updated_at", "engagement_id", *(meta.fields[f].column_name for f in fields)]
        extra = ["score"] if kind.key == "checkins" else []
        rows = []
        for e in engagements:
            for r in e[kind.key]:
                row = [r["uuid"], r["updated_at"], eids[e["uuid"]], *(plain(f, r[f]) for f in fields)]
                if kind.key == "cycles" and r["hypothesis"] is not None:
                    row[3 + fields.index("hypothesis")] = own["hypotheses"][r["hypothesis"]]
                if extra:
                    row.append(health.score(r["ratings"]))
                rows.append(row)
        insert(meta.table_name, cols + extra, rows)
        own[kind.key] = ids(meta.table_name)
        for ref, (link, column) in LINKS.items():
            if ref in kind.fields:
                target = own[kind.refs[ref]]
                own_column = f"{meta.table_name}_id"
                links = [(str(uuid.uuid4()), r["updated_at"], own[kind.key][r["uuid"]], target[u])
                         for e in engagements for r in e[kind.key] for u in r[ref]]
                insert(link._meta.table_name, ["uuid", "updated_at", own_column, column], links)
    con.execute("COMMIT")
    out["import"] = time.perf_counter() - t

    del data, engagements
    t = time.perf_counter()
    data = json.load(bundle_path.open(encoding="utf-8"))
    newer = 0
    tables = [("engagement", None)] + [(k.model._meta.table_name, k.key) for k in KINDS]
    for table, key in tables:
        local = dict(con.execute(f"SELECT uuid, updated_at FROM {table}"))
        for e in data["engagements"]:
            for r in ([e] if key is None else e[key]):
                newer += local.get(r["uuid"], "") < r["updated_at"]
    out["reimport"] = time.perf_counter() - t
    out["newer"] = newer
    con.close()
try:  # this process's own peak: ru_maxrss would include the parent's, kept across exec
    out["maxrss_kb"] = next(int(line.split()[1]) for line in open("/proc/self/status")
                            if line.startswith("VmHWM:"))
except OSError:
    out["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(out))
"""


def run_child(variant: str, bundle: Path, db: Path, changes: int = 1000) -> dict:
    cmd = [sys.executable, "-c", CHILD, str(ROOT), variant, str(bundle), str(db), str(changes)]
    result = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=3600)
    return json.loads(result.stdout.strip().splitlines()[-1])


def make_bundle(folder: Path, count: int) -> tuple[Path, int, int]:
    """The benchmark portfolio exported as a bundle: (path, engagements, records)."""
    sys.path.insert(0, str(ROOT))
    from bench.portfolio import NOW, generate
    from db.connection import close_database, open_database
    from mwms_desktop.bundle import export_bundle
    from mwms_desktop.clock import FixedClock

    source = generate(folder / "source.sqlite", count)
    open_database(source)
    result = export_bundle(folder / "bundle.json", clock=FixedClock(NOW))
    close_database()
    return result.path, result.engagements, result.records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument(
        "--changes", type=int, default=1000, help="tombstones, and conflicts, in the round trip"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        bundle, engagements, records = make_bundle(folder, args.count)
        size = bundle.stat().st_size / 1024 / 1024
        print(f"bundle: {engagements} engagements, {records} records inside them, {size:.1f} MB "
              f"(generated and exported in {time.perf_counter() - t:.1f} s)")  # fmt: skip
        floor = run_child("floor", bundle, folder / "floor.sqlite")
        real = run_child("import", bundle, folder / "import.sqlite", args.changes)
    added = sum(c[0] for c in real["first"].values())
    again = real["again"]
    assert added == engagements + records, (added, engagements + records)
    assert sum(c[0] + c[1] for c in again.values()) == 0, again
    assert floor["newer"] == 0, floor
    print(f"import into an empty db {real['import']:8.2f} s   floor json.load + raw inserts "
          f"{floor['import']:6.2f} s   ratio {real['import'] / floor['import']:5.1f}x   "
          f"({added} records added)")  # fmt: skip
    print(f"re-import (all skipped) {real['reimport']:8.2f} s   floor json.load + raw read    "
          f"{floor['reimport']:6.2f} s   ratio {real['reimport'] / floor['reimport']:5.1f}x")  # fmt: skip
    print(f"  (each import includes its backup; a backup_now of the filled db alone: {real['backup']:.2f} s)")
    rt = real["rt"]
    assert (rt["deleted"], rt["conflicts"]) == (args.changes, args.changes), rt
    trip = real["rt_export"] + real["rt_import"]
    print(f"round trip A -> B        {trip:8.2f} s   floor json.load + raw read    "
          f"{floor['reimport']:6.2f} s   ratio {trip / floor['reimport']:5.1f}x   "
          f"(export {real['rt_export']:.2f} s, import {real['rt_import']:.2f} s)")  # fmt: skip
    print(
        f"  {rt['deleted']} tombstones applied, {rt['conflicts']} conflicts listed, and {rt['gates']} passed "
        "gates that no longer hold (the bench portfolio's engagements never met their gates: each "
        "engagement a merge touches lists its gaps)"
    )
    mb_real, mb_floor = real["maxrss_kb"] / 1024, floor["maxrss_kb"] / 1024
    print(f"peak memory (max RSS)   {mb_real:6.0f} MB   floor process                 {mb_floor:4.0f} MB   "
          f"ratio {mb_real / mb_floor:5.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
