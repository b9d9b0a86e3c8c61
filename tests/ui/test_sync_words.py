"""The indicator's words for each state of team sync, at a given moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ui.team.sync_view import SyncView, ago, words

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(0, "just now"), (59, "just now"), (60, "1 min ago"), (150, "2 min ago"), (3600, "1 h ago"),
     (86_399, "23 h ago"), (86_400, "1 day ago"), (3 * 86_400, "3 days ago"), (-30, "just now")],
)  # fmt: skip
def test_ago(seconds: int, said: str) -> None:
    assert ago(NOW - timedelta(seconds=seconds), NOW) == said


def test_each_state_has_its_words_and_the_reason_in_the_tooltip() -> None:
    base = SyncView(joined=True, where="db:5432/team as dana", last_sync_at=NOW - timedelta(minutes=2))
    assert words(base, NOW)[0] == "Synced 2 min ago"
    assert words(base.with_(waiting=3), NOW)[0] == "Synced 2 min ago · 3 waiting"
    text, tip = words(base.with_(running=True, progress="pull 500 of 1000"), NOW)
    assert text == "Syncing…"
    assert tip.startswith("Syncing with the team server… (pull 500 of 1000)")
    line = "No team server answers at db:5432: is it running, and is the address right?"
    text, tip = words(base.with_(offline=True, problem=line, waiting=1), NOW)
    assert text == "Offline · 1 waiting"
    assert tip.splitlines()[0] == line
    assert "Last synced 2 min ago" in tip
    assert "1 change waiting to be sent." in tip
    text, tip = words(base.with_(problem="The team server at db:5432 refused the password for dana."), NOW)
    assert text == "Not synced"
    assert tip.splitlines()[0] == "The team server at db:5432 refused the password for dana."
    assert words(SyncView(joined=True), NOW)[0] == "Not synced yet"
    assert words(base.with_(needs_password=True), NOW)[0] == "Sync paused: password needed"


def test_the_tooltip_lists_what_head_office_set() -> None:
    from mwms_desktop.team.thresholds import as_lines

    lines = as_lines({"wip_execution": 0, "stall_days": 14, "wip_insight": 3})
    assert lines == (
        "Stalled after (days): 14",
        "WIP limit of Initial Insight Development: 3",
        "WIP limit of Structured Execution: none",
    )
    view = SyncView(joined=True, last_sync_at=NOW, head_office=lines)
    assert "Set by head office: Stalled after (days): 14; WIP limit of Initial" in words(view, NOW)[1]
