"""Joining and leaving as the window does it: the same core calls as ``team join`` and
``team leave`` (``membership.verify``, ``remember``, ``leave``), run on a worker thread.

Qt-free, so a test or the CLI could call it; the psycopg and keyring imports happen here, on
the worker, never while the window starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def join(text: str, ca_file: Path | None, password: str) -> tuple[Any, str]:
    """Check the address and password against the server, then keep them (address in this
    database's settings, password in the keyring where there is one). Returns the core's
    ``JoinResult`` and the verified password (for this session's memory where there is no
    keyring); raises its ``TeamError`` (one line) on failure, leaving nothing behind."""
    from mwms_desktop.team import membership

    address, verified = membership.verify(
        text, ca_file=ca_file, ask=lambda _prompt: password, password=password or None
    )
    return membership.remember(address, verified), verified


def leave() -> Any:
    """Stop syncing: the address and stored password go, the local data stays. Returns the
    team's address that was left (None: not in a team)."""
    from mwms_desktop.team import membership

    return membership.leave()
