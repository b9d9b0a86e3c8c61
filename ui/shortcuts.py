"""Key sequences for actions, each key once.

``QKeySequence(StandardKey.Redo)`` is only the platform's *first* binding: on X11 that is
Ctrl+Shift+Z, so an action given both "Ctrl+Shift+Z" and ``StandardKey.Redo`` held the same key
twice, and Qt answered it with "Ambiguous shortcut overload" and did nothing. ``keys`` expands
standard keys to all their bindings and keeps each sequence once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

Key = str | QKeySequence | QKeySequence.StandardKey


def keys(*wanted: Key) -> list[QKeySequence]:
    """The sequences of ``wanted`` in order, standard keys as all the platform's bindings,
    each sequence once (an empty binding, e.g. Quit where the platform has none, is left out)."""
    found: list[QKeySequence] = []
    for key in wanted:
        if isinstance(key, QKeySequence.StandardKey):
            expanded = QKeySequence.keyBindings(key)
        else:
            expanded = [QKeySequence(key)]
        for seq in expanded:
            if not seq.isEmpty() and seq not in found:
                found.append(seq)
    return found


def redo_keys() -> list[QKeySequence]:
    """Redo: Ctrl+Shift+Z (documented), Ctrl+Y (what Windows users press) and the platform's own."""
    return keys("Ctrl+Shift+Z", "Ctrl+Y", QKeySequence.StandardKey.Redo)


def undo_keys() -> list[QKeySequence]:
    return keys("Ctrl+Z", QKeySequence.StandardKey.Undo)


def delete_keys() -> list[QKeySequence]:
    """Delete a selected row: Del and the platform's unmodified delete keys (Backspace on
    macOS). Not X11's second binding, Ctrl+D, which nobody means as "delete this record"."""
    plain = [
        k
        for k in keys(QKeySequence.StandardKey.Delete)
        if k[0].keyboardModifiers() == Qt.KeyboardModifier.NoModifier
    ]
    return keys("Del", *plain)
