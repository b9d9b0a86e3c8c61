"""Showing one library record in its engagement's workspace."""

from __future__ import annotations

from typing import Any

PANE_OF_KIND = {"learning": "Learnings", "insight": "Insights & hypotheses",
                "hypothesis": "Insights & hypotheses", "cycle": "Cycles"}  # fmt: skip


def show_record(workspace: Any, kind: str, rid: int) -> None:
    """Show the pane of ``kind`` in ``workspace`` with record ``rid`` selected."""
    pane = workspace.panes.get(PANE_OF_KIND[kind])
    if pane is None:
        return
    workspace.tabs.setCurrentWidget(pane)
    table = {"insight": "insights", "hypothesis": "hypotheses"}.get(kind, "table")
    target = getattr(pane, table, None)
    if target is not None:
        target.select_id(rid)
        target.view.setFocus()
