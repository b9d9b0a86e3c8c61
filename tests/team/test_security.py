"""Row-level security on the real server: each consultant connects with their own role and
tries, with hand-written SQL, to read and change what is not theirs."""

from __future__ import annotations

import psycopg
import pytest

from db.server import roles
from tests.team.helpers import add, insert_engagement, insert_learning, login
from tests.team.pg_server import TestServer


@pytest.fixture
def team(pg_server: TestServer, team_db: str):
    alice = add(pg_server, team_db, "alice")
    bob = add(pg_server, team_db, "bob")
    hana = add(pg_server, team_db, "hana", head_office=True)
    conns = {
        who: login(pg_server, team_db, *creds)
        for who, creds in (("alice", alice), ("bob", bob), ("hana", hana))
    }
    names = {"alice": alice[0], "bob": bob[0], "hana": hana[0]}
    yield conns, names
    for conn in conns.values():
        conn.close()


def test_a_consultant_cannot_read_or_change_anothers_engagement(team) -> None:
    conns, names = team
    alice, bob = conns["alice"], conns["bob"]
    eid = insert_engagement(alice, "e-alice", "Acme Retail", notes="budget is tight")
    insert_learning(alice, eid, "l-alice", "Free shipping beats discounts")

    assert bob.execute("SELECT count(*) FROM engagement").fetchone() == (0,)
    assert bob.execute("SELECT count(*) FROM learning").fetchone() == (0,)
    assert bob.execute("UPDATE engagement SET client = 'hijacked' WHERE id = %s", (eid,)).rowcount == 0
    assert bob.execute("DELETE FROM learning WHERE uuid = 'l-alice'").rowcount == 0
    assert bob.execute("DELETE FROM engagement WHERE id = %s", (eid,)).rowcount == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        insert_learning(bob, eid, "l-bob", "planted in alice's engagement")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        insert_engagement(bob, "e-bob", "posing as alice's", owner_role=names["alice"])
    for statement in (
        "ALTER TABLE engagement DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE engagement NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY team_read ON engagement",
        "INSERT INTO engagement_share (engagement_id, role_name) VALUES (%s, current_user)",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bob.execute(statement, (eid,) if "%s" in statement else None)

    # Nothing of alice's changed.
    row = alice.execute("SELECT client, notes FROM engagement WHERE id = %s", (eid,)).fetchone()
    assert row == ("Acme Retail", "budget is tight")
    assert alice.execute("SELECT statement FROM learning").fetchall() == [("Free shipping beats discounts",)]


def test_an_owner_cannot_give_an_engagement_away_or_take_one(team) -> None:
    conns, names = team
    eid = insert_engagement(conns["alice"], "e-alice", "Acme Retail")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conns["alice"].execute("UPDATE engagement SET owner_role = %s WHERE id = %s", (names["bob"], eid))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conns["bob"].execute("UPDATE engagement SET owner_role = current_user WHERE id = %s", (eid,))


def test_head_office_reads_all_but_writes_only_its_own_or_shared(team) -> None:
    conns, _names = team
    eid = insert_engagement(conns["alice"], "e-alice", "Acme Retail")
    insert_learning(conns["alice"], eid, "l-alice", "Free shipping beats discounts")
    insert_engagement(conns["bob"], "e-bob", "Bolt Bikes")
    hana = conns["hana"]
    assert hana.execute("SELECT client FROM engagement ORDER BY client").fetchall() == [
        ("Acme Retail",),
        ("Bolt Bikes",),
    ]
    assert hana.execute("SELECT uuid FROM learning").fetchall() == [("l-alice",)]
    assert hana.execute("UPDATE engagement SET client = 'renamed' WHERE id = %s", (eid,)).rowcount == 0


def test_sharing_lets_a_colleague_work_on_it_and_only_the_owner_shares(team) -> None:
    conns, names = team
    alice, bob = conns["alice"], conns["bob"]
    eid = insert_engagement(alice, "e-alice", "Acme Retail")
    with pytest.raises(roles.RoleError, match="Only the engagement's owner"):
        roles.share(bob, "e-alice", names["bob"])
    with pytest.raises(roles.RoleError, match="No consultant"):
        roles.share(alice, "e-alice", "nobody_here")
    with pytest.raises(roles.RoleError, match="not on the team server yet"):
        roles.share(alice, "e-unknown", names["bob"])

    roles.share(alice, "e-alice", names["bob"])
    assert bob.execute("SELECT client FROM engagement").fetchall() == [("Acme Retail",)]
    assert bob.execute("UPDATE engagement SET next_action = 'call' WHERE id = %s", (eid,)).rowcount == 1
    insert_learning(bob, eid, "l-bob", "Bob learned it here")
    assert alice.execute("SELECT uuid FROM learning").fetchall() == [("l-bob",)]
    with pytest.raises(roles.RoleError, match="Only the engagement's owner"):  # bob cannot pass it on
        roles.share(bob, "e-alice", names["hana"])


def test_the_library_spans_the_team_but_hides_clients_and_private_learnings(team) -> None:
    conns, _names = team
    alice, bob, hana = conns["alice"], conns["bob"], conns["hana"]
    eid = insert_engagement(alice, "e-alice", "Acme Retail", notes="budget is tight")
    insert_learning(alice, eid, "l-open", "Free shipping beats discounts")
    insert_learning(alice, eid, "l-private", "The CFO blocks every test", private=True)
    query = "SELECT uuid, client, engagement_notes FROM learning_library ORDER BY uuid"

    assert bob.execute(query).fetchall() == [("l-open", "an ecommerce growth client", "")]
    assert alice.execute(query).fetchall() == [
        ("l-open", "Acme Retail", "budget is tight"),
        ("l-private", "Acme Retail", "budget is tight"),
    ]
    assert [r[:2] for r in hana.execute(query).fetchall()] == [
        ("l-open", "Acme Retail"),
        ("l-private", "Acme Retail"),
    ]


def test_thresholds_are_head_offices_to_set(team) -> None:
    conns, _names = team
    conns["hana"].execute("INSERT INTO team_threshold (key, value) VALUES ('stall_days', 14)")
    assert conns["bob"].execute("SELECT key, value FROM team_threshold").fetchall() == [("stall_days", 14)]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conns["bob"].execute("UPDATE team_threshold SET value = 99")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conns["bob"].execute("INSERT INTO team_threshold (key, value) VALUES ('wip_execution', 99)")


def test_tables_are_owned_by_a_role_nobody_logs_in_as_with_rls_forced(
    pg_server: TestServer, team_db: str
) -> None:
    with psycopg.connect(pg_server.url(team_db)) as conn:
        rows = conn.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, r.rolcanlogin, r.rolname"
            " FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
            " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'"
        ).fetchall()
        meta_owner = conn.execute("SELECT owner_role FROM team_meta").fetchone()
    assert len(rows) >= 14
    assert {(r[1], r[2], r[3], r[4]) for r in rows} == {(True, True, False, meta_owner[0])}


