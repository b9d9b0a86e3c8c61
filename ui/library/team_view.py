"""The library window's *Team library* scope: the team's learnings as the team server shows
them to this consultant (``mwms_desktop.team.library``), a colleague's client named by its
engagement's type.

The search runs on the window's worker (``runner.LatestQuery``), never on the UI thread, and
``answer`` turns every way it ends into a value the window shows: the learnings, or one line
("Offline: …" when the server cannot be reached). psycopg is imported there, on the worker,
when the scope is first used: opening the library costs nothing of team mode."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ui.tooltip import plain_tip

if TYPE_CHECKING:
    from mwms_desktop.team.library import TeamLearning

TeamRole = Qt.ItemDataRole.UserRole + 3
Index = QModelIndex | QPersistentModelIndex
LIMIT = 100
HEADERS = ("Statement", "Client", "Type", "Confidence", "Recorded")
OFFLINE = "Offline: the team server cannot be reached; the team library shows when it can."


@dataclass(frozen=True, slots=True)
class TeamAnswer:
    text: str  # what was searched
    learnings: tuple[TeamLearning, ...] = ()
    problem: str = ""  # one line, "" when the server answered
    offline: bool = False


def joined() -> bool:
    """Whether this database is in a team (local only; run on the worker)."""
    try:
        from mwms_desktop.team import library
    except ImportError:  # a build without team mode: never in a team
        return False
    return library.joined()


def answer(text: str, password: str | None) -> TeamAnswer:
    """The team library's answer to ``text`` (run on the worker). ``password``: one typed in
    this session where there is no keyring; without it the keyring's, never a prompt."""
    from mwms_desktop.team import library
    from mwms_desktop.team.errors import Offline, TeamError

    ask: Callable[[str], str] | None = (lambda _prompt: password) if password else None
    try:
        found = library.search(text, limit=LIMIT, ask=ask)
    except Offline:
        return TeamAnswer(text, problem=OFFLINE, offline=True)
    except TeamError as exc:
        return TeamAnswer(text, problem=str(exc))
    return TeamAnswer(text, tuple(found))


def count_text(a: TeamAnswer) -> str:
    if a.problem:
        return a.problem
    if not a.learnings:
        return "Nothing found in the team library."
    n = len(a.learnings)
    more = f" (the best {LIMIT} shown)" if n >= LIMIT else ""
    return f"{n} found in the team library{more}."


def _day(t: TeamLearning) -> str:
    return t.recorded_at.astimezone().date().isoformat()  # the local day, as learnings are dated


def texts(t: TeamLearning) -> tuple[str, str, str, str, str]:
    return (" ".join(t.statement.split()), t.client, t.engagement_type, t.confidence.capitalize(), _day(t))


def detail_html(t: TeamLearning) -> str:
    """The selected learning, every user text escaped (a client named ``<b>Acme</b>`` reads so)."""
    esc = html.escape
    whose = (
        f"of <b>{esc(t.client)}</b> ({esc(t.engagement_type)})"
        if t.visible
        else f"of {esc(t.client)}: a colleague's engagement, its client's name not shown to you"
    )
    lines = [f"<p>{esc(t.statement)}</p>", f"<p>Learning {whose}.</p>",
             f"<p>Confidence: {esc(t.confidence)}; recorded {esc(_day(t))}.</p>"]  # fmt: skip
    if t.tags:
        lines.append(f"<p>Tags: {esc(', '.join(t.tags))}</p>")
    return "".join(lines)


class TeamModel(QAbstractTableModel):
    """The team's learnings as a table: plain text in every cell, tooltips shown as typed."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.learnings: tuple[TeamLearning, ...] = ()
        self._texts: list[tuple[str, ...]] = []

    def set_learnings(self, learnings: tuple[TeamLearning, ...]) -> None:
        self.beginResetModel()
        self.learnings = learnings
        self._texts = [texts(t) for t in learnings]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.learnings)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.learnings):
            return None
        if role == TeamRole:
            return self.learnings[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tip(self._texts[index.row()][index.column()])
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None
