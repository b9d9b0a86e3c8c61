"""Start-up time: process start to the first painted main window, on 10,000 engagements.

The floor is a bare PySide6 QMainWindow measured the same way in the same run: a fresh
Python process each time, offscreen, wall time from just before the process is spawned to
the first Paint event the window receives. Prints the medians and their ratio.

    python bench/startup.py [--count 10000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD_COMMON = r"""
import sys, time, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QEvent, QObject, QTimer

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(f"PAINTED {time.time():.6f}", flush=True)
            os._exit(0)
        return False
"""

CHILD_BARE = (
    CHILD_COMMON
    + r"""
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.setWindowTitle("bare")
w.resize(1440, 900)
f = FirstPaint()
w.installEventFilter(f)
w.show()
app.exec()
"""
)

CHILD_APP = (
    CHILD_COMMON
    + r"""
sys.path.insert(0, sys.argv[2])
from bench.portfolio import NOW
from mwms_desktop.clock import FixedClock
from mwms_desktop.services import open_services
from ui.app import create_application
from ui.main_window import MainWindow
from ui.preferences import Preferences
from PySide6.QtCore import QSettings
services = open_services(sys.argv[1], clock=FixedClock(NOW))
app = create_application()
prefs = Preferences(QSettings(sys.argv[1] + ".ini", QSettings.Format.IniFormat))
w = MainWindow(services, prefs, restore_state=False)
w.resize(1440, 900)
f = FirstPaint()
w.installEventFilter(f)
w.show()
app.exec()
"""
)


def time_child(code: str, *args: str) -> float:
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    painted = next(float(line.split()[1]) for line in out.splitlines() if line.startswith("PAINTED"))
    return painted - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.portfolio import generate

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        t = time.perf_counter()
        generate(db, args.count)
        print(f"generated {args.count} engagements in {time.perf_counter() - t:.1f} s")
        env_note = os.environ.get("QT_QPA_PLATFORM", "offscreen (set by the children)")
        bare, app = [], []
        time_child(CHILD_BARE)  # warm the file cache for both
        time_child(CHILD_APP, str(db), str(ROOT))
        for _ in range(args.runs):  # interleaved, so drift in machine load hits both
            bare.append(time_child(CHILD_BARE))
            app.append(time_child(CHILD_APP, str(db), str(ROOT)))
    b, a = statistics.median(bare), statistics.median(app)
    print(f"platform: {env_note}; runs: {args.runs} each, medians")
    print(f"floor  bare PySide6 window, first paint:      {b * 1000:7.0f} ms")
    print(f"app    MWMS Desktop, {args.count} engagements:  {a * 1000:7.0f} ms")
    print(f"ratio  {a / b:.2f}x   (goal <= 2.0x)")


if __name__ == "__main__":
    main()
