"""Schema versions: a version-1 file with data is backed up and upgraded on open, its data
intact; files too new, not SQLite, empty, folders and missing folders get typed errors; a
failing step leaves the file exactly as it was, with foreign keys on again.

test_schema_parity.py compares an *empty* upgraded v1 file with a new one; test_backup.py
checks that the 'schema1' backup exists. Here: the data, the backup's content, the failures.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from peewee import IntegrityError, SqliteDatabase

from db import backup, identity, migrations
from db.connection import close_database, open_database
from db.errors import DatabaseDamaged, DatabaseOpenError
from db.models import database
from mwms_desktop import errors as core_errors
from mwms_desktop.services import open_services

V1 = Path(__file__).parent / "data" / "schema_v1.sql"
V2_TABLES = {"dossier_export"}
V4_TABLES = {"record_clock", "tombstone", "conflict"}
V6_TABLES = {"sync_pending", "sync_shadow", "sync_base"}  # team sync
V2_INDEXES = {
    "dossier_export_uuid",
    "dossier_export_engagement_id",
    "check_in_recent",
    "engagement_board_order",
}

# Rows consistent with schema 1: two engagements, one moved to Onboarding with its
# scorecard, a stakeholder, a check-in, research linked to a hypothesis, a cycle and its
# learning, and a setting. Uuids are fixed so they can be followed through the upgrade.
V1_ROWS = """
INSERT INTO engagement VALUES (1, 'e0000000-0000-4000-8000-000000000001', '2026-09-02T10:00:00+00:00',
  'Müller & Söhne <GmbH>', 'consulting', 'Dana', 'onboarding', '2026-09-02T10:00:00+00:00', 1.0,
  'active', '2026-09-01T09:00:00+00:00', 'retail', '', 'Call sponsor', '2026-11-20', 'qualified', '',
  '', '', '', NULL, NULL, NULL, '');
INSERT INTO engagement VALUES (2, 'e0000000-0000-4000-8000-000000000002', '2026-10-01T09:00:00+00:00',
  'Fjord Fintech', 'ai_advisory', '', 'qualification', '2026-10-01T09:00:00+00:00', 1.0,
  'active', '2026-10-01T09:00:00+00:00', '', 'Referred by Dana', '', NULL, 'pending', '',
  '', '', '', NULL, NULL, NULL, '');
INSERT INTO qualification_score (id, uuid, updated_at, engagement_id, criterion, score, note) VALUES
  (1, 'a0000000-0000-4000-8000-000000000001', '2026-09-01T09:10:00+00:00', 1, 'business_scale', 2, ''),
  (2, 'a0000000-0000-4000-8000-000000000002', '2026-09-01T09:10:00+00:00', 1, 'opportunity_size', 3, ''),
  (3, 'a0000000-0000-4000-8000-000000000003', '2026-09-01T09:10:00+00:00', 1, 'operational_readiness', 2, ''),
  (4, 'a0000000-0000-4000-8000-000000000004', '2026-09-01T09:10:00+00:00', 1, 'stakeholder_alignment', 2, ''),
  (5, 'a0000000-0000-4000-8000-000000000005', '2026-09-01T09:10:00+00:00', 1, 'economic_leverage', 1, '');
INSERT INTO stakeholder VALUES (1, 'b0000000-0000-4000-8000-000000000001', '2026-09-01T09:20:00+00:00', 1,
  'Dana Sponsor', 'Sponsor', 'high', 'aligned', '', '2026-09-01', '');
INSERT INTO stage_move VALUES
  (1, 'c0000000-0000-4000-8000-000000000001', '2026-09-01T09:00:00+00:00', 1, NULL, 'qualification',
   '2026-09-01T09:00:00+00:00', '', 'created'),
  (2, 'c0000000-0000-4000-8000-000000000002', '2026-09-02T10:00:00+00:00', 1, 'qualification',
   'onboarding', '2026-09-02T10:00:00+00:00', '', 'forward'),
  (3, 'c0000000-0000-4000-8000-000000000003', '2026-10-01T09:00:00+00:00', 2, NULL, 'qualification',
   '2026-10-01T09:00:00+00:00', '', 'created');
