"""A windowed build has no console: PyInstaller's ``console=False`` (Windows, macOS) and
``pythonw`` start with ``sys.stdout`` and ``sys.stderr`` set to ``None``, and anything that
writes to them (a library's warning, ``traceback.print_exc``, ``faulthandler``) raises.
Before anything else runs, they become a sink that takes the text and drops it."""

from __future__ import annotations

import os
import sys


def ensure_std_streams() -> list[str]:
    """Give a missing ``sys.stdout``/``sys.stderr`` a writable null device; returns the names
    replaced."""
    replaced = []
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (lives as long as the process)
            replaced.append(name)
    return replaced
