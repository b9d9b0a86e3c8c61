"""The garbage collector is paused while the window opens and resumed, with start-up's
objects frozen, at its first paint (mwms_desktop/collector.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from mwms_desktop import collector
from mwms_desktop.cli import main


@pytest.fixture(autouse=True)
def collecting() -> Iterator[None]:
    gc.enable()
    yield
    gc.unfreeze()
    gc.enable()


def test_pause_stops_collection_and_resume_freezes_then_collects_again() -> None:
    collector.pause()
    assert not gc.isenabled()
    assert collector.paused()
    collector.resume()
    assert gc.isenabled()
    assert not collector.paused()
    assert gc.get_freeze_count() > 0


def test_resume_leaves_a_collector_stopped_by_someone_else_as_it_was() -> None:
    gc.disable()
    collector.pause()
    collector.resume()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_the_window_command_opens_with_the_collector_paused_and_resumes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.app

    seen: list[bool] = []
    monkeypatch.setattr(ui.app, "run_app", lambda services: seen.append(gc.isenabled()) or 0)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setenv("MWMS_DESKTOP_DATA_DIR", str(tmp_path / "data"))
    assert main(["--db", str(tmp_path / "p.sqlite")]) == 0
    assert seen == [False]  # paused while the window opened
    assert gc.isenabled()  # and never left paused, even if the window never painted


def test_a_window_that_cannot_open_leaves_the_collector_running(tmp_path: Path, monkeypatch) -> None:
    from ui import startup

    monkeypatch.setattr(startup, "report", lambda exc: None)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert main(["--db", str(folder)]) == 1
    assert gc.isenabled()
