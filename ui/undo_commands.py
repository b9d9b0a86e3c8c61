"""Every user edit as a ``QUndoCommand`` that acts through the services.

A command does its work in ``redo`` (which ``QUndoStack.push`` calls first) and takes it
back in ``undo``, both through the services, so the database, the stage history and the
screen agree. If the service refuses (a gate no longer holds, a record has gone), the
command keeps the error, marks itself obsolete so the stack drops it, and reports through
``on_error``; nothing half-done remains, because each service call is one transaction.

An edit's or a move's undo and redo say what they expect to find (the values, the stage the
other way left): a record changed outside the window since (by a sync, an import or the
command line) is refused with :class:`ChangedElsewhere`, never overwritten unseen.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from mwms_desktop import framework
from mwms_desktop.errors import MwmsError
from mwms_desktop.services import Services
from mwms_desktop.views import EngagementCard

Changed = Callable[[int], None]  # engagement id whose data changed
ErrorSink = Callable[[MwmsError], None]


class ServiceCommand(QUndoCommand):
    """Runs ``do`` on redo and ``undo_fn`` on undo; ``eid`` is the engagement they touch."""

    def __init__(
        self,
        text: str,
        eid: int,
        do: Callable[[], Any],
        undo_fn: Callable[[], Any],
        on_changed: Changed | None = None,
        on_error: ErrorSink | None = None,
    ) -> None:
        super().__init__(text)
        self.eid = eid
        self._do, self._undo = do, undo_fn
        self.on_changed, self.on_error = on_changed, on_error
        self.error: MwmsError | None = None
        self.result: Any = None
        self._already_done = False  # run_now did the work; the push's redo must not repeat it

    def _run(self, fn: Callable[[], Any]) -> None:
        try:
            self.result = fn()
            self.error = None
        except Exception as exc:  # Qt calls redo/undo from C++: nothing may escape
            error = exc if isinstance(exc, MwmsError) else MwmsError(f"Unexpected error: {exc}")
            if not isinstance(exc, MwmsError):
                traceback.print_exc()  # a bug: keep its trace for the report
            self.error = error
            self.setObsolete(True)
            if self.on_error:
                self.on_error(error)
            return
        if self.on_changed:
            self.on_changed(self.eid)

    def run_now(self) -> bool:
        """Do the work before the command is pushed (``BoardController.push``): a refused
        command then never reaches the stack, whose redo history a push would discard."""
        self._run(self._do)
        self._already_done = self.error is None
        return self._already_done

    def redo(self) -> None:
        if self._already_done:  # the push after run_now
            self._already_done = False
            return
        self._run(self._do)

    def undo(self) -> None:
        self._run(self._undo)


def move_command(
    services: Services,
    eid: int,
    to_stage: str,
    reason: str = "",
    before_id: int | None = None,
    card: EngagementCard | None = None,
    **hooks: Any,
) -> ServiceCommand:
    """Move a card; undo moves it back (recorded as an undo in the stage history) to where it
    stood in its column. ``card`` is the card as the board shows it, if at hand."""
    card = card or services.portfolio.card(eid)
    from_stage = card.stage
    old_before = services.portfolio.card_below(eid)
    entered = services.portfolio.stage_entered_at(eid)  # an undo gives back the days in stage
    label_to = framework.stage(to_stage).label

    def do() -> Any:  # a redo only from where the undo left it
        return services.lifecycle.move(eid, to_stage, reason, before_id=before_id, expect_stage=from_stage)

    def undo() -> Any:  # never from a stage reached outside this window since
        return services.lifecycle.move(
            eid,
            from_stage,
            f"Undo of the move to {label_to}.",
            before_id=old_before,
            kind="undo",
            entered_at=entered,
            expect_stage=to_stage,
        )

    return ServiceCommand(f"Move {card.client} to {label_to}", eid, do, undo, **hooks)


def reorder_command(services: Services, eid: int, before_id: int | None, **hooks: Any) -> ServiceCommand:
    card = services.portfolio.card(eid)
    old_before = services.portfolio.card_below(eid)
    return ServiceCommand(
        f"Reorder {card.client}",
        eid,
        lambda: services.portfolio.reorder(eid, before_id),
        lambda: services.portfolio.reorder(eid, old_before),
        **hooks,
    )


def update_command(services: Services, eid: int, changes: dict[str, Any], **hooks: Any) -> ServiceCommand:
    """Edit the card's own fields (client, type, owner, tags, notes, next action)."""
    detail = services.portfolio.detail(eid)
    card = detail.card
    current = {
        "client": card.client,
        "engagement_type": card.engagement_type,
        "owner": card.owner,
        "tags": list(card.tags),
        "notes": card.notes,
        "next_action": card.next_action,
        "next_action_due": card.next_action_due,
    }
    old = {k: current[k] for k in changes}
    return ServiceCommand(
        f"Edit {card.client}",
        eid,
        # Each way only over what the other way left: a change made outside the window
        # since (a sync, an import, the command line) is never overwritten unseen.
        lambda: services.portfolio.update(eid, expect=old, **changes),
        lambda: services.portfolio.update(eid, expect=changes, **old),
        **hooks,
    )


