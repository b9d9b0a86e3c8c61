"""Start-up time: process start to the first painted main window, its board read and its
real cards drawn, on 1,000, 10,000 and 50,000 engagements.

The floor is a bare PySide6 QMainWindow measured the same way in the same run: a fresh
Python process each time, offscreen, wall time from just before the process is spawned to
the end of the window's first paint pass (a zero-timer posted at its first Paint event; the
bench checks that the board's first card was drawn by then). Prints the medians, their ratio, and where the
app's time goes (its parts are medians too, so they need not add up exactly).

The app's modules run from bytecode, as installed (pip and the PyInstaller build both ship
it): the children get a private ``PYTHONPYCACHEPREFIX`` and the warm-up run writes it, even
where ``PYTHONDONTWRITEBYTECODE`` is set.

    python bench/startup.py [--counts 1000 10000 50000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The window's first Paint event comes before its children's (the board's columns and their
# cards are painted after it, in the same pass): the mark is taken when that whole pass has
# ended, by a zero-timer posted at the window's first Paint, for the floor and the app alike.
FIRST_PAINT = r"""
from PySide6.QtCore import QTimer
class FirstPaint(QObject):
    seen = False
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            QTimer.singleShot(0, self.done)
        return False
    def done(self):
        T["painted"] = time.time()
        print(" ".join(f"{k}={v:.6f}" for k, v in T.items()), flush=True)
        os._exit(0)
"""

CHILD_BARE = (
    r"""
import sys, time, os
T = {"start": time.time()}
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
T["qt"] = time.time()
"""
    + FIRST_PAINT
    + r"""
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

# The app in the order `mwms-desktop` opens it: the CLI and the core (no Qt yet), the
# garbage collector paused, the database opened with its quick check on a worker and the
# board's read after it there, Qt and the window's imports meanwhile (commands/window.py),
# the check joined, then the window (ui.app.run_app), which takes the read; with a fixed
# clock and throw-away preferences. The read is timed on the worker, and the window's wait
# for it, by wrapping the calls that do them.
CHILD_APP = (
    r"""
import sys, time, os
T = {"start": time.time()}
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, sys.argv[2])
from datetime import datetime, timezone
import mwms_desktop.cli
from mwms_desktop import collector
from mwms_desktop.clock import FixedClock
from mwms_desktop.services import open_services
from mwms_desktop.services.portfolio import PortfolioService
T["core"] = time.time()
collector.pause()  # as the window command does, until the first paint
def timed(name, method):
    def run(self, *args, **kwargs):
        t = time.time()
        try:
            return method(self, *args, **kwargs)
        finally:
            T.setdefault(name + "_s", time.time() - t)
    return run
PortfolioService._read_cards = timed("read", PortfolioService._read_cards)  # on the worker
PortfolioService.card_source = timed("board", PortfolioService.card_source)  # the window's wait
services = open_services(
    sys.argv[1], clock=FixedClock(datetime(2026, 11, 2, 9, tzinfo=timezone.utc)), defer_check=True
)
services.portfolio.read_ahead()
T["opened"] = time.time()
from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication
T["qt"] = time.time()
import ui.main_window
from ui.app import create_application, resume_collector_when_painted
from ui.main_window import MainWindow
from ui import theme
from ui.preferences import Preferences
T["ui"] = time.time()
from ui.card_delegate import CardDelegate
_paint_card = CardDelegate.paint
def paint_card(self, *args):
    T.setdefault("cards", time.time())  # the first card drawn: must come before "painted"
    return _paint_card(self, *args)
CardDelegate.paint = paint_card
services.checked()
T["checked"] = time.time()
"""
    + FIRST_PAINT
    + r"""
app = create_application()
prefs = Preferences(QSettings(sys.argv[1] + ".ini", QSettings.Format.IniFormat))
theme.apply(prefs.text("view/scheme", "system"))  # as run_app does
w = MainWindow(services, prefs, restore_state=False)
w.resize(1440, 900)
T["window"] = time.time()
f = FirstPaint()
w.installEventFilter(f)
resume_collector_when_painted(w)  # as run_app does
w.show()
app.exec()
"""
)


