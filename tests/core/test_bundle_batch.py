"""The batched bundle merge: the same writes whether its lookups fit one query or are split
into many, every outcome of the merge rules, a number of queries that does not grow with the
bundle, progress reported, a conflict the checks missed refused whole.

(Until schema 4 the oracle here was the record-at-a-time merge by ``updated_at``; issue 12
replaced that rule by version vectors, so the batched merge is now checked against itself
across chunk sizes and against the outcomes the rules prescribe.)"""

from __future__ import annotations

import copy
import json
import sqlite3
import uuid as uuid_mod
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from db.connection import close_database, open_database
from db.models import (
    QualificationScore,
    database,
    table_names,
)
from mwms_desktop.bundle import build_bundle, import_bundle, merge
from mwms_desktop.bundle.merge import ADDED, SKIPPED, ImportReport, Snapshot
from mwms_desktop.bundle.schema import KINDS
from mwms_desktop.clock import FixedClock
from mwms_desktop.errors import BundleError
from mwms_desktop.services import open_services
from tests.factories import dump, engagement_at

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LATER = "2026-12-01T00:00:00+00:00"
EARLIER = "2026-01-01T00:00:00+00:00"


# --- bundles -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two engagements with every kind of record (links, references, a dossier export)."""
    s = open_services(tmp_path_factory.mktemp("src") / "s.sqlite", clock=FixedClock(T0))
    try:
        first = engagement_at(s, "outcome", "Alpha AS")
        engagement_at(s, "execution", "Beta GmbH")
        s.lifecycle.record_dossier_export(first, "d.pdf", "e" * 64)
        return build_bundle(None, T0)
    finally:
        s.close()


def _uuids(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("uuid"), str):
            yield node["uuid"]
        for value in node.values():
            yield from _uuids(value)
    elif isinstance(node, list):
        for value in node:
            yield from _uuids(value)


def _clone(engagement: dict[str, Any], client: str) -> dict[str, Any]:
    """The engagement with every uuid (and reference to it) replaced by a new one."""
    text = json.dumps(engagement)
    for u in set(_uuids(engagement)):
        text = text.replace(u, str(uuid_mod.uuid4()))
    clone = json.loads(text)
    clone["client"] = client
    return clone


OTHER = "0ced0ced-0000-4000-8000-000000000000"  # the other laptop's device id


