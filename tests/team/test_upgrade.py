"""``team init --upgrade`` from server schema 1 to 2 keeps every row, and a laptop syncs with
the upgraded server; until then a client of schema 2 is refused with a message to upgrade."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from db.server import schema
from mwms_desktop import cli
from mwms_desktop.team import admin
from tests.team.helpers import add, insert_engagement, insert_learning, login
from tests.team.pg_server import TestServer

E1, L1 = "e0000000-0000-4000-8000-000000000001", "10000000-0000-4000-8000-000000000001"
M1 = "30000000-0000-4000-8000-000000000001"
TABLES = ("engagement", "learning", "stage_move", "engagement_share", "team_threshold", "sync_counter")


def rows(server: TestServer, db: str) -> dict[str, list]:
    with psycopg.connect(server.url(db)) as conn:
        return {
            t: conn.execute(
                sql.SQL("SELECT to_jsonb(x) FROM {} x ORDER BY 1").format(sql.Identifier(t))
            ).fetchall()
            for t in TABLES
        }


def test_upgrade_from_schema_1_keeps_every_row(
    pg_server: TestServer,
    empty_db: str,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring,
    tmp_path: Path,
    capsys,
) -> None:
    with monkeypatch.context() as old:  # the server as schema 1 made it
        old.setattr(schema, "SCHEMA_VERSION", 1)
        old.setattr(schema, "PROTOCOL_VERSION", 1)
        admin.init_server(pg_server.url(empty_db))
    name, password = add(pg_server, empty_db, "olda")
    conn = login(pg_server, empty_db, name, password)
    try:
        eid = insert_engagement(conn, E1, "Acme Retail", notes="kept")
        insert_learning(conn, eid, L1, "Free shipping beats discounts")
        conn.execute(
            "INSERT INTO stage_move (uuid, updated_at, engagement_id, to_stage, moved_at, reason, kind)"
            " VALUES (%s, '2026-11-01T09:00:00+00:00', %s, 'qualification', '2026-11-01T09:00:00+00:00',"
            " '', 'created')",
            (M1, eid),
        )
        insert_engagement(conn, "e-2", "Typed by hand")  # no uuid: nothing the window could create
        assert conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'tombstone'"
        ).fetchone() == (0,)
    finally:
        conn.close()
    with psycopg.connect(pg_server.url(empty_db), autocommit=True) as c:
        c.execute("INSERT INTO team_threshold (key, value) VALUES ('stall_days', 14)")
    before = rows(pg_server, empty_db)

    db = tmp_path / "laptop.sqlite"
    url = pg_server.url(empty_db, user=name, password=password)
    assert cli.main(["--db", str(db), "team", "join", url]) == 1
    assert "the administrator must run `mwms-desktop team init --upgrade`" in capsys.readouterr().err

    assert cli.main(["team", "init", "--admin-url", pg_server.url(empty_db), "--upgrade"]) == 0
    assert f"schema 1 to {schema.SCHEMA_VERSION}" in capsys.readouterr().out
    after = rows(pg_server, empty_db)
    added = {"vv", "dots", "device", "content_version"}
    for table in TABLES:
        assert [{k: v for k, v in r.items() if k not in added} for (r,) in after[table]] == [
            r for (r,) in before[table]
        ], table
    with psycopg.connect(pg_server.url(empty_db)) as c:
        assert c.execute("SELECT schema_version, protocol_version FROM team_meta").fetchone() == (
            schema.SCHEMA_VERSION, schema.PROTOCOL_VERSION)  # fmt: skip
        (cv,) = c.execute("SELECT content_version FROM engagement").fetchone()
        assert cv > 0  # an engagement from before the upgrade is pulled by a new laptop

    assert cli.main(["--db", str(db), "team", "join", url]) == 0
    assert cli.main(["--db", str(db), "sync"]) == 0
    out = capsys.readouterr().out
    assert "1 engagement(s) brought in" in out, out
    assert "engagement 'Typed by hand' (e-2) was not taken: engagements[0].uuid: uuid must be a uuid" in out
    assert cli.main(["--db", str(db), "list"]) == 0
    assert "Acme Retail" in capsys.readouterr().out
