"""Schema versions, recorded in ``PRAGMA user_version``, and the steps between them.

A new file gets the current schema straight from the models. An older file is first backed
up (``db/backup.py``: SQLite's backup API, verified, into ``backups/``), then upgraded in
one transaction: every step, a ``PRAGMA foreign_key_check``, and the new version number
commit together or not at all.
``foreign_keys`` is switched off around that transaction (SQLite ignores the pragma inside
one), so a step may rebuild a table. A file newer than this program, another program's file
and a version no MWMS Desktop wrote are refused, untouched (``db/identity.py`` tells them).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path

from peewee import SqliteDatabase

from db import backup, clocks, fts, identity
from db.errors import BackupError, DatabaseOpenError
from db.models import MODELS

SCHEMA_VERSION = 9


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


def _v3_application_id(database: SqliteDatabase) -> None:
    """Schema 3: mark the file as MWMS Desktop's (``PRAGMA application_id``), so it is
    recognised from its header before anything is written to it."""
    database.execute_sql("PRAGMA application_id = 1297567059")  # 0x4D574D53, b"MWMS"


def _v4_library(database: SqliteDatabase) -> None:
    """Schema 4 (the learning library): a cycle's kind (existing cycles were all
    experimentation cycles), what a learning refines, the "built on" citations, and the
    full-text index with its triggers, built here from the records (``db/fts.py``)."""
    database.execute_sql(
        'ALTER TABLE "cycle" ADD COLUMN "kind" VARCHAR(30) NOT NULL DEFAULT \'experimentation_cycle\''
    )
    database.execute_sql('ALTER TABLE "learning" ADD COLUMN "refinements" TEXT NOT NULL DEFAULT \'\'')
    database.execute_sql(
        'CREATE TABLE "learning_citation" ("id" INTEGER NOT NULL PRIMARY KEY, '
        '"uuid" VARCHAR(36) NOT NULL, "updated_at" TEXT NOT NULL, "engagement_id" INTEGER NOT NULL, '
        '"citing_kind" VARCHAR(12) NOT NULL, "citing_uuid" VARCHAR(36) NOT NULL, '
        '"learning_uuid" VARCHAR(36) NOT NULL, "statement" TEXT NOT NULL, "cited_at" TEXT NOT NULL, '
        'FOREIGN KEY ("engagement_id") REFERENCES "engagement" ("id") ON DELETE CASCADE)'
    )
    for ddl in (
        'CREATE UNIQUE INDEX "learning_citation_uuid" ON "learning_citation" ("uuid")',
        'CREATE INDEX "learning_citation_engagement_id" ON "learning_citation" ("engagement_id")',
        'CREATE INDEX "learning_citation_citing_uuid" ON "learning_citation" ("citing_uuid")',
        'CREATE INDEX "learning_citation_learning_uuid" ON "learning_citation" ("learning_uuid")',
        'CREATE UNIQUE INDEX "learning_citation_citing_uuid_learning_uuid" '
        'ON "learning_citation" ("citing_uuid", "learning_uuid")',
    ):
        database.execute_sql(ddl)
    if fts.fts5_available(database):  # without FTS5 the library scans (fts.reconcile)
        fts.create(database)


def _v5_merge(database: SqliteDatabase) -> None:
    """Schema 5: merges that lose nothing. Version vectors beside the data (record_clock),
    tombstones, the conflicts list, a device id for this file, and a causal stage history:
    each move names the move it followed. Existing histories are chained in the order they
    were recorded (time, then id), and an undo that gave back an earlier entry into the
    stage keeps it on its move, so every engagement's stage and days in stage read the same."""
    for ddl in (
        'CREATE TABLE "record_clock" ("uuid" VARCHAR(36) NOT NULL PRIMARY KEY, "vv" TEXT NOT NULL, '
        '"dots" TEXT NOT NULL, "device" VARCHAR(36) NOT NULL)',
        'CREATE TABLE "tombstone" ("uuid" VARCHAR(36) NOT NULL PRIMARY KEY, "kind" VARCHAR(20) NOT NULL, '
        '"engagement_uuid" VARCHAR(36) NOT NULL, "deleted_at" TEXT NOT NULL, "device" VARCHAR(36) NOT NULL, '
        '"who" TEXT NOT NULL, "vv" TEXT NOT NULL)',
        'CREATE INDEX "tombstone_engagement_uuid" ON "tombstone" ("engagement_uuid")',
        'CREATE TABLE "conflict" ("id" INTEGER NOT NULL PRIMARY KEY, "uuid" VARCHAR(36) NOT NULL, '
        '"engagement_uuid" VARCHAR(36) NOT NULL, "record_uuid" VARCHAR(36) NOT NULL, '
        '"kind" VARCHAR(20) NOT NULL, "fields" TEXT NOT NULL, "mine" TEXT, "theirs" TEXT, '
        '"mine_at" TEXT, "mine_device" VARCHAR(36) NOT NULL, '
        '"theirs_at" TEXT, "theirs_device" VARCHAR(36) NOT NULL, "winner" VARCHAR(8) NOT NULL, '
        '"detail" TEXT NOT NULL, "digest" VARCHAR(64) NOT NULL, "created_at" TEXT NOT NULL, '
        '"resolved_at" TEXT, "resolution" VARCHAR(8) NOT NULL)',
        'CREATE UNIQUE INDEX "conflict_uuid" ON "conflict" ("uuid")',
        'CREATE INDEX "conflict_engagement_uuid" ON "conflict" ("engagement_uuid")',
        'CREATE UNIQUE INDEX "conflict_digest" ON "conflict" ("digest")',
        'ALTER TABLE "stage_move" ADD COLUMN "after" VARCHAR(36)',
        'ALTER TABLE "stage_move" ADD COLUMN "entered_at" TEXT',
    ):
        database.execute_sql(ddl)
    # Chain each engagement's moves in recorded order: each follows the one before it.
    database.execute_sql(
        'UPDATE "stage_move" SET "after" = (SELECT p."uuid" FROM "stage_move" p '
        'WHERE p."engagement_id" = "stage_move"."engagement_id" '
        'AND (p."moved_at" < "stage_move"."moved_at" OR (p."moved_at" = "stage_move"."moved_at" '
        'AND p."id" < "stage_move"."id")) ORDER BY p."moved_at" DESC, p."id" DESC LIMIT 1) '
        "WHERE \"kind\" != 'created'"
    )
    # The last move of each engagement keeps when its stage was entered, if not at the move.
    database.execute_sql(
        'UPDATE "stage_move" SET "entered_at" = (SELECT e."stage_entered_at" FROM "engagement" e '
        'WHERE e."id" = "stage_move"."engagement_id") '
        'WHERE "id" IN (SELECT m."id" FROM "stage_move" m WHERE NOT EXISTS '
        '(SELECT 1 FROM "stage_move" n WHERE n."after" = m."uuid")) '
        'AND "moved_at" != (SELECT e."stage_entered_at" FROM "engagement" e '
        'WHERE e."id" = "stage_move"."engagement_id")'
    )
    device = device_row(database)
    # Every record so far is this laptop's version 1: what another laptop upgraded from the
    # same handover holds is then "changed on both sides" where, and only where, they differ.
    vector = clocks.dump({device: 1})
    for table in _VERSIONED:
        database.execute_sql(
            f'INSERT OR IGNORE INTO "record_clock" ("uuid", "vv", "dots", "device") '
            f'SELECT "uuid", ?, \'{{}}\', ? FROM "{table}"',
            (vector, device),
        )


