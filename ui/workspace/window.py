"""The engagement workspace: one window per open engagement, its records in tabs and its
stage gate always in view beside them.

Every edit is an undo command on the board's stack; whenever that stack moves (an edit here,
an undo in any window, a drop on the board) the window re-reads the engagement and refreshes
every pane in place, keeping the tab and the selections.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QSplitter, QTabWidget, QVBoxLayout, QWidget

from mwms_desktop import APP_NAME, framework, gates
from mwms_desktop.services import Services
from mwms_desktop.views import EngagementDetail
from ui import theme
from ui.board_controller import BoardController
from ui.workspace.base import Pane, WorkspaceContext, plain_label
from ui.workspace.gate_panel import GatePanel
from ui.workspace.panes.cycles import CyclesPane
from ui.workspace.panes.health import HealthPane
from ui.workspace.panes.history import HistoryPane
from ui.workspace.panes.learnings import LearningsPane
from ui.workspace.panes.onboarding import OnboardingPane
from ui.workspace.panes.overview import OverviewPane
from ui.workspace.panes.qualification import QualificationPane
from ui.workspace.panes.research import ResearchPane
from ui.workspace.panes.stakeholders import StakeholdersPane

PANES = (OverviewPane, QualificationPane, OnboardingPane, StakeholdersPane, ResearchPane,
         CyclesPane, LearningsPane, HealthPane, HistoryPane)  # fmt: skip

# The workspace's own look, from the palette so light and dark both read well.
STYLE = """
#workspaceTitle { font-size: 15pt; font-weight: bold; }
#sectionTitle { font-weight: bold; }
#quote { font-style: italic; color: palette(placeholder-text); }
#paneIntro, #hint, #paneStatus { color: palette(placeholder-text); }
#gatePanel { background: palette(base); border: 1px solid palette(mid); border-radius: 6px; }
#gatePanel QScrollArea, #gatePanel QScrollArea > QWidget > QWidget { background: transparent; }
#gateMissing { color: palette(placeholder-text); }
"""


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

        self.client = plain_label(wrap=False, name="workspaceTitle")
        self.subtitle = plain_label(name="paneIntro")
        self.health = QLabel()
        self.health.setTextFormat(Qt.TextFormat.RichText)
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.client)
        titles.addWidget(self.subtitle)
        header.addLayout(titles, 1)
        header.addWidget(self.health, 0, Qt.AlignmentFlag.AlignTop)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Engagement records")
        self.tabs.setDocumentMode(True)
        self.panes: dict[str, Pane] = {}
        for cls in PANES:
            pane = cls(self.ctx)
            self.panes[cls.title] = pane
            self.tabs.addTab(pane, cls.title.replace("&", "&&"))
        self.gate = GatePanel()
        self.gate.move_requested.connect(lambda slug: self.controller.move(self.eid, slug))
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.gate)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setChildrenCollapsible(False)
        self.gate.setMinimumWidth(260)
        self.splitter.setSizes([900, 320])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addLayout(header)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._build_actions()

        undo_stack.indexChanged.connect(self._stack_moved)
        controller.move_refused.connect(self._move_refused)
        self.resize(1280, 820)
        self.refresh()

    def _build_actions(self) -> None:
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
        self.export_action = QAction("Export dossier…", self)
        self.export_action.triggered.connect(lambda: self.export_requested.emit(self.eid))
        self.close_action = QAction("Close", self)
        self.close_action.setShortcuts([QKeySequence("Ctrl+W"), QKeySequence.StandardKey.Close])
        self.close_action.triggered.connect(self.close)
        bar = self.addToolBar("Engagement")
        bar.setObjectName("workspaceToolbar")
        bar.setMovable(False)
        for action in (self.undo_action, self.redo_action):
            bar.addAction(action)
        bar.addSeparator()
        bar.addAction(self.export_action)
        self.addAction(self.close_action)
        # Alt+1 … Alt+9 go straight to a tab.
        for n in range(min(9, self.tabs.count())):
            QShortcut(QKeySequence(f"Alt+{n + 1}"), self, lambda n=n: self.tabs.setCurrentIndex(n))

    # --- refreshing --------------------------------------------------------------------

    def _stack_moved(self, _index: int) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Re-read the engagement and show it everywhere (about ten queries)."""
        detail = self.services.portfolio.detail(self.eid)
        self.detail = detail
        card = detail.card
        suffix = "" if card.status == "active" else f" ({card.status})"
        self.setWindowTitle(f"{card.client} — {card.stage_label}{suffix}")
        self.setAccessibleName(f"Engagement {card.client}")
        self.client.setText(card.client)
        owner = f" · {card.owner}" if card.owner else ""
        status = (
            ""
            if card.status == "active"
            else f" · {framework.label(framework.ENGAGEMENT_STATUSES, card.status)}"
        )
        self.subtitle.setText(
            f"{card.type_label}{owner} · {framework.stage(card.stage).number}. {card.stage_label}, "
            f"{card.days_in_stage} days in stage{status}"
        )
        h = card.health
        colour = theme.health_colour(h.band, theme.is_dark(QGuiApplication.palette())).name()
        score = "" if h.score is None else f" {h.score}"
        self.health.setText(f'<span style="color:{colour}">●</span> {h.band_label}{score}')
        self.health.setAccessibleName(f"Health: {h.band_label}{score}")
        for pane in self.panes.values():
            pane.set_detail(detail)
        items = gates.checklist(detail, self.services.lifecycle.gate_context())
        self.gate.set_gate(detail, items)

    def _move_refused(self, eid: int, _to_stage: str, unmet: list[str]) -> None:
        if eid == self.eid:
            self.gate.show_refusal(unmet)

    def pane(self, title: str) -> Pane:
        return self.panes[title]

    def closeEvent(self, event: QCloseEvent) -> None:
        self.undo_stack.indexChanged.disconnect(self._stack_moved)
        self.controller.move_refused.disconnect(self._move_refused)
        super().closeEvent(event)


__all__ = ["APP_NAME", "WorkspaceWindow"]
