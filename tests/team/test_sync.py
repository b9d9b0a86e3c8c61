"""Two-way sync against the real server: laptops converge, nothing is lost or doubled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from mwms_desktop import sync
from mwms_desktop.clock import FixedClock
from mwms_desktop.team.errors import TeamError
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
    assert (got.pulled, got.waiting) == (1, 0)
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
    assert (merged.conflicts, merged.waiting) == (1, 0)
    a.sync()
    assert a.dump() == b.dump()
    with a.open() as s:
        (card,) = s.portfolio.cards(None)
        assert s.portfolio.card(card.id).notes == "newer, from b"
    (conflict,) = b.conflicts()
    assert "older, from a" in str(conflict.theirs)
    assert "newer, from b" in str(conflict.mine)


def alice_and_head_office(
    server: TestServer, db: str, alice: tuple[str, str], tmp_path: Path
) -> tuple[SyncLaptop, SyncLaptop]:
    """Alice's laptop and head office's (hana's), both holding alice's "Acme Retail"."""
    hana = add(server, db, "hana", head_office=True)
    a = SyncLaptop(tmp_path, "alice", T0).join(server, db, *alice)
    h = SyncLaptop(tmp_path, "hana", T0).join(server, db, *hana)
    with a.open() as s:
        s.portfolio.add("Acme Retail", "ecommerce_growth")
    a.sync()
    h.sync()
    return a, h


def acme(laptop: SyncLaptop) -> list[dict]:
    return [e for e in laptop.dump() if e.get("client") == "Acme Retail"]


def test_what_the_server_refuses_is_reported_and_blocks_nothing_else(
    pg_server: TestServer, team_db: str, alice, memory_keyring, tmp_path: Path
) -> None:
    """Head office reads alice's engagement but may not change it: hana's edit of it is
    refused with one line, kept in a bundle file, and her copy is the server's again (nothing
    left waiting for ever); her own engagement goes through. Alice can import the file."""
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
        acme_id = card.id
        s.portfolio.update(card.id, notes="head office was here")
        s.portfolio.add("Hana's own", "ecommerce_growth")
        st = s.records.add("stakeholder", card.id, name="Hana's contact", role="Buyer")
    report = h.sync()
    assert (report.pushed, report.waiting) == (1, 0)
    (line,) = report.refused
    assert line.startswith("The server refused engagement 'Acme Retail'")
    assert "\n" not in line
    kept = Path(line.split("your changes are kept in ", 1)[1].split(" (its owner", 1)[0])
    assert kept.parent == h.path.parent / "refused-changes"
    assert "head office was here" in kept.read_text(encoding="utf-8")
    assert a.sync().pulled == 0  # alice's engagement is as she left it
    assert acme(h) == acme(a)  # hana's copy is the server's again: converged
    with h.open() as s:  # under its local id still: an open workspace, the board find it
        assert s.portfolio.detail(acme_id).card.client == "Acme Retail"
        assert s.portfolio.detail(acme_id).card.notes == ""
    assert h.sync().refused == ()  # and it is not refused again on the next sync

    report = a.receive(kept)  # the owner takes hana's changes from the file
    assert report.conflicts == 0
    with a.open() as s:
        (card,) = s.portfolio.cards(None)
        assert s.portfolio.card(card.id).notes == "head office was here"
        assert [x.uuid for x in s.lifecycle.detail(card.id).stakeholders] == [st.uuid]
    assert a.sync().pushed == 1
    assert h.sync().pulled == 1
    assert acme(h) == acme(a)

    conn = login(pg_server, team_db, *alice)
    try:
        (uuid,) = conn.execute("SELECT uuid FROM engagement WHERE client = 'Acme Retail'").fetchone()
        roles.share(conn, uuid, bob[0])
    finally:
        conn.close()
    assert b.sync().pulled == 1  # shared: bob's laptop takes it on its next sync


def test_refused_changes_that_no_file_can_keep_stay_waiting_untouched(
    pg_server: TestServer, team_db: str, alice, memory_keyring, tmp_path: Path
) -> None:
    """Keeping head office's refused changes needs a file: when none can be written (here the
    folder's name is taken by a file), nothing is replaced; they stay waiting, said so."""
    a, h = alice_and_head_office(pg_server, team_db, alice, tmp_path)
    with h.open() as s:
        (card,) = s.portfolio.cards(None)
        s.portfolio.update(card.id, notes="head office was here")
    (h.path.parent / "refused-changes").write_text("in the way")
    report = h.sync()
    assert report.waiting == 1
    (line,) = report.refused
    assert "its changes stay waiting" in line
    assert "\n" not in line
    with h.open() as s:
        (card,) = s.portfolio.cards(None)
        assert s.portfolio.card(card.id).notes == "head office was here"

    (h.path.parent / "refused-changes").unlink()  # room again: the next sync keeps and converges
    again = h.sync()
    assert again.waiting == 0
    assert "your changes are kept in" in again.refused[0]
    assert acme(h) == acme(a)


