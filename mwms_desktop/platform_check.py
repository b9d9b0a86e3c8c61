"""Before the ``QApplication``: on Linux, are the libraries Qt's xcb platform plugin loads
present? Without one Qt aborts with "Could not load the Qt platform plugin xcb", which names
no package. This check names it, for Debian/Ubuntu and for Fedora, in one line each.

Qt-free: it only asks the dynamic loader for each library by its soname.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from mwms_desktop.errors import MwmsError


@dataclass(frozen=True)
class SharedLibrary:
    soname: str
    debian: str  # the Debian/Ubuntu package that ships it
    fedora: str  # the Fedora package that ships it


# What libqxcb.so and libQt6XcbQpa.so.6 (PySide6 6.11) are linked against, beyond Qt and libc
# (`readelf -d`), plus what QtGui needs on any platform. The README lists the same packages.
XCB_LIBRARIES: tuple[SharedLibrary, ...] = (
    SharedLibrary("libxcb.so.1", "libxcb1", "libxcb"),
    SharedLibrary("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    SharedLibrary("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    SharedLibrary("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    SharedLibrary("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    SharedLibrary("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    SharedLibrary("libxcb-util.so.1", "libxcb-util1", "xcb-util"),
    SharedLibrary("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    SharedLibrary("libxcb-render.so.0", "libxcb-render0", "libxcb"),
    SharedLibrary("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    SharedLibrary("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    SharedLibrary("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    SharedLibrary("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    SharedLibrary("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
    SharedLibrary("libX11.so.6", "libx11-6", "libX11"),
    SharedLibrary("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
    SharedLibrary("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
    SharedLibrary("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    SharedLibrary("libGL.so.1", "libgl1", "libglvnd-glx"),
    SharedLibrary("libEGL.so.1", "libegl1", "libglvnd-egl"),
    SharedLibrary("libfontconfig.so.1", "libfontconfig1", "fontconfig"),
    SharedLibrary("libfreetype.so.6", "libfreetype6", "freetype"),
    SharedLibrary("libglib-2.0.so.0", "libglib2.0-0", "glib2"),
)

Loader = Callable[[str], object]


def _dlopen(soname: str) -> object:
    """Load the library the way Qt's plugin will find it: in a PyInstaller build, the copy
    bundled beside the app first (it carries most of these), else the system's."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle and os.path.exists(os.path.join(bundle, soname)):
        return ctypes.CDLL(os.path.join(bundle, soname))
    return ctypes.CDLL(soname)


def uses_xcb(env: Mapping[str, str], platform: str | None = None) -> bool:
    """Whether Qt will pick its xcb plugin: on Linux, unless another platform is asked for
    (``offscreen``, ``wayland``) or the session is Wayland, which Qt 6 prefers there."""
    if not (platform or sys.platform).startswith("linux"):
        return False
    asked = env.get("QT_QPA_PLATFORM", "").strip()
    if asked:
        return asked.split(";")[0].split(":")[0] == "xcb"
    return not (env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE") == "wayland")


def missing_libraries(loader: Loader | None = None) -> list[SharedLibrary]:
    load = loader or _dlopen
    missing = []
    for library in XCB_LIBRARIES:
        try:
            load(library.soname)
        except OSError:
            missing.append(library)
    return missing


def missing_message(missing: list[SharedLibrary]) -> str:
    names = ", ".join(lib.soname for lib in missing)
    debian = " ".join(dict.fromkeys(lib.debian for lib in missing))
    fedora = " ".join(dict.fromkeys(lib.fedora for lib in missing))
    return (
        f"The window needs {names}, which this system lacks. Install it: "
        f"Debian/Ubuntu `sudo apt install {debian}`, Fedora `sudo dnf install {fedora}`."
    )


def require_display_libraries(
    env: Mapping[str, str] | None = None, loader: Loader | None = None, platform: str | None = None
) -> None:
    """Raise :class:`MwmsError` naming the packages to install when Qt's xcb plugin would
    not load, or saying there is no X display. Does nothing off Linux or on another Qt
    platform."""
    env = os.environ if env is None else env
    if not uses_xcb(env, platform):
        return
    missing = missing_libraries(loader)
    if missing:
        raise MwmsError(missing_message(missing))
    if not env.get("DISPLAY"):  # Qt would abort with "could not connect to display"
        raise MwmsError(
            "There is no display to open the window on (DISPLAY is not set): start it from a desktop "
            "session; the other commands work without one (mwms-desktop --help)."
        )