def test_a_consultant_of_another_team_cannot_connect(
    pg_server: TestServer, team_db: str, empty_db: str
) -> None:
    from mwms_desktop.team import admin

    admin.init_server(pg_server.url(empty_db))  # another team: roles of its own
    name, password = add(pg_server, team_db, "carol")
    login(pg_server, team_db, name, password).close()
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        login(pg_server, empty_db, name, password).close()


def test_clocks_tombstones_and_content_versions_follow_the_engagement(team) -> None:
    """Schema 2's sync columns and the tombstone table are as closed as the records: another
    consultant neither reads nor changes them with hand-written SQL."""
    conns, _names = team
    alice, bob = conns["alice"], conns["bob"]
    eid = insert_engagement(alice, "e-alice", "Acme Retail")
    insert_learning(alice, eid, "l-alice", "Free shipping beats discounts")
    alice.execute("UPDATE learning SET vv = '{\"d\": 3}', device = 'd' WHERE uuid = 'l-alice'")
    alice.execute(
        "INSERT INTO tombstone (uuid, kind, engagement_id, deleted_at, device, who, vv)"
        " VALUES ('t-alice', 'insights', %s, '2026-11-01T10:00:00+00:00', 'd', 'alice', '{}')",
        (eid,),
    )
    (version,) = alice.execute("SELECT content_version FROM engagement WHERE id = %s", (eid,)).fetchone()
    assert version > 0  # every write of its rows moved it on

    assert bob.execute("SELECT count(*) FROM tombstone").fetchone() == (0,)
    assert bob.execute("SELECT vv, dots, device FROM learning").fetchall() == []
    assert bob.execute("UPDATE learning SET vv = '{}' WHERE uuid = 'l-alice'").rowcount == 0
    assert (
        bob.execute("UPDATE engagement SET content_version = 0, vv = '{}' WHERE id = %s", (eid,)).rowcount
        == 0
    )
    assert bob.execute("DELETE FROM tombstone WHERE uuid = 't-alice'").rowcount == 0
    assert bob.execute("UPDATE tombstone SET deleted_at = '2030-01-01' WHERE uuid = 't-alice'").rowcount == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        bob.execute(
            "INSERT INTO tombstone (uuid, kind, engagement_id, deleted_at, device, who, vv)"
            " VALUES ('t-bob', 'learnings', %s, '2026-11-01T10:00:00+00:00', 'd', 'bob', '{}')",
            (eid,),
        )
    for statement in (
        "ALTER TABLE tombstone DISABLE ROW LEVEL SECURITY",
        "DROP TRIGGER touch_engagement ON learning",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bob.execute(statement)

    assert alice.execute("SELECT uuid, deleted_at FROM tombstone").fetchall() == [
        ("t-alice", "2026-11-01T10:00:00+00:00")
    ]
    assert alice.execute("SELECT vv FROM learning").fetchall() == [({"d": 3},)]
    assert alice.execute("SELECT content_version FROM engagement").fetchone() == (version,)
