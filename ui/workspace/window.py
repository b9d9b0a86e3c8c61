"""The engagement workspace: one window per open engagement, its records in panes listed
down the left (every one reachable at any width) and its stage gate always in view beside them.

Every edit is an undo command on the board's stack; whenever the engagement changes (an edit
here, an undo in any window, a drop on the board, a dossier export) the window re-reads it
and refreshes every pane in place, keeping the pane and the selections. After a move it shows
the pane that fixes the first open requirement of the new stage.

Nothing typed is lost: panes save as the user goes (forms.AutoSave), and closing the window
(Close, Esc, Ctrl+W, the title bar, or the main window) saves first; a save the core refuses
keeps the window open on the field, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QFontMetrics,
    QGuiApplication,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from mwms_desktop import APP_NAME, framework, gates
from mwms_desktop.errors import NotFound
from mwms_desktop.services import Services
from mwms_desktop.views import EngagementDetail
from ui import shortcuts, theme
from ui.board_controller import BoardController
from ui.focus_ring import FocusRing
from ui.screen import fitted
from ui.tooltip import plain_tip
from ui.workspace.base import ElidedLabel, Pane, WorkspaceContext, plain_label, plural
from ui.workspace.gate_panel import GatePanel
from ui.workspace.panes.conflicts import ConflictsPane
from ui.workspace.panes.cycles import CyclesPane
from ui.workspace.panes.health import HealthPane
from ui.workspace.panes.history import HistoryPane
from ui.workspace.panes.learnings import LearningsPane
from ui.workspace.panes.onboarding import OnboardingPane
from ui.workspace.panes.outcome import OutcomePane
from ui.workspace.panes.overview import OverviewPane
from ui.workspace.panes.qualification import QualificationPane
from ui.workspace.panes.research import ResearchPane
from ui.workspace.panes.stakeholders import StakeholdersPane

PANES = (OverviewPane, QualificationPane, OnboardingPane, StakeholdersPane, ResearchPane,
         CyclesPane, LearningsPane, HealthPane, OutcomePane, HistoryPane)  # fmt: skip

# The pane that edits each kind of record a gate requirement names (gates.RULE_FIXED_IN).
FIXED_IN_PANE = {
    "qualification": QualificationPane.title,
    "stakeholder": StakeholdersPane.title,
    "onboarding": OnboardingPane.title,
    "expectations": OnboardingPane.title,
    "insight": ResearchPane.title,
    "hypothesis": ResearchPane.title,
    "cycle": CyclesPane.title,
    "learning": LearningsPane.title,
    "checkin": HealthPane.title,
    "outcome": OutcomePane.title,
    "dossier": OutcomePane.title,
}

# The workspace's own look, from the palette so light and dark both read well.
STYLE = """
#workspaceTitle { font-size: 15pt; font-weight: bold; }
#sectionTitle { font-weight: bold; }
#quote { font-style: italic; color: palette(placeholder-text); }
#paneIntro, #hint, #paneStatus { color: palette(placeholder-text); }
#gatePanel { background: palette(base); border: 1px solid palette(mid); border-radius: 6px; }
#gatePanel QScrollArea, #gatePanel QScrollArea > QWidget > QWidget { background: transparent; }
#gateMissing { color: palette(placeholder-text); }
#gateLink { border: 1px solid transparent; border-radius: 3px; }
#gateLink:focus { border-color: palette(highlight); }
#closeRefused { font-weight: bold; }
#paneList { border: 1px solid palette(mid); border-radius: 4px; }
#paneList::item { padding: 4px 8px; }
"""

RECHECK_MS = 60 * 60 * 1000  # days in stage and the check-in's age move with the calendar
GATE_MIN, GATE_MAX = 220, 320  # the gate panel's width: a quarter of the window within these
UNDO_TEXT_CHARS = 48  # "Undo <what>" in the toolbar is cut to about this many characters


class PaneList(QWidget):
    """The panes, named in a list down the left and shown beside it: unlike tabs, every pane
    stays in view at any width (no scroll arrows)."""

    currentChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setObjectName("paneList")
        self.list.setAccessibleName("Engagement records")
        self.list.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addWidget(self.stack, 1)
        self.list.currentRowChanged.connect(self._row_changed)

    def _row_changed(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentIndex(row)
            self.currentChanged.emit(row)

    def add(self, pane: QWidget, title: str, tip: str = "") -> int:
        item = QListWidgetItem(title)
        item.setToolTip(tip or title)
        self.list.addItem(item)
        index = self.stack.addWidget(pane)
        fm = self.list.fontMetrics()
        widest = max(fm.horizontalAdvance(self.list.item(i).text()) for i in range(self.list.count()))
        self.list.setFixedWidth(widest + 2 * 8 + 18)  # the items' padding (STYLE), the frame
        if self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        return index

    def count(self) -> int:
        return self.stack.count()

    def currentIndex(self) -> int:
        return self.stack.currentIndex()

    def setCurrentIndex(self, index: int) -> None:
        self.list.setCurrentRow(index)

    def currentWidget(self) -> QWidget:
        return self.stack.currentWidget()

    def setCurrentWidget(self, pane: QWidget) -> None:
        self.setCurrentIndex(self.stack.indexOf(pane))

    def widget(self, index: int) -> QWidget:
        return self.stack.widget(index)

    def titles(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]


def first_input(pane: QWidget) -> QWidget | None:
    """The pane's first Tab stop that takes input: an empty table is skipped for what follows
    it (its "Add …" button)."""
    widget = pane.nextInFocusChain()
    while widget is not None and widget is not pane:
        takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        usable = pane.isAncestorOf(widget) and widget.isVisibleTo(pane) and widget.isEnabled()
        model = widget.model() if isinstance(widget, QAbstractItemView) else None
        empty = model is not None and not model.rowCount()
        if takes_tab and usable and not empty:
            return widget
        widget = widget.nextInFocusChain()
    return None


class GateSplitter(QSplitter):
    """Tabs and gate side by side. Until the user drags the divider the gate takes a quarter
    of the width (between GATE_MIN and GATE_MAX), so a narrow window gives its room to the
    tabs; after a drag the gate keeps the width the user chose, as far as it fits."""

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.chosen: int | None = None
        self._placing = False
        self.splitterMoved.connect(self._moved)

    def _moved(self, _pos: int, _index: int) -> None:
        if not self._placing and self.count() == 2:
            self.chosen = self.sizes()[1]

    def gate_width(self, total: int) -> int:
        wanted = self.chosen if self.chosen is not None else min(GATE_MAX, max(GATE_MIN, total // 4))
        tabs_min = self.widget(0).minimumSizeHint().width()
        return max(GATE_MIN, min(wanted, total - tabs_min))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.count() != 2:
            return
        total = sum(self.sizes())
        gate = self.gate_width(total)
        if total > 0 and self.sizes()[1] != gate:
            self._placing = True
            try:
                self.setSizes([total - gate, gate])
            finally:
                self._placing = False


class FollowNotice(QFrame):
    """A short, non-modal line over the workspace's foot: its engagement changed elsewhere
    (a Dismiss button), or went (a Close button: the window closes when the user has read
    it, never under them)."""

    closing = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("followNotice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Changed elsewhere")
        self.text = plain_label(name="followText")
        self.button = QPushButton()
        self.button.clicked.connect(self._clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button)
        self.gone = self.deleted = False
        self.hide()

    def show_changed(self, text: str) -> None:
        self._show(text, "Dismiss")

    def show_gone(self, text: str, *, deleted: bool = False) -> None:
        """``deleted``: nothing is left to save, so closing saves nothing."""
        self.gone, self.deleted = True, deleted
        self._show(text, "Close")

    def _show(self, text: str, button: str) -> None:
        self.text.setText(f"ⓘ {text}")
        self.setAccessibleDescription(text)
        self.button.setText(button)
        self.show()

    def _clicked(self) -> None:
        if self.gone:
            self.closing.emit()
        else:
            self.hide()


class WorkspaceWindow(QMainWindow):
    export_requested = Signal(int)  # engagement id: "Export dossier…" (connected by the dossier's owner)

    def __init__(
        self,
        services: Services,
        eid: int,
        undo_stack: QUndoStack,
        controller: BoardController,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setStyleSheet(STYLE)
        self.services, self.eid = services, eid
        self.undo_stack, self.controller = undo_stack, controller
        self.ctx = WorkspaceContext(services, eid, controller, self)
        self.detail: EngagementDetail | None = None
        self._closed = False
        self._elsewhere = False  # changed by another program since the last refresh

        self.client = ElidedLabel(name="workspaceTitle")  # a long name is cut, whole in the tooltip
        self.subtitle = plain_label(name="paneIntro")
        # The drift line keeps its place when there is none, so the window never changes
        # size when one appears: one line, the badge then the sentences cut with "…" (the
        # whole list in the tooltip).
        self.drift_badge = QLabel()
        self.drift_badge.setTextFormat(Qt.TextFormat.RichText)
        self.drift = ElidedLabel(name="driftNotice")
        self.drift.setAccessibleName("Drift signals")
        drift_row = QWidget()
        drift_layout = QHBoxLayout(drift_row)
        drift_layout.setContentsMargins(0, 0, 0, 0)
        drift_layout.addWidget(self.drift_badge)
        drift_layout.addWidget(self.drift, 1)
        drift_row.setFixedHeight(drift_row.sizeHint().height())
        self.drift_row = drift_row
        self.health = QLabel()
        self.health.setTextFormat(Qt.TextFormat.RichText)
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.client)
        titles.addWidget(self.subtitle)
        titles.addWidget(drift_row)
        header.addLayout(titles, 1)
        header.addWidget(self.health, 0, Qt.AlignmentFlag.AlignTop)

        self.tabs = PaneList()
        self.panes: dict[str, Pane] = {}
        for cls in PANES:
            pane = cls(self.ctx)
            self.panes[cls.title] = pane
            self.tabs.add(pane, cls.title)
        self.panes[OutcomePane.title].export_requested.connect(lambda: self.export_requested.emit(self.eid))
        self.gate = GatePanel()
        self.gate.move_requested.connect(lambda slug: self.controller.move(self.eid, slug))
        self.gate.fix_requested.connect(self.show_fix)
        self.splitter = GateSplitter()
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.gate)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.gate.setMinimumWidth(GATE_MIN)
        self.splitter.setSizes([900, GATE_MAX])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addLayout(header)
        layout.addWidget(self.splitter, 1)
        self.notice = FollowNotice()  # the engagement changed, or went, elsewhere
        self.notice.closing.connect(self.close)
        layout.addWidget(self.notice)
        self.status = plain_label(name="closeRefused")  # why the window did not close
        self.status.hide()
        layout.addWidget(self.status)
        self.setCentralWidget(central)
        self._build_actions()
        # Every Tab stop shows the accent ring, as on the board (Fusion shows a focused check
        # box or combo faintly or not at all).
        self.focus_ring = FocusRing(self)
        # Enter presses the focused button, as in a dialog: a main window's buttons answer
        # Space only, so Enter on a focused "Add insight…" did nothing.
        for button in central.findChildren(QPushButton):
            button.setAutoDefault(True)

        controller.changed.connect(self._engagement_changed)
        controller.move_refused.connect(self._move_refused)
        # The calendar moves too (days in stage, a check-in growing stale): re-read hourly,
        # as the board does.
        self._recheck = QTimer(self, interval=RECHECK_MS, timeout=self.refresh)
        self._recheck.start()
        self.resize(fitted(self, 1280, 820))
        self.refresh()

    def _build_actions(self) -> None:
        # Undo and redo name the edit, which may hold a client's name: cut to a toolbar's width.
        self.undo_action = QAction("&Undo", self)
        self.undo_action.setShortcuts(shortcuts.undo_keys())
        # What was typed is saved first, so Undo takes back the typing, not the edit before it.
        self.undo_action.triggered.connect(lambda: self._step("Not undone", self.undo_stack.undo))
        self.redo_action = QAction("&Redo", self)
        # Redo answers the same keys as the board's: Ctrl+Shift+Z, Ctrl+Y and the platform's own.
        self.redo_action.setShortcuts(shortcuts.redo_keys())
        self.redo_action.triggered.connect(lambda: self._step("Not redone", self.undo_stack.redo))
        for signal in (self.undo_stack.canUndoChanged, self.undo_stack.canRedoChanged,
                       self.undo_stack.undoTextChanged, self.undo_stack.redoTextChanged):  # fmt: skip
            signal.connect(self._name_undo_actions)
        self._name_undo_actions()
        self.export_action = QAction("Export dossier…", self)
        self.export_action.triggered.connect(lambda: self.export_requested.emit(self.eid))
        self.close_action = QAction("Close", self)
        self.close_action.setShortcuts(shortcuts.keys("Esc", "Ctrl+W", QKeySequence.StandardKey.Close))
        self.close_action.setToolTip("Close this engagement (Esc, Ctrl+W); what you typed is saved first")
        self.close_action.triggered.connect(self.close)
        # The gate's move button from anywhere in the window, as Ctrl+→ moves a card on the board.
        self.move_action = QAction("Move to the next stage", self)
        self.move_action.setShortcut(QKeySequence("Alt+M"))
        self.move_action.triggered.connect(self._move_on)
        self.addAction(self.move_action)
        bar = self.addToolBar("Engagement")
        bar.setObjectName("workspaceToolbar")
        bar.setMovable(False)
        for action in (self.undo_action, self.redo_action):
            bar.addAction(action)
        bar.addSeparator()
        bar.addAction(self.export_action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        bar.addAction(self.close_action)  # a visible button; its keys work anywhere in the window
        # Alt+1 … Alt+9, Alt+0 go straight to a pane.
        for n in range(min(10, self.tabs.count())):
            key = QKeySequence(f"Alt+{(n + 1) % 10}")
            QShortcut(key, self, lambda n=n: self.show_pane(self.tabs.widget(n)))

    def _step(self, not_done: str, step: Callable[[], None]) -> None:
        """Undo or redo: what was typed is saved first, and what another program committed
        meanwhile is taken in first (so the step's refresh says so)."""
        if self.save_pending(not_done) and self.controller.look_first():
            step()

    def _move_on(self) -> None:
        if self.gate.next_stage is not None and self.save_pending("Not moved"):
            self.gate.move_button.click()

    def _name_undo_actions(self, *_args: object) -> None:
        if not Shiboken.isValid(self.undo_stack):
            return  # the board's stack going away (it signals while it is destroyed)
        fm = QFontMetrics(self.font())
        room = fm.averageCharWidth() * UNDO_TEXT_CHARS
        stack = self.undo_stack
        for action, word, can, what in (
            (self.undo_action, "Undo", stack.canUndo(), stack.undoText()),
            (self.redo_action, "Redo", stack.canRedo(), stack.redoText()),
        ):
            full = f"{word} {what}".strip() if can else word
            shown = fm.elidedText(full, Qt.TextElideMode.ElideRight, room)
            action.setEnabled(can)
            action.setText("&" + shown.replace("&", "&&"))
            action.setIconText(shown.replace("&", "&&"))  # keeps the "…" a toolbar would strip
            action.setToolTip(plain_tip(full))  # names the engagement or record, as typed

    # --- refreshing --------------------------------------------------------------------

    def _engagement_changed(self, eid: int) -> None:
        if eid == self.eid:
            self.refresh()

    def refresh(self, *, show_work: bool = True) -> None:
        """Re-read the engagement and show it everywhere (about ten queries). After a move
        the pane of the new stage's first open item is shown, unless ``show_work`` is False
        (a move made elsewhere must not take the pane away from under the user's typing)."""
        detail = self.services.portfolio.detail(self.eid)
        moved = self.detail is not None and self.detail.stage != detail.stage
        was_active = self.detail is not None and self.detail.card.status == "active"
        elsewhere, self._elsewhere = self._elsewhere, False
        self.detail = detail
        card = detail.card
        suffix = "" if card.status == "active" else f" ({card.status})"
        self.setWindowTitle(f"{card.client} — {card.stage_label}{suffix}")
        self.setAccessibleName(f"Engagement {card.client}")
        self.client.set_full_text(card.client)
        owner = f" · {card.owner}" if card.owner else ""
        status = (
            ""
            if card.status == "active"
            else f" · {framework.label(framework.ENGAGEMENT_STATUSES, card.status)}"
        )
        self.subtitle.setText(
            f"{card.type_label}{owner} · {framework.stage(card.stage).number}. {card.stage_label}, "
            f"{plural(card.days_in_stage, 'day')} in stage{status}"
        )
        self._show_conflicts(detail.unresolved_conflicts)
        for pane in self.panes.values():
            pane.set_detail(detail)
        self.gate_items = gates.checklist(detail, self.services.lifecycle.gate_context())
        self._paint()
        if not any(saver.error for pane in self.panes.values() for saver in pane.savers):
            self.status.hide()  # the save that stopped a close has gone through since
        if moved and show_work and not elsewhere:
            self.show_stage_work()
        if elsewhere:
            self._say_changed_elsewhere(was_active)

    def follow_outside(self, *, writing: bool = False) -> None:
        """Something else wrote to the database (the CLI, an import): if it was this
        engagement, show it as it is now and say so. What the user typed is saved first, so
        the refresh never overwrites a field under the cursor. Gone (deleted, or archived
        elsewhere), the window says so and closes when the user says.

        ``writing``: an edit of this window is being saved right now (the controller looks
        for outside changes before each write); the refresh that follows it shows both, and
        says so, so an outside change is never taken in silently by one's own save."""
        if self._closed or self.notice.gone:
            return
        try:
            detail = self.services.portfolio.detail(self.eid)
        except NotFound:
            self._recheck.stop()
            self.tabs.setEnabled(False)  # nothing here can be saved any more
            self.gate.setEnabled(False)
            self.notice.show_gone(
                f"{self.client.full_text()} was deleted elsewhere (another window, the command line "
                "or an import): nothing more can be saved here.",
                deleted=True,
            )
            return
        if detail == self.detail:
            return  # another engagement's change
        self._elsewhere = True  # the next refresh says so
        if writing:  # that save's refresh shows it; if the save is refused, this does
            QTimer.singleShot(0, self, self._catch_up)  # not after the window is gone
            return
        self._catch_up()

    def _catch_up(self) -> None:
        """Show an outside change no refresh has shown yet, after saving what was typed."""
        if not self._elsewhere or self._closed or self.notice.gone:
            return
        if not self.save_pending("Not refreshed"):
            self.notice.show_changed(
                "This engagement changed elsewhere; it is shown as it is now once your edit is saved."
            )
            return
        self.refresh(show_work=False)

    def _say_changed_elsewhere(self, was_active: bool) -> None:
        card = self.detail.card  # type: ignore[union-attr]
        if was_active and card.status != "active":
            status = framework.label(framework.ENGAGEMENT_STATUSES, card.status).lower()
            self.notice.show_gone(
                f"{card.client} was {status} elsewhere (another window, the command line or an "
                "import): it is no longer on the board."
            )
        else:
            self.notice.show_changed(
                "This engagement changed elsewhere (another window, the command line or an "
                "import): it is shown as it is now."
            )

    def _show_conflicts(self, count: int) -> None:
        """ "Conflicts (N)" in the pane list while a merge left any (issue 12): the pane is
        added the first time there are some, and its entry hidden again when none are left."""
        pane = self.panes.get(ConflictsPane.title)
        if pane is None:
            if not count:
                return
            pane = self.panes[ConflictsPane.title] = ConflictsPane(self.ctx)
            self.tabs.add(pane, f"{ConflictsPane.title} ({count})", "Records changed on two laptops")
        item = self.tabs.list.item(self.tabs.stack.indexOf(pane))
        item.setText(f"{ConflictsPane.title} ({count})" if count else ConflictsPane.title)
        item.setHidden(not count)
        if not count and self.tabs.currentWidget() is pane:
            self.tabs.setCurrentIndex(0)

    # --- getting around ------------------------------------------------------------------

    def show_fix(self, kind: str) -> None:
        """Show the pane that edits ``kind`` (a gate requirement's gates.RULE_FIXED_IN)."""
        title = FIXED_IN_PANE.get(kind)
        if title is not None:
            self.show_pane(self.panes[title])

    def show_pane(self, pane: QWidget) -> None:
        """Show ``pane`` with the cursor on its first input, where the work goes on (a link,
        Alt+1 … Alt+0, a move): left behind on the gate or a hidden field, it showed nowhere."""
        self.tabs.setCurrentWidget(pane)
        first = first_input(pane)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_stage_work(self) -> None:
        """Show the pane that fixes the first open requirement of the stage's gate (in the
        last stage, the outcome)."""
        open_items = [i for i in self.gate_items if not i.met]
        self.show_fix(open_items[0].fixed_in if open_items else "outcome")

    def show_open_work(self) -> None:
        """On opening: the pane that fixes the stage's first open requirement, where the
        consultant's work is; the Overview while the gate has nothing open."""
        open_items = [i for i in self.gate_items if not i.met]
        if open_items:
            self.show_fix(open_items[0].fixed_in)

    def _paint(self) -> None:
        """What is coloured by the scheme (health, drift, gate marks): again on a switch."""
        if self.detail is None:
            return
        card = self.detail.card
        dark = theme.is_dark(QGuiApplication.palette())
        h = card.health
        colour = theme.health_colour(h.band, dark).name()
        score = "" if h.score is None else f" {h.score}"
        self.health.setText(f'<span style="color:{colour}">●</span> {h.band_label}{score}')
        self.health.setAccessibleName(f"Health: {h.band_label}{score}")
        self._show_drift(card.drift, dark)
        self.gate.set_gate(self.detail, self.gate_items)

    def _show_drift(self, signals: Iterable, dark: bool) -> None:
        """The open drift signals under the title, marked as on the board card: ⚠ and the count
        on amber, then each signal's sentence (cut to the line; all of them in the tooltip).
        With none the line stays empty but keeps its place."""
        signals = list(signals)
        if not signals:
            self.drift_badge.clear()
            self.drift.set_full_text("")
            self.drift.setAccessibleDescription("")
            return
        fill = theme.warning_colour(dark).name()
        ink = "#101010" if dark else "#1a1a1a"
        word = theme.warning_text_colour(dark).name()
        badge = f'<span style="background-color:{fill}; color:{ink}">&nbsp;⚠ {len(signals)}&nbsp;</span>'
        title = f'<span style="color:{word}; font-weight:bold">Drift</span>'
        self.drift_badge.setText(f"{badge}&nbsp; {title}:")
        self.drift_badge.setToolTip("Drift signals: what the framework's drift protection finds in "
                                    "this engagement's records (the ⚠ on its board card).")  # fmt: skip
        sentences = " · ".join(s.message for s in signals)
        self.drift.set_full_text(sentences)
        self.drift.setAccessibleName(f"Drift signals: {len(signals)}")
        self.drift.setAccessibleDescription(" ".join(s.message for s in signals))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "gate_items"):
            self._paint()

    def _move_refused(self, eid: int, _to_stage: str, unmet: list[str]) -> None:
        if eid == self.eid:
            self.gate.show_refusal(unmet)

    def pane(self, title: str) -> Pane:
        return self.panes[title]

    def save_pending(self, not_done: str = "Not closed") -> bool:
        """Save what was typed in every pane. False if the core refused a save: then the
        pane and its field are shown with the reason (``not_done``: what did not happen),
        and nothing of that field is written."""
        for pane in self.panes.values():
            refused = pane.flush()
            if refused is not None:
                error, field = refused
                self.tabs.setCurrentWidget(pane)
                if field is not None:
                    field.setFocus()
                self.status.setText(f"⚠ {not_done}, so that nothing you typed is lost: {error}")
                self.status.show()
                return False
        self.status.hide()
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:  # closed before (a hidden window may be closed again)
            super().closeEvent(event)
            return
        if not self.notice.deleted and not self.save_pending("Not closed"):
            event.ignore()
            return
        self._closed = True
        self._recheck.stop()
        self.controller.changed.disconnect(self._engagement_changed)
        for signal in (self.undo_stack.canUndoChanged, self.undo_stack.canRedoChanged,
                       self.undo_stack.undoTextChanged, self.undo_stack.redoTextChanged):  # fmt: skip
            signal.disconnect(self._name_undo_actions)
        self.controller.move_refused.disconnect(self._move_refused)
        super().closeEvent(event)


__all__ = ["APP_NAME", "WorkspaceWindow"]
