"""What the first painted board costs in imports: the workspace, the dossier (ReportLab),
bundles, backups, CSV and charts load on first use, not at start-up; PostgreSQL's driver
(team mode) is not loaded by peewee on the way (db/__init__.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, sys
from mwms_desktop.cli import main
from mwms_desktop.commands import window
seen = {}
def fake_run_app(services):
    from PySide6.QtWidgets import QApplication
    from ui.app import create_application
    from ui.main_window import MainWindow
    from ui.preferences import Preferences
    from PySide6.QtCore import QSettings
    app = create_application()
    w = MainWindow(services, Preferences(QSettings(sys.argv[1] + ".ini", QSettings.Format.IniFormat)),
                   restore_state=False)
    w.show()
    app.processEvents()
    seen["modules"] = sorted(sys.modules)
    w.close()
    return 0
import ui.app
ui.app.run_app = fake_run_app
status = main(["--db", sys.argv[1]])
print(json.dumps({"status": status, "modules": seen["modules"]}))
"""

LATER = (
    "reportlab",
    "PIL",
    "mwms_desktop.dossier",
    "mwms_desktop.bundle",
    "mwms_desktop.csv_export",
    "mwms_desktop.demo",
    "ui.workspace",
    "ui.backups_dialog",
    "ui.dossier_actions",
    "ui.add_dialog",
    "ui.archive_dialog",
    "logging.handlers",
    "psycopg",
    "asyncio",
    "ui.swimlanes",
)


def first_paint(db: Path, tmp_path: Path) -> dict:
    """Open the window on ``db`` in a fresh process (PROBE): its exit status and the modules
    loaded by its first paint."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    env["MWMS_DESKTOP_DATA_DIR"] = str(tmp_path / "userdata")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(db)], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def loaded_of(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    """The modules that are one of ``packages`` or inside one."""
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in packages)]


def test_the_first_paint_imports_only_what_it_needs(tmp_path: Path, demo_services) -> None:
    db = demo_services.path
    demo_services.close()
    result = first_paint(db, tmp_path)
    assert result["status"] == 0
    assert loaded_of(result["modules"], LATER) == []
    assert "ui.main_window" in result["modules"]
