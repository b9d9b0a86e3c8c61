"""Schema 8 → 9: the library's index also keeps one-letter prefixes. The index is made anew
from the records (no record changes), its answers are what they were, and a file whose index
is of the old definition gets the new one however it arrives (a step, or ``reconcile`` when a
build with FTS5 opens a file an FTS5-less build upgraded)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db import backup, fts, migrations
from db.connection import close_database, open_database
from db.models import database
from mwms_desktop import library
from mwms_desktop.services import open_services
from tests.db.test_migrations import contents, fresh_schema, schema, version

OLD_PREFIX = "2 3"  # schema 4 to 8's definition, frozen here


def _old_index(con: sqlite3.Connection) -> None:
    """Make the index as schema 4 to 8 made it: prefixes of 2 and 3 characters only."""
    for name in fts.trigger_names():
        con.execute(f'DROP TRIGGER "{name}"')
    for s in fts.SOURCES:
        con.execute(f'DROP TABLE "{s.fts}"')
        con.execute(
            f'CREATE VIRTUAL TABLE "{s.fts}" USING fts5({s.statement}, {s.notes}, '
            f"content='{s.table}', content_rowid='id', tokenize='{fts.TOKENIZE}', prefix='{OLD_PREFIX}')"
        )
        for ddl in fts._triggers(s):
            con.execute(ddl)
        con.execute(f'INSERT INTO "{s.fts}"("{s.fts}") VALUES (\'rebuild\')')


def write_v8(path: Path) -> None:
    s = open_services(path)
    try:
        eid = s.portfolio.add("Müller & Söhne <GmbH>", "ecommerce_growth").id
        other = s.portfolio.add("Fjord Fintech", "consulting").id
        s.records.add("learning", eid, statement="Free shipping beats discounts", tags="checkout")
        s.records.add("learning", other, statement="Shorter forms sell", tags="saas")
        s.records.add("insight", eid, activity="research", statement="Buyers stall at shipping costs")
    finally:
        s.close()
    con = sqlite3.connect(path)
    try:
        _old_index(con)
        con.execute("PRAGMA user_version = 8")
        con.commit()
    finally:
        con.close()


def upgraded_without_fts5(tmp_path: Path, monkeypatch) -> Path:
    """A schema 8 file upgraded by a build without FTS5: the step could do nothing there."""
    path = tmp_path / "moved.sqlite"
    write_v8(path)
    with monkeypatch.context() as m:
        m.setattr(fts, "fts5_available", lambda db: False)
        open_database(path)
        close_database()
    return path


def _definitions(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        names = [s.fts for s in fts.SOURCES]
        rows = con.execute(
            f"SELECT sql FROM sqlite_master WHERE name IN ({', '.join('?' * len(names))})", names
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def test_a_v8_file_gets_the_one_letter_index_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "v8.sqlite"
    write_v8(path)
    before = contents(path)
    assert version(path) == 8
    assert all("prefix='2 3'" in sql for sql in _definitions(path))

    open_database(path)
    try:
        assert not fts.integrity_problems(database)
        assert library.count("s") == 3  # "shipping" twice and "sell", "shorter", one per record
        assert library.count("f s") == 2  # "Free shipping", "forms sell"
        assert library.count("shi") == 2
    finally:
        close_database()

    assert version(path) == migrations.SCHEMA_VERSION == 9
    assert all(f"prefix='{fts.PREFIX}'" in sql for sql in _definitions(path))
    assert contents(path) == before  # the records as they were
    assert schema(path) == fresh_schema(tmp_path)
    (b,) = backup.list_backups(path)
    assert (b.reason, version(b.path)) == ("schema8", 8)


def test_a_current_index_is_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    open_database(path)
    try:
        assert not fts.outdated(database)
        assert fts.reconcile(database) == "fts5"  # nothing rebuilt at open
    finally:
        close_database()


def test_reconcile_makes_the_current_index_when_an_old_one_is_found(tmp_path: Path, monkeypatch) -> None:
    """A build without FTS5 upgrades the file (the step can do nothing there); the next open
    by a build with FTS5 makes the current index, not the old one put back."""
    path = upgraded_without_fts5(tmp_path, monkeypatch)
    assert version(path) == migrations.SCHEMA_VERSION
    assert all("prefix='2 3'" in sql for sql in _definitions(path))  # not touched without FTS5

    open_database(path)
    try:
        assert fts.triggers_present(database)
        assert not fts.outdated(database)
        assert not fts.integrity_problems(database)
        assert library.count("s") == 3
    finally:
        close_database()
    assert all(f"prefix='{fts.PREFIX}'" in sql for sql in _definitions(path))


def test_the_windows_deferred_open_also_makes_the_current_index(tmp_path: Path, monkeypatch) -> None:
    """The window opens with its quick check on a worker, skipping ``reconcile`` at open: it
    runs once the check has passed, so the index an FTS5-less build left is made anew there
    too (before, the window searched by a plain scan until a command opened the file)."""
    from db.connection import wait_checked

    path = upgraded_without_fts5(tmp_path, monkeypatch)
    open_database(path, defer_check=True)
    try:
        wait_checked()
        assert fts.triggers_present(database)
        assert not fts.outdated(database)
        assert library.count("s") == 3
    finally:
        close_database()