INSERT INTO check_in VALUES (1, 'd0000000-0000-4000-8000-000000000001', '2026-09-20T09:00:00+00:00', 1,
  '2026-09-20', '{}', 81, 'Good start');
INSERT INTO insight VALUES (1, 'f0000000-0000-4000-8000-000000000001', '2026-09-21T09:00:00+00:00', 1,
  'research', 'Users abandon at shipping', '', '2026-09-21');
INSERT INTO hypothesis VALUES (1, 'f1000000-0000-4000-8000-000000000001', '2026-09-21T09:00:00+00:00', 1,
  'Show shipping early', '', 8, 6, 7);
INSERT INTO hypothesis_insight VALUES (1, 'f2000000-0000-4000-8000-000000000001',
  '2026-09-21T09:00:00+00:00', 1, 1);
INSERT INTO cycle VALUES (1, 'f3000000-0000-4000-8000-000000000001', '2026-09-30T09:00:00+00:00', 1, 1,
  'Shipping test', 'evaluated', '2026-09-22', '2026-09-29', 'win', 'Clear lift');
INSERT INTO learning VALUES (1, 'f4000000-0000-4000-8000-000000000001', '2026-09-30T09:00:00+00:00', 1,
  'Early price clarity wins', 'high', '', '2026-09-30T09:00:00+00:00');
INSERT INTO learning_evidence VALUES (1, 'f5000000-0000-4000-8000-000000000001',
  '2026-09-30T09:00:00+00:00', 1, 1);
INSERT INTO setting VALUES ('stall_days', '30');
"""


def write_v1(path: Path, *, rows: bool = True) -> None:
    """A schema-1 file as shipped (rollback journal), with ``V1_ROWS`` in it."""
    con = sqlite3.connect(path)
    con.executescript(V1.read_text())
    if rows:
        con.executescript(V1_ROWS)
    con.commit()
    con.close()


def write_v1_crashed_in_wal(path: Path, scratch: Path) -> None:
    """A schema-1 file as the app left it after a crash: WAL mode, every row still in the
    ``-wal`` file (copied while the writer was open, so never checkpointed)."""
    source = scratch / "live.sqlite"
    con = sqlite3.connect(source)
    con.execute("PRAGMA journal_mode = wal")
    con.execute("PRAGMA wal_autocheckpoint = 0")
    con.executescript(V1.read_text())
    con.executescript(V1_ROWS)
    con.commit()
    shutil.copyfile(source, path)
    shutil.copyfile(f"{source}-wal", f"{path}-wal")
    con.close()
    assert Path(f"{path}-wal").stat().st_size > 0


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def version(path: Path) -> int:
    con = connect(path)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


def application_id(path: Path) -> int:
    con = connect(path)
    try:
        return con.execute("PRAGMA application_id").fetchone()[0]
    finally:
        con.close()


def schema(path: Path) -> list[tuple[str, str, str, str | None]]:
    con = connect(path)
    try:
        return con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
    finally:
        con.close()


def contents(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in rowid order (the full-text index aside: it is derived)."""
    con = connect(path)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' ORDER BY name"
            )
        ]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
    finally:
        con.close()


def fresh_schema(tmp_path: Path) -> list[tuple[str, str, str, str | None]]:
    new = tmp_path / "fresh" / "new.sqlite"
    new.parent.mkdir()
    open_database(new)
    close_database()
    return schema(new)


