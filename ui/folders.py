"""Where a file dialog starts: the user's Documents folder, or the home folder where there is
none (a fresh account, a minimal desktop). A folder that does not exist made Qt's dialog
open in whatever folder the app was started from."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDir, QStandardPaths


def documents() -> Path:
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
    return folder if folder.is_dir() else Path(QDir.homePath())
