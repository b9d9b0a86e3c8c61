"""Server-assigned versions: every row written gets the version of its push, taken from one
counter row locked for the transaction, whatever SQL the client sends."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from db.server import roles
from tests.team.helpers import add, insert_engagement, insert_learning, login
from tests.team.pg_server import TestServer


@pytest.fixture
def pair(pg_server: TestServer, team_db: str):
    alice, bob = add(pg_server, team_db, "alice"), add(pg_server, team_db, "bob")
    a, b = login(pg_server, team_db, *alice), login(pg_server, team_db, *bob)
    yield a, b, alice[0], bob[0]
    a.close()
    b.close()


def counter(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT value FROM sync_counter").fetchone()[0]


def test_one_push_one_version_and_a_client_cannot_choose_it(pair) -> None:
    alice, _bob, _a, _b = pair
    before = counter(alice)
    with alice.transaction():
        eid = insert_engagement(alice, "e1", "Acme Retail")
        insert_learning(alice, eid, "l1", "Free shipping beats discounts")
    assert alice.execute(
        "SELECT server_version FROM engagement UNION ALL SELECT server_version FROM learning"
    ).fetchall() == [
        (before + 1,),
        (before + 1,),
    ]
    alice.execute("UPDATE engagement SET client = 'Acme', server_version = 999999 WHERE id = %s", (eid,))
    assert alice.execute("SELECT server_version FROM engagement").fetchone() == (before + 2,)
    assert counter(alice) == before + 2
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        alice.execute("UPDATE sync_counter SET value = value + 1000")


def test_a_later_push_waits_for_the_earlier_one_so_no_cursor_passes_it(pair) -> None:
    alice, bob, _a, _b = pair
    alice.autocommit = False
    insert_engagement(alice, "e-first", "First")  # takes the counter; not committed yet
    done: list[int] = []

    def push() -> None:
        insert_engagement(bob, "e-second", "Second")
        done.append(
            bob.execute("SELECT server_version FROM engagement WHERE uuid = 'e-second'").fetchone()[0]
        )

    worker = threading.Thread(target=push)
    worker.start()
    time.sleep(0.5)
    assert worker.is_alive()  # waits on the counter row
    assert not done
    first = alice.execute("SELECT server_version FROM engagement WHERE uuid = 'e-first'").fetchone()[0]
    alice.commit()
    worker.join(10)
    assert done == [first + 1]


def test_sharing_brings_old_rows_past_the_colleagues_cursor(pair) -> None:
    alice, bob, _a, bob_name = pair
    eid = insert_engagement(alice, "e1", "Acme Retail")
    insert_learning(alice, eid, "l1", "Free shipping beats discounts")
    cursor = counter(bob)  # bob has pulled everything there is for him
    roles.share(alice, "e1", bob_name)
    pulled = bob.execute(
        "SELECT uuid FROM engagement WHERE server_version > %s UNION ALL"
        " SELECT uuid FROM learning WHERE server_version > %s ORDER BY 1",
        (cursor, cursor),
    ).fetchall()
    assert pulled == [("e1",), ("l1",)]
