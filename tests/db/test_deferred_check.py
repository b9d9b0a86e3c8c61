"""The quick check on a worker while the window's imports run: a sound file opens as before;
a damaged one is reported by ``checked()`` with the backup to restore, and nothing is
written to it before the check ran, even by a write that does not wait for it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from db import connection
from mwms_desktop import maintenance
from mwms_desktop.cli import main
from mwms_desktop.errors import DatabaseDamaged
from mwms_desktop.services import open_services
from tests.factories import filled_database


def corrupt(path: Path) -> None:
    """Garbage in the last table pages of the file: the header and the schema still read,
    so only the check finds it."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(len(data) - 4 * page, len(data), page):
        data[offset : offset + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))


def test_a_sound_file_opens_and_writes_after_the_check(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    filled_database(path, clients=5)
    services = open_services(path, defer_check=True)
    try:
        services.checked()
        assert services.portfolio.add("After the check").id == 6
    finally:
        services.close()


def test_a_write_waits_for_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.sqlite"
    filled_database(path, clients=5)
    release = threading.Event()
    order: list[str] = []
    run = connection._PendingCheck._run

    def slow_check(self) -> None:
        release.wait(5)
        order.append("checked")
        run(self)

    monkeypatch.setattr(connection._PendingCheck, "_run", slow_check)
    services = open_services(path, defer_check=True)
    try:
        threading.Timer(0.2, release.set).start()
        services.portfolio.add("Written after")  # no checked() call: BEGIN waits by itself
        order.append("written")
        assert order == ["checked", "written"]
    finally:
        services.close()


def test_damage_is_found_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    filled_database(path, clients=200)
    good = maintenance.backup_now(path)
    corrupt(path)
    before = path.read_bytes()
    services = open_services(path, defer_check=True)  # the header and schema still read
    try:
        with pytest.raises(Exception, match="damaged"):  # a write that did not ask first
            services.portfolio.add("Never written")
        with pytest.raises(DatabaseDamaged) as info:
            services.checked()
        assert info.value.backup == good.path
        assert f"restore {good.name}" in str(info.value)
    finally:
        services.close()
    assert path.read_bytes() == before
    assert [b.path for b in maintenance.list_backups(path)] == [good.path]  # no start-up backup


def test_the_window_command_reports_damage_found_by_the_deferred_check(tmp_path, monkeypatch, capsys):
    """`mwms-desktop` (the window) opens with the check deferred; damage still gets the
    recovery offer before any window, and declining leaves the file as it was."""
    path = tmp_path / "p.sqlite"
    filled_database(path, clients=200)
    good = maintenance.backup_now(path)
    corrupt(path)
    before = path.read_bytes()
    from ui import startup

    offered: list[object] = []
    monkeypatch.setattr(startup, "offer_recovery", lambda exc: offered.append(exc) or False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert main(["--db", str(path)]) == 1
    assert len(offered) == 1
    assert offered[0].backup == good.path
    assert path.read_bytes() == before
    assert "damaged" in capsys.readouterr().err
