"""The icon set: every PNG size from 16 to 512 drawn from the one SVG, the Windows .ico and
macOS .icns beside it, the desktop entry naming it, and the window using it."""

from __future__ import annotations

import configparser
import struct

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from mwms_desktop.paths import resources_dir
from ui.app import DESKTOP_ID, ICON_SIZES, create_application

ICONS = resources_dir() / "icons"


def test_every_size_is_a_square_png_of_that_size() -> None:
    for size in ICON_SIZES:
        image = QImage(str(ICONS / f"{DESKTOP_ID}-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
        centre = image.pixelColor(size // 2, size // 2)
        assert centre.alpha() == 255  # drawn, not blank
    assert (ICON_SIZES[0], ICON_SIZES[-1]) == (16, 512)
    assert (ICONS / f"{DESKTOP_ID}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_windows_and_macos_icons_hold_the_sizes() -> None:
    ico = (ICONS / f"{DESKTOP_ID}.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind) == (0, 1)
    widths = {ico[6 + 16 * i] or 256 for i in range(count)}
    assert {16, 32, 48, 256} <= widths
    icns = (ICONS / f"{DESKTOP_ID}.icns").read_bytes()
    assert icns[:4] == b"icns"
    assert struct.unpack_from(">I", icns, 4)[0] == len(icns)


def test_the_desktop_entry_names_the_icon_and_the_program() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(resources_dir() / "desktop" / f"{DESKTOP_ID}.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Icon"] == DESKTOP_ID
    assert section["Exec"] == "mwms-desktop"
    assert section["Terminal"] == "false"


def test_the_window_uses_the_icon(qapp) -> None:
    app = create_application()
    icon = app.windowIcon()
    assert not icon.isNull()
    sizes = {s.width() for s in icon.availableSizes()}
    assert set(ICON_SIZES) <= sizes
    assert icon.pixmap(QSize(16, 16)).toImage() == QImage(
        str(ICONS / f"{DESKTOP_ID}-16.png")
    ).convertToFormat(icon.pixmap(QSize(16, 16)).toImage().format())
    assert app.desktopFileName() == DESKTOP_ID


def test_the_desktop_entry_installer_puts_entry_and_icons_in_place(tmp_path) -> None:
    import subprocess

    script = resources_dir() / "desktop" / "install-desktop-entry.sh"
    done = subprocess.run(
        ["sh", str(script), "/opt/mwms/mwms-desktop"],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "share")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    entry = (tmp_path / "share" / "applications" / f"{DESKTOP_ID}.desktop").read_text(encoding="utf-8")
    assert 'Exec="/opt/mwms/mwms-desktop"' in entry
    assert "Icon=mwms-desktop" in entry
    for size in ICON_SIZES:
        icon = tmp_path / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{DESKTOP_ID}.png"
        assert icon.read_bytes() == (ICONS / f"{DESKTOP_ID}-{size}.png").read_bytes()