# Schema 6: what a team sync needs to know locally. Every table of engagement data marks its
# engagement pending (a local change the team server does not have yet) in the same
# transaction as the write, whatever wrote it (a service, an import, a conflict resolved, the
# CLI); a sync applying what it pulled sets SYNC_APPLYING for its transaction, so its own
# writes mark nothing (it marks what the merge made that the server lacks itself).
SYNC_APPLYING = "sync_applying"
_SYNC_CHILDREN = (  # tables with an engagement_id
    "qualification_score", "onboarding_item", "stakeholder", "insight", "hypothesis", "cycle",
    "learning", "check_in", "stage_move", "dossier_export", "learning_citation",
)  # fmt: skip
_SYNC_LINKS = {
    "hypothesis_insight": ("hypothesis_id", "hypothesis"),
    "learning_evidence": ("learning_id", "learning"),
}


def _sync_trigger(table: str, event: str, uuid_of: str) -> str:
    row = "OLD" if event == "DELETE" else "NEW"
    expr = uuid_of.replace("ROW.", f"{row}.")
    return (
        f'CREATE TRIGGER "sync_pending_{table}_{event.lower()}" AFTER {event} ON "{table}" '
        f'WHEN NOT EXISTS (SELECT 1 FROM "setting" WHERE "key" = \'{SYNC_APPLYING}\') BEGIN '
        f'INSERT INTO "sync_pending" ("engagement_uuid", "generation") SELECT u, 1 FROM (SELECT {expr} AS u) '
        f'WHERE u IS NOT NULL ON CONFLICT ("engagement_uuid") DO UPDATE '
        'SET "generation" = "generation" + 1; END'
    )