def archive_command(services: Services, eid: int, **hooks: Any) -> ServiceCommand:
    card = services.portfolio.card(eid)
    below = services.portfolio.card_below(eid)  # undo puts the card back where it stood
    return ServiceCommand(
        f"Archive {card.client}",
        eid,
        lambda: services.portfolio.archive(eid),
        lambda: services.portfolio.restore(eid, before_id=below),
        **hooks,
    )


def restore_command(services: Services, eid: int, **hooks: Any) -> ServiceCommand:
    card = services.portfolio.card(eid)
    was = card.status

    def undo() -> Any:
        if was == "disqualified":
            return services.lifecycle.set_verdict(
                eid, "not_a_fit", services.portfolio.detail(eid).verdict_note
            )
        return services.portfolio.archive(eid)

    return ServiceCommand(
        f"Restore {card.client}", eid, lambda: services.portfolio.restore(eid), undo, **hooks
    )


def record_add_command(
    services: Services, kind: str, eid: int, values: dict[str, Any], **hooks: Any
) -> ServiceCommand:
    label = services.records.kind(kind).label
    holder: dict[str, Any] = {}

    def do() -> Any:
        if "snapshot" in holder:  # redo after undo: the same record, same uuid
            view = services.records.restore(holder.pop("snapshot"))
        else:
            view = services.records.add(kind, eid, **values)
        holder["id"], holder["uuid"] = view.id, view.uuid
        return view

    def undo() -> Any:  # the record this command made, not whatever has its id now
        holder["snapshot"] = services.records.delete(kind, holder["id"], expect_uuid=holder["uuid"])

    return ServiceCommand(f"Add {label.lower()}", eid, do, undo, **hooks)


def record_update_command(
    services: Services, kind: str, rid: int, changes: dict[str, Any], **hooks: Any
) -> ServiceCommand:
    label = services.records.kind(kind).label
    current = services.records.values(kind, rid)
    old = {k: current[k] for k in changes if k in current}
    eid = services.records.engagement_of(kind, rid)
    return ServiceCommand(
        f"Edit {label.lower()}",
        eid,
        lambda: services.records.update(kind, rid, expect=old, **changes),
        lambda: services.records.update(kind, rid, expect=changes, **old),
        **hooks,
    )


def record_delete_command(services: Services, kind: str, rid: int, **hooks: Any) -> ServiceCommand:
    label = services.records.kind(kind).label
    eid = services.records.engagement_of(kind, rid)
    holder: dict[str, Any] = {"id": rid, "uuid": None}

    def do() -> Any:  # a redo removes the record the undo put back, not whatever has its id now
        holder["snapshot"] = services.records.delete(kind, holder["id"], expect_uuid=holder["uuid"])

    def undo() -> Any:
        view = services.records.restore(holder["snapshot"])
        holder["id"], holder["uuid"] = view.id, view.uuid
        return view

    return ServiceCommand(f"Remove {label.lower()}", eid, do, undo, **hooks)


