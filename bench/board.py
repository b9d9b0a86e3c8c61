"""The board on 10,000 engagements: first paint, a filter keystroke, a drop, peak memory.

Each figure is printed next to a floor measured in the same run:
  * first painted board  vs a bare QMainWindow shown and painted in the same process;
  * filter keystroke     vs a raw SQLite read of the matching ids (LIKE on the client name);
  * drop (a drop event on a column: through the gates, committed, repainted) vs a raw
    SQLite UPDATE + commit of the stage column with the same pragmas (WAL, synchronous=FULL);
  * the keystroke and the drop again with the board in swimlanes by type, same floors;
  * peak memory (max RSS of a process that opens the board) vs a process showing a bare window.

    python bench/board.py [--count 10000] [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def paint(app, widget) -> None:
    """Force a full paint of the window (first paint)."""
    widget.repaint()
    app.processEvents()


def settle(app) -> None:
    """Let Qt repaint what the change made dirty (the columns that changed), as it would."""
    app.processEvents()


def measure(db: Path, runs: int) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMainWindow

    from bench.portfolio import NOW
    from mwms_desktop.clock import FixedClock
    from mwms_desktop.services import open_services
    from ui.app import create_application
    from ui.main_window import MainWindow
    from ui.preferences import Preferences

    app = create_application()
    bare_times, board_times = [], []
    services = open_services(db, clock=FixedClock(NOW))
    for _ in range(3):
        t = time.perf_counter()
        bare = QMainWindow()
        bare.resize(1440, 900)
        bare.show()
        paint(app, bare)
        bare_times.append(time.perf_counter() - t)
        bare.close()
        t = time.perf_counter()
        prefs = Preferences(QSettings(str(db) + ".ini", QSettings.Format.IniFormat))
        window = MainWindow(services, prefs, restore_state=False)
        window.resize(1440, 900)
        window.show()
        paint(app, window)
        board_times.append(time.perf_counter() - t)
        window.close()
    print(f"first painted board   {ms(board_times):8.1f} ms   floor bare window      {ms(bare_times):7.1f} ms"
          f"   ratio {ms(board_times) / ms(bare_times):5.1f}x")  # fmt: skip

    window = MainWindow(
        services, Preferences(QSettings(str(db) + ".ini", QSettings.Format.IniFormat)), restore_state=False
    )
    window.resize(1440, 900)
    window.show()
    paint(app, window)
    app.processEvents()  # the deferred status counts

    raw = sqlite3.connect(db)
    filt, floor = keystrokes(app, window, runs), []
    for n in range(runs):
        t = time.perf_counter()
        raw.execute("SELECT id FROM engagement WHERE client LIKE ?", (f"%{SEARCHES[n % 5]}%",)).fetchall()
        floor.append(time.perf_counter() - t)
    print(f"filter keystroke      {ms(filt):8.1f} ms   floor raw SQLite read  {ms(floor):7.1f} ms"
          f"   ratio {ms(filt) / ms(floor):5.1f}x   (goal <= 30 ms)")  # fmt: skip

    # Drops: engagements in Qualification that meet the gate, dropped on Onboarding.
    candidates = ready(app, window, services, window.store.ids("qualification")[:runs])
    drops = drop_all(app, window, window.board.columns["onboarding"].view, candidates)
    raw.execute("PRAGMA journal_mode=wal")
    raw.execute("PRAGMA synchronous=FULL")
    updates = []
    for eid in candidates:
        t = time.perf_counter()
        with raw:
            raw.execute(
                "UPDATE engagement SET stage = 'insight', position = position + 1 WHERE id = ?", (eid,)
            )
        updates.append(time.perf_counter() - t)
    print(f"drop to repainted     {ms(drops):8.1f} ms   floor raw SQLite write {ms(updates):7.1f} ms"
          f"   ratio {ms(drops) / ms(updates):5.1f}x   (goal <= 10 ms)")  # fmt: skip
    raw.close()

    # The same board in swimlanes by engagement type (36 cells): a keystroke, and drops on the
    # Onboarding cell of the first lane (on screen, as under a consultant's mouse).
    window.set_swimlanes("engagement_type")
    paint(app, window)
    lane_filt = keystrokes(app, window, runs)
    first = window.lanes.lanes[0]
    candidates = ready(app, window, services, window.store.lane_ids("qualification", first.lane)[:runs])
    lane_drops = drop_all(app, window, first.cells["onboarding"].view, candidates)
    print(f"swimlanes: keystroke  {ms(lane_filt):8.1f} ms   ratio {ms(lane_filt) / ms(floor):5.1f}x;"
          f"   drop {ms(lane_drops):5.1f} ms   ratio {ms(lane_drops) / ms(updates):5.1f}x")  # fmt: skip


SEARCHES = ["kes", "harb", "atlas 1", "zoë", "иван"]


def keystrokes(app, window, runs: int) -> list[float]:
    """Times of one search keystroke each (past the typing debounce), every card painted
    afresh as for a new search; the search is cleared after."""
    from PySide6.QtGui import QPixmapCache

    times = []
    for n in range(runs):
        QPixmapCache.clear()
        t = time.perf_counter()
        window.filters.search.setText(SEARCHES[n % 5])
        window.filters._emit()  # the keystroke, past the 120 ms typing debounce
        settle(app)
        times.append(time.perf_counter() - t)
    window.filters.search.setText("")
    window.filters._emit()
    paint(app, window)
    return times


def ready(app, window, services, ids: list[int]) -> list[int]:
    """``ids`` made ready to leave Qualification, the board re-read and painted."""
    from tests.factories import satisfy

    for eid in ids:
        satisfy(services, eid, "qualification")
    window.store.reload()
    paint(app, window)
    window.store.tally()  # the status counts, as after any first paint
    return ids


def drop_all(app, window, target, ids: list[int]) -> list[float]:
    """Each drop as Qt delivers it: a drag enters ``target`` (the gate is probed then, while
    hovering: not timed), and the drop event lands on its top card."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    from ui.stage_model import encode_ids

    viewport, move = target.viewport(), Qt.DropAction.MoveAction
    button, plain = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    times = []
    for eid in ids:
        mime = encode_ids([eid], "qualification")
        top = target.visualRect(target.model().index(0, 0)).center()
        QApplication.sendEvent(viewport, QDragEnterEvent(top, move, mime, button, plain))
        t = time.perf_counter()
        QApplication.sendEvent(viewport, QDropEvent(QPointF(top), move, mime, button, plain))
        settle(app)
        times.append(time.perf_counter() - t)
        assert window.store.card(eid).stage == "onboarding", eid
    return times


