"""Pushing and pulling rows on the real server, each consultant with their own role."""

from __future__ import annotations

import pytest

from mwms_desktop.team import transport
from mwms_desktop.team.transport import Cursor, OutRow
from tests.team.helpers import add, login
from tests.team.pg_server import TestServer

STAMP = "2026-11-01T09:00:00+00:00"


def engagement(uuid: str, client: str) -> OutRow:
    values = {
        "uuid": uuid,
        "updated_at": STAMP,
        "client": client,
        "engagement_type": "ecommerce_growth",
        "owner": "",
        "stage": "qualification",
        "stage_entered_at": STAMP,
        "position": 1.0,
        "status": "active",
        "created_at": STAMP,
        "tags": "",
        "notes": "",
        "next_action": "",
        "verdict": "pending",
        "verdict_note": "",
        "exp_scope": "",
        "exp_cadence": "",
        "exp_success_measures": "",
        "outcome_summary": "",
    }
    return OutRow("engagement", uuid, values)


def learning(uuid: str, engagement_uuid: str, statement: str, base: int | None = None) -> OutRow:
    values = {
        "uuid": uuid,
        "updated_at": STAMP,
        "engagement_id": engagement_uuid,
        "statement": statement,
        "confidence": "high",
        "tags": "",
        "recorded_at": STAMP,
    }
    return OutRow("learning", uuid, values, base)


@pytest.fixture
def pair(pg_server: TestServer, team_db: str):
    alice, bob = add(pg_server, team_db, "alice"), add(pg_server, team_db, "bob")
    a, b = login(pg_server, team_db, *alice), login(pg_server, team_db, *bob)
    yield a, b
    a.close()
    b.close()


def test_a_batch_is_one_version_and_a_refused_row_blocks_nothing(pair) -> None:
    alice, bob = pair
    first = transport.push_batch(
        alice, [engagement("e-a", "Acme"), learning("l-a", "e-a", "Free shipping wins")]
    )
    assert first.written == ("e-a", "l-a")
    assert first.refused == ()
    assert alice.execute(
        "SELECT DISTINCT server_version FROM learning UNION SELECT server_version FROM engagement"
    ).fetchall() == [(first.version,)]

    result = transport.push_batch(
        bob,
        [
            engagement("e-b", "Bolt"),
            learning("l-x", "e-a", "planted"),
            learning("l-b", "e-b", "Bolt learned"),
        ],
    )
    assert result.written == ("e-b", "l-b")
    assert [uuid for uuid, _reason in result.refused] == ["l-x"]
    assert "row-level security" in result.refused[0][1]
    # Bob overwriting alice's row by its uuid is refused too, and changes nothing.
    again = transport.push_batch(bob, [learning("l-a", "e-b", "hijacked", base=first.version)])
    assert again.written == ()
    assert [uuid for uuid, _ in again.refused] == ["l-a"]
    assert alice.execute("SELECT statement FROM learning").fetchall() == [("Free shipping wins",)]


def test_a_row_changed_since_its_base_is_stale_not_overwritten(pair) -> None:
    alice, _bob = pair
    v1 = transport.push_batch(alice, [engagement("e-a", "Acme"), learning("l-a", "e-a", "one")]).version
    v2 = transport.push_batch(alice, [learning("l-a", "e-a", "two", base=v1)])
    assert v2.written == ("l-a",)
    late = transport.push_batch(alice, [learning("l-a", "e-a", "an edit made before seeing two", base=v1)])
    assert (late.written, late.stale, late.version) == ((), ("l-a",), None)
    assert alice.execute("SELECT statement FROM learning").fetchone() == ("two",)
    fresh = transport.push_batch(
        alice, [learning("l-x", "e-a", "new", base=None), learning("l-a", "e-a", "x")]
    )
    assert fresh.written == ("l-x",)
    assert fresh.stale == ("l-a",)  # an existing row pushed as new is never overwritten blind


def test_a_serialization_failure_is_retried_as_a_whole(pair, monkeypatch: pytest.MonkeyPatch) -> None:
    alice, _bob = pair
    real = transport._push_fast
    calls: list[int] = []

    def failing_once(conn, rows):
        calls.append(len(rows))
        if len(calls) == 1:  # the server aborts the first attempt midway (SQLSTATE 40001)
            real(conn, rows[:1])
            conn.execute("DO $$ BEGIN RAISE EXCEPTION 'could not serialize' USING ERRCODE = '40001'; END $$")
        return real(conn, rows)

    monkeypatch.setattr(transport, "_push_fast", failing_once)
    result = transport.push_batch(alice, [engagement("e-a", "Acme"), learning("l-a", "e-a", "one")])
    assert result.attempts == 2
    assert result.written == ("e-a", "l-a")
    assert calls == [2, 2]
    assert alice.execute("SELECT count(*) FROM engagement").fetchone() == (1,)
    assert alice.execute("SELECT count(*) FROM learning").fetchone() == (1,)


def test_a_deadlock_in_the_row_by_row_path_is_retried_too(pair, monkeypatch: pytest.MonkeyPatch) -> None:
    alice, bob = pair
    transport.push_batch(alice, [engagement("e-a", "Acme")])
    real = transport._write_row
    calls: list[str] = []

    def deadlocking_once(conn, row):
        calls.append(row.uuid)
        if len(calls) == 2:
            conn.execute("DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = '40P01'; END $$")
        return real(conn, row)

    monkeypatch.setattr(transport, "_write_row", deadlocking_once)
    # A refused row sends the batch row by row; the deadlock there retries the whole batch.
    result = transport.push_batch(bob, [engagement("e-b", "Bolt"), learning("l-x", "e-a", "planted")])
    assert result.attempts == 2
    assert result.written == ("e-b",)
    assert [u for u, _ in result.refused] == ["l-x"]
    assert bob.execute("SELECT count(*) FROM engagement").fetchone() == (1,)


def test_pulling_in_pages_never_skips_or_repeats_even_within_one_push(pair) -> None:
    alice, bob = pair
    transport.push_batch(
        alice,
        [engagement("e-a", "Acme"), *(learning(f"l-{i:02}", "e-a", f"learning {i}") for i in range(20))],
    )
    transport.push_batch(alice, [learning("l-late", "e-a", "after")])
    transport.push_batch(bob, [engagement("e-b", "Bolt")])  # not alice's to see

    seen: list[str] = []
    cursor = Cursor()
    pages = 0
    while True:
        page = transport.pull_page(alice, cursor, limit=7)
        seen += [r.uuid for r in page.rows]
        cursor = page.cursor
        pages += 1
        if pages == 2:  # a push between two pages comes after, once
            transport.push_batch(alice, [learning("l-between", "e-a", "meanwhile")])
        if not page.more:
            break
    assert seen[0] == "e-a"
    assert sorted(seen) == sorted({*seen})
    assert set(seen) == {"e-a", "l-late", "l-between", *(f"l-{i:02}" for i in range(20))}
    assert seen[-2:] == ["l-late", "l-between"]
    row = transport.pull_page(alice, Cursor(), limit=2).rows[1]
    assert row.table == "learning"
    assert row.values["engagement_id"] == "e-a"  # a reference travels as the parent's uuid
    assert transport.pull_page(alice, cursor).rows == []
