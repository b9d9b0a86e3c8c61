"""The library's FTS5 index stays equal to a fresh rebuild through every way records
change: insert, update, delete, undo, import, restore and migration; ``check`` finds an
index that is wrong and rebuilds it; without FTS5 nothing breaks."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from db import fts
from db.connection import close_database, open_database
from db.models import database
from mwms_desktop import library, maintenance
from mwms_desktop.bundle import build_bundle, import_bundle
from mwms_desktop.services import open_services
from tests.core.library_helpers import assert_index_is_a_fresh_rebuild, portfolio

V1 = Path(__file__).parent.parent / "db" / "data" / "schema_v1.sql"


def test_insert_update_delete_keep_the_index(services):
    ids = portfolio(services)
    assert_index_is_a_fresh_rebuild()
    services.records.update("learning", ids["muller"], statement="Müller customers prefer SEPA transfers")
    assert_index_is_a_fresh_rebuild()
    assert [h.id for h in library.search("sepa").hits] == [ids["muller"]]
    assert library.search("invoices kind:learning").hits == ()
    services.records.delete("learning", ids["checkout"])
    assert_index_is_a_fresh_rebuild()
    assert ids["checkout"] not in [h.id for h in library.search("badges").hits]


def test_undo_of_a_removal_puts_the_record_back_in_the_index(services):
    ids = portfolio(services)
    snap = services.records.delete("learning", ids["muller"])
    assert library.search("invoices").total == 0
    services.records.restore(snap)  # what Ctrl+Z does
    assert_index_is_a_fresh_rebuild()
    assert [h.id for h in library.search("invoices").hits] == [ids["muller"]]


def test_removing_an_engagement_cascades_out_of_the_index(services):
    ids = portfolio(services)
    database.execute_sql("DELETE FROM engagement WHERE id = ?", (ids["b"],))  # ON DELETE CASCADE
    assert_index_is_a_fresh_rebuild()
    assert library.search("invoices").total == 0


def test_an_import_is_indexed(tmp_path, clock):
    s = open_services(tmp_path / "a.sqlite", clock=clock)
    try:
        portfolio(s)
        sent = build_bundle(None, clock.now())
    finally:
        s.close()
    (tmp_path / "b.json").write_text(json.dumps(sent), encoding="utf-8")
    s = open_services(tmp_path / "c.sqlite", clock=clock)
    try:
        import_bundle(s.path, tmp_path / "b.json")
        assert_index_is_a_fresh_rebuild()
        assert library.search("invoices").total == 1
        # and again: an import that updates what is there
        for e in sent["engagements"]:
            for lr in e["learnings"]:
                # Another laptop's edit of what it received (bundle format 2): its device's
                # counter in the vector and a dot on the field, so the edit replaces this one.
                other, at = "0b0b0b0b-0000-4000-8000-000000000002", "2026-11-02T09:30:00+00:00"
                lr["statement"] += " (revised)"
                lr["updated_at"] = at
                lr["vv"] = {**lr["vv"], other: 1}
                lr["device"] = other
                lr["dots"] = {**lr["dots"], "statement": [other, 1, at]}
        (tmp_path / "b.json").write_text(json.dumps(sent), encoding="utf-8")
        import_bundle(s.path, tmp_path / "b.json")
        assert_index_is_a_fresh_rebuild()
        revised = sum(len(e["learnings"]) for e in sent["engagements"])
        assert library.search("revised kind:learning").total == revised
        assert library.search("invoices -revised").total == 1
    finally:
        s.close()


def test_a_restored_backup_brings_its_index(services):
    ids = portfolio(services)
    good = maintenance.backup_now(services.path)
    services.records.delete("learning", ids["muller"])
    maintenance.restore(services.path, good)
    assert_index_is_a_fresh_rebuild()
    assert [h.id for h in library.search("invoices").hits] == [ids["muller"]]


def test_the_migration_builds_the_index_of_an_old_file(tmp_path):
    old = tmp_path / "old.sqlite"
    con = sqlite3.connect(old)
    con.executescript(V1.read_text())
    con.execute(
        "INSERT INTO engagement VALUES (1, 'e0000000-0000-4000-8000-000000000001', "
        "'2026-09-02T10:00:00+00:00', 'Zoë AS', 'consulting', 'Dana', 'execution', "
        "'2026-09-02T10:00:00+00:00', 1.0, 'active', '2026-09-01T09:00:00+00:00', '', '', '', NULL, "
        "'qualified', '', '', '', '', NULL, NULL, NULL, '')"
    )
    con.execute(
        "INSERT INTO cycle VALUES (1, 'c0000000-0000-4000-8000-000000000001', '2026-09-02T10:00:00+00:00', "
        "1, NULL, 'Badge test', 'evaluated', NULL, NULL, 'win', 'Trust badges won')"
    )
    con.execute(
        "INSERT INTO learning VALUES (1, 'f0000000-0000-4000-8000-000000000001', "
        "'2026-09-02T10:00:00+00:00', 1, 'Trust badges matter to Zoë''s buyers', 'high', 'trust', "
        "'2026-09-02T10:00:00+00:00')"
    )
    con.commit()
    con.close()
    open_database(old)
    try:
        assert_index_is_a_fresh_rebuild()
        assert [h.kind for h in library.search("zoe").hits] == ["learning"]
        (cycle,) = library.search("badge kind:cycle").hits
        assert database.execute_sql("SELECT kind FROM cycle").fetchall() == [("experimentation_cycle",)]
        assert cycle.results == ("win",)
    finally:
        close_database()


def test_check_finds_a_wrong_index_and_rebuilds_it(services, capsys):
    ids = portfolio(services)
    # An index that says something its records do not: the row's tokens removed by hand.
    row = database.execute_sql(
        "SELECT statement, tags FROM learning WHERE id = ?", (ids["muller"],)
    ).fetchone()
    database.execute_sql(
        "INSERT INTO learning_fts(learning_fts, rowid, statement, tags) VALUES ('delete', ?, ?, ?)",
        (ids["muller"], *row),
    )
    assert fts.integrity_problems(database) != []
    assert library.search("invoices").total == 0
    report = maintenance.check(services.path)
    assert report.ok
    assert "rebuilt" in report.index
    assert_index_is_a_fresh_rebuild()
    assert library.search("invoices").total == 1
    assert "matches its records" in maintenance.check(services.path).index


def test_without_fts5_writes_work_and_search_scans(tmp_path, clock, monkeypatch):
    path = tmp_path / "p.sqlite"
    s = open_services(path, clock=clock)  # made with FTS5: tables and triggers
    ids = portfolio(s)
    s.close()
    monkeypatch.setattr(fts, "fts5_available", lambda database: False)
    s = open_services(path, clock=clock)
    try:
        assert not fts.triggers_present(database)  # they would make every write fail
        s.records.update("learning", ids["muller"], statement="Müller customers prefer SEPA")
        result = library.search("sepa")
        assert (result.indexed, [h.id for h in result.hits]) == (False, [ids["muller"]])
        assert "no full-text index" in maintenance.check(path).index
    finally:
        s.close()
    monkeypatch.undo()  # back on a build with FTS5: the index catches up at open
    s = open_services(path, clock=clock)
    try:
        assert_index_is_a_fresh_rebuild()
        assert [h.id for h in library.search("sepa").hits] == [ids["muller"]]
    finally:
        s.close()
