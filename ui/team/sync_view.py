"""What the status bar says about team sync, as a value: the state and its words.

``SyncView`` is everything the indicator shows; ``words`` turns it into the indicator's text
and tooltip for a given moment ("Synced 2 min ago"). Qt-free, so the words are tested alone."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True, slots=True)
class SyncView:
    joined: bool = False
    where: str = ""  # the team server, "host:port/database as NAME"
    last_sync_at: datetime | None = None
    waiting: int = 0  # local changes the server does not have yet
    conflicts: int = 0  # unresolved, on this laptop
    running: bool = False
    offline: bool = False  # the last try could not reach the server
    problem: str = ""  # the last try's one line (offline or another refusal), "" once it worked
    needs_password: bool = False  # no keyring, and no password typed in this session
    refused: tuple[str, ...] = ()  # what the server refused in the last sync, a line each
    progress: str = ""  # while running: "pull 500 of 1000"
    head_office: tuple[str, ...] = ()  # the thresholds head office set, a line each
    wip: tuple[tuple[str, int], ...] = ()  # (stage, limit) that head office set

    def with_(self, **changes: object) -> SyncView:
        return replace(self, **changes)  # type: ignore[arg-type]


def ago(then: datetime, now: datetime) -> str:
    """ "just now", "4 min ago", "3 h ago", "2 days ago"."""
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return "just now"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} h ago"
    days = hours // 24
    return "1 day ago" if days == 1 else f"{days} days ago"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def words(view: SyncView, now: datetime) -> tuple[str, str]:
    """The indicator's text and its tooltip."""
    last = f"Last synced {ago(view.last_sync_at, now)}" if view.last_sync_at else "Never synced yet"
    if view.last_sync_at is not None:
        last += f" ({view.last_sync_at.astimezone():%Y-%m-%d %H:%M})"
    waiting = f"{_plural(view.waiting, 'change')} waiting to be sent" if view.waiting else "Nothing waiting"
    server = f"Team server: {view.where}" if view.where else ""
    if view.running:
        text = "Syncing…"
        first = (
            f"Syncing with the team server… ({view.progress})"
            if view.progress
            else "Syncing with the team server…"
        )
    elif view.needs_password:
        text = "Sync paused: password needed"
        first = "There is no keyring here: click to type the team password (kept until the window closes)."
    elif view.offline:
        text = "Offline"
        first = view.problem
    elif view.problem:
        text = "Not synced"
        first = view.problem
    elif view.last_sync_at is not None:
        text = f"Synced {ago(view.last_sync_at, now)}"
        first = "Synced with the team server."
    else:
        text = "Not synced yet"
        first = "Not synced with the team server yet."
    if view.waiting and not view.running:
        text += f" · {view.waiting} waiting"
    tip = [first, last + ".", waiting + "."]
    if view.refused:
        tip.append(f"The server refused {_plural(len(view.refused), 'change')}: {view.refused[0]}")
    tip.append(server)
    if view.head_office:
        tip.append("Set by head office: " + "; ".join(view.head_office) + ".")
    if not view.running and not view.needs_password:
        tip.append("Click to sync now (F5).")
    return text, "\n".join(line for line in tip if line)


def conflict_words(count: int) -> tuple[str, str]:
    """The conflicts button's text and tooltip (hidden at zero)."""
    return (
        _plural(count, "conflict"),
        "Records changed here and on another laptop: click to see both versions and keep one.",
    )
