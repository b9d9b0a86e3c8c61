"""The related-learnings panel: while a hypothesis or an insight is written, the learnings of
other engagements most related to it (its words, the engagement's type and tags), kept
current as the consultant types. The query runs off the UI thread after a short pause, so a
keystroke never waits; an answer to older text is dropped. Learnings from a loss or an
inconclusive cycle are marked as contradicting. One action cites the selected learning."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from mwms_desktop import library
from mwms_desktop.library import Related
from mwms_desktop.library.related import topic_words
from ui.library.runner import LatestQuery
from ui.tooltip import plain_tip

LearningRole = Qt.ItemDataRole.UserRole + 3
CONTRADICTING = "⚠ contradicting"


def item_text(r: Related) -> str:
    mark = f"{CONTRADICTING} · " if r.contradicting else ""
    return f"{r.hit.statement}\n{mark}{r.hit.client}"


class RelatedPanel(QWidget):
    cite_requested = Signal(int)  # a learning's id

    def __init__(self, engagement_id: int, parent: QWidget | None = None, *, pause_ms: int = 200) -> None:
        super().__init__(parent)
        self.engagement_id = engagement_id
        self.setObjectName("relatedPanel")
        self.title = QLabel("Related past learnings")
        self.title.setObjectName("sectionTitle")
        self.status = QLabel("Type a statement to see what other engagements learned.")
        self.status.setObjectName("paneStatus")
        self.status.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Related past learnings")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.cite_button = QPushButton("Cite as built on")
        self.cite_button.setAccessibleName("Cite the selected learning as built on")
        self.cite_button.setToolTip("Record that this is built on the selected learning (Ctrl+Shift+B)")
        self.cite_button.setEnabled(False)
        self.cite_button.clicked.connect(self.cite_selected)
        self.list.itemActivated.connect(lambda _i: self.cite_selected())
        self.list.currentItemChanged.connect(
            lambda *_: self.cite_button.setEnabled(self.selected() is not None)
        )
        QShortcut(QKeySequence("Ctrl+Shift+B"), self, self.cite_selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.cite_button)
        self.query = LatestQuery(self, pause_ms=pause_ms)
        self.query.ready.connect(self._show)
        self.query.failed.connect(self.status.setText)
        self.related: list[Related] = []
        self.cited: set[int] = set()
        self._asked: tuple[str, ...] | None = None  # the words last asked about

    def set_text(self, text: str) -> None:
        """What is being written now: the panel follows it (after a pause, off the UI thread).
        A keystroke that leaves the meaningful words as they were (a space, punctuation, a
        stop word, a word still under three letters) asks nothing: the answer would be the same."""
        ws = topic_words(text)
        if ws == self._asked:
            return
        self._asked = ws
        eid = self.engagement_id
        self.query.ask(lambda: library.related(text, eid))

    def _show(self, related: list[Related]) -> None:
        self.related = related
        keep = self.selected()
        self.list.clear()
        for r in related:
            item = QListWidgetItem(item_text(r))
            item.setData(LearningRole, r.hit.id)
            item.setToolTip(
                plain_tip(f"{r.hit.statement}\n{r.hit.client} · results: {', '.join(r.hit.results) or '—'}")
            )
            if r.hit.id in self.cited:
                item.setText(item.text() + " · cited")
            self.list.addItem(item)
            if r.hit.id == keep:
                self.list.setCurrentItem(item)
        n = len(related)
        contra = sum(1 for r in related if r.contradicting)
        self.status.setText(
            "Nothing related in other engagements yet." if not n
            else f"{n} related{f', {contra} contradicting' if contra else ''}. Enter cites the selected one."
        )  # fmt: skip

    def selected(self) -> int | None:
        item = self.list.currentItem()
        return item.data(LearningRole) if item is not None else None

    def cite_selected(self) -> None:
        lid = self.selected()
        if lid is not None:
            self.cite_requested.emit(lid)

    def mark_cited(self, learning_id: int | None) -> None:
        """Show ``learning_id`` as cited (None: show ``cited`` as it now is)."""
        if learning_id is not None:
            self.cited.add(learning_id)
        self._show(self.related)

    def wait(self) -> None:
        self.query.wait()
