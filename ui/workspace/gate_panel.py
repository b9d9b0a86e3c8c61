"""The current stage's exit gate, always in view: each requirement done (✓), missing (✗)
with what is missing, or not applying yet (—, with why: never a tick for a rule about records
that do not exist), each a link to the pane that fixes it; and the button that asks the core
to move on. The last stage has no gate: the panel says so and shows the outcome chosen."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mwms_desktop import framework
from mwms_desktop.gates import MET, MISSING, NOT_YET, ChecklistItem
from mwms_desktop.views import EngagementDetail
from ui import theme
from ui.workspace.base import plain_label, plural


def _outcome_sentence(detail: EngagementDetail) -> str:
    out = detail.outcome
    if out.outcome is None:
        return "No outcome recorded yet: choose expansion or completion in the Outcome pane."
    when = f", decided {out.decided_on.isoformat()}" if out.decided_on else ""
    return f"Outcome: {framework.label(framework.OUTCOMES, out.outcome)}{when}."


class FittingButton(QPushButton):
    """A button with a long text and a short one: the long one whenever it fits, so a
    narrow panel never has to scroll sideways for its button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full, self.short = "", ""
        # Preferred, not QPushButton's Minimum: the layout may shrink it to the short text.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_texts(self, full: str, short: str) -> None:
        self.full, self.short = full, short
        self.setText(full)
        if self.isVisible():
            self._fit()
        self.updateGeometry()

    def _padding(self) -> int:
        return super().sizeHint().width() - self.fontMetrics().horizontalAdvance(self.text())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self.full) + self._padding(), hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self.short) + self._padding(), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        fits = self.fontMetrics().horizontalAdvance(self.full) + self._padding() <= self.width()
        wanted = self.full if fits else self.short
        if wanted and self.text() != wanted:
            self.setText(wanted)


