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
