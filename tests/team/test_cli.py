"""The team commands against the real server, as a consultant and an administrator type them."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from db.server import schema
from mwms_desktop import cli
from mwms_desktop.services import open_services
from tests.team.helpers import add, free_port_nobody_uses, insert_engagement, login
from tests.team.pg_server import TestServer

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def meta(server: TestServer, database: str) -> tuple:
    with psycopg.connect(server.url(database)) as conn:
        return conn.execute("SELECT schema_version, min_client_version FROM team_meta").fetchone()


def test_init_prepares_an_empty_database_once(pg_server: TestServer, empty_db: str, capsys: Capture) -> None:
    url = pg_server.url(empty_db)
    code, out, err = run(capsys, "team", "init", "--admin-url", url)
    assert (code, err) == (0, "")
    assert (
        f"Prepared {empty_db} on 127.0.0.1:{pg_server.port} as a team server "
        f"(schema {schema.SCHEMA_VERSION})." in out
    )
    assert meta(pg_server, empty_db) == (schema.SCHEMA_VERSION, "0.1.0")

    code, out, err = run(capsys, "team", "init", "--admin-url", url)
    assert code == 1
    assert (
        err
        == "mwms-desktop: This database is already prepared for team mode (use --upgrade to migrate it).\n"
    )
    code, out, err = run(capsys, "team", "init", "--admin-url", url, "--upgrade")
    assert (code, err) == (0, "")
    assert f"already at schema {schema.SCHEMA_VERSION}; nothing to upgrade" in out


def test_upgrade_needs_a_prepared_server(pg_server: TestServer, empty_db: str, capsys: Capture) -> None:
    code, _out, err = run(capsys, "team", "init", "--admin-url", pg_server.url(empty_db), "--upgrade")
    assert code == 1
    assert "not prepared for team mode yet" in err
    assert err.count("\n") == 1


def test_add_consultant_prints_a_password_that_logs_in_once_shown(
    pg_server: TestServer, team_db: str, capsys: Capture
) -> None:
    code, out, err = run(capsys, "team", "add-consultant", "dora_cli", "--admin-url", pg_server.url(team_db))
    assert (code, err) == (0, "")
    password = out.splitlines()[1]
    login(pg_server, team_db, "dora_cli", password).close()
    code, out, err = run(capsys, "team", "add-consultant", "dora_cli", "--admin-url", pg_server.url(team_db))
    assert (code, out) == (1, "")
    assert err == "mwms-desktop: A role named 'dora_cli' already exists on this server.\n"
    code, _out, err = run(
        capsys, "team", "add-consultant", "Robert'); DROP", "--admin-url", pg_server.url(team_db)
    )
    assert code == 1
    assert "is not a usable consultant name" in err


def test_join_keeps_the_password_in_the_keyring_only(
    pg_server: TestServer, team_db: str, db_path: Path, memory_keyring, capsys: Capture
) -> None:
    name, password = add(pg_server, team_db, "erin")
    url = pg_server.url(team_db, user=name, password=password)
    code, out, err = run(capsys, "--db", str(db_path), "team", "join", url)
    assert code == 0
    assert f"Joined the team on 127.0.0.1:{pg_server.port}/{team_db} as {name}." in out
    assert "kept in the system keyring" in out
    assert list(memory_keyring.passwords.values()) == [password]
    # Warned once about the unverified connection, then never again.
    assert err.startswith("Warning: the connection to 127.0.0.1 is not verified (sslmode=prefer)")
    code, out, err = run(
        capsys, "--db", str(db_path), "team", "join", pg_server.url(team_db, user=name, password="")
    )
    assert (code, err) == (0, "")  # the stored password served; no second warning

    for path in db_path.parent.iterdir():
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path

    code, out, err = run(capsys, "--db", str(db_path), "team", "leave")
    assert (code, err) == (0, "")
    assert "the local data stays" in out
    assert memory_keyring.passwords == {}


def test_without_a_keyring_the_password_is_asked_for_and_never_stored(
    pg_server: TestServer, team_db: str, db_path: Path, no_keyring, capsys: Capture
) -> None:
    name, password = add(pg_server, team_db, "finn")
    services = open_services(db_path)
    eid = services.portfolio.add("Acme Retail", "ecommerce_growth").id
    services.close()
    code, out, err = run(
        capsys, "--db", str(db_path), "team", "join", pg_server.url(team_db, user=name, password=password)
    )
    assert code == 0
    assert "asked for each time" in out
    for path in db_path.parent.iterdir():
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path
    # No terminal to ask on: one clear line, nothing hangs.
    code, out, err = run(capsys, "--db", str(db_path), "team", "share", str(eid), "someone")
    assert code == 1
    assert err == (
        f"mwms-desktop: No password for {name} on 127.0.0.1:{pg_server.port} is stored "
        "(there is no keyring); run the command in a terminal to type it.\n"
    )


def test_share_from_the_laptop(
    pg_server: TestServer, team_db: str, db_path: Path, memory_keyring, capsys: Capture
) -> None:
    owner, owner_pw = add(pg_server, team_db, "gail")
    colleague, colleague_pw = add(pg_server, team_db, "hugo")
    run(capsys, "--db", str(db_path), "add", "Acme Retail", "--type", "ecommerce_growth")
    services = open_services(db_path)
    card = services.portfolio.cards()[0]
    services.close()
    assert (
        run(
            capsys,
            "--db",
            str(db_path),
            "team",
            "join",
            pg_server.url(team_db, user=owner, password=owner_pw),
        )[0]
        == 0
    )

    code, _out, err = run(capsys, "--db", str(db_path), "team", "share", str(card.id), colleague)
    assert code == 1
    assert err == "mwms-desktop: This engagement is not on the team server yet: sync first.\n"

    with login(pg_server, team_db, owner, owner_pw) as conn:  # as a sync would put it there
        insert_engagement(conn, card.uuid, "Acme Retail")
    code, out, err = run(capsys, "--db", str(db_path), "team", "share", str(card.id), colleague)
    assert (code, err) == (0, "")
    assert out == f"Shared Acme Retail (engagement {card.id}) with {colleague}.\n"
    with login(pg_server, team_db, colleague, colleague_pw) as conn:
        assert conn.execute("SELECT client FROM engagement").fetchall() == [("Acme Retail",)]


def test_an_old_client_is_refused_with_a_message_to_update(
    pg_server: TestServer, team_db: str, db_path: Path, memory_keyring, capsys: Capture
) -> None:
    name, password = add(pg_server, team_db, "ivan")
    with psycopg.connect(pg_server.url(team_db), autocommit=True) as conn:
        conn.execute("UPDATE team_meta SET min_client_version = '99.0'")
    code, out, err = run(
        capsys, "--db", str(db_path), "team", "join", pg_server.url(team_db, user=name, password=password)
    )
    assert (code, out) == (1, "")
    assert err == (
        "mwms-desktop: This MWMS Desktop (0.1.0) is older than the team server accepts (99.0 or newer): "
        "update MWMS Desktop.\n"
    )
    assert memory_keyring.passwords == {}  # refused: nothing kept


def test_a_newer_client_never_changes_the_servers_schema(
    pg_server: TestServer, team_db: str, db_path: Path, memory_keyring, capsys: Capture
) -> None:
    name, password = add(pg_server, team_db, "jana")
    with psycopg.connect(pg_server.url(team_db), autocommit=True) as conn:
        conn.execute("UPDATE team_meta SET schema_version = 0")
    code, _out, err = run(
        capsys, "--db", str(db_path), "team", "join", pg_server.url(team_db, user=name, password=password)
    )
    assert code == 1
    assert (
        f"older than this MWMS Desktop's ({schema.SCHEMA_VERSION}): the administrator must run "
        "`mwms-desktop team init --upgrade`" in err
    )
    assert meta(pg_server, team_db)[0] == 0


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("password", "mwms-desktop: The team server at 127.0.0.1:{port} refused the password for {name}.\n"),
        (
            "server",
            "mwms-desktop: No team server answers at 127.0.0.1:{dead}: "
            "is it running, and is the address right?\n",
        ),
        (
            "address",
            "mwms-desktop: Not a team server address: 'postgresql:/nohost' (expected postgresql://NAME@HOST[:PORT]/DATABASE).\n",
        ),
        ("database", "mwms-desktop: There is no database 'nope' on the team server at 127.0.0.1:{port}.\n"),
    ],
)
def test_each_failure_to_connect_is_one_clear_line(
    pg_server: TestServer,
    team_db: str,
    db_path: Path,
    memory_keyring,
    capsys: Capture,
    case: str,
    expected: str,
) -> None:
    name, password = add(pg_server, team_db, "kim")
    dead = free_port_nobody_uses()
    url = {
        "password": pg_server.url(team_db, user=name, password="wrong-" + password),
        "server": f"postgresql://{name}:{password}@127.0.0.1:{dead}/{team_db}",
        "address": "postgresql:/nohost",
        "database": pg_server.url("nope", user=name, password=password),
    }[case]
    code, out, err = run(capsys, "--db", str(db_path), "team", "join", url)
    assert (code, out) == (1, "")
    assert err == expected.format(port=pg_server.port, name=name, dead=dead)
    assert memory_keyring.passwords == {}
    assert not db_path.exists()  # a refused join leaves no file behind


def test_verify_full_with_a_ca_file_is_used_and_not_warned_about(
    pg_server: TestServer, team_db: str, db_path: Path, tmp_path: Path, memory_keyring, capsys: Capture
) -> None:
    name, password = add(pg_server, team_db, "lena")
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    code, out, err = run(
        capsys,
        "--db",
        str(db_path),
        "team",
        "join",
        pg_server.url(team_db, user=name, password=password),
        "--ca-file",
        str(ca),
    )
    # The test server speaks no TLS: verify-full refuses it, in one line, with no warning.
    assert (code, out) == (1, "")
    assert err.startswith(f"mwms-desktop: The secure (TLS) connection to 127.0.0.1:{pg_server.port} failed")
    assert err.count("\n") == 1
    code, _out, err = run(
        capsys,
        "--db",
        str(db_path),
        "team",
        "join",
        pg_server.url(team_db, user=name) + "?sslrootcert=/no/such.pem",
    )
    assert err == "mwms-desktop: The CA file /no/such.pem does not exist.\n"


def test_head_office_sets_thresholds_a_consultant_cannot(
    pg_server: TestServer, team_db: str, tmp_path: Path, memory_keyring, capsys: Capture
) -> None:
    hana, hana_pw = add(pg_server, team_db, "hana", head_office=True)
    omar, omar_pw = add(pg_server, team_db, "omar")
    hana_db, omar_db = str(tmp_path / "hana.sqlite"), str(tmp_path / "omar.sqlite")
    assert (
        run(capsys, "--db", hana_db, "team", "join", pg_server.url(team_db, user=hana, password=hana_pw))[0]
        == 0
    )
    assert (
        run(capsys, "--db", omar_db, "team", "join", pg_server.url(team_db, user=omar, password=omar_pw))[0]
        == 0
    )

    code, out, err = run(capsys, "--db", hana_db, "team", "set-threshold", "stall_days", "14")
    assert (code, err) == (0, "")
    assert out.startswith("stall_days is now 14 for the whole team")
    assert run(capsys, "--db", hana_db, "team", "set-threshold", "wip_execution", "5")[0] == 0
    code, _out, err = run(capsys, "--db", hana_db, "team", "set-threshold", "stall_days", "0")
    assert (code, err) == (1, "mwms-desktop: Stalled after (days) must be from 1 to 365 (got 0).\n")
    code, _out, err = run(capsys, "--db", hana_db, "team", "set-threshold", "colour", "3")
    assert code == 1
    assert err.startswith("mwms-desktop: Unknown threshold 'colour'")

    code, out, err = run(capsys, "--db", omar_db, "team", "set-threshold", "stall_days", "99")
    assert (code, out, err) == (1, "", "mwms-desktop: Only head office sets the team's thresholds.\n")
    from mwms_desktop.team import thresholds

    with login(pg_server, team_db, omar, omar_pw) as conn:
        assert thresholds.read(conn) == {"stall_days": 14, "wip_execution": 5}


def test_join_refuses_a_damaged_database_before_asking_the_server(
    tmp_path: Path, memory_keyring, capsys: Capture
) -> None:
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    url = f"postgresql://someone:pw@127.0.0.1:{free_port_nobody_uses()}/team"
    code, out, err = run(capsys, "--db", str(damaged), "team", "join", url)
    assert (code, out) == (1, "")
    assert "damaged" in err
    assert "team server" not in err


@pytest.mark.slow
def test_the_password_reaches_no_file_and_no_log_without_a_keyring(
    pg_server: TestServer, team_db: str, tmp_path: Path
) -> None:
    """The real program, as a process with its log file on and no keyring: a join that
    fails and one that succeeds leave the password nowhere under its folders."""
    import os
    import subprocess
    import sys

    name, password = add(pg_server, team_db, "nora")
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "MWMS_DESKTOP_DATA_DIR": str(tmp_path / "userdata"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    db = tmp_path / "laptop.sqlite"
    for secret, status in ((password + "x", 1), (password, 0)):
        done = subprocess.run(
            [sys.executable, "-m", "mwms_desktop", "--db", str(db), "team", "join",
             pg_server.url(team_db, user=name, password=secret)],
            env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, check=False,
        )  # fmt: skip
        assert done.returncode == status, done.stderr
    assert "asked for each time" in done.stdout
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" for p in files)
    for path in files:
        assert password.encode() not in path.read_bytes(), path


def test_init_works_for_a_non_superuser_that_owns_the_database(
    pg_server: TestServer, capsys: Capture
) -> None:
    """A rented server gives no superuser: a role with CREATEROLE that owns the database will do."""
    from psycopg import sql

    from tests.team.helpers import unique

    admin_name, database = unique("landlord"), unique("rented")
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN CREATEROLE PASSWORD 'pw-for-test'").format(
                sql.Identifier(admin_name)
            )
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(database), sql.Identifier(admin_name)
            )
        )
    url = pg_server.url(database, user=admin_name, password="pw-for-test")
    code, out, err = run(capsys, "team", "init", "--admin-url", url)
    assert (code, err) == (0, "")
    pia, quinn = unique("pia"), unique("quinn")
    passwords = {}
    for name in (pia, quinn):
        code, out, err = run(capsys, "team", "add-consultant", name, "--admin-url", url)
        assert (code, err) == (0, "")
        passwords[name] = out.splitlines()[1]
    with login(pg_server, database, pia, passwords[pia]) as conn:
        insert_engagement(conn, "e-pia", "Acme Retail")
    with login(pg_server, database, quinn, passwords[quinn]) as conn:
        assert conn.execute("SELECT count(*) FROM engagement").fetchone() == (0,)


def test_joining_as_someone_else_forgets_the_first_password(
    pg_server: TestServer, team_db: str, db_path: Path, memory_keyring, capsys: Capture
) -> None:
    first, first_pw = add(pg_server, team_db, "rita")
    second, second_pw = add(pg_server, team_db, "sam")
    for name, password in ((first, first_pw), (second, second_pw)):
        code, _out, err = run(
            capsys, "--db", str(db_path), "team", "join", pg_server.url(team_db, user=name, password=password)
        )
        assert code == 0, err
    assert list(memory_keyring.passwords.values()) == [second_pw]


def test_a_build_without_psycopg_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, db_path: Path, capsys: Capture
) -> None:
    import sys

    for name in [m for m in sys.modules if m.startswith("mwms_desktop.team.") or m.startswith("psycopg")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as in a build that left it out
    code, out, err = run(capsys, "--db", str(db_path), "team", "join", "postgresql://dana@db/team")
    assert (code, out) == (1, "")
    assert (
        err
        == "mwms-desktop: Team mode is not available in this build of MWMS Desktop (psycopg is missing).\n"
    )


def test_a_join_in_a_terminal_asks_for_the_password_even_with_an_old_one_in_the_keyring(
    pg_server: TestServer,
    team_db: str,
    db_path: Path,
    memory_keyring,
    capsys: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Head office changed the password: the keyring still holds the old one. A join typed in a
    terminal asks (it is the moment to type it), and the new password replaces the old."""
    import mwms_desktop.commands.team as team_command

    name, password = add(pg_server, team_db, "tess")
    url = pg_server.url(team_db, user=name, password=password)
    assert run(capsys, "--db", str(db_path), "team", "join", url)[0] == 0
    (key,) = memory_keyring.passwords
    memory_keyring.passwords[key] = "an-old-password"
    asked: list[str] = []
    monkeypatch.setattr(team_command, "_ask", lambda: lambda prompt: asked.append(prompt) or password)
    code, _out, err = run(capsys, "--db", str(db_path), "team", "join", pg_server.url(team_db, user=name))
    assert code == 0, err
    assert asked == [f"Password for {name} on 127.0.0.1:{pg_server.port}: "]
    assert list(memory_keyring.passwords.values()) == [password]
