"""Schema versions, recorded in ``PRAGMA user_version``, and the steps between them.

A new file gets the current schema straight from the models. An older file is first backed
up (``db/backup.py``: SQLite's backup API, verified, into ``backups/``), then upgraded in
one transaction: every step, a ``PRAGMA foreign_key_check``, and the new version number
commit together or not at all.
``foreign_keys`` is switched off around that transaction (SQLite ignores the pragma inside
one), so a step may rebuild a table. A file newer than this program is refused, untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from peewee import SqliteDatabase

from db import backup
from db.errors import BackupError, DatabaseOpenError
from db.models import MODELS

SCHEMA_VERSION = 2


def _v2_dossier_exports(database: SqliteDatabase) -> None:
    """Schema 2: record each dossier written, so completion can require a fresh one; index
    check-ins for the board's health column and engagements in board order."""
    database.execute_sql(
        'CREATE TABLE "dossier_export" ("id" INTEGER NOT NULL PRIMARY KEY, '
        '"uuid" VARCHAR(36) NOT NULL, "updated_at" TEXT NOT NULL, "engagement_id" INTEGER NOT NULL, '
        '"exported_at" TEXT NOT NULL, "file_name" TEXT NOT NULL, "sha256" VARCHAR(64) NOT NULL, '
        'FOREIGN KEY ("engagement_id") REFERENCES "engagement" ("id") ON DELETE CASCADE)'
    )
    database.execute_sql('CREATE UNIQUE INDEX "dossier_export_uuid" ON "dossier_export" ("uuid")')
    database.execute_sql('CREATE INDEX "dossier_export_engagement_id" ON "dossier_export" ("engagement_id")')
    # The board reads every engagement's last three check-ins at start-up: a covering index.
    database.execute_sql(CHECKIN_RECENT_INDEX)
    database.execute_sql(BOARD_ORDER_INDEX)


# Indexes peewee's model declarations cannot express (descending, covering). New files get
# them with the tables; the step of the version that introduced each one adds it to old files.
CHECKIN_RECENT_INDEX = (
    'CREATE INDEX "check_in_recent" ON "check_in" ("engagement_id", "held_on" DESC, "id" DESC, "score")'
)
# Columns are read in board order and cards placed between neighbours: (stage, position).
BOARD_ORDER_INDEX = 'CREATE INDEX "engagement_board_order" ON "engagement" ("stage", "position", "id")'
EXTRA_INDEXES = (CHECKIN_RECENT_INDEX, BOARD_ORDER_INDEX)


# MIGRATIONS[n] upgrades a file of schema n - 1 to schema n. Steps are frozen SQL, never the
# current models, so an old step keeps meaning what it meant when it shipped.
MIGRATIONS: dict[int, Callable[[SqliteDatabase], None]] = {2: _v2_dossier_exports}


def user_version(database: SqliteDatabase) -> int:
    return int(database.execute_sql("PRAGMA user_version").fetchone()[0])


def _has_tables(database: SqliteDatabase) -> bool:
    sql = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    return database.execute_sql(sql).fetchone()[0] > 0


def upgrade(database: SqliteDatabase, path: Path) -> int:
    """Bring the open ``database`` to :data:`SCHEMA_VERSION`; returns the version found."""
    found = user_version(database)
    if found == SCHEMA_VERSION:
        return found
    if found > SCHEMA_VERSION:
        raise DatabaseOpenError(
            f"{path.name} was written by a newer MWMS Desktop (schema {found}; this version "
            f"reads up to {SCHEMA_VERSION}). Update MWMS Desktop to open it."
        )
    if found == 0:
        if _has_tables(database):
            raise DatabaseOpenError(f"{path.name} is an SQLite file of another program.")
        with database.atomic():
            database.create_tables(MODELS)
            for ddl in EXTRA_INDEXES:
                database.execute_sql(ddl)
            database.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return found

    try:
        backup.make_backup(path, f"schema{found}")
    except BackupError as exc:
        raise DatabaseOpenError(f"{path.name} was not upgraded: no backup could be made ({exc})") from exc
    database.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        with database.atomic():
            for version in range(found + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[version](database)
            problems = database.execute_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise DatabaseOpenError(
                    f"Upgrading {path.name} would break {len(problems)} reference(s) "
                    f"(first in table {problems[0][0]}); the file was left as it was."
                )
            database.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
    finally:
        database.execute_sql("PRAGMA foreign_keys = ON")
    return found
