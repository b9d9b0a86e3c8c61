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
empty), read from the modules' compiled code before anything is imported, so it holds in
the PyInstaller folder (no source there) as in a checkout; anywhere else pyqtgraph is
imported as it comes, and the log says why (``tests/ui/test_analytics_shim.py`` checks both,
and that the mirrors give PySide6's classes).
"""

from __future__ import annotations

import importlib.util
import logging
import sys
import types
from importlib.machinery import ModuleSpec, PathFinder

SUPPORTED = ("0.14.0",)
MIRRORS = ("QtCore", "QtGui", "QtWidgets")


def _code(spec: ModuleSpec | None) -> types.CodeType | None:
    loader = getattr(spec, "loader", None)
    get_code = getattr(loader, "get_code", None)
    return None if spec is None or get_code is None else get_code(spec.name)


def _why_not() -> str:
    """Why the shim cannot serve the installed pyqtgraph ("" when it can), found from its
    modules' compiled code (a checkout's ``.py``, the PyInstaller folder's archive) without
    importing any of them."""
    try:
        top = importlib.util.find_spec("pyqtgraph")
        code = _code(top)
        if top is None or code is None or not top.submodule_search_locations:
            return "pyqtgraph's code cannot be read"
        if "__version__" not in code.co_names or not set(SUPPORTED) & set(code.co_consts):
            return f"a pyqtgraph other than {', '.join(SUPPORTED)}"
        qt = PathFinder.find_spec("pyqtgraph.Qt", top.submodule_search_locations)
        if qt is None or not qt.submodule_search_locations:
            return "pyqtgraph.Qt is not a package"
        for name in MIRRORS:
            mirror = _code(PathFinder.find_spec(f"pyqtgraph.Qt.{name}", qt.submodule_search_locations))
            if mirror is None or mirror.co_names:
                return f"pyqtgraph.Qt.{name} is not the empty package it was"
    except (ImportError, OSError, SyntaxError, ValueError) as exc:
        return f"pyqtgraph's code cannot be read ({exc})"
    return ""


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
    if "pyqtgraph" in sys.modules:  # imported (or being imported: this waits for it)
        import pyqtgraph

        return pyqtgraph
    why = _why_not()
    if why:
        logging.getLogger(__name__).info("pyqtgraph imported as it comes: %s", why)
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
