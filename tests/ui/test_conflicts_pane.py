"""The workspace's "Conflicts (N)" pane (issue 12), driven by clicks: both versions side by
side with the differing field marked, "Keep this one" resolves (an undoable change), Ctrl+Z
takes it back, and the entry leaves the list when none are left."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from mwms_desktop.clock import FixedClock
from mwms_desktop.services import open_services
from tests.core.merge_laptops import Laptop
from tests.ui.workspace_harness import Harness

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _conflicted(tmp_path):
    """Laptop A, whose stakeholder's role both laptops changed; B's (newer) won on A."""
    a, b = Laptop(tmp_path, "a", T0), Laptop(tmp_path, "b", T0)
    with a.open() as s:
        eid = s.portfolio.add("Acme Ltd").id
        s.records.add("stakeholder", eid, name="Dana", role="Sponsor")
    b.at(T0 + HOUR).receive(a.export())
    for laptop, when in ((a, T0 + 2 * HOUR), (b, T0 + 3 * HOUR)):
        laptop.at(when)
        with laptop.open() as s:
            (sid,) = [x.id for x in s.lifecycle.detail(s.portfolio.cards()[0].id).stakeholders]
            s.records.update("stakeholder", sid, role=f"Role {laptop.name}")
    a.at(T0 + 4 * HOUR).receive(b.export())
    return a.path, eid


def _click_item(qtbot, tabs, text_start: str) -> None:
    row = next(i for i, t in enumerate(tabs.titles()) if t.startswith(text_start))
    rect = tabs.list.visualItemRect(tabs.list.item(row))
    qtbot.mouseClick(tabs.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_keep_one_version_by_click_and_undo_it(qtbot, tmp_path):
    path, eid = _conflicted(tmp_path)
    services = open_services(path, clock=FixedClock(T0 + 5 * HOUR))
    try:
        h = Harness(qtbot, services, eid)
        h.show(qtbot)
        tabs = h.window.tabs
        assert "Conflicts (1)" in tabs.titles()
        _click_item(qtbot, tabs, "Conflicts")
        pane = h.pane("Conflicts")
        assert tabs.currentWidget() is pane
        (box,) = pane.boxes
        table = box.table
        row = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())].index("role")
        assert (table.item(row, 0).text(), table.item(row, 1).text()) == ("Role a", "Role b")
        assert table.item(row, 0).font().bold()  # the field that differs

        qtbot.mouseClick(box.buttons["mine"], Qt.MouseButton.LeftButton)  # keep this laptop's
        assert services.lifecycle.detail(eid).stakeholders[0].role == "Role a"
        assert services.conflicts.count() == 0
        item = tabs.list.item(tabs.stack.indexOf(pane))
        assert item.isHidden()
        assert tabs.currentWidget() is not pane

        assert h.stack.undoText() == "Keep this laptop's stakeholder"
        with qtbot.waitActive(h.window):
            h.window.activateWindow()
        tabs.setFocus()
        qtbot.keyClick(tabs, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo
        assert services.lifecycle.detail(eid).stakeholders[0].role == "Role b"
        assert services.conflicts.count() == 1
        assert not item.isHidden()
        assert item.text() == "Conflicts (1)"
    finally:
        services.close()


def test_no_conflicts_no_pane(qtbot, services):
    eid = services.portfolio.add("Quiet Ltd").id
    h = Harness(qtbot, services, eid)
    assert not any(t.startswith("Conflicts") for t in h.window.tabs.titles())
