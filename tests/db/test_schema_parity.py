"""An upgraded old file and a newly created file end with the very same schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db.connection import close_database, open_database
from db.models import database

V1 = Path(__file__).parent / "data" / "schema_v1.sql"


def _schema(path: Path) -> list[tuple[str, str]]:
    open_database(path)
    try:
        rows = database.execute_sql("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
        version = database.execute_sql("PRAGMA user_version").fetchone()[0]
    finally:
        close_database()
    return [*rows, ("user_version", str(version))]


def test_upgraded_v1_file_matches_a_new_file(tmp_path):
    """Migrations and model declarations agree: every table, index (including the covering
    check-in index) and the version number are identical either way."""
    old = tmp_path / "old.sqlite"
    con = sqlite3.connect(old)
    con.executescript(V1.read_text())
    con.close()
    assert _schema(old) == _schema(tmp_path / "new.sqlite")