# --- the upgrade -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["rollback journal", "wal, rows only in the -wal file"])
def test_v1_file_with_data_is_backed_up_and_upgraded_on_open(tmp_path: Path, kind: str) -> None:
    """Opening a v1 file brings it to SCHEMA_VERSION: same rows (ids, uuids, text) in every
    v1 table, the v2 table and indexes added, foreign keys on and sound; a verified backup in
    backups/ keeps version 1 and the original rows."""
    old = tmp_path / "old.sqlite"
    if kind == "rollback journal":
        write_v1(old)
        original = contents(old)
    else:
        scratch = tmp_path / "scratch"
        scratch.mkdir()
        write_v1_crashed_in_wal(old, scratch)
        original = contents(scratch / "live.sqlite")
    assert original["engagement"][0][1] == "e0000000-0000-4000-8000-000000000001"

    open_database(old)
    try:
        assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    finally:
        close_database()

    assert version(old) == migrations.SCHEMA_VERSION == 9
    assert application_id(old) == identity.APPLICATION_ID
    upgraded = contents(old)
    # Every row keeps every value it had; schemas 4 and 5 add columns at the end (a move's
    # predecessor, an undo's entry time) and this file's device id to the settings.
    assert kept_rows(original, upgraded) == original
    assert [r[0] for r in upgraded["setting"]].count("device_id") == 1
    added = V2_TABLES | V4_TABLES | V6_TABLES | {"learning_citation", "status_change"}
    assert set(upgraded) - set(original) == added
    assert upgraded["dossier_export"] == []
    assert {name for type_, name, _, _ in schema(old) if type_ == "index"} >= V2_INDEXES
    assert backup.full_check(old) == []

    (b,) = backup.list_backups(old)
    assert b.path.parent == tmp_path / "backups"
    assert b.reason == "schema1"
    assert version(b.path) == 1
    assert application_id(b.path) == 0
    assert contents(b.path) == original
    assert backup.full_check(b.path) == []


def test_upgraded_data_reads_and_writes_through_the_services(tmp_path: Path) -> None:
    """After the upgrade the app sees the v1 engagements, history and records by their
    uuids, and the v2 feature (recording a dossier export) works on them."""
    old = tmp_path / "old.sqlite"
    write_v1(old)
    s = open_services(old)
    try:
        card = s.portfolio.card(1)
        assert (card.uuid, card.client, card.stage) == (
            "e0000000-0000-4000-8000-000000000001",
            "Müller & Söhne <GmbH>",
            "onboarding",
        )
        detail = s.lifecycle.detail(1)
        assert [m.uuid for m in detail.history] == [
            "c0000000-0000-4000-8000-000000000001",
            "c0000000-0000-4000-8000-000000000002",
        ]
        assert [h.name for h in detail.stakeholders] == ["Dana Sponsor"]
        assert [lr.statement for lr in detail.learnings] == ["Early price clarity wins"]
        s.lifecycle.record_dossier_export(1, "muller.pdf", "0" * 64)
        assert [x.file_name for x in s.lifecycle.detail(1).dossier_exports] == ["muller.pdf"]
        assert s.portfolio.card(2).client == "Fjord Fintech"
    finally:
        s.close()


def test_upgraded_file_with_data_has_the_new_schema_and_is_upgraded_once(tmp_path: Path) -> None:
    """With rows in it (parity checks an empty one), the upgraded file's schema equals a
    new file's; opening it again migrates nothing: no second schema backup, rows as they were."""
    old = tmp_path / "old.sqlite"
    write_v1(old)
    open_database(old)
    close_database()
    assert schema(old) == fresh_schema(tmp_path)
    after_first = contents(old)
    open_database(old)
    close_database()
    assert version(old) == migrations.SCHEMA_VERSION
    assert contents(old) == after_first
    assert [b.reason for b in backup.list_backups(old)].count("schema1") == 1


def test_no_backup_no_upgrade(tmp_path: Path) -> None:
    """When the backup cannot be written (backups/ is a file here) the v1 file is not
    touched: a typed error saying so, version 1, rows and schema as they were."""
    old = tmp_path / "old.sqlite"
    write_v1(old)
    (tmp_path / "backups").write_text("in the way")
    before_schema, before_rows = schema(old), contents(old)
    with pytest.raises(DatabaseOpenError, match=r"^old\.sqlite was not upgraded: no backup could be made"):
        open_database(old)
    assert database.is_closed()
    assert (version(old), schema(old), contents(old)) == (1, before_schema, before_rows)