def test_a_reset_settles_the_conflicts_of_the_version_it_kept_in_a_file(
    pg_server: TestServer, team_db: str, alice, memory_keyring, tmp_path: Path
) -> None:
    """Hana's later edit of alice's notes wins her merge (a conflict is listed), then the
    server refuses it: the engagement is the server's again and the conflict is settled as
    theirs (resolving it as "mine" would write the refused version back, for ever)."""
    a, h = alice_and_head_office(pg_server, team_db, alice, tmp_path)
    with a.at(T0 + timedelta(minutes=1)).open() as s:
        (card,) = s.portfolio.cards(None)
        s.portfolio.update(card.id, notes="alice's")
    a.sync()
    with h.at(T0 + timedelta(minutes=2)).open() as s:
        (card,) = s.portfolio.cards(None)
        s.portfolio.update(card.id, notes="hana's")
    report = h.sync()
    assert (report.conflicts, report.waiting) == (1, 0)
    assert "your changes are kept in" in report.refused[0]
    assert acme(h) == acme(a)
    assert h.conflicts() == []  # settled: none open
    assert h.status().conflicts == 0


def test_each_reset_keeps_its_own_file(
    pg_server: TestServer, team_db: str, alice, memory_keyring, tmp_path: Path
) -> None:
    """Two refused edits in the same second: two kept files, neither written over."""
    _alice, h = alice_and_head_office(pg_server, team_db, alice, tmp_path)
    for edit in ("first HO edit", "second HO edit"):
        with h.open() as s:
            (card,) = s.portfolio.cards(None)
            s.portfolio.update(card.id, notes=edit)
        assert h.sync().waiting == 0
    kept = sorted((h.path.parent / "refused-changes").iterdir())
    assert len(kept) == 2
    texts = [f.read_text(encoding="utf-8") for f in kept]
    assert any("first HO edit" in t for t in texts)
    assert any("second HO edit" in t for t in texts)


def test_a_batch_writes_parents_first_across_its_engagements(
    pg_server: TestServer, team_db: str, alice, memory_keyring, tmp_path: Path
) -> None:
    """One engagement changes only a cycle, the next (later in the batch) gets a new
    hypothesis and a cycle testing it: the server's cycle still points at its hypothesis."""
    a, b = laptops(tmp_path, pg_server, team_db, alice, 2)
    with a.open() as s:
        first = s.portfolio.add("First", "ecommerce_growth").id
        hyp = s.records.add("hypothesis", first, statement="Free shipping", impact=5, confidence=5, ease=5)
        cycle = s.records.add("cycle", first, title="Shipping test", hypothesis_id=hyp.id)
        second = s.portfolio.add("Second", "ecommerce_growth").id
    a.sync()
    with a.open() as s:
        s.records.update("cycle", cycle.id, title="Shipping test, week 2")
        hyp2 = s.records.add("hypothesis", second, statement="Clear prices", impact=5, confidence=5, ease=5)
        cycle2 = s.records.add("cycle", second, title="Price test", hypothesis_id=hyp2.id)
        c2 = cycle2.uuid
    assert a.sync().pushed == 2
    with psycopg.connect(pg_server.url(team_db)) as conn:
        row = conn.execute(
            "SELECT h.uuid FROM cycle c JOIN hypothesis h ON h.id = c.hypothesis_id WHERE c.uuid = %s", (c2,)
        ).fetchone()
    assert row == (hyp2.uuid,)
    b.sync()
    assert a.dump() == b.dump()


