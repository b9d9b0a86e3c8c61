"""Opening the window on a database that cannot be opened: a desktop user is told in a
dialog (and a terminal user on stderr); a damaged file with a good backup is offered
recovery, which keeps the damaged file and opens the backup's data."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from db.lock import DatabaseLock
from mwms_desktop import cli, maintenance
from mwms_desktop.errors import DatabaseDamaged
from mwms_desktop.services import open_services
from tests.factories import corrupt, filled_database
from ui import startup


@pytest.fixture
def damaged(tmp_path: Path) -> tuple[Path, Path]:
    path = tmp_path / "p.sqlite"
    filled_database(path, clients=30)
    good = maintenance.backup_now(path)
    corrupt(path)
    return path, good.path


@pytest.fixture
def dialogs(monkeypatch) -> dict[str, list]:
    """The startup dialogs, answered by the test; the window's event loop is not entered."""
    seen: dict[str, list] = {"offered": [], "reported": [], "recovered": [], "ran": []}
    monkeypatch.setattr(startup, "report", lambda exc: seen["reported"].append(str(exc)))
    monkeypatch.setattr(startup, "recovered", lambda text: seen["recovered"].append(text))

    def run_app(services):
        seen["ran"].append(len(services.portfolio.cards()))
        return 0

    monkeypatch.setattr("ui.app.run_app", run_app)
    return seen


def test_recovery_accepted_opens_the_backup_and_keeps_the_damaged_file(damaged, dialogs, monkeypatch):
    path, good = damaged
    broken = path.read_bytes()
    monkeypatch.setattr(startup, "offer_recovery", lambda exc: dialogs["offered"].append(exc) or True)
    assert cli.main(["--db", str(path)]) == 0
    (offer,) = dialogs["offered"]
    assert isinstance(offer, DatabaseDamaged)
    assert Path(offer.backup) == good
    assert dialogs["ran"] == [30]  # the window opened on the backup's 30 engagements
    assert good.name in dialogs["recovered"][0]
    kept = [
        p for p in path.parent.iterdir() if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))
    ]
    assert [p.read_bytes() for p in kept] == [broken]


def test_recovery_declined_changes_nothing(damaged, dialogs, monkeypatch, capsys):
    path, _good = damaged
    broken = path.read_bytes()
    monkeypatch.setattr(startup, "offer_recovery", lambda exc: False)
    assert cli.main(["--db", str(path)]) == 1
    assert dialogs["ran"] == []
    assert dialogs["reported"] == []  # the offer already told them; no second box
    assert "damaged" in capsys.readouterr().err
    assert path.read_bytes() == broken


def test_a_second_window_is_told_the_database_is_in_use(services, dialogs, capsys):
    """While another window holds the database, opening it again says so and opens nothing."""
    services.portfolio.add("Acme")
    held = DatabaseLock(services.path).acquire()
    try:
        assert cli.main(["--db", str(services.path)]) == 1
    finally:
        held.release()
    assert dialogs["ran"] == []
    assert "already open in another MWMS Desktop window" in dialogs["reported"][0]
    assert "already open" in capsys.readouterr().err


def test_offer_recovery_dialog_returns_the_users_choice(qtbot, damaged):
    """The real dialog: it names the backup, and 'Recover from backup' means yes."""
    path, good = damaged
    with pytest.raises(DatabaseDamaged) as info:
        open_services(path)
    texts: list[str] = []

    def answer(button_text: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        texts.append(box.informativeText())
        (button,) = [b for b in box.buttons() if b.text() == button_text]
        button.click()

    QTimer.singleShot(0, lambda: answer("Recover from backup"))
    assert startup.offer_recovery(info.value) is True
    QTimer.singleShot(0, lambda: answer("Quit"))
    assert startup.offer_recovery(info.value) is False
    assert good.name in texts[0]
