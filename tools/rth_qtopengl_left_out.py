"""PyInstaller runtime hook (build.spec): PySide6.QtOpenGL is left out of the build.

Its bindings (QtOpenGL.abi3.so, 8.7 MB: every OpenGL function table) are imported by name
when pyqtgraph loads (``importlib.import_module("PySide6.QtOpenGL")`` in its OpenGL helpers,
PlotCurveItem, PColorMeshItem and RawImageWidget), but used only when OpenGL drawing is
switched on (``useOpenGL``, ``enableExperimental``, a GL image widget), which the app never
does: its charts draw with QPainter. This module stands in for it, so the import succeeds;
any use of a name in it fails with a message saying why, never silently.
"""

import sys
import types


class _LeftOut(types.ModuleType):
    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(f"PySide6.QtOpenGL.{name}: Qt's OpenGL bindings are not in this build")


sys.modules.setdefault("PySide6.QtOpenGL", _LeftOut("PySide6.QtOpenGL"))