# --- files that are refused --------------------------------------------------------------


def newer_file(path: Path, journal: str) -> None:
    """A database written by a future MWMS Desktop (schema 99), in the given journal mode."""
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA journal_mode = {journal}")
    con.executescript(V1.read_text())
    con.executescript(V1_ROWS)
    con.execute(f"PRAGMA application_id = {identity.APPLICATION_ID}")
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()


def foreign_file(path: Path, journal: str) -> None:
    """Another program's SQLite file: tables, user_version 0."""
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA journal_mode = {journal}")
    con.execute("CREATE TABLE recipe (id INTEGER PRIMARY KEY, title TEXT)")
    con.execute("INSERT INTO recipe VALUES (1, 'Bread')")
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            newer_file,
            r"^refused\.sqlite was written by a newer MWMS Desktop \(schema 99; this version reads "
            rf"up to {migrations.SCHEMA_VERSION}\)\. Update MWMS Desktop to open it\.$",
        ),
        (foreign_file, r"^refused\.sqlite is an SQLite file of another program\.$"),
    ],
    ids=["newer version", "another program"],
)
@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_refused_sqlite_file_is_left_byte_for_byte(
    tmp_path: Path, make: Callable[[Path, str], None], message: str, journal: str
) -> None:
    """A file too new, or another program's: DatabaseOpenError (not 'damaged') with the
    sentence to act on, and the file byte-identical with nothing made beside it."""
    folder = tmp_path / "files"
    folder.mkdir()
    path = folder / "refused.sqlite"
    make(path, journal)
    before = path.read_bytes()
    with pytest.raises(DatabaseOpenError, match=message) as exc:
        open_database(path)
    assert not isinstance(exc.value, DatabaseDamaged)
    assert database.is_closed()
    assert [p.name for p in folder.iterdir()] == ["refused.sqlite"]
    assert path.read_bytes() == before


def test_non_sqlite_file_is_damaged_and_untouched(tmp_path: Path) -> None:
    """Random bytes: DatabaseDamaged naming the file, no backup to offer, bytes identical;
    the core layer gives its own DatabaseDamaged with the same message."""
    path = tmp_path / "random.sqlite"
    content = os.urandom(16384)
    path.write_bytes(content)
    with pytest.raises(DatabaseDamaged) as exc:
        open_database(path)
    assert str(exc.value) == (
        f"{path} is damaged or not an MWMS Desktop database (it is not an SQLite file). "
        "No good backup of it was found."
    )
    assert (exc.value.path, exc.value.backup) == (path, None)
    with pytest.raises(core_errors.DatabaseDamaged) as core:
        open_services(path)
    assert str(core.value) == str(exc.value)
    assert path.read_bytes() == content
    assert [p.name for p in tmp_path.iterdir()] == ["random.sqlite"]


def test_truncated_sqlite_file_is_damaged(tmp_path: Path) -> None:
    """A real database cut short (an interrupted copy) is reported damaged, not upgraded or
    recreated, and left as it was."""
    good = tmp_path / "good.sqlite"
    write_v1(good)
    path = tmp_path / "cut" / "cut.sqlite"
    path.parent.mkdir()
    path.write_bytes(good.read_bytes()[:6000])
    before = path.read_bytes()
    with pytest.raises(DatabaseDamaged, match=r"is damaged or not an MWMS Desktop database"):
        open_database(path)
    assert path.read_bytes() == before


def test_empty_file_is_treated_as_new(tmp_path: Path) -> None:
    """A 0-byte file (made by `touch`) is a new database: current schema, no backup."""
    path = tmp_path / "empty.sqlite"
    path.touch()
    open_database(path)
    close_database()
    assert version(path) == migrations.SCHEMA_VERSION
    assert schema(path) == fresh_schema(tmp_path)
    assert backup.list_backups(path) == []