def setter_command(
    text: str,
    eid: int,
    apply: Callable[[dict[str, Any]], Any],
    new: dict[str, Any],
    old: dict[str, Any],
    **hooks: Any,
) -> ServiceCommand:
    """A lifecycle field edit (score, verdict, checklist, expectations, outcome): ``apply``
    writes a set of values; undo writes the old ones back."""
    return ServiceCommand(text, eid, lambda: apply(new), lambda: apply(old), **hooks)


def cite_command(services: Services, kind: str, rid: int, learning_id: int, **hooks: Any) -> ServiceCommand:
    """Record that the hypothesis or insight is built on the learning; undo removes the
    citation, redo puts the same one back (same uuid, same snapshot of the statement)."""
    eid = services.records.engagement_of(kind, rid)
    client = services.citations.source_client(learning_id)
    holder: dict[str, Any] = {}

    def do() -> Any:
        if "snapshot" in holder:  # redo after undo
            view = services.citations.restore(holder.pop("snapshot"))
        else:
            view = services.citations.cite(kind, rid, learning_id)
        holder["id"] = view.id
        return view

    def undo() -> Any:
        holder["snapshot"] = services.citations.uncite(holder["id"])

    return ServiceCommand(f"Cite a learning of {client}", eid, do, undo, **hooks)


def uncite_command(services: Services, citation_id: int, **hooks: Any) -> ServiceCommand:
    """Remove a "built on" citation; undo puts it back as it was."""
    view = services.citations.get(citation_id)
    holder: dict[str, Any] = {"id": citation_id}

    def do() -> Any:
        holder["snapshot"] = services.citations.uncite(holder["id"])

    def undo() -> Any:
        restored = services.citations.restore(holder["snapshot"])
        holder["id"] = restored.id
        return restored

    source = view.learning_client or "another engagement"
    return ServiceCommand(f"Remove citation of a learning of {source}", view.engagement_id, do, undo, **hooks)


class MacroCommand(QUndoCommand):
    """Several service commands as one undo step (a record added and cited in one dialog):
    undone in reverse order, redone in order. ``run_step`` does each step at once; a step the
    service refuses is left out (each step is its own transaction, so nothing half-done
    remains) and its error returned. ``BoardController.push`` then pushes the steps that were
    done, and refuses an empty macro."""

    def __init__(
        self, text: str, eid: int, on_changed: Changed | None = None, on_error: ErrorSink | None = None
    ) -> None:
        super().__init__(text)
        self.eid = eid
        self.on_changed, self.on_error = on_changed, on_error
        self.steps: list[ServiceCommand] = []
        self.error: MwmsError | None = None
        self.result: Any = None
        self._already_done = False

    def run_step(self, step: ServiceCommand) -> MwmsError | None:
        step.on_changed, step.on_error = None, None  # the macro refreshes once; the caller shows errors
        if not step.run_now():
            return step.error
        step._already_done = False  # the step's own redo runs on the macro's redo
        step.on_error = self.on_error
        self.steps.append(step)
        if len(self.steps) == 1:
            self.result = step.result
        return None

    def run_now(self) -> bool:
        if not self.steps:
            self.error = MwmsError("Nothing was done.")
            self.setObsolete(True)
            return False
        self._already_done = True
        if self.on_changed:
            self.on_changed(self.eid)
        return True

    def redo(self) -> None:
        if self._already_done:
            self._already_done = False
            return
        for step in self.steps:
            step.redo()
        if self.on_changed:
            self.on_changed(self.eid)

    def undo(self) -> None:
        for step in reversed(self.steps):
            step.undo()
        if self.on_changed:
            self.on_changed(self.eid)
