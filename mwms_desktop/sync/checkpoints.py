"""Page and batch sizes, and the test hook that kills a sync at a chosen point.

``MWMS_SYNC_PAGE`` / ``MWMS_SYNC_BATCH`` set how many engagements a pull page / push batch
holds (default 200). ``MWMS_SYNC_KILL=push:N`` (or ``pull:N``) makes the process kill itself
(SIGKILL: nothing runs after it) at the N-th checkpoint of that kind: a push batch the
server has committed but this laptop has not yet recorded, or a pull page just committed.
Only the tests set it, to prove an interrupted sync resumes with nothing lost or doubled."""

from __future__ import annotations

import os
import signal

_seen: dict[str, int] = {}


def page_size() -> int:
    return max(1, int(os.environ.get("MWMS_SYNC_PAGE", "200")))


def batch_size() -> int:
    return max(1, int(os.environ.get("MWMS_SYNC_BATCH", "200")))


def reached(kind: str) -> None:
    target = os.environ.get("MWMS_SYNC_KILL")
    if not target:
        return
    _seen[kind] = _seen.get(kind, 0) + 1
    want, _, n = target.partition(":")
    if want == kind and _seen[kind] == int(n or 1):
        os.kill(os.getpid(), signal.SIGKILL)