class GateLink(QLabel):
    """A requirement's title as a link to the pane that fixes it: one Tab stop, opened by a
    click, Enter or Space, framed in the highlight colour while it has the focus."""

    def __init__(self, title: str, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName("gateLink")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setText(f'<a href="{html.escape(kind)}">{html.escape(title)}</a>')
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip("Show the pane where this is recorded")
        self.setAccessibleName(title)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.linkActivated.emit(self.kind)
            return
        super().keyPressEvent(event)


MARKS = {MET: "✓", MISSING: "✗", NOT_YET: "—"}
STATE_WORDS = {MET: "done", MISSING: "missing", NOT_YET: "does not apply yet"}


class GatePanel(QFrame):
    move_requested = Signal(str)  # the next stage's slug
    fix_requested = Signal(str)  # the kind of record that fixes a requirement (gates.RULE_FIXED_IN)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gatePanel")
        self.setAccessibleName("Stage gate checklist")
        self.next_stage: str | None = None
        self.items: list[ChecklistItem] = []
        self.heading = plain_label(name="sectionTitle")
        self.summary = plain_label(name="paneIntro")
        self.items_box = QWidget()
        self.items_layout = QVBoxLayout(self.items_box)
        self.items_layout.setContentsMargins(0, 0, 0, 0)
        self.items_layout.setSpacing(8)
        self.move_button = FittingButton()
        self.move_button.clicked.connect(
            lambda: self.next_stage and self.move_requested.emit(self.next_stage)
        )
        self.refusal = QLabel()
        self.refusal.setObjectName("formError")
        self.refusal.setTextFormat(Qt.TextFormat.RichText)
        self.refusal.setWordWrap(True)
        self.refusal.hide()
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        body_layout.addWidget(self.items_box)
        body_layout.addSpacing(6)
        body_layout.addWidget(self.refusal)
        body_layout.addWidget(self.move_button)
        body_layout.addStretch(1)
        scroller = QScrollArea()
        scroller.setWidget(body)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its links and button take the focus
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # it wraps
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(scroller, 1)

    def set_gate(self, detail: EngagementDetail, items: Sequence[ChecklistItem]) -> None:
        self.items = list(items)
        stage = framework.stage(detail.stage)
        index = framework.stage_index(detail.stage)
        self.next_stage = framework.STAGES[index + 1].slug if index + 1 < len(framework.STAGES) else None
        met = sum(1 for i in items if i.state == MET)
        not_yet = sum(1 for i in items if i.state == NOT_YET)
        if self.next_stage is None:
            self.heading.setText("Final stage: no further gate")
            self.summary.setText(
                f"{_outcome_sentence(detail)}\nA move back (with its reason) is made on the board."
            )
        else:
            self.heading.setText(f"Gate: leaving {stage.label}")
            later = f"; {not_yet} not applying yet" if not_yet else ""
            self.summary.setText(f"{met} of {plural(len(items) - not_yet, 'requirement')} met{later}.")
        while self.items_layout.count():
            child = self.items_layout.takeAt(0).widget()
            if child is not None:
                child.deleteLater()
        dark = theme.is_dark(QGuiApplication.palette())
        previous: QWidget | None = None
        for item in items:
            box = self._item_widget(item, dark)
            self.items_layout.addWidget(box)
            link = box.findChild(QLabel, "gateLink")
            if previous is not None:
                QWidget.setTabOrder(previous, link)  # Tab walks the items top to bottom,
            previous = link
        if previous is not None:
            QWidget.setTabOrder(previous, self.move_button)  # then reaches the move
        if self.next_stage is not None:
            label = framework.stage(self.next_stage).label
            self.move_button.set_texts(f"Move to {label}", "Move to next stage")
            self.move_button.setAccessibleName(f"Move to {label}")
            self.move_button.setToolTip(
                f"Move to {label} (Alt+M). The gate is checked when you move; what is missing is listed here."
            )
        self.move_button.setVisible(self.next_stage is not None)
        self.refusal.hide()

    def _item_widget(self, item: ChecklistItem, dark: bool) -> QWidget:
        """The mark, then the title; each missing sentence under the title with a bullet,
        wrapped lines indented under their text (not under the mark or the bullet)."""
        box = QWidget()
        box.setObjectName("gateItem")
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        if item.state == NOT_YET:
            colour = QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText).name()
        else:
            colour = theme.health_colour("healthy" if item.state == MET else "at_risk", dark).name()
        mark = QLabel()
        mark.setTextFormat(Qt.TextFormat.RichText)
        mark.setText(f'<span style="color:{colour}; font-weight:bold">{MARKS[item.state]}</span>')
        # The title is the framework's own text and a link to the pane that fixes it; the
        # missing sentences may quote client text (a cycle's title), so they are plain.
        title = GateLink(item.title, item.fixed_in)
        title.linkActivated.connect(self.fix_requested)
        grid.addWidget(mark, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(title, 0, 1, 1, 2)
        lines = list(item.missing) if item.state == MISSING else []
        if item.state == NOT_YET:
            lines = [f"Not yet: {item.not_yet}."]
        for row, sentence in enumerate(lines, start=1):
            bullet = plain_label("•", wrap=False, name="gateMissing")
            grid.addWidget(bullet, row, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(plain_label(sentence, name="gateMissing"), row, 2)
        grid.setColumnStretch(2, 1)
        box.setAccessibleName(f"{item.title}: {STATE_WORDS[item.state]}")
        box.setAccessibleDescription(" ".join(lines))
        return box

    def show_refusal(self, requirements: Sequence[str]) -> None:
        """The core's reasons for refusing the move, one bullet each; a wrapped reason stays
        indented under its own text. (Reasons may quote client text: escaped.)"""
        rows = "".join(f"<tr><td>•&nbsp;</td><td>{html.escape(r)}</td></tr>" for r in requirements)
        self.refusal.setText(f"Not moved. Missing:<table cellspacing='0' cellpadding='0'>{rows}</table>")
        self.refusal.setAccessibleDescription("Not moved. Missing: " + " ".join(requirements))
        self.refusal.show()
