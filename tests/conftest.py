"""Shared fixtures. Tests run headless and never touch the user's real data folder."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mwms_desktop.clock import FixedClock
from mwms_desktop.services import Services, open_services

# Before anything imports Qt: headless, and the window's preferences (QSettings, user scope)
# in a folder of the test run's own, so a test that opens the window with default preferences
# never rewrites the user's real ones (a walk-through found a 753 x 753 offscreen geometry
# saved there).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="mwms-test-config-")
atexit.register(shutil.rmtree, os.environ["XDG_CONFIG_HOME"], ignore_errors=True)


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """App paths point into the test's tmp_path (qutebrowser-style redirection)."""
    folder = tmp_path / "userdata"
    monkeypatch.setenv("MWMS_DESKTOP_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "portfolio.sqlite"


@pytest.fixture
def services(db_path: Path, clock: FixedClock) -> Iterator[Services]:
    s = open_services(db_path, clock=clock)
    yield s
    s.close()


@pytest.fixture
def demo_services(services: Services) -> Services:
    from mwms_desktop.demo import load_demo

    load_demo(services)
    return services