@pytest.mark.parametrize(
    ("target", "create", "message", "core_type"),
    [
        ("{tmp}", True, "{tmp} is a folder, not a database file.", core_errors.DatabaseError),
        ("{tmp}/no/such/p.sqlite", True, "Folder {tmp}/no/such does not exist.", core_errors.DatabaseError),
        ("{tmp}/absent.sqlite", False, "{tmp}/absent.sqlite does not exist.", core_errors.DatabaseError),
    ],
    ids=["folder", "missing parent folder", "missing file, create=False"],
)
def test_unusable_paths_are_typed_errors(
    tmp_path: Path, target: str, create: bool, message: str, core_type: type[Exception]
) -> None:
    """A folder, a file in a missing folder, a missing file when asked not to create one:
    DatabaseOpenError with the exact sentence (the core's DatabaseError from the services);
    nothing is created."""
    tmp = tmp_path.resolve()
    path = Path(target.format(tmp=tmp))
    with pytest.raises(DatabaseOpenError) as exc:
        open_database(path, create=create)
    assert type(exc.value) is DatabaseOpenError
    assert str(exc.value) == message.format(tmp=tmp)
    with pytest.raises(core_type) as core:
        open_services(path, create=create)
    assert type(core.value) is core_type
    assert str(core.value) == str(exc.value)
    assert list(tmp.iterdir()) == []


# --- a failing step ----------------------------------------------------------------------


def _half_done_then(fail: Callable[[SqliteDatabase], None]) -> Callable[[SqliteDatabase], None]:
    """The real v2 step (DDL), a data change (DML), then ``fail``."""

    def step(db: SqliteDatabase) -> None:
        migrations._v2_dossier_exports(db)
        db.execute_sql("UPDATE engagement SET client = 'overwritten'")
        db.execute_sql("DELETE FROM stakeholder")
        fail(db)

    return step


def _bad_sql(db: SqliteDatabase) -> None:
    db.execute_sql('CREATE TABLE "engagement" ("id" INTEGER)')  # already exists


def _dangling_reference(db: SqliteDatabase) -> None:
    db.execute_sql(
        "INSERT INTO dossier_export VALUES (1, 'x', '2026-11-02T09:00:00+00:00', 999, "
        "'2026-11-02T09:00:00+00:00', 'a.pdf', 'ff')"
    )


def _program_error(db: SqliteDatabase) -> None:
    raise RuntimeError("a bug in the step")


@pytest.mark.parametrize(
    ("fail", "error", "message"),
    [
        (
            _bad_sql,
            DatabaseOpenError,
            r"^Cannot open .*old\.sqlite: table \"?engagement\"? already exists\.$",
        ),
        (
            _dangling_reference,
            DatabaseOpenError,
            r"^Upgrading old\.sqlite would break 1 reference\(s\) \(first in table dossier_export\); "
            r"the file was left as it was\.$",
        ),
        (_program_error, RuntimeError, r"^a bug in the step$"),
    ],
    ids=["SQL error", "broken reference", "bug in the step"],
)
def test_failing_step_rolls_back_completely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail, error: type[Exception], message: str
) -> None:
    """A step that creates tables and changes rows, then fails: a typed DatabaseOpenError for
    database failures (a bug in the step surfaces as itself), and the file keeps version 1,
    its v1 schema and every row; the next open, with the real step, upgrades it."""
    old = tmp_path / "old.sqlite"
    write_v1(old)
    before_schema, before_rows = schema(old), contents(old)
    monkeypatch.setitem(migrations.MIGRATIONS, 2, _half_done_then(fail))
    with pytest.raises(error, match=message):
        open_database(old)
    assert database.is_closed()
    assert (version(old), schema(old), contents(old)) == (1, before_schema, before_rows)
    assert backup.full_check(old) == []

    monkeypatch.undo()
    open_database(old)
    close_database()
    assert version(old) == migrations.SCHEMA_VERSION
    assert contents(old)["engagement"] == before_rows["engagement"]