def _edited(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The record as the other laptop edited it after seeing this one's version."""
    return record.update(updated_at=LATER, vv={**record["vv"], OTHER: 1}, device=OTHER, **changes)


def _stale(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The record as the other laptop edited it, earlier, without seeing this one's version."""
    return record.update(updated_at=EARLIER, vv={OTHER: 1}, device=OTHER, dots={}, **changes)


def _diverged(base: dict[str, Any]) -> dict[str, Any]:
    """The base bundle as another laptop changed it: every outcome of the merge occurs."""
    b = copy.deepcopy(base)
    a, beta = b["engagements"]
    delta = _clone(a, "Delta SA")
    _edited(a, notes="Edited on the other laptop")  # newer: updated
    _edited(a["stakeholders"][0], role="Budget owner")
    score, same = a["qualification_scores"][0], a["qualification_scores"][1]
    _edited(score, uuid=str(uuid_mod.uuid4()), score=3 - score["score"])  # by criterion
    same["uuid"] = str(uuid_mod.uuid4())  # by criterion, as new as the local one: skipped
    old_insight = a["insights"].pop(0)  # left out: the hypothesis refers to the one here
    new_insight = {**old_insight, "uuid": str(uuid_mod.uuid4()), "statement": "Seen later"}
    a["insights"].append(new_insight)
    _edited(a["hypotheses"][0], insights=[new_insight["uuid"], old_insight["uuid"]])
    _edited(a["learnings"][0], evidence=[])  # its link goes
    _edited(a["checkins"][0], ratings={k: 1 for k in a["checkins"][0]["ratings"]})
    a["dossier_exports"].append(
        {**a["dossier_exports"][0], "uuid": str(uuid_mod.uuid4()), "file_name": "e.pdf"}
    )
    a["stage_history"][1].update(updated_at=LATER, reason="Rewritten")  # a move never changes
    _stale(beta, notes="Stale")  # changed on both sides, older: kept here, the loser listed
    _stale(beta["stakeholders"][0], role="Stale")
    bare = _clone(beta, "Gamma Ltd")
    for kind in KINDS:
        bare[kind.key] = bare[kind.key][:1] if kind.key == "stage_history" else []
    # Only its creation in its history: an engagement the window leaves in Qualification.
    bare.update(stage="qualification", verdict="pending", outcome=None, outcome_on=None)
    b["engagements"] = [bare, a, beta, delta]  # a bare engagement first: key order
    return b


def _write(folder: Path, name: str, bundle: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def _state(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows by id; link rows (whose id, uuid and time are incidental) as pairs."""
    con = sqlite3.connect(path)
    try:
        out = {}
        for table in table_names():
            if table in ("hypothesis_insight", "learning_evidence"):
                columns = (
                    "hypothesis_id, insight_id" if table == "hypothesis_insight" else "learning_id, cycle_id"
                )
                out[table] = con.execute(f"SELECT {columns} FROM {table} ORDER BY 1, 2").fetchall()
            elif table == "conflict":  # its own uuid and time are incidental
                out[table] = con.execute(
                    "SELECT record_uuid, kind, fields, mine, theirs, winner FROM conflict ORDER BY id"
                ).fetchall()
            elif table in ("record_clock", "tombstone"):
                out[table] = con.execute(f"SELECT * FROM {table} ORDER BY uuid").fetchall()
            elif table != "setting":
                out[table] = con.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
        return out
    finally:
        con.close()


def _merged(db: Path, first: Path, second: Path) -> ImportReport:
    open_database(db)
    try:
        import_bundle(db, first)
        return import_bundle(db, second).report
    finally:
        close_database()


def _report(report: ImportReport) -> tuple:
    return list(report.counts.items()), report.added, report.updated


@pytest.mark.parametrize("chunk", [2, 500], ids=["chunks of 2", "chunks of 500"])
def test_batched_merge_writes_the_same_whatever_its_chunks(base, tmp_path, monkeypatch, chunk):
    """A diverged bundle (newer, concurrent and older, new, matched by criterion, links
    rewritten, a reference to a record only here, a new engagement first) merged into a copy
    of the original: the same report and the same rows whether the uuid lookups fit one
    query or are split into many; the outcomes the rules prescribe."""
    first, second = _write(tmp_path, "a.json", base), _write(tmp_path, "b.json", _diverged(base))
    monkeypatch.setattr(merge, "_CHUNK", 100_000)
    expected = _merged(tmp_path / "one.sqlite", first, second)
    monkeypatch.setattr(merge, "_CHUNK", chunk)
    report = _merged(tmp_path / "new.sqlite", first, second)
    assert _report(report) == _report(expected)
    assert _state(tmp_path / "new.sqlite") == _state(tmp_path / "one.sqlite")
    counts = report.counts
    assert list(counts)[:2] == ["engagements", "stage_history"]  # the bare engagement's only kind
    assert counts["engagements"] == [2, 1, 1, 0]
    assert counts["qualification_scores"] == [5, 1, 9, 0]
    assert counts["hypotheses"] == [1, 1, 1, 0]
    assert counts["insights"] == [2, 0, 1, 0]
    assert counts["stakeholders"] == [1, 1, 1, 0]
    assert counts["dossier_exports"] == [2, 0, 1, 0]
    assert counts["stage_history"][1] == 0
    assert report.added == ["Gamma Ltd", "Delta SA"]
    assert report.updated == ["Alpha AS"]
    assert report.conflicts == 2  # Beta's notes and its stakeholder's role: both sides changed them


def test_a_score_with_a_new_uuid_updates_the_engagements_score_for_that_criterion(base, tmp_path):
    """Scores match by criterion too: a newer one under another uuid changes the local row
    in place (which keeps its own uuid); one that is not newer changes nothing."""
    first = _write(tmp_path, "a.json", base)
    b = copy.deepcopy(base)
    scores = b["engagements"][0]["qualification_scores"]
    criterion, old_uuid = scores[0]["criterion"], scores[0]["uuid"]
    _edited(scores[0], uuid=str(uuid_mod.uuid4()), score=0, note="Re-scored")
    scores[1]["uuid"] = str(uuid_mod.uuid4())
    db = tmp_path / "t.sqlite"
    open_database(db)
    try:
        import_bundle(db, first)
        report = import_bundle(db, _write(tmp_path, "b.json", b)).report
        row = QualificationScore.get(QualificationScore.criterion == criterion)
        rows = QualificationScore.select().count()
    finally:
        close_database()
    assert report.counts["qualification_scores"] == [0, 1, 9, 0]
    assert (row.uuid, row.score, row.note) == (old_uuid, 0, "Re-scored")
    assert rows == 10


def _count_queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement peewee runs and every executemany, recorded."""
    seen: list[str] = []
    execute_sql, executemany = database.execute_sql, merge._executemany

    def counted_sql(sql, params=None):
        seen.append(sql)
        return execute_sql(sql, params)

    def counted_many(sql, rows):
        seen.append(sql)
        return executemany(sql, rows)

    monkeypatch.setattr(database, "execute_sql", counted_sql)
    monkeypatch.setattr(merge, "_executemany", counted_many)
    return seen


@pytest.mark.parametrize("into", ["empty", "filled"])
def test_the_number_of_queries_does_not_grow_with_the_bundle(base, tmp_path, monkeypatch, into):
    """Importing 4 or 16 engagements (all added, or all already there) runs the same
    number of queries: lookups and writes are per kind of record, not per record."""
    queries = []
    for n in (2, 8):
        b = {
            **base,
            "engagements": [_clone(e, f"{e['client']} {k}") for k in range(n) for e in base["engagements"]],
        }
        path, db = _write(tmp_path, f"{n}.json", b), tmp_path / f"{n}.sqlite"
        open_database(db)
        try:
            if into == "filled":
                import_bundle(db, path)
            with monkeypatch.context() as m:
                seen = _count_queries(m)
                report = import_bundle(db, path).report
            queries.append(len(seen))
        finally:
            close_database()
        assert report.total(ADDED if into == "empty" else SKIPPED) == len(set(_uuids(b["engagements"])))
    assert queries[0] == queries[1]
    assert queries[0] < 80


def test_progress_counts_every_record_of_the_bundle_up_to_all(base, tmp_path, db_path):
    """progress(done, total) starts at 0, never goes back, and ends at every record of the
    bundle (engagements included); a refused bundle reports no progress."""
    path = _write(tmp_path, "a.json", base)
    total = len(set(_uuids(base["engagements"])))
    calls: list[tuple[int, int]] = []
    open_database(db_path)
    try:
        import_bundle(db_path, path, progress=lambda done, all_: calls.append((done, all_)))
        bad = copy.deepcopy(base)
        bad["engagements"][0]["cycles"][0]["hypothesis"] = "00000000-0000-4000-8000-000000000000"
        refused: list[tuple[int, int]] = []
        with pytest.raises(BundleError, match=r"cycles\[0\]\.hypothesis: unknown uuid"):
            import_bundle(db_path, _write(tmp_path, "bad.json", bad), progress=lambda *a: refused.append(a))
    finally:
        close_database()
    assert calls[0] == (0, total)
    assert calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert {t for _, t in calls} == {total}
    assert len(calls) == len(KINDS) + 2
    assert refused == []


def test_a_conflict_the_checks_missed_is_refused_whole(base, tmp_path, db_path, monkeypatch):
    """Should a write still hit a constraint (here: the checks are told nothing exists, so
    the merge inserts uuids that do), the import is the usual typed refusal and the
    database is as it was: the bulk writes are inside the one transaction."""
    path = _write(tmp_path, "a.json", base)
    open_database(db_path)
    try:
        import_bundle(db_path, path)
        before = dump(db_path)
        blind = Snapshot({}, {kind.key: {} for kind in KINDS})
        monkeypatch.setattr("mwms_desktop.bundle.check_against_db", lambda bundle: blind)
        with pytest.raises(BundleError, match=r"conflicts with this database \(UNIQUE constraint failed"):
            import_bundle(db_path, path)
        assert dump(db_path) == before
    finally:
        close_database()