def test_a_sync_takes_head_offices_thresholds(
    pg_server: TestServer, team_db: str, alice, memory_keyring, tmp_path: Path
) -> None:
    with psycopg.connect(pg_server.url(team_db), autocommit=True) as conn:
        conn.execute("INSERT INTO team_threshold (key, value) VALUES ('stall_days', 9), ('wip_execution', 4)")
    (a,) = laptops(tmp_path, pg_server, team_db, alice, 1)
    a.sync()
    with a.open() as s:
        assert s.portfolio.thresholds().stall_days == 9
        assert sync.head_office_thresholds() == {"stall_days": 9, "wip_execution": 4}


def test_a_laptop_clock_more_than_five_minutes_off_is_refused(
    pg_server: TestServer, team_db: str, alice, memory_keyring, tmp_path: Path
) -> None:
    (a,) = laptops(tmp_path, pg_server, team_db, alice, 1)
    with a.open() as s:
        s.portfolio.add("Acme Retail", "ecommerce_growth")
        ahead = FixedClock(datetime.now(UTC) + timedelta(minutes=7))
        with pytest.raises(TeamError, match=r"clock is [67] min \d+ s ahead of the team server.s"):
            sync.run(clock=ahead)
        assert sync.status().waiting == 1  # refused before anything moved
        assert sync.status().last_sync_at is None


def test_a_cancelled_sync_stops_between_batches_and_the_next_one_finishes(
    pg_server: TestServer, team_db: str, alice, memory_keyring, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("MWMS_SYNC_BATCH", "1")
    (a,) = laptops(tmp_path, pg_server, team_db, alice, 1)
    with a.open() as s:
        for n in range(4):
            s.portfolio.add(f"Client {n}", "ecommerce_growth")
    seen: list[tuple[str, int, int]] = []
    with a.open():
        report = sync.run(progress=lambda *p: seen.append(p), cancelled=lambda: len(seen) >= 2)
        assert (report.pushed, report.waiting) == (2, 2)
        assert seen == [("push", 1, 4), ("push", 2, 4)]
        assert sync.status().last_sync_at is None  # not a whole sync
    report = a.sync()
    assert (report.pushed, report.waiting) == (2, 0)
    assert a.status().last_sync_at == report.finished_at.replace(microsecond=0)


def test_a_row_the_server_refuses_leaves_the_rest_of_the_batch_written(
    pg_server: TestServer, team_db: str, alice, memory_keyring, tmp_path: Path
) -> None:
    """A constraint of the server's (here one its administrator added) refuses one
    engagement's record: that engagement is reported and waits; the batch's others go."""
    with psycopg.connect(pg_server.url(team_db), autocommit=True) as conn:
        conn.execute("ALTER TABLE stakeholder ADD CONSTRAINT no_forbidden CHECK (name <> 'Forbidden')")
    (a,) = laptops(tmp_path, pg_server, team_db, alice, 1)
    with a.open() as s:
        for client in ("Acme Retail", "Bolt Bikes", "Cora Cosmetics"):
            card = s.portfolio.add(client, "ecommerce_growth")
            s.records.add("stakeholder", card.id, name="Forbidden" if client == "Bolt Bikes" else "Sam")
    report = a.sync()
    assert (report.pushed, report.waiting) == (2, 1)
    (line,) = report.refused
    assert line.startswith("The server refused engagement 'Bolt Bikes'")
    assert "no_forbidden" in line
    with psycopg.connect(pg_server.url(team_db)) as conn:
        assert conn.execute("SELECT client FROM engagement ORDER BY client").fetchall() == [
            ("Acme Retail",),
            ("Cora Cosmetics",),
        ]