def _v6_sync(database: SqliteDatabase) -> None:
    """Schema 6 (team sync): engagements with local changes the server lacks (``sync_pending``,
    with a generation that every change raises, so a push clears only what it sent), what the
    server last had of each record (``sync_shadow``: a digest, so a push sends only what
    changed) and of each engagement (``sync_base``: its content version), and the triggers
    that mark an engagement pending. Every engagement already here is pending: the server
    has none of it yet."""
    for ddl in (
        'CREATE TABLE "sync_pending" ("engagement_uuid" VARCHAR(36) NOT NULL PRIMARY KEY, '
        '"generation" INTEGER NOT NULL)',
        'CREATE TABLE "sync_shadow" ("uuid" VARCHAR(36) NOT NULL PRIMARY KEY, '
        '"engagement_uuid" VARCHAR(36) NOT NULL, "digest" VARCHAR(64) NOT NULL)',
        'CREATE INDEX "sync_shadow_engagement_uuid" ON "sync_shadow" ("engagement_uuid")',
        'CREATE TABLE "sync_base" ("engagement_uuid" VARCHAR(36) NOT NULL PRIMARY KEY, '
        '"content_version" INTEGER NOT NULL)',
    ):
        database.execute_sql(ddl)
    for event in ("INSERT", "UPDATE", "DELETE"):
        database.execute_sql(_sync_trigger("engagement", event, "ROW.uuid"))
        database.execute_sql(_sync_trigger("tombstone", event, "ROW.engagement_uuid"))
        for table in _SYNC_CHILDREN:
            database.execute_sql(
                _sync_trigger(
                    table, event, '(SELECT e."uuid" FROM "engagement" e WHERE e."id" = ROW."engagement_id")'
                )
            )
        for table, (column, parent) in _SYNC_LINKS.items():
            database.execute_sql(
                _sync_trigger(
                    table,
                    event,
                    f'(SELECT e."uuid" FROM "engagement" e JOIN "{parent}" p ON p."engagement_id" = e."id" '
                    f'WHERE p."id" = ROW."{column}")',
                )
            )
    database.execute_sql('INSERT OR IGNORE INTO "sync_pending" SELECT "uuid", 1 FROM "engagement"')


def _v7_status_log(database: SqliteDatabase) -> None:
    """Schema 7: a dated record of each engagement taken off the board (archived or
    disqualified) or brought back, which the analytics count per day and month. Until now
    only the engagement's last change (``updated_at``) said when, and any later edit moved
    it: each engagement already off the board gets one record dated so, the best evidence
    there is."""
    for ddl in (
        'CREATE TABLE "status_change" ("id" INTEGER NOT NULL PRIMARY KEY, "uuid" VARCHAR(36) NOT NULL, '
        '"engagement_id" INTEGER NOT NULL, "from_status" VARCHAR(12) NOT NULL, '
        '"to_status" VARCHAR(12) NOT NULL, "stage" VARCHAR(20) NOT NULL, "changed_at" TEXT NOT NULL, '
        'FOREIGN KEY ("engagement_id") REFERENCES "engagement" ("id") ON DELETE CASCADE)',
        'CREATE UNIQUE INDEX "status_change_uuid" ON "status_change" ("uuid")',
        'CREATE INDEX "status_change_engagement_id" ON "status_change" ("engagement_id")',
    ):
        database.execute_sql(ddl)
    off = database.execute_sql(
        "SELECT id, status, stage, updated_at FROM engagement WHERE status != 'active' ORDER BY id"
    ).fetchall()
    for eid, status, stage, updated in off:
        database.execute_sql(
            'INSERT INTO "status_change" ("uuid", "engagement_id", "from_status", "to_status", "stage",'
            " \"changed_at\") VALUES (?, ?, 'active', ?, ?, ?)",
            (str(uuid.uuid4()), eid, status, stage, updated),
        )