def test_failure_in_a_later_step_undoes_the_earlier_ones(tmp_path: Path, monkeypatch) -> None:
    """Steps 1→2→3→4→5 run in one transaction: when step 5 fails, step 2's table and indexes
    and step 3's application id are gone too and the file is still version 1."""
    old = tmp_path / "old.sqlite"
    write_v1(old)
    before_schema, before_rows = schema(old), contents(old)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 5)

    def v5(db: SqliteDatabase) -> None:
        db.execute_sql("DELETE FROM dossier_export")  # step 2 really ran before this one
        assert db.execute_sql("PRAGMA application_id").fetchone()[0] == identity.APPLICATION_ID  # step 3 too
        db.execute_sql("UPDATE engagement SET client = 'overwritten'")
        _bad_sql(db)

    monkeypatch.setitem(migrations.MIGRATIONS, 5, v5)
    with pytest.raises(DatabaseOpenError, match="already exists"):
        open_database(old)
    assert (version(old), schema(old), contents(old)) == (1, before_schema, before_rows)
    assert application_id(old) == 0


def _own_connection(path: Path) -> SqliteDatabase:
    db = SqliteDatabase(str(path), pragmas={"foreign_keys": 1})
    db.connect()
    return db


def test_foreign_keys_are_on_again_after_an_upgrade_and_after_a_failed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``upgrade`` switches foreign keys off for its transaction; on the same connection they
    are on again afterwards, whether the steps failed or succeeded, and nothing dangles."""
    old = tmp_path / "old.sqlite"
    write_v1(old)
    monkeypatch.setitem(migrations.MIGRATIONS, 2, _half_done_then(_dangling_reference))
    db = _own_connection(old)
    try:
        with pytest.raises(DatabaseOpenError, match="would break 1 reference"):
            migrations.upgrade(db, old)
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert migrations.user_version(db) == 1
        assert db.in_transaction() is False
    finally:
        db.close()

    monkeypatch.undo()
    db = _own_connection(old)
    try:
        assert migrations.upgrade(db, old) == 1
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
        assert migrations.user_version(db) == migrations.SCHEMA_VERSION
        # Foreign keys really are enforced again: a dangling dossier export is refused.
        with pytest.raises(IntegrityError, match="FOREIGN KEY constraint failed"):
            _dangling_reference(db)
    finally:
        db.close()


# --- recognising the app's own files (issue 10, item 7) ----------------------------------


def _sqlite(path: Path, *statements: str, journal: str = "delete") -> None:
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA journal_mode = {journal}")
    for sql in statements:
        con.execute(sql)
    con.commit()
    con.close()


def _ours_with_version(path: Path, journal: str, version: int) -> None:
    """The app's schema (v1 tables) claiming a version no MWMS Desktop wrote."""
    write_v1(path)
    _sqlite(path, f"PRAGMA user_version = {version}", journal=journal)


NOT_OURS: dict[str, tuple[Callable[[Path, str], None], str]] = {
    "other tables, user_version 2": (
        lambda p, j: _sqlite(p, "CREATE TABLE t (x)", "PRAGMA user_version = 2", journal=j),
        r"^refused\.sqlite is an SQLite file of another program\.$",
    ),
    "other tables, user_version 3": (
        lambda p, j: _sqlite(p, "CREATE TABLE t (x)", "PRAGMA user_version = 3", journal=j),
        r"^refused\.sqlite is an SQLite file of another program\.$",
    ),
    "our v1 tables under another application id": (
        lambda p, j: (
            write_v1(p),
            _sqlite(p, "PRAGMA application_id = 42", "PRAGMA user_version = 1", journal=j),
        ),
        r"^refused\.sqlite is an SQLite file of another program\.$",
    ),
    "no tables, user_version 2": (
        lambda p, j: _sqlite(p, "PRAGMA user_version = 2", journal=j),
        r"^refused\.sqlite is an SQLite file of another program\.$",
    ),
    "our tables, user_version -1": (
        lambda p, j: _ours_with_version(p, j, -1),
        r"^refused\.sqlite records a schema version no MWMS Desktop wrote \(-1\); it was left as it was\.$",
    ),
    "our tables, user_version 2 without the dossier table": (
        lambda p, j: _ours_with_version(p, j, 2),
        r"^refused\.sqlite records a schema version no MWMS Desktop wrote \(2\); it was left as it was\.$",
    ),
    "our application id, user_version 0": (
        lambda p, j: (
            write_v1(p),
            _sqlite(
                p, f"PRAGMA application_id = {identity.APPLICATION_ID}", "PRAGMA user_version = 0", journal=j
            ),
        ),
        r"^refused\.sqlite records a schema version no MWMS Desktop wrote \(0\); it was left as it was\.$",
    ),
}


