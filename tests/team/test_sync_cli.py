"""``mwms-desktop sync`` from the command line: what it prints, and one clear line for each
way it cannot sync (wrong password, no server, a bad address, an old client)."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from mwms_desktop import cli, settings
from mwms_desktop.services import open_services
from mwms_desktop.team import credentials, membership
from tests.team.helpers import add, free_port_nobody_uses
from tests.team.pg_server import TestServer

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def joined(pg_server: TestServer, team_db: str, db_path: Path, memory_keyring, capsys: Capture):
    name, password = add(pg_server, team_db, "sam")
    code, _out, err = run(
        capsys, "--db", str(db_path), "team", "join", pg_server.url(team_db, user=name, password=password)
    )
    assert code == 0, err
    return name, password


def test_sync_prints_what_it_did_and_json_says_the_same(
    joined, db_path: Path, capsys: Capture, pg_server: TestServer, team_db: str
) -> None:
    assert run(capsys, "--db", str(db_path), "add", "Acme Retail")[0] == 0
    code, out, err = run(capsys, "--db", str(db_path), "sync")
    assert (code, err) == (0, "")
    assert out == (
        "Synced: 0 engagement(s) brought in, 1 sent, 0 new conflict(s), 0 change(s) still waiting.\n"
    )
    with psycopg.connect(pg_server.url(team_db)) as conn:
        assert conn.execute("SELECT client, owner_role FROM engagement").fetchall() == [
            ("Acme Retail", joined[0])
        ]
    code, out, err = run(capsys, "--db", str(db_path), "sync", "--json")
    assert code == 0
    report = json.loads(out)
    assert {k: report[k] for k in ("pulled", "pushed", "conflicts", "refused", "waiting")} == {
        "pulled": 0, "pushed": 0, "conflicts": 0, "refused": [], "waiting": 0,
    }  # fmt: skip


def _set_address(db_path: Path, url: str, password: str | None) -> None:
    s = open_services(db_path)
    try:
        membership._write(settings.TEAM_ADDRESS, url)
        found = membership.current_address()
        if found is not None and password is not None:
            credentials.store(found, password)
    finally:
        s.close()


@pytest.mark.parametrize("case", ["password", "server", "address", "old client", "not joined"])
def test_each_way_a_sync_cannot_happen_is_one_clear_line(
    joined, db_path: Path, capsys: Capture, pg_server: TestServer, team_db: str, case: str
) -> None:
    name, password = joined
    dead = free_port_nobody_uses()
    if case == "password":
        with psycopg.connect(pg_server.url(team_db), autocommit=True) as conn:
            conn.execute(
                sql.SQL("ALTER ROLE {} PASSWORD 'changed-by-the-admin'").format(sql.Identifier(name))
            )
        expected = f"The team server at 127.0.0.1:{pg_server.port} refused the password for {name}."
    elif case == "server":
        _set_address(db_path, f"postgresql://{name}@127.0.0.1:{dead}/{team_db}?sslmode=prefer", password)
        expected = f"No team server answers at 127.0.0.1:{dead}: is it running, and is the address right?"
    elif case == "address":
        _set_address(db_path, "postgresql:/nohost", None)
        expected = "This database has not joined a team: run `mwms-desktop team join URL` first."
    elif case == "old client":
        with psycopg.connect(pg_server.url(team_db), autocommit=True) as conn:
            conn.execute("UPDATE team_meta SET min_client_version = '99.0.0'")
        expected = "older than the team server accepts (99.0.0 or newer): update MWMS Desktop."
    else:
        assert run(capsys, "--db", str(db_path), "team", "leave")[0] == 0
        expected = "This database has not joined a team: run `mwms-desktop team join URL` first."
    code, out, err = run(capsys, "--db", str(db_path), "sync")
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith("mwms-desktop: ")
    assert expected in err
    if case == "server":
        from mwms_desktop.team.errors import Offline

        _set_address(db_path, f"postgresql://{name}@127.0.0.1:{dead}/{team_db}?sslmode=prefer", password)
        s = open_services(db_path)
        try:
            from mwms_desktop import sync

            with pytest.raises(Offline):
                sync.run()
        finally:
            s.close()
