"""Python's cyclic garbage collector, paused while the window opens.

Start-up allocates a great deal that lives as long as the window (modules, classes, Qt's
enums, the board's ten thousand rows) and almost no garbage cycles. The collector would
walk that growing heap again and again as it grows (some 20–45 ms at 10,000 engagements,
part of it on the board's worker while the main thread waits for the GIL). So the window
command pauses it, and the first paint resumes it, after moving what start-up built to
the permanent generation (``gc.freeze``): later collections never walk it again. Memory is
still freed as usual by reference counting; only a cycle made during start-up would stay.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop automatic collections until :func:`resume` (nothing if already stopped)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what exists now and collect automatically again, if :func:`pause` stopped it."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def paused() -> bool:
    return _paused