@pytest.mark.parametrize("case", list(NOT_OURS))
@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_file_that_is_not_ours_is_refused_untouched(tmp_path: Path, case: str, journal: str) -> None:
    """SQLite files that are not MWMS Desktop databases (another program's schema under any
    user_version, another application id, or our tables under a version we never wrote):
    one sentence, no KeyError or 'no such table', and nothing written: same bytes, not
    switched to WAL, no backup, no -wal/-shm or backups/ beside it."""
    folder = tmp_path / "files"
    folder.mkdir()
    path = folder / "refused.sqlite"
    make, message = NOT_OURS[case]
    make(path, journal)
    before = path.read_bytes()
    with pytest.raises(DatabaseOpenError, match=message) as exc:
        open_database(path)
    assert not isinstance(exc.value, DatabaseDamaged)
    assert database.is_closed()
    assert [p.name for p in folder.iterdir()] == ["refused.sqlite"]
    assert path.read_bytes() == before
    with pytest.raises(core_errors.DatabaseError, match=message):
        open_services(path)


def test_new_files_carry_the_application_id(tmp_path: Path) -> None:
    """A new database is marked as MWMS Desktop's in its header (bytes 68-71), so it is
    recognised before SQLite opens it."""
    path = tmp_path / "new.sqlite"
    open_database(path)
    close_database()
    assert application_id(path) == identity.APPLICATION_ID
    assert path.read_bytes()[68:72] == b"MWMS"
    assert identity.file_version(path) == migrations.SCHEMA_VERSION


