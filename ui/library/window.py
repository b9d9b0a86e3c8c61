"""View → Learning library (Ctrl+L): every engagement's learnings, insights, hypotheses and
evaluated cycles, searched as you type, narrowed by facets, each with its evidence chain;
Enter opens the record in its engagement's workspace.

Searching runs off the UI thread (``runner.LatestQuery``): typing never waits for it.

When this database has joined a team, *Team library* (``Alt+T``) searches every consultant's
learnings on the team server instead (``team_view``); the toggle is not shown otherwise."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mwms_desktop import library
from mwms_desktop.library import SLOWER_NOTICE, Chain, CitationView, Hit, SearchResult
from mwms_desktop.library.chain import describe
from mwms_desktop.library.query import Query
from mwms_desktop.services import Services
from ui.library import team_view
from ui.library.results_model import HitRole, ResultsModel
from ui.library.runner import LatestQuery
from ui.library.snippet_delegate import SnippetDelegate
from ui.library.team_view import TeamAnswer, TeamModel, TeamRole
from ui.library.text import FACET_TITLES, KIND_LABELS, marked_html, token, value_label
from ui.tooltip import plain_tip

OpenRecord = Callable[[int, str, int], None]  # engagement id, kind, record id
LOCAL_PLACEHOLDER = (
    "Search every engagement — try checkout is:win tag:pricing kind:learning from:2026-03 to:2026-06"
)
TEAM_PLACEHOLDER = "Search the team's learnings — try checkout tag:pricing type:ecommerce_growth"
TEAM_KEY = "Alt+T"
LIMIT = 40  # a page: the first holds more than the window shows; the next come as it scrolls
FACETS_PAUSE_MS = 150  # after the results are painted
COUNT_PAUSE_MS = 20
TokenRole = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True, slots=True)
class Evidence:
    chain: Chain
    reused: tuple[CitationView, ...]
    built_on: tuple[CitationView, ...]


def evidence_of(services: Services, hit: Hit) -> Evidence:
    """The chain and the reuse of one hit (run on the worker)."""
    reused = tuple(services.citations.reused(hit.id)) if hit.kind == "learning" else ()
    built = (
        tuple(services.citations.built_on(hit.kind, hit.id)) if hit.kind in ("hypothesis", "insight") else ()
    )
    return Evidence(library.chain(hit.kind, hit.id), reused, built)


def evidence_html(hit: Hit, ev: Evidence) -> str:
    esc = html.escape
    c = ev.chain
    lines = [f"<p><b>{esc(KIND_LABELS[hit.kind])}</b> of <b>{esc(c.client)}</b> "
             f"({esc(value_label('type', c.engagement_type))}, {esc(value_label('stage', c.stage))}"
             f"{'' if c.status == 'active' else ', ' + esc(c.status)})</p>", "<p>"]  # fmt: skip
    for link in c.links:
        arrow = "" if link.depth == 0 else "&nbsp;&nbsp;&nbsp;&nbsp;" * (link.depth - 1) + "← "
        lines.append(f"{arrow}{esc(describe(link))}<br>")
    lines.append("</p>")
    if hit.kind == "learning":
        clients = list(dict.fromkeys(r.client for r in ev.reused))
        if clients:
            n = len(clients)
            lines.append(
                f"<p><b>Reused in {n} engagement{'s' if n > 1 else ''}:</b> {esc(', '.join(clients))}</p>"
            )
        else:
            lines.append("<p>Not reused in another engagement yet.</p>")
    for b in ev.built_on:
        source = b.learning_client or "a learning not in this file"
        lines.append(f"<p>Built on: “{esc(b.statement)}” ({esc(source)})</p>")
    lines.append("<p><i>Enter opens it in its workspace.</i></p>")
    return "".join(lines)


def _facet_item(facet: str, value: str, n: int) -> QTreeWidgetItem:
    item = QTreeWidgetItem([f"{value_label(facet, value)} ({n})"])
    item.setData(0, TokenRole, token(facet, value))
    item.setToolTip(0, plain_tip(f"Narrow to {token(facet, value)}"))  # a client's name, as typed
    return item


class LibraryWindow(QMainWindow):
    def __init__(self, services: Services, open_record: OpenRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.open_record = services, open_record
        self.setWindowTitle("Learning library")
        self.setObjectName("libraryWindow")
        self.result: SearchResult | None = None
        # The text ``result`` answers: its next page, total and facets are asked of this
        # text, not of the search box, which may hold newer text whose first page is coming.
        self.result_text = ""
        self._told_slower = False

        self.search = QLineEdit()
        self.search.setPlaceholderText(LOCAL_PLACEHOLDER)
        self.search.setAccessibleName("Search the library")
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        self.count.setObjectName("paneStatus")
        self.playbook_button = QPushButton("Export playbook…")
        self.playbook_button.setToolTip(
            "A PDF of the library's learnings by refinement and tag, with evidence and reuse "
            "(narrowed to the type: and tag: in the search)"
        )
        self.playbook_button.clicked.connect(lambda: self.export_playbook())
        self.team_box = QCheckBox("Team library")
        self.team_box.setToolTip(
            f"Search every consultant's learnings on the team server ({TEAM_KEY}; "
            "a colleague's client shows as its engagement type)"
        )
        self.team_box.hide()  # shown once the database is known to be in a team
        self.team_box.toggled.connect(self._scope_changed)
        self.notice = QLabel()
        self.notice.setObjectName("paneIntro")
        self.notice.setWordWrap(True)
        self.notice.hide()

        self.facets = QTreeWidget()
        self.facets.setHeaderHidden(True)
        self.facets.setAccessibleName("Facets")
        self.facets.itemActivated.connect(self._facet_chosen)

        self.model = ResultsModel(self)
        self.model.more_wanted.connect(self._more)
        self.results = QTableView()
        self.results.setModel(self.model)
        self.results.setAccessibleName("Results")
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setAlternatingRowColors(True)
        self.results.setWordWrap(False)
        self.results.verticalHeader().hide()
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, chars in ((0, 12), (2, 17), (3, 16), (4, 9)):
            self.results.setColumnWidth(column, chars * self.results.fontMetrics().averageCharWidth())
        self.results.setItemDelegateForColumn(1, SnippetDelegate(self.results))
        self.results.activated.connect(self._open)
        self.results.selectionModel().currentRowChanged.connect(self._selected)

        self.team_model = TeamModel(self)
        self.team_results = QTableView()
        self.team_results.setModel(self.team_model)
        self.team_results.setAccessibleName("Team library results")
        self.team_results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.team_results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.team_results.setAlternatingRowColors(True)
        self.team_results.setWordWrap(False)
        self.team_results.verticalHeader().hide()
        self.team_results.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        team_header, metrics = self.team_results.horizontalHeader(), self.team_results.fontMetrics()
        for column, sample in ((1, "an ecommerce growth client"), (2, "Ecommerce growth"), (3, "Medium"),
                               (4, "2026-11-30")):  # fmt: skip
            width = metrics.horizontalAdvance(sample) + 2 * metrics.averageCharWidth()  # the cell's margins
            self.team_results.setColumnWidth(column, max(team_header.sectionSizeHint(column), width))
        self.team_results.selectionModel().currentRowChanged.connect(self._team_selected)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.results)
        self.stack.addWidget(self.team_results)

        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Evidence chain")
        self.detail.setOpenLinks(False)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.facets)
        split.addWidget(self.stack)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 2)
        split.setSizes([210, 760, 310])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.search)
        layout.addWidget(self.notice)
        row = QHBoxLayout()
        row.addWidget(self.count, 1)
        row.addWidget(self.team_box)
        row.addWidget(self.playbook_button)
        layout.addLayout(row)
        layout.addWidget(split, 1)
        self.setCentralWidget(central)
        self.resize(1280, 760)

        self.query = LatestQuery(self)
        self.query.ready.connect(self._show)
        self.query.failed.connect(self.count.setText)
        # The facet counts read the best FACET_CAP matches of each kind: asked for once the
        # first page of results is painted and typing has paused, so a keystroke waits only
        # for that page, and counts for text typed over are never computed.
        self.more_query = LatestQuery(self, pause_ms=0)
        self.more_query.ready.connect(self._show_more)
        self.more_query.failed.connect(self.count.setText)
        # The total, when the first page did not show it, counted right after the page is
        # painted (a short pause lets the paint have the processor first).
        self.count_query = LatestQuery(self, pause_ms=COUNT_PAUSE_MS)
        self.count_query.ready.connect(self._show_count)
        self.count_query.failed.connect(self.count.setText)
        self.facet_query = LatestQuery(self, pause_ms=FACETS_PAUSE_MS)
        self.facet_query.ready.connect(self._show_facets)
        self.facet_query.failed.connect(self.count.setText)
        self.evidence = LatestQuery(self, pause_ms=60)
        self.evidence.ready.connect(self._show_evidence)
        # Team mode: whether this database is in a team is read on a worker (each time the
        # window is shown: it may have joined or left meanwhile); the team's search too.
        self.team_check = LatestQuery(self, pause_ms=0)
        self.team_check.ready.connect(self._in_team)
        self.team_query = LatestQuery(self)
        self.team_query.ready.connect(self._show_team)
        self.team_query.failed.connect(self.count.setText)
        self.search.textChanged.connect(self._ask)
        self.search.returnPressed.connect(self._focus_results)
        QShortcut(QKeySequence("Ctrl+L"), self, self._focus_search)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self, self.close)
        QShortcut(QKeySequence("Esc"), self, self.close)
        QShortcut(QKeySequence(TEAM_KEY), self, self._toggle_team)
        self._ask("")

    # --- searching -----------------------------------------------------------------------

    def _ask(self, text: str) -> None:
        if self.team_box.isChecked():
            self._ask_team(text)
            return
        self.facet_query.cancel()
        self.count_query.cancel()
        self.more_query.cancel()
        self.count.setText("Searching…")
        self.query.ask(lambda: (text, library.search(text, limit=LIMIT, facets=False, total=False)))

    def _show(self, answer: tuple[str, SearchResult]) -> None:
        text, result = answer
        self.result, self.result_text = result, text
        if not result.indexed and not self._told_slower:
            self._told_slower = True
            self.notice.setText(SLOWER_NOTICE)
            self.notice.show()
        self.model.set_hits(result.hits, more=self._has_more(result, len(result.hits)))
        self.count.setText(self._count_text(result))
        if result.hits:
            self.results.selectRow(0)
        else:
            self.detail.clear()
        if result.total is None:
            q = result.query
            self.count_query.ask(lambda: (q, library.count(text)))
        self.facet_query.ask(lambda: library.search(text, limit=0))

    @staticmethod
    def _has_more(result: SearchResult, shown: int) -> bool:
        return shown < result.total if result.total is not None else shown >= LIMIT

    def _more(self) -> None:
        """The next page of the results shown (the view scrolled near their end)."""
        result = self.result
        if result is None:
            return
        text, q, offset = self.result_text, result.query, self.model.rowCount()
        self.more_query.ask(
            lambda: (q, offset, library.search(text, limit=LIMIT, offset=offset, facets=False, total=False))
        )

    def _show_more(self, answer: tuple[Query, int, SearchResult]) -> None:
        q, offset, page = answer
        result = self.result
        if result is None or result.query != q or offset != self.model.rowCount():
            return  # a page of an older text
        shown = offset + len(page.hits)
        self.model.add_hits(page.hits, more=len(page.hits) == LIMIT and self._has_more(result, shown))
        self.count.setText(self._count_text(result))

    def _show_count(self, answer: tuple[Query, int]) -> None:
        q, total = answer
        result = self.result
        if result is None or result.query != q:
            return  # the count of an older text
        self.result = replace(result, total=total)
        self.model.more = self.model.more and self.model.rowCount() < total
        self.count.setText(self._count_text(self.result))

    def _count_text(self, result: SearchResult, counted: int | None = None) -> str:
        shown = max(len(result.hits), self.model.rowCount())
        problems = " ".join(result.query.problems)
        if result.total is None:
            return f"The best {shown} shown; counting…"
        if not result.total:
            return " ".join(("Nothing found.", problems)).strip()
        more = f" (the best {shown} shown)" if result.total > shown else ""
        if counted is not None and counted < result.total:
            more += f"; facets count the best {counted}"
        return " ".join((f"{result.total} found{more}.", problems)).strip()

    def _show_facets(self, facets: SearchResult) -> None:
        """The facet counts of what is shown (a worker's second answer to the same text)."""
        result = self.result
        if result is None or facets.query != result.query:
            return  # counts of an older text: the newer are on their way
        self.result = SearchResult(result.query, result.hits, facets.total, facets.facets, result.indexed,
                                   facets.counted)  # fmt: skip
        self.count.setText(self._count_text(self.result, facets.counted))
        self._fill_facets(self.result)

    def _fill_facets(self, result: SearchResult) -> None:
        self.facets.clear()
        months = result.facets.get("month", ())
        for facet, counts in result.facets.items():
            if not counts or facet == "month":
                continue
            top = QTreeWidgetItem([FACET_TITLES[facet]])
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if facet == "year":  # years in time order, the months of the one year inside it
                counts = tuple(sorted(counts, reverse=True))
                top.setToolTip(0, "A year, then its months; or type a range: from:2026-03 to:2026-06")
            for value, n in counts[:12]:
                child = _facet_item(facet, value, n)
                top.addChild(child)
                if facet == "year":
                    for month, m in sorted(months):
                        if month.startswith(value):  # under its year: the month's name alone
                            item = _facet_item("month", month, m)
                            item.setText(0, f"{value_label('month', month).split(' ')[0]} ({m})")
                            child.addChild(item)
            self.facets.addTopLevelItem(top)
            top.setExpanded(facet in ("kind", "type", "result", "tag", "refinement", "year"))
            if facet == "year":
                for i in range(top.childCount()):
                    top.child(i).setExpanded(True)

    def _facet_chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        tok = item.data(0, TokenRole)
        if not tok:
            return
        text = self.search.text().rstrip()
        if tok not in text.split():
            self.search.setText(f"{text} {tok}".strip())

    # --- one result ----------------------------------------------------------------------

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = current.data(HitRole) if current.isValid() else None
        if hit is None:
            self.detail.clear()
            return
        services = self.services
        self.evidence.ask(lambda: (hit, evidence_of(services, hit)))

    def _show_evidence(self, answer: tuple[Hit, Evidence]) -> None:
        hit, ev = answer
        self.detail.setHtml(f"<p>{marked_html(hit.snippet or hit.statement)}</p>{evidence_html(hit, ev)}")

    def _open(self, index: QModelIndex) -> None:
        hit = index.data(HitRole)
        if hit is not None:
            self.open_record(hit.engagement_id, hit.kind, hit.id)

    def _focus_results(self) -> None:
        view = self.stack.currentWidget()
        assert isinstance(view, QTableView)
        if view.model().rowCount():
            view.setFocus()
            if not view.selectionModel().hasSelection():
                view.selectRow(0)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def export_playbook(self, path=None):
        """The playbook of what the search names (type:, tag:), written on a worker."""
        from ui.library.playbook_action import export_playbook

        def done(result: object) -> None:
            self.count.setText(f"Playbook written: {result.path.name} ({result.pages} pages).")  # type: ignore[attr-defined]

        return export_playbook(self, self.services, self.result.query if self.result else None, path, done)

    # --- the team library ------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.team_check.ask(team_view.joined)

    def _toggle_team(self) -> None:
        if self.team_box.isVisible():
            self.team_box.toggle()

    def _in_team(self, joined: bool) -> None:
        if not joined and self.team_box.isChecked():
            self.team_box.setChecked(False)  # left the team meanwhile: back to this laptop's
        self.team_box.setVisible(joined)

    def _scope_changed(self, team: bool) -> None:
        self.facets.setVisible(not team)
        self.playbook_button.setEnabled(not team)
        self.stack.setCurrentWidget(self.team_results if team else self.results)
        self.search.setPlaceholderText(TEAM_PLACEHOLDER if team else LOCAL_PLACEHOLDER)
        self.detail.clear()
        if not team:
            self.team_query.cancel()
            self.team_model.set_learnings(())
        self._ask(self.search.text())

    def _session_password(self) -> str | None:
        """A team password typed in this session where there is no keyring (the main
        window's sync keeps it in memory); None: the keyring's."""
        runner = getattr(getattr(self.parentWidget(), "team", None), "runner", None)
        password = getattr(runner, "password", None)
        return password if isinstance(password, str) else None

    def _ask_team(self, text: str) -> None:
        self.facet_query.cancel()
        self.count_query.cancel()
        self.more_query.cancel()
        self.query.cancel()
        self.evidence.cancel()
        self.count.setText("Searching the team library…")
        password = self._session_password()
        self.team_query.ask(lambda: team_view.answer(text, password))

    def _show_team(self, answer: TeamAnswer) -> None:
        if not self.team_box.isChecked():
            return  # back to this laptop's library meanwhile
        self.team_model.set_learnings(answer.learnings)
        self.count.setText(team_view.count_text(answer))
        if answer.learnings:
            self.team_results.selectRow(0)
        else:
            self.detail.clear()

    def _team_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        learning = current.data(TeamRole) if current.isValid() else None
        if learning is None:
            self.detail.clear()
        else:
            self.detail.setHtml(team_view.detail_html(learning))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.team_check.wait()
        self.team_query.wait()
        self.query.wait()
        self.count_query.wait()
        self.more_query.wait()
        self.facet_query.wait()
        self.evidence.wait()
        super().closeEvent(event)
