"""Team mode costs the first paint nothing: keyring, the team and sync modules and the join
dialog load after it (the indicator's first look waits a second, on a worker; peewee loads
without psycopg, see db/__init__.py)."""

from __future__ import annotations

from pathlib import Path

from tests.ui.test_first_paint_imports import first_paint, loaded_of

LATER = ("keyring", "mwms_desktop.team", "mwms_desktop.sync", "ui.team.join_dialog")


def test_the_first_paint_loads_nothing_of_team_mode(tmp_path: Path, services) -> None:
    db = services.path
    services.close()
    result = first_paint(db, tmp_path)
    assert loaded_of(result["modules"], LATER) == []
    assert "ui.team.sync_indicator" in result["modules"]  # the indicator is there, hidden