def kept_rows(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """``after``'s rows of ``before``'s tables, cut to the columns each had before (schemas 4
    and 5 add columns at the end), without the device id schema 5 adds to the settings."""
    kept = {t: [row[: len(before[t][0])] if before[t] else row for row in after[t]] for t in before}
    kept["setting"] = [r for r in kept["setting"] if r[0] != "device_id"]
    return kept


def write_v3(path: Path) -> None:
    """A populated schema-3 file: the v1 rows brought to schema 3 by the shipped steps."""
    write_v1(path)
    db = _own_connection(path)
    try:
        db.execute_sql("PRAGMA foreign_keys = OFF")
        with db.atomic():
            migrations._v2_dossier_exports(db)
            migrations._v3_application_id(db)
            db.execute_sql(
                "INSERT INTO dossier_export "
                "(uuid, updated_at, engagement_id, exported_at, file_name, sha256) "
                "VALUES ('d0000000-0000-4000-8000-000000000001', '2026-10-02T09:00:00+00:00', 1, "
                f"'2026-10-02T09:00:00+00:00', 'acme.pdf', '{'a' * 64}')"
            )
            db.execute_sql("PRAGMA user_version = 3")
    finally:
        db.close()


def test_v3_file_is_upgraded_keeping_every_record(tmp_path: Path) -> None:
    """Schema 3 → now: every row of every table keeps every value; the stage history is chained
    in the order it was recorded (each move names the one before it) and the file gets a
    device id and the empty tombstone, conflict and clock tables."""
    path = tmp_path / "v3.sqlite"
    write_v3(path)
    before = contents(path)
    assert version(path) == 3
    assert before["dossier_export"]
    open_database(path)
    close_database()
    after = contents(path)
    assert version(path) == migrations.SCHEMA_VERSION
    assert kept_rows(before, after) == before
    assert set(after) - set(before) == V4_TABLES | V6_TABLES | {"learning_citation", "status_change"}
    assert after["tombstone"] == after["conflict"] == []
    # Every record that can change is this laptop's version 1.
    device = dict(after["setting"])["device_id"]
    versioned = {r[1] for t in ("engagement", "stakeholder", "insight", "check_in") for r in before[t]}
    mine = f'{{"{device}":1}}'
    assert versioned <= {u for u, vv, _, d in after["record_clock"] if vv == mine and d == device}
    for eid in {m[3] for m in before["stage_move"]}:
        moves = sorted((m for m in after["stage_move"] if m[3] == eid), key=lambda m: (m[6], m[0]))
        assert moves[0][-2] is None  # the creation follows nothing
        assert [m[-2] for m in moves[1:]] == [m[1] for m in moves[:-1]]
    (b,) = backup.list_backups(path)
    assert (b.reason, version(b.path)) == ("schema3", 3)
    assert contents(b.path) == before


def test_v2_file_is_upgraded_to_carry_the_application_id(tmp_path: Path) -> None:
    """A schema-2 file (no application id) is recognised by its tables, backed up as it was,
    and marked; its rows are unchanged."""
    path = tmp_path / "v2.sqlite"
    write_v1(path)
    db = _own_connection(path)
    try:
        db.execute_sql("PRAGMA foreign_keys = OFF")
        with db.atomic():
            migrations._v2_dossier_exports(db)
            db.execute_sql("PRAGMA user_version = 2")
    finally:
        db.close()
    before = contents(path)
    open_database(path)
    close_database()
    assert (version(path), application_id(path)) == (migrations.SCHEMA_VERSION, identity.APPLICATION_ID)
    assert kept_rows(before, contents(path)) == before
    (b,) = backup.list_backups(path)
    assert (b.reason, version(b.path), application_id(b.path)) == ("schema2", 2, 0)


def test_v5_file_is_upgraded_to_v6_with_every_engagement_waiting_for_the_team_server(
    tmp_path: Path,
) -> None:
    """Schema 5 → 6 (team sync): every row keeps every value; every engagement is waiting (the
    server has none of it yet), and from then on a write marks its engagement."""
    import sqlite3

    from mwms_desktop.services import open_services

    path = tmp_path / "v5.sqlite"
    s = open_services(path)
    try:
        cards = [s.portfolio.add(f"Client {n}", "ecommerce_growth") for n in range(3)]
        s.records.add("stakeholder", cards[0].id, name="Sam")
    finally:
        s.close()
    con = sqlite3.connect(path)  # back to what schema 5 wrote: no sync tables or triggers,
    try:  # and no status log (schema 7)
        for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_%'"
        ):
            con.execute(f'DROP TRIGGER "{name}"')
        for table in sorted(V6_TABLES | {"status_change"}):
            con.execute(f'DROP TABLE "{table}"')
        con.execute('ALTER TABLE "learning" DROP COLUMN "private"')  # schema 8's
        con.execute("PRAGMA user_version = 5")
        con.commit()
    finally:
        con.close()
    before = contents(path)
    open_database(path)
    try:
        waiting = {u for (u,) in database.execute_sql("SELECT engagement_uuid FROM sync_pending")}
        assert waiting == {c.uuid for c in cards}
    finally:
        close_database()
    after = contents(path)
    assert version(path) == migrations.SCHEMA_VERSION
    assert set(after) - set(before) == V6_TABLES | {"status_change"}
    assert {t: rows for t, rows in after.items() if t in before} == before
    s = open_services(path)
    try:
        database.execute_sql("DELETE FROM sync_pending")
        s.records.add("stakeholder", cards[2].id, name="Kim")
        assert [u for (u,) in database.execute_sql("SELECT engagement_uuid FROM sync_pending")] == [
            cards[2].uuid
        ]
    finally:
        s.close()
