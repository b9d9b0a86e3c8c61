"""What the window's start-up does around its first paint: a callback runs once at the
first paint (the garbage collector resumes there, ui/app.py), and the owner filter's list
comes from the rows read, kept current by edits (ui/board_store.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from mwms_desktop.services import Services
from ui.app import when_first_painted
from ui.board_store import BoardStore


def test_the_callback_runs_once_at_the_first_paint(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    calls: list[int] = []
    when_first_painted(widget, lambda: calls.append(1))
    qtbot.wait(10)
    assert calls == []  # not shown yet: not painted
    widget.resize(200, 100)
    widget.show()
    qtbot.waitUntil(lambda: calls == [1])
    widget.repaint()
    widget.resize(300, 150)
    qtbot.wait(20)
    assert calls == [1]


def test_the_owner_list_follows_edits_and_archiving(services: Services) -> None:
    p = services.portfolio
    a = p.add("Alpha", owner="Zoë").id
    b = p.add("Beta", owner="adam").id
    p.add("Gamma", owner="")
    store = BoardStore(services)
    store.reload()
    assert store.owners() == ["adam", "Zoë"]  # case-folded order, no empty owner
    p.update(a, owner="Maya")
    store.refresh_card(a)
    assert store.owners() == ["adam", "Maya"]
    p.archive(b)
    store.refresh_card(b)
    assert store.owners() == ["Maya"]
    p.restore(b)
    store.refresh_card(b)
    assert store.owners() == ["adam", "Maya"]


def test_a_window_never_painted_still_gets_the_collector_back(qtbot, monkeypatch) -> None:
    import gc

    import ui.app
    from mwms_desktop import collector

    monkeypatch.setattr(ui.app, "RESUME_MS", 50)
    widget = QWidget()  # never shown: as a window started minimized
    qtbot.addWidget(widget)
    collector.pause()
    try:
        ui.app.resume_collector_when_painted(widget)
        assert not gc.isenabled()
        qtbot.waitUntil(gc.isenabled, timeout=2000)
    finally:
        collector.resume()
        gc.unfreeze()
        gc.enable()
