"""Turns what the consultant does on the board into undoable service calls.

The models and views call this; it asks the core (never re-implementing a gate), pushes
commands on the undo stack, refreshes the store, and reports a refusal with every unmet
requirement through ``move_refused``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from mwms_desktop import framework
from mwms_desktop.errors import MoveRefused, MwmsError
from mwms_desktop.services import Services
from ui import undo_commands as uc
from ui.board_store import BoardStore

# (client, from stage label, to stage label) -> reason, or None to cancel
ReasonProvider = Callable[[str, str, str], str | None]


class BoardController(QObject):
    move_refused = Signal(int, str, list)  # engagement id, target stage, unmet requirements
    error = Signal(str)
    moved = Signal(int)  # engagement id; the view re-selects it
    changed = Signal(int)  # engagement id whose data changed (an edit, an undo, an export)
    changed_elsewhere = Signal()  # another program wrote to the database (see followed)

    def __init__(
        self,
        services: Services,
        store: BoardStore,
        stack: QUndoStack,
        reason_provider: ReasonProvider | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.store = store
        self.stack = stack
        self.reason_provider = reason_provider
        self._probe_cache: dict[tuple[int, str], list[str]] = {}
        self.before_write: Callable[[], object] | None = None  # see push
        self.writing = False  # inside before_write
        stack.indexChanged.connect(lambda _i: self._probe_cache.clear())

    # --- hooks for commands ----------------------------------------------------------------

    def hooks(self) -> dict[str, Any]:
        return {"on_changed": self._changed, "on_error": self._failed}

    def _changed(self, eid: int) -> None:
        self._probe_cache.clear()
        self.store.refresh_card(eid)
        self.changed.emit(eid)

    def notify_changed(self, eid: int) -> None:
        """Data of ``eid`` changed outside the undo stack (a dossier export is recorded on the
        engagement): everything that shows it follows, as after an edit."""
        self._changed(eid)

    def look_first(self) -> bool:
        """Before a write of this window (a push, an undo, a redo): take in what another
        program committed meanwhile (``before_write``), so the write's refresh says so."""
        if self.before_write is not None:
            self.writing = True
            try:
                self.before_write()
            finally:
                self.writing = False
        return True

    def followed(self) -> None:
        """Another program wrote to the database and the board has followed: the gate
        verdicts cached for a drag may be stale (a gate reads every record of its
        engagement, not only its card), and whatever shows an engagement looks again."""
        self._probe_cache.clear()
        self.changed_elsewhere.emit()

    def _failed(self, exc: MwmsError) -> None:
        self.error.emit(str(exc))

    def push(self, command: QUndoCommand) -> bool:
        """Run a command, then push it; False (and the stack untouched, its redo history
        included) if the service refused. Before the write, ``before_write`` looks for what
        another program committed meanwhile, so this write's refresh cannot take it in
        unannounced."""
        self.look_first()
        if isinstance(command, (uc.ServiceCommand, uc.MacroCommand)) and not command.run_now():
            return False
        self.stack.push(command)
        return getattr(command, "error", None) is None

    # --- moving --------------------------------------------------------------------------

    def probe(self, eid: int, to_stage: str) -> list[str]:
        """What a drop of ``eid`` on ``to_stage`` would be refused for (cached during a drag).
        A backward move is not refused here: its reason is asked for at the drop."""
        key = (eid, to_stage)
        if key not in self._probe_cache:
            card = self.store.card(eid)
            if card is None or card.stage == to_stage:
                self._probe_cache[key] = []
            else:
                backward = framework.stage_index(to_stage) < framework.stage_index(card.stage)
                reason = "(asked at drop)" if backward else ""
                self._probe_cache[key] = self.services.lifecycle.check_move(eid, to_stage, reason)
        return self._probe_cache[key]

    def drop_card(self, eid: int, to_stage: str, before_id: int | None) -> bool:
        card = self.store.card(eid)
        if card is None:
            return False
        if card.stage == to_stage:
            return self.push(uc.reorder_command(self.services, eid, before_id, **self.hooks()))
        return self.move(eid, to_stage, before_id)

    def move_by(self, eid: int, delta: int) -> bool:
        card = self.store.card(eid)
        if card is None:
            return False
        target = framework.stage_index(card.stage) + delta
        if not 0 <= target < len(framework.STAGES):
            return False
        return self.move(eid, framework.STAGES[target].slug)

    def move(self, eid: int, to_stage: str, before_id: int | None = None) -> bool:
        """Move through the gates; a backward move first asks for its reason."""
        card = self.store.card(eid) or self.services.portfolio.card(eid)
        reason = ""
        if framework.stage_index(to_stage) < framework.stage_index(card.stage):
            if self.reason_provider is None:
                return False
            answer = self.reason_provider(card.client, card.stage_label, framework.stage(to_stage).label)
            if answer is None or not answer.strip():
                return False
            reason = answer
        # The core decides; a refusal comes back through the command's error hook, and the
        # refused command never stays on the undo stack.
        command = uc.move_command(
            self.services, eid, to_stage, reason, before_id, card=card,
            on_changed=self._changed, on_error=self._move_failed(eid, to_stage),
        )  # fmt: skip
        ok = self.push(command)
        if ok:
            self.moved.emit(eid)
        return ok

    def _move_failed(self, eid: int, to_stage: str) -> Callable[[MwmsError], None]:
        def report(exc: MwmsError) -> None:
            if isinstance(exc, MoveRefused):
                self.move_refused.emit(eid, to_stage, exc.requirements)
            else:
                self.error.emit(str(exc))

        return report

    # --- other card actions --------------------------------------------------------------

    def archive(self, eid: int) -> bool:
        return self.push(uc.archive_command(self.services, eid, **self.hooks()))

    def restore(self, eid: int) -> bool:
        return self.push(uc.restore_command(self.services, eid, **self.hooks()))

    def add(self, client: str, engagement_type: str, owner: str = "") -> int | None:
        """Add an engagement (undo archives it: nothing is ever deleted)."""
        holder: dict[str, int] = {}

        def do() -> Any:
            if "id" in holder:
                return self.services.portfolio.restore(holder["id"])
            card = self.services.portfolio.add(client, engagement_type, owner=owner)
            holder["id"] = card.id
            command.eid = card.id
            return card

        command = uc.ServiceCommand(
            f"Add {client}", 0, do, lambda: self.services.portfolio.archive(holder["id"]), **self.hooks()
        )
        return holder.get("id") if self.push(command) else None
