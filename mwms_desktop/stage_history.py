"""An engagement's stage history as the window writes it, checked on its own values (so
the importer and, later, sync share it): see :func:`check_history`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mwms_desktop import framework as fw
from mwms_desktop.errors import ValidationError
from mwms_desktop.merge import history


class HistoryProblem(ValidationError):
    """A stage history the window could not have written; ``index`` is the move at fault
    and ``field`` its field (``index`` None: a field of the engagement, or with no field
    the history as a whole)."""

    def __init__(self, message: str, index: int | None, field: str | None = None) -> None:
        super().__init__(message, field)
        self.index = index


def check_history(moves: Sequence[Mapping[str, Any]], stage: str) -> None:
    """The moves (clean values, each naming the move it followed in ``after``; in any order)
    must be ones the window makes, and explain the engagement's ``stage``. They are checked
    in causal order (``merge/history.py``), never by the laptops' clocks, so a move made on a
    laptop whose clock runs behind is not "before" what it followed:

    * the first is the creation in Qualification, and the only creation; every other move
      follows a move of this history, and no loop;
    * each move leaves a stage the history had already reached (a history merged from two
      laptops interleaves their moves, so consecutive moves need not chain);
    * a forward move goes exactly one stage on; an undo may go forward several, but only
      back to a stage already reached; any move back carries a reason;
    * the engagement's stage is one the history reached."""
    if not moves:
        raise HistoryProblem("The stage history is empty; it starts with the creation.", None)
    try:
        positions = history.order(moves)
    except history.Unordered as exc:
        raise HistoryProblem(str(exc), exc.index, "after") from None
    first = moves[positions[0]]
    if first["kind"] != "created" or first["from_stage"] is not None or first["to_stage"] != "qualification":
        raise HistoryProblem(
            "The history must start with the creation in qualification.", positions[0], "kind"
        )
    reached = {"qualification"}
    for n in positions[1:]:
        _check_move(n, moves[n], reached)
        reached.add(moves[n]["to_stage"])
    if stage not in reached:
        raise HistoryProblem(
            f"The engagement is in {stage}, but its stage history never reaches it.", None, "stage"
        )


def _check_move(n: int, m: Mapping[str, Any], reached: set[str]) -> None:
    kind, src, dst = m["kind"], m["from_stage"], m["to_stage"]
    if kind == "created" or src is None:
        raise HistoryProblem("Only the first move is the creation.", n, "kind")
    if m.get("after") is None:
        raise HistoryProblem(
            "Follows no move; every move but the creation names the one it followed.", n, "after"
        )
    if src not in reached:
        raise HistoryProblem(f"Leaves {src}, which the history had not reached.", n, "from_stage")
    step = fw.stage_index(dst) - fw.stage_index(src)
    if step == 0 or (kind == "forward" and step != 1) or (kind == "backward" and step > 0):
        problem = "skips a stage" if kind == "forward" and step > 1 else f"is not a {kind} move"
        raise HistoryProblem(f"{src} to {dst} {problem}.", n, "to_stage")
    if kind == "undo" and step > 0 and dst not in reached:
        raise HistoryProblem(f"An undo cannot take it to {dst}, which it had never reached.", n, "to_stage")
    if step < 0 and not str(m.get("reason") or "").strip():
        raise HistoryProblem(f"{src} back to {dst} has no reason; a move back needs one.", n, "reason")


def check_completion(stage: str, outcome: str | None, dossier_exports: int) -> None:
    """Structured project completion in Expansion or Completion was let in (or chosen
    there) only with a learning-preservation dossier exported, and exports are never
    removed: such an engagement has at least one (gates.completion_documented)."""
    if stage == "outcome" and outcome == "project_completion" and dossier_exports == 0:
        raise HistoryProblem(
            "Structured project completion needs the learning-preservation dossier exported; "
            "this engagement has no dossier export.",
            None,
            "dossier_exports",
        )