def _v8_private_learnings(database: SqliteDatabase) -> None:
    """Schema 8: a learning may be marked private, left out of the team library for those
    who may not see its engagement. Every learning so far was in it: not private."""
    database.execute_sql('ALTER TABLE "learning" ADD COLUMN "private" INTEGER NOT NULL DEFAULT false')


def _v9_one_letter_prefixes(database: SqliteDatabase) -> None:
    """Schema 9: the library's index also keeps one-letter prefixes, so the first letter of
    a word typed after another is one lookup, not a merge of every word it begins (2-4x
    faster on a large library). The index is made anew and rebuilt from the records; no
    record changes. Without FTS5 there is no index: :func:`fts.reconcile` makes the current
    one when a build with FTS5 opens the file. (A file this version upgrades from before
    schema 4 gets the current definition at step 4's ``fts.create``: nothing to do here.)"""
    if fts.fts5_available(database) and fts.tables_present(database) and fts.outdated(database):
        fts.recreate(database)


_VERSIONED = (  # the tables of records that change (moves, exports and links never do)
    "engagement", "qualification_score", "onboarding_item", "stakeholder", "insight",
    "hypothesis", "cycle", "learning", "check_in", "learning_citation",
)  # fmt: skip


def device_row(database: SqliteDatabase) -> str:
    """This file's device id (``db/clocks.py``), made once; returns it."""
    database.execute_sql(
        "INSERT OR IGNORE INTO setting (key, value) VALUES (?, ?)", (clocks.DEVICE_KEY, str(uuid.uuid4()))
    )
    return database.execute_sql("SELECT value FROM setting WHERE key = ?", (clocks.DEVICE_KEY,)).fetchone()[0]


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
MIGRATIONS: dict[int, Callable[[SqliteDatabase], None]] = {
    2: _v2_dossier_exports,
    3: _v3_application_id,
    4: _v4_library,
    5: _v5_merge,
    6: _v6_sync,
    7: _v7_status_log,
    8: _v8_private_learnings,
    9: _v9_one_letter_prefixes,
}


def user_version(database: SqliteDatabase) -> int:
    return int(database.execute_sql("PRAGMA user_version").fetchone()[0])


def found_version(database: SqliteDatabase, path: Path) -> int:
    """The schema version of the open file (0: no tables yet); raises
    :class:`DatabaseOpenError` for a file this program must not touch. Reads only."""
    return identity.version_of(lambda sql: database.execute_sql(sql).fetchall(), path.name)


def upgrade(database: SqliteDatabase, path: Path) -> int:
    """Bring the open ``database`` to :data:`SCHEMA_VERSION`; returns the version found."""
    found = found_version(database, path)
    if found == SCHEMA_VERSION:
        return found
    if found == 0:
        with database.atomic():
            database.create_tables(MODELS)
            for ddl in EXTRA_INDEXES:
                database.execute_sql(ddl)
            if fts.fts5_available(database):
                fts.create(database)
            _v6_sync(database)
            database.execute_sql(f"PRAGMA application_id = {identity.APPLICATION_ID}")
            device_row(database)
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
        logging.getLogger(__name__).info("schema upgraded from %d to %d", found, SCHEMA_VERSION)
    finally:
        database.execute_sql("PRAGMA foreign_keys = ON")
    return found
