"""What a desktop user sees when the database cannot be opened: a dialog, not a line on a
terminal they never see. A damaged file with a good backup gets the offer to recover."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from mwms_desktop import APP_NAME
from mwms_desktop.errors import DatabaseDamaged, MwmsError
from ui.app import create_application


def offer_recovery(exc: DatabaseDamaged) -> bool:
    """Ask whether to move the damaged file aside and restore the newest good backup."""
    create_application()
    backup = getattr(exc.backup, "name", exc.backup)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        APP_NAME,
        f"The database {getattr(exc.path, 'name', exc.path)} is damaged and cannot be opened.",
    )
    box.setInformativeText(
        f"The newest good backup is {backup}. Recovering moves the damaged file aside (it is "
        "kept, not deleted) and puts that backup in its place; changes made after it are not in it."
    )
    recover = box.addButton("Recover from backup", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(recover)
    box.exec()
    return box.clickedButton() is recover


def report(exc: MwmsError) -> None:
    """Say why the window cannot open."""
    create_application()
    QMessageBox.critical(None, APP_NAME, str(exc))


def recovered(message: str) -> None:
    create_application()
    QMessageBox.information(None, APP_NAME, message)
