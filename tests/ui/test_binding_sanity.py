"""Guards against a Qt binding that corrupts reference counts.

PySide6 6.12.0 on Python 3.11 drops a reference to ``None`` on every call that returns
nothing (``repaint()``, ``QModelIndex.data()`` for an unset role, ...); a board repainting
for a few minutes then crashes the interpreter. pyproject pins a release without the bug;
this test fails if an upgrade brings it back. (On Python 3.12+ ``None`` is immortal and the
count never moves, so the test passes there whatever the binding does.)
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QWidget


def test_void_calls_and_empty_data_keep_none_alive(qtbot):
    """A thousand repaints and empty data() reads leave None's reference count where it was."""
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    model = QStringListModel(["a"])
    index = model.index(0, 0)
    before = sys.getrefcount(None)
    for _ in range(1000):
        widget.repaint()
        index.data(Qt.ItemDataRole.ToolTipRole)
    assert sys.getrefcount(None) - before > -100
