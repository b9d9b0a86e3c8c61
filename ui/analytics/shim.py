"""Importing pyqtgraph without its Qt shim making every PySide6 class.

pyqtgraph 0.14 keeps its own mirrors of QtCore, QtGui and QtWidgets (the empty packages
``pyqtgraph/Qt/QtCore`` …) and fills them in ``pyqtgraph/Qt/__init__.py`` (``_copy_attrs``)
by reading every name ``dir()`` lists of the PySide6 module into the mirror. PySide6 6.x
makes a class's Python type on first use (its modules list every name but hold only those
used so far), so that copy makes all of them: about 90 ms unloaded, a third of the library's
import, for classes the charts never use.

Here the mirrors are made first, each a module whose missing names come from the PySide6
module on first use (PEP 562 ``__getattr__``, then kept in the mirror), and while pyqtgraph
is imported each PySide6 module's ``dir()`` lists the names it already holds, so the copy
copies those and makes nothing. Every name pyqtgraph asks its mirror for is PySide6's own
object, as before; afterwards ``dir()`` is PySide6's again.

It depends on pyqtgraph's layout, so it is used only where that layout is the one it was
written for (``SUPPORTED``: the version pinned in ``pyproject.toml``, and the mirror packages
empty files); anywhere else pyqtgraph is imported as it comes (``tests/ui/test_analytics_
library.py`` checks both, and that the mirrors give PySide6's classes).
"""

from __future__ import annotations

import importlib.util
import re
import sys
import types
from pathlib import Path

SUPPORTED = ("0.14.0",)
MIRRORS = ("QtCore", "QtGui", "QtWidgets")
_VERSION = re.compile(r"^__version__ = '([^']+)'", re.MULTILINE)


def _package() -> Path | None:
    """pyqtgraph's folder, where its layout is the one this was written for; else None."""
    spec = importlib.util.find_spec("pyqtgraph")
    if spec is None or not spec.origin or not spec.submodule_search_locations:
        return None
    origin = Path(spec.origin)
    try:
        head = origin.read_text(encoding="utf-8")[:4096]
        empty = all((origin.parent / "Qt" / name / "__init__.py").stat().st_size == 0 for name in MIRRORS)
    except OSError:
        return None
    found = _VERSION.search(head)
    if not empty or found is None or found.group(1) not in SUPPORTED:
        return None
    return origin.parent


def _mirror(name: str, source: types.ModuleType) -> types.ModuleType:
    mirror = types.ModuleType(f"pyqtgraph.Qt.{name}")

    def __getattr__(attr: str) -> object:  # a name not copied yet: PySide6's, kept
        value = getattr(source, attr)
        setattr(mirror, attr, value)
        return value

    mirror.__getattr__ = __getattr__  # type: ignore[method-assign]
    return mirror


def import_pyqtgraph() -> types.ModuleType:
    """``import pyqtgraph``, with its Qt mirrors filled on use where supported."""
    if "pyqtgraph" in sys.modules or _package() is None:
        import pyqtgraph

        return pyqtgraph
    from PySide6 import QtCore, QtGui, QtWidgets

    sources = dict(zip(MIRRORS, (QtCore, QtGui, QtWidgets), strict=True))
    saved = {name: src.__dict__.get("__dir__") for name, src in sources.items()}
    for name, src in sources.items():
        sys.modules[f"pyqtgraph.Qt.{name}"] = _mirror(name, src)
        src.__dir__ = lambda src=src: list(src.__dict__)  # type: ignore[method-assign]
    try:
        import pyqtgraph
    except BaseException:
        for name in MIRRORS:
            sys.modules.pop(f"pyqtgraph.Qt.{name}", None)
        raise
    finally:
        for name, src in sources.items():
            if saved[name] is None:
                del src.__dir__
            else:
                src.__dir__ = saved[name]  # type: ignore[method-assign]
    return pyqtgraph