CHILD = r"""
import os, resource, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, sys.argv[2])
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMainWindow
if sys.argv[1] == "bare":
    app = QApplication([])
    w = QMainWindow()
else:
    from bench.portfolio import NOW
    from mwms_desktop.clock import FixedClock
    from mwms_desktop.services import open_services
    from ui.app import create_application
    from ui.main_window import MainWindow
    from ui.preferences import Preferences
    services = open_services(sys.argv[1], clock=FixedClock(NOW))
    app = create_application()
    prefs = Preferences(QSettings(sys.argv[1] + ".ini", QSettings.Format.IniFormat))
    w = MainWindow(services, prefs, restore_state=False)
w.resize(1440, 900)
w.show()
for _ in range(5):
    app.processEvents()
w.repaint()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss_mb(arg: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, arg, str(ROOT)], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    from bench.portfolio import generate

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "board.sqlite"
        generate(db, args.count)
        print(
            f"{args.count} engagements; medians of {args.runs} runs; "
            f"QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}"
        )
        bare, board = peak_rss_mb("bare"), peak_rss_mb(str(db))
        measure(db, args.runs)
        print(f"peak memory (max RSS) {board:8.1f} MB   floor bare window      {bare:7.1f} MB"
              f"   ratio {board / bare:5.2f}x  (goal <= 2x)")  # fmt: skip
    _ = resource  # the children read it


if __name__ == "__main__":
    main()
