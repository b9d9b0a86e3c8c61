"""Two-way sync against the real server: laptops converge, nothing is lost or doubled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.factories import engagement_at, satisfy
from tests.team.helpers import add
from tests.team.pg_server import TestServer
from tests.team.sync_laptops import SyncLaptop

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def alice(pg_server: TestServer, team_db: str) -> tuple[str, str]:
    return add(pg_server, team_db, "alice")


def laptops(tmp_path: Path, server: TestServer, db: str, creds: tuple[str, str], n: int) -> list[SyncLaptop]:
    return [SyncLaptop(tmp_path, f"l{i}", T0).join(server, db, *creds) for i in range(n)]


def test_an_engagement_travels_whole_and_edits_come_back(
    pg_server: TestServer, team_db: str, alice, memory_keyring, tmp_path: Path
) -> None:
    a, b = laptops(tmp_path, pg_server, team_db, alice, 2)
    with a.open() as s:
        eid = engagement_at(s, "insight")
        satisfy(s, eid, "insight")
        s.records.add("stakeholder", eid, name="Second", role="Analyst")
    first = a.sync()
    assert (first.pushed, first.waiting, first.refused) == (1, 0, ())
    got = b.sync()
    assert got.pulled == 1 and got.waiting == 0
    assert a.dump() == b.dump()

    with b.open() as s:
        (card,) = s.portfolio.cards(None)
        s.portfolio.update(card.id, notes="from b")
        st = s.lifecycle.detail(card.id).stakeholders
        s.records.delete("stakeholder", st[0].id)
    assert b.status().waiting == 1
    assert b.sync().pushed == 1
    assert b.status().waiting == 0
    a.sync()
    assert a.dump() == b.dump()
    again = a.sync()
    assert (again.pulled, again.pushed, again.conflicts) == (0, 0, 0)


def test_a_field_changed_on_two_laptops_keeps_the_newer_and_lists_the_loser(
    pg_server: TestServer, team_db: str, alice, memory_keyring, tmp_path: Path
) -> None:
    a, b = laptops(tmp_path, pg_server, team_db, alice, 2)
    with a.open() as s:
        s.portfolio.add("Acme Retail", "ecommerce_growth")
    a.sync()
    b.sync()
    with a.at(T0 + timedelta(minutes=5)).open() as s:
        (card,) = s.portfolio.cards(None)
        s.portfolio.update(card.id, notes="older, from a")
    with b.at(T0 + timedelta(minutes=9)).open() as s:
        (card,) = s.portfolio.cards(None)
        s.portfolio.update(card.id, notes="newer, from b")
    assert a.sync().pushed == 1
    merged = b.sync()  # the server moved on since b had it: b pulls, merges, pushes the result
    assert merged.conflicts == 1 and merged.waiting == 0
    a.sync()
    assert a.dump() == b.dump()
    with a.open() as s:
        (card,) = s.portfolio.cards(None)
        assert s.portfolio.card(card.id).notes == "newer, from b"
    (conflict,) = b.conflicts()
    assert "older, from a" in str(conflict.theirs) and "newer, from b" in str(conflict.mine)


def test_what_the_server_refuses_is_reported_and_blocks_nothing_else(
    pg_server: TestServer, team_db: str, alice, memory_keyring, tmp_path: Path
) -> None:
    """Head office reads alice's engagement but may not change it: hana's edit of it is
    refused with one line and stays waiting, while her own engagement goes through."""
    from db.server import roles
    from tests.team.helpers import login

    hana = add(pg_server, team_db, "hana", head_office=True)
    bob = add(pg_server, team_db, "bob")
    a = SyncLaptop(tmp_path, "alice", T0).join(pg_server, team_db, *alice)
    h = SyncLaptop(tmp_path, "hana", T0).join(pg_server, team_db, *hana)
    b = SyncLaptop(tmp_path, "bob", T0).join(pg_server, team_db, *bob)
    with a.open() as s:
        s.portfolio.add("Acme Retail", "ecommerce_growth")
    a.sync()
    assert b.sync().pulled == 0  # not bob's to see
    assert h.sync().pulled == 1  # head office reads every engagement
    with h.open() as s:
        (card,) = s.portfolio.cards(None)
        s.portfolio.update(card.id, notes="head office was here")
        s.portfolio.add("Hana's own", "ecommerce_growth")
    report = h.sync()
    assert report.pushed == 1 and report.waiting == 1
    (line,) = report.refused
    assert line.startswith("The server refused engagement 'Acme Retail'") and "\n" not in line
    assert a.sync().pulled == 0  # alice's engagement is as she left it

    conn = login(pg_server, team_db, *alice)
    try:
        (uuid,) = conn.execute("SELECT uuid FROM engagement WHERE client = 'Acme Retail'").fetchone()
        roles.share(conn, uuid, bob[0])
    finally:
        conn.close()
    assert b.sync().pulled == 1  # shared: bob's laptop takes it on its next sync
