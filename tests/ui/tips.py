"""What a tooltip shows, read as Qt reads it: rich text when ``Qt.mightBeRichText`` guesses
so (as QToolTip's label does), else plain text."""

from __future__ import annotations

from PySide6.QtGui import Qt, QTextDocument


def shown(tip: str) -> str:
    doc = QTextDocument()
    if Qt.mightBeRichText(tip):
        doc.setHtml(tip)
    else:
        doc.setPlainText(tip)
    return doc.toPlainText()
