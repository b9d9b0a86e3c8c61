"""Schema 7 → 8: a learning's ``private`` flag. Every row keeps every value, every learning
so far is not private, and the upgraded file's schema is a new file's."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db import backup, migrations
from db.connection import close_database, open_database
from mwms_desktop.services import open_services
from tests.db.test_migrations import contents, fresh_schema, schema, version


def write_v7(path: Path) -> dict[str, int]:
    """A populated file as schema 7 left it (this version's, without the column)."""
    s = open_services(path)
    try:
        eid = s.portfolio.add("Müller & Söhne <GmbH>", "ecommerce_growth").id
        other = s.portfolio.add("Fjord Fintech", "consulting").id
        first = s.records.add("learning", eid, statement="Free shipping beats discounts", tags="checkout")
        second = s.records.add("learning", other, statement="Price clarity wins", confidence="high")
    finally:
        s.close()
    con = sqlite3.connect(path)
    try:
        con.execute('ALTER TABLE "learning" DROP COLUMN "private"')
        con.execute("PRAGMA user_version = 7")
        con.commit()
    finally:
        con.close()
    return {"first": first.id, "second": second.id}


def test_a_v7_file_keeps_every_row_and_no_learning_is_private(tmp_path: Path) -> None:
    path = tmp_path / "v7.sqlite"
    ids = write_v7(path)
    before = contents(path)
    assert version(path) == 7

    open_database(path)
    close_database()

    assert version(path) == migrations.SCHEMA_VERSION
    after = contents(path)
    assert set(after) == set(before)
    for table, rows in before.items():
        width = len(rows[0]) if rows else 0
        if table == "learning":
            assert [r[:width] for r in after[table]] == rows  # every value kept,
            assert [r[width:] for r in after[table]] == [(0,), (0,)]  # and one more: not private
        else:
            assert after[table] == rows, table
    assert schema(path) == fresh_schema(tmp_path)
    (b,) = backup.list_backups(path)
    assert (b.reason, version(b.path)) == ("schema7", 7)

    s = open_services(path)
    try:
        assert s.records.get("learning", ids["first"]).private is False
        s.records.update("learning", ids["first"], private=True)
        assert s.records.get("learning", ids["first"]).private is True
        assert s.records.get("learning", ids["second"]).private is False
    finally:
        s.close()
