"""The team's learning library from a laptop, against the real server: every consultant finds
every learning, a colleague's client shows as its type, private learnings stay with those who
may see the engagement."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mwms_desktop import cli
from mwms_desktop.team import address, library, membership
from mwms_desktop.team.errors import Offline, TeamError
from tests.team.helpers import add, free_port_nobody_uses, insert_engagement, insert_learning, login
from tests.team.pg_server import TestServer
from tests.team.sync_laptops import SyncLaptop

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
MASKED = "an ecommerce growth client"


@pytest.fixture
def team(pg_server: TestServer, team_db: str, memory_keyring, tmp_path: Path):
    """alice's and bob's engagements on the server (hand-made rows), and a laptop for each of
    alice, bob and hana (head office), joined as themselves."""
    creds = {
        "alice": add(pg_server, team_db, "alice"),
        "bob": add(pg_server, team_db, "bob"),
        "hana": add(pg_server, team_db, "hana", head_office=True),
    }
    with login(pg_server, team_db, *creds["alice"]) as alice:
        eid = insert_engagement(alice, "e-alice", "Acme Retail", notes="budget is tight")
        insert_learning(alice, eid, "l-open", "Free shipping beats discounts at checkout")
        insert_learning(alice, eid, "l-private", "Free shipping upsets the CFO", private=True)
        alice.execute("UPDATE learning SET tags = 'checkout, pricing' WHERE uuid = 'l-open'")
    with login(pg_server, team_db, *creds["bob"]) as bob:
        eid = insert_engagement(bob, "e-bob", "Bolt Bikes")
        insert_learning(bob, eid, "l-bob", "Shipping estimates on the product page lift conversion")
        bob.execute("UPDATE engagement SET engagement_type = 'ai_advisory' WHERE id = %s", (eid,))
    laptops = {who: SyncLaptop(tmp_path, who, T0).join(pg_server, team_db, *c) for who, c in creds.items()}
    return laptops, creds


def remember(url: str) -> None:
    """Joined to ``url`` without asking the server (as a laptop that joined while it answered)."""
    found_address, secret = address.parse(url)
    membership.remember(found_address, secret or "")


def found(laptop: SyncLaptop, text: str, **kwargs) -> list[library.TeamLearning]:
    with laptop.open():
        return library.search(text, ask=None, **kwargs)


def test_a_consultant_finds_a_colleagues_learning_with_the_client_masked(team) -> None:
    laptops, _creds = team
    hits = found(laptops["bob"], "shipping")
    by_uuid = {h.uuid: h for h in hits}
    assert set(by_uuid) == {"l-open", "l-bob"}  # never alice's private one
    theirs, mine = by_uuid["l-open"], by_uuid["l-bob"]
    assert (theirs.client, theirs.visible, theirs.engagement_type) == (MASKED, False, "Ecommerce growth")
    assert theirs.statement == "Free shipping beats discounts at checkout"
    assert theirs.tags == ("checkout", "pricing")
    assert theirs.confidence == "high"
    assert theirs.recorded_at == datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    assert (mine.client, mine.visible, mine.engagement_type) == ("Bolt Bikes", True, "AI system advisory")
    assert "Acme" not in repr(hits)


def test_the_owner_finds_their_private_learning_and_head_office_sees_names(team) -> None:
    laptops, _creds = team
    alice = {h.uuid: h.client for h in found(laptops["alice"], "free shipping")}
    assert alice == {"l-open": "Acme Retail", "l-private": "Acme Retail"}
    hana = {h.uuid: (h.client, h.visible) for h in found(laptops["hana"], "shipping")}
    assert hana == {
        "l-open": ("Acme Retail", True),
        "l-private": ("Acme Retail", True),
        "l-bob": ("Bolt Bikes", True),
    }


def test_a_shared_engagement_shows_its_client(team, pg_server: TestServer, team_db: str) -> None:
    laptops, creds = team
    from db.server import roles

    with login(pg_server, team_db, *creds["alice"]) as alice:
        roles.share(alice, "e-alice", creds["bob"][0])
    bob = {h.uuid: h.client for h in found(laptops["bob"], "free")}
    assert bob == {"l-open": "Acme Retail", "l-private": "Acme Retail"}


def test_words_match_as_prefixes_ranked_and_tokens_narrow(team) -> None:
    laptops, _creds = team
    bob = laptops["bob"]
    assert {h.uuid for h in found(bob, "SHIP")} == {"l-open", "l-bob"}
    assert [h.uuid for h in found(bob, "shipping checkout")] == ["l-open"]  # every word, tags too
    assert [h.uuid for h in found(bob, "ship tag:pricing")] == ["l-open"]
    assert [h.uuid for h in found(bob, "ship type:ai_advisory")] == ["l-bob"]
    assert [h.uuid for h in found(bob, "ship", types=["ai_advisory"])] == ["l-bob"]
    assert [h.uuid for h in found(bob, "", tags=["Checkout"])] == ["l-open"]
    assert found(bob, "ship", limit=1)[0].uuid in {"l-open", "l-bob"}
    assert len(found(bob, "ship", limit=1)) == 1
    # Nothing but tokens, or nothing at all: the newest first.
    assert {h.uuid for h in found(bob, "")} == {"l-open", "l-bob"}
    assert found(bob, "nothing-like-this") == []


def test_whatever_is_typed_is_a_search_and_never_reaches_the_sql(
    team, pg_server: TestServer, team_db: str
) -> None:
    laptops, creds = team
    bob = laptops["bob"]
    for text in (
        "'); DROP TABLE learning; --",
        '"free shipping',
        "free & | ! <-> :* (",
        "ship_ping",
        "*",
        "a AND (b OR",
        "%(limit)s %s {narrow}",
        "\\x00 \\' '' \"",
    ):
        assert isinstance(found(bob, text), list), text
    assert {h.uuid for h in found(bob, '"Free" (ship*')} == {"l-open"}  # marks are not operators
    assert found(bob, "'); DROP TABLE learning; --") == []
    with login(pg_server, team_db, *creds["alice"]) as alice:
        assert alice.execute("SELECT count(*) FROM learning").fetchone() == (2,)


def test_markup_in_a_client_name_comes_back_as_written(team, pg_server: TestServer, team_db: str) -> None:
    laptops, creds = team
    name = "<b>Müller & Söhne</b> <script>x</script>"
    with login(pg_server, team_db, *creds["bob"]) as bob:
        eid = insert_engagement(bob, "e-markup", name)
        insert_learning(bob, eid, "l-markup", "Trust badges near the buy button")
    (hit,) = found(laptops["bob"], "trust badges")
    assert hit.client == name
    (masked,) = found(laptops["alice"], "trust badges")
    assert masked.client == MASKED


def test_not_joined_and_offline_each_say_one_line(
    team, pg_server: TestServer, team_db: str, tmp_path: Path
) -> None:
    _laptops, creds = team
    alone = SyncLaptop(tmp_path, "alone", T0)
    with alone.open(), pytest.raises(TeamError, match="has not joined a team") as no_team:
        library.search("shipping", ask=None)
    assert "\n" not in str(no_team.value)

    dead = free_port_nobody_uses()
    far = SyncLaptop(tmp_path, "far", T0)
    name, password = creds["bob"]
    with far.open():
        remember(f"postgresql://{name}:{password}@127.0.0.1:{dead}/{team_db}")
        with pytest.raises(Offline) as offline:
            library.search("shipping", ask=None)
    assert (
        str(offline.value)
        == f"No team server answers at 127.0.0.1:{dead}: is it running, and is the address right?"
    )


def test_a_limit_out_of_range_is_refused_in_one_line() -> None:
    with pytest.raises(TeamError, match="from 1 to 10000"):
        library.search("x", limit=0, ask=None)


# --- the command line ---------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_prints_the_team_library_with_clients_masked(team, capsys) -> None:
    laptops, _creds = team
    db = str(laptops["bob"].path)
    code, out, err = run(capsys, "--db", db, "library", "search", "shipping", "--team")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 2
    assert any(
        f"{MASKED} (Ecommerce growth): Free shipping beats discounts at checkout" in ln for ln in lines
    )
    assert any("Bolt Bikes (AI system advisory): Shipping estimates" in ln for ln in lines)
    assert "Acme" not in out
    assert "CFO" not in out

    code, out, err = run(capsys, "--db", db, "library", "search", "ship", "--team", "--json", "--limit", "1")
    assert (code, err) == (0, "")
    (row,) = json.loads(out)
    assert set(row) == {"uuid", "statement", "confidence", "tags", "recorded_at", "client",
                        "engagement_type", "visible"}  # fmt: skip

    code, out, err = run(
        capsys, "--db", db, "library", "search", "ship", "--team", "--tag", "pricing", "--json"
    )
    assert [r["uuid"] for r in json.loads(out)] == ["l-open"]
    assert json.loads(out)[0]["client"] == MASKED

    code, out, err = run(capsys, "--db", db, "library", "search", "zzz", "--team")
    assert (code, out) == (0, "Nothing found in the team library.\n")

    code, out, err = run(capsys, "--db", db, "library", "search", "ship", "--team", "--result", "win")
    assert (code, out) == (1, "")
    assert err == "mwms-desktop: --team searches learnings only: --result cannot be used with it.\n"


def test_the_cli_offline_and_not_joined_say_one_line(
    team, pg_server: TestServer, team_db: str, tmp_path: Path, capsys
) -> None:
    _laptops, creds = team
    alone = SyncLaptop(tmp_path, "alone", T0)
    with alone.open():
        pass
    code, out, err = run(capsys, "--db", str(alone.path), "library", "search", "x", "--team")
    assert (code, out) == (1, "")
    assert err.startswith("mwms-desktop: This database has not joined a team")
    assert err.count("\n") == 1

    dead = free_port_nobody_uses()
    name, password = creds["bob"]
    with alone.open():  # joined, with its password kept, to a server that went away
        remember(f"postgresql://{name}:{password}@127.0.0.1:{dead}/{team_db}")
    code, out, err = run(capsys, "--db", str(alone.path), "library", "search", "x", "--team")
    assert (code, out) == (1, "")
    assert err == f"mwms-desktop: No team server answers at 127.0.0.1:{dead}: " + (
        "is it running, and is the address right?\n"
    )
