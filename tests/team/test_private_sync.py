"""A learning marked private on a laptop reaches the server's ``learning.private`` by sync:
a colleague's team search no longer finds it, the owner's other laptop has it private too,
and unmarking it brings it back to the team library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from mwms_desktop.team import library
from tests.team.helpers import add, login
from tests.team.pg_server import TestServer
from tests.team.sync_laptops import SyncLaptop

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
MASKED = "an ecommerce growth client"


def team_search(laptop: SyncLaptop, text: str) -> dict[str, str]:
    with laptop.open():
        return {t.statement: t.client for t in library.search(text, ask=None)}


def test_a_learning_marked_private_and_synced_is_not_found_by_a_colleague(
    pg_server: TestServer, team_db: str, memory_keyring, tmp_path: Path
) -> None:
    alice, bob = add(pg_server, team_db, "alice"), add(pg_server, team_db, "bob")
    a1 = SyncLaptop(tmp_path, "a1", T0).join(pg_server, team_db, *alice)
    a2 = SyncLaptop(tmp_path, "a2", T0).join(pg_server, team_db, *alice)
    b = SyncLaptop(tmp_path, "b", T0).join(pg_server, team_db, *bob)
    with a1.open() as s:
        eid = s.portfolio.add("Acme Retail", "ecommerce_growth").id
        secret = s.records.add("learning", eid, statement="Free shipping upsets the CFO").id
        s.records.add("learning", eid, statement="Free shipping beats discounts")
    a1.sync()
    assert team_search(b, "shipping") == {
        "Free shipping upsets the CFO": MASKED,
        "Free shipping beats discounts": MASKED,
    }

    with a1.at(T0 + timedelta(minutes=1)).open() as s:
        s.records.update("learning", secret, private=True)
    assert a1.sync().pushed == 1
    with login(pg_server, team_db, *alice) as conn:
        rows = conn.execute("SELECT statement, private FROM learning ORDER BY statement").fetchall()
    assert rows == [("Free shipping beats discounts", False), ("Free shipping upsets the CFO", True)]
    assert team_search(b, "shipping") == {"Free shipping beats discounts": MASKED}
    assert team_search(a1, "shipping") == {  # the owner still finds it, by name
        "Free shipping upsets the CFO": "Acme Retail",
        "Free shipping beats discounts": "Acme Retail",
    }
    a2.sync()  # alice's other laptop takes the flag with the rest
    with a2.open() as s:
        (card,) = s.portfolio.cards(None)
        got = {lr.statement: lr.private for lr in s.lifecycle.detail(card.id).learnings}
    assert got == {"Free shipping upsets the CFO": True, "Free shipping beats discounts": False}
    assert a1.dump() == a2.dump()

    with a2.at(T0 + timedelta(minutes=2)).open() as s:
        (card,) = s.portfolio.cards(None)
        (lr,) = [x for x in s.lifecycle.detail(card.id).learnings if x.private]
        s.records.update("learning", lr.id, private=False)
    a2.sync()
    assert "Free shipping upsets the CFO" in team_search(b, "shipping")
