"""Render the icon set from resources/icons/mwms-desktop.svg (a dev-time step; the outputs
are committed, so neither Qt's SVG module nor Pillow is needed at run time):

    python tools/make_icons.py

writes resources/icons/mwms-desktop-<size>.png (16 to 512), mwms-desktop.ico (Windows) and
mwms-desktop.icns (macOS). Needs PySide6 (QtSvg) and Pillow (a dependency of ReportLab).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICONS / "mwms-desktop.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> None:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (QImage/QPainter need one)
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SOURCE}")
    pngs = {}
    for size in SIZES:
        target = ICONS / f"mwms-desktop-{size}.png"
        if not render(renderer, size).save(str(target), "PNG"):
            raise SystemExit(f"cannot write {target}")
        pngs[size] = target
    images = {size: Image.open(pngs[size]).convert("RGBA") for size in SIZES}
    largest = images[max(ICO_SIZES)]
    largest.save(
        ICONS / "mwms-desktop.ico",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)],
    )
    images[512].save(ICONS / "mwms-desktop.icns", append_images=[images[s] for s in ICNS_SIZES[:-1]])
    for path in sorted(ICONS.iterdir()):
        print(f"{path.name:28} {path.stat().st_size:>8} bytes")


if __name__ == "__main__":
    main()
