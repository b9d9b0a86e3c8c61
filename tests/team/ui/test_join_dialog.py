"""Team → Join a team…, typed into as a person does, against the real team server: joining
keeps the address in the database and the password in the keyring only (or in memory where
there is no keyring); each refusal is the core's one line under the fields, with nothing kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from mwms_desktop.services import Services
from mwms_desktop.team import membership
from tests.team.helpers import add, free_port_nobody_uses
from tests.team.pg_server import TestServer
from ui.team.join_dialog import JoinDialog

LEFT = Qt.MouseButton.LeftButton


def join_with(qtbot, address: str, password: str = "", ca_file: str = "") -> JoinDialog:
    dialog = JoinDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.address, address)
    if ca_file:
        qtbot.keyClicks(dialog.ca_file, ca_file)
    qtbot.keyClicks(dialog.secret, password)
    qtbot.mouseClick(dialog.join_button, LEFT)
    qtbot.waitUntil(lambda: dialog._task is None, timeout=20_000)
    return dialog


def assert_nothing_kept(services: Services, keyring_passwords: dict) -> None:
    assert membership.current_address() is None
    assert keyring_passwords == {}


def files_hold(folder: Path, secret: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_joining_keeps_the_password_in_the_keyring_and_warns_of_weak_tls_once(
    qtbot, pg_server: TestServer, team_db: str, services: Services, memory_keyring, tmp_path: Path
) -> None:
    name, password = add(pg_server, team_db, "ui_join")
    dialog = join_with(qtbot, pg_server.url(team_db, user=name), password)
    assert dialog.error.isHidden(), dialog.error.text()
    assert dialog.result() == JoinDialog.DialogCode.Accepted
    joined = dialog.joined
    assert (joined.address.user, joined.address.database, joined.in_keyring) == (name, team_db, True)
    assert joined.warning.startswith("Warning: the connection to 127.0.0.1 is not verified (sslmode=prefer)")
    assert membership.current_address() == joined.address
    assert list(memory_keyring.passwords.values()) == [password]
    assert dialog.secret.text() == ""  # not left in the widget either
    assert files_hold(tmp_path, password) == []

    again = join_with(qtbot, pg_server.url(team_db, user=name), password)
    assert again.result() == JoinDialog.DialogCode.Accepted
    assert again.joined.warning is None  # warned once


def test_the_typed_password_wins_over_an_old_one_in_the_keyring(
    qtbot, pg_server: TestServer, team_db: str, services: Services, memory_keyring
) -> None:
    name, password = add(pg_server, team_db, "ui_rejoin")
    address = membership.verify(pg_server.url(team_db, user=name, password=password), ask=None)[0]
    memory_keyring.passwords[("mwms-desktop team", address.keyring_user)] = "an-old-password"
    dialog = join_with(qtbot, pg_server.url(team_db, user=name), password)
    assert dialog.error.isHidden(), dialog.error.text()
    assert memory_keyring.passwords[("mwms-desktop team", address.keyring_user)] == password


def test_without_a_keyring_the_password_stays_in_memory_only(
    qtbot, pg_server: TestServer, team_db: str, services: Services, no_keyring, tmp_path: Path
) -> None:
    name, password = add(pg_server, team_db, "ui_nokeyring")
    dialog = join_with(qtbot, pg_server.url(team_db, user=name), password)
    assert dialog.error.isHidden(), dialog.error.text()
    assert dialog.joined.in_keyring is False
    assert dialog.password == password  # handed to the window's memory, nowhere else
    assert files_hold(tmp_path, password) == []


def test_a_wrong_password_is_one_line_and_nothing_is_kept(
    qtbot, pg_server: TestServer, team_db: str, services: Services, memory_keyring
) -> None:
    name, _password = add(pg_server, team_db, "ui_wrong")
    dialog = join_with(qtbot, pg_server.url(team_db, user=name), "not-the-password")
    assert dialog.isVisible()
    assert (
        dialog.error.text()
        == f"The team server at 127.0.0.1:{pg_server.port} refused the password for {name}."
    )
    assert dialog.secret.hasFocus()  # where the fix goes
    assert_nothing_kept(services, memory_keyring.passwords)
    # Everything typed stays for another try; the right password then joins.
    assert dialog.address.text() == pg_server.url(team_db, user=name)
    assert dialog.address.isEnabled()
    assert dialog.join_button.isEnabled()


def test_a_server_that_does_not_answer_is_one_line(
    qtbot, pg_server: TestServer, services: Services, memory_keyring
) -> None:
    port = free_port_nobody_uses()
    dialog = join_with(qtbot, f"postgresql://dana@127.0.0.1:{port}/mwms_team", "secret")
    assert dialog.error.text() == (
        f"No team server answers at 127.0.0.1:{port}: is it running, and is the address right?"
    )
    assert_nothing_kept(services, memory_keyring.passwords)


def test_a_missing_database_is_one_line(
    qtbot, pg_server: TestServer, team_db: str, services: Services, memory_keyring
) -> None:
    name, password = add(pg_server, team_db, "ui_nodb")
    dialog = join_with(qtbot, pg_server.url("no_such_team", user=name), password)
    assert (
        dialog.error.text()
        == f"There is no database 'no_such_team' on the team server at 127.0.0.1:{pg_server.port}."
    )
    assert_nothing_kept(services, memory_keyring.passwords)


@pytest.mark.parametrize(
    ("typed", "line"),
    [
        (
            "http://dana@example.com/team",
            "Not a team server address: 'http://dana@example.com/team' "
            "(expected postgresql://NAME@HOST[:PORT]/DATABASE).",
        ),
        ("postgresql://dana@db.example.com/team?sslmode=paranoid", "Unknown sslmode 'paranoid': one of"),
        ("", "Type the team server's address, such as postgresql://you@db.example.com/mwms_team."),
    ],
)
def test_a_bad_address_is_one_line_without_the_password(
    qtbot, services: Services, memory_keyring, typed: str, line: str
) -> None:
    dialog = join_with(qtbot, typed, "s3cret-typed")
    assert dialog.error.text().startswith(line)
    assert "\n" not in dialog.error.text()
    assert "s3cret-typed" not in dialog.error.text()
    assert_nothing_kept(services, memory_keyring.passwords)


def test_a_missing_ca_file_is_one_line(qtbot, services: Services, memory_keyring, tmp_path: Path) -> None:
    missing = tmp_path / "firm-ca.pem"
    dialog = join_with(qtbot, "postgresql://dana@db.example.com/team", "secret", str(missing))
    assert dialog.error.text() == f"The CA file {missing} does not exist."
    assert_nothing_kept(services, memory_keyring.passwords)
