"""The Learnings pane's "Private: not in the team library" box, driven as a person does: a tick
saves the flag (one undoable edit), the list says so, and a new learning starts not private."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.factories import engagement_at

LEFT = Qt.MouseButton.LeftButton


def _ok(qtbot, dialog) -> None:
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, LEFT)


def _column(table, title: str) -> list[str]:
    model = table.view.model()
    col = next(
        c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == title
    )
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_ticking_private_saves_it_and_undo_takes_it_back(make, services, qtbot) -> None:
    eid = engagement_at(services, "execution")
    lr = services.records.add("learning", eid, statement="Free shipping upsets the CFO")
    h = make(services, eid)
    h.show(qtbot)
    table = h.pane("Learnings").table
    dialog = table.edit_dialog(lr.id)
    dialog.show()
    qtbot.waitExposed(dialog)
    box = dialog.form.editors["private"]
    assert box.text() == "Private: not in the team library"
    assert box.accessibleName() == "Private"
    assert not box.isChecked()
    qtbot.mouseClick(box, LEFT, pos=box.rect().center())
    _ok(qtbot, dialog)
    assert services.records.values("learning", lr.id)["private"] is True
    assert h.detail().learnings[0].private is True
    assert "Private" in _column(table, "Private")

    h.stack.undo()
    assert services.records.values("learning", lr.id)["private"] is False
    h.stack.redo()
    assert services.records.values("learning", lr.id)["private"] is True


def test_a_new_learning_is_not_private_unless_ticked(make, services, qtbot) -> None:
    eid = engagement_at(services, "execution")
    h = make(services, eid)
    h.show(qtbot)
    table = h.pane("Learnings").table
    for statement, tick in (("Shared with the team", False), ("Kept to ourselves", True)):
        dialog = table.add_dialog()
        dialog.show()
        qtbot.waitExposed(dialog)
        box = dialog.form.editors["private"]
        assert not box.isChecked()
        qtbot.keyClicks(dialog.form.editors["statement"], statement)
        if tick:
            box.setFocus()
            qtbot.keyClick(box, Qt.Key.Key_Space)
        _ok(qtbot, dialog)
    got = {lr.statement: lr.private for lr in h.detail().learnings}
    assert got == {"Shared with the team": False, "Kept to ourselves": True}