def child_env(pycache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def time_child(code: str, env: dict[str, str], *args: str) -> dict[str, float]:
    """Milliseconds from spawn to each mark the child printed (``read`` is a duration)."""
    spawned = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, timeout=300, env=env
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("start="))
    marks = dict((k, float(v)) for k, v in (item.split("=") for item in line.split()))
    result = {k: (v - spawned) * 1000 for k, v in marks.items() if not k.endswith("_s")}
    result.update({k[:-2]: v * 1000 for k, v in marks.items() if k.endswith("_s")})
    return result


def quick_check_ms(db: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        t = time.perf_counter()
        con.execute("PRAGMA quick_check").fetchall()
        times.append((time.perf_counter() - t) * 1000)
        con.close()
    return statistics.median(times)


def median(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counts", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.portfolio import generate

    with tempfile.TemporaryDirectory() as tmp:
        env = child_env(Path(tmp) / "pycache")
        dbs = {}
        for count in args.counts:
            dbs[count] = Path(tmp) / f"bench-{count}.sqlite"
            t = time.perf_counter()
            generate(dbs[count], count)
            print(f"generated {count} engagements in {time.perf_counter() - t:.1f} s")
        time_child(CHILD_BARE, env)  # warm the file cache, write the bytecode
        for count in args.counts:  # the first open of each file makes its start-up backup
            time_child(CHILD_APP, env, str(dbs[count]), str(ROOT))
        bare: list[dict[str, float]] = []
        app: dict[int, list[dict[str, float]]] = {count: [] for count in args.counts}
        for _ in range(args.runs):  # interleaved, so drift in machine load hits all alike
            for count in args.counts:
                bare.append(time_child(CHILD_BARE, env))
                app[count].append(time_child(CHILD_APP, env, str(dbs[count]), str(ROOT)))
        checks = {count: quick_check_ms(dbs[count], args.runs) for count in args.counts}
    unpainted = [r for rows in app.values() for r in rows if not r.get("cards", float("inf")) <= r["painted"]]
    assert not unpainted, f"the mark came before the first card was drawn: {unpainted[0]}"

    floor = median(bare, "painted")
    print(f"platform: offscreen; runs: {args.runs} each, medians; bytecode as installed")
    print(f"floor  bare PySide6 window, first paint:        {floor:7.0f} ms")
    qt_import = median(bare, "qt") - median(bare, "start")
    print(f"       (python start {median(bare, 'start'):.0f}, import Qt {qt_import:.0f})")
    for count in args.counts:
        rows = app[count]
        total = median(rows, "painted")
        print(f"app    MWMS Desktop, {count:>6} engagements:  {total:7.0f} ms   ratio {total / floor:.2f}x")
    print("where the app's time goes (ms from spawn; parts are medians):")
    print(f"  {'engagements':>11}  {'python':>6}  {'Qt':>4}  {'app imports':>11}  {'open':>5}  "
          f"{'(check alone)':>13}  {'(read, worker)':>14}  {'wait':>4}  {'window':>6}  "
          f"{'paint':>5}")  # fmt: skip
    for count in args.counts:
        rows = app[count]

        def part(fn, rows=rows) -> float:
            return statistics.median(fn(r) for r in rows)

        parts = {
            "python": part(lambda r: r["start"]),
            "qt": part(lambda r: r["qt"] - r["opened"]),
            "imports": part(lambda r: (r["core"] - r["start"]) + (r["ui"] - r["qt"])),
            "open": part(lambda r: (r["opened"] - r["core"]) + (r["checked"] - r["ui"])),  # check hidden
            "read": part(lambda r: r.get("read", 0.0)),  # on the worker, while Qt imports
            "wait": part(lambda r: r["board"]),  # the window waiting for it
            "window": part(lambda r: r["window"] - r["checked"] - r["board"]),
            "paint": part(lambda r: r["painted"] - r["window"]),
        }
        print(f"  {count:>11}  {parts['python']:6.0f}  {parts['qt']:4.0f}  {parts['imports']:11.0f}  "
              f"{parts['open']:5.0f}  {checks[count]:13.1f}  {parts['read']:14.0f}  {parts['wait']:4.0f}  "
              f"{parts['window']:6.0f}  {parts['paint']:5.0f}")  # fmt: skip
    print("goal: <= 2.0x at 10,000 engagements")


if __name__ == "__main__":
    main()
