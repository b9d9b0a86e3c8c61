"""The board following outside changes, on 10,000 engagements: what it costs idle, what one
change costs.

Each figure is printed next to a floor measured in the same run:
  * idle CPU per minute (time.process_time over a window left open for --seconds, nothing
    changing) with the follow timer on  vs  the same process, same window, timer off;
  * one check (ChangeWatch.changed_elsewhere: one PRAGMA data_version)  vs  a raw SQLite
    ``SELECT 1`` on a connection of its own;
  * one outside change (another connection commits an edit of one engagement): the bulk read
    and its comparison with the board's (on the worker thread), and the UI thread's part
    (update the changed rows, repaint)  vs  a raw SQLite read of every engagement's id, stage and position;
  * commit to shown: wall time from another connection's commit to the card updated on the
    board, the timer's phase included (goal: about a second).

    python bench/follow.py [--count 10000] [--seconds 10] [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def idle_cpu(app, seconds: float) -> float:
    """CPU seconds per minute spent by this process while its event loop runs ``seconds``."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    start = time.process_time()
    loop.exec()
    return (time.process_time() - start) * 60 / seconds


def measure(db: Path, seconds: float, runs: int) -> None:
    from PySide6.QtCore import QSettings

    from bench.portfolio import NOW
    from mwms_desktop.clock import FixedClock
    from mwms_desktop.services import open_services
    from ui.app import create_application
    from ui.main_window import MainWindow
    from ui.preferences import Preferences

    app = create_application()
    services = open_services(db, clock=FixedClock(NOW))
    prefs = Preferences(QSettings(str(db) + ".ini", QSettings.Format.IniFormat))
    window = MainWindow(services, prefs, restore_state=False)
    window.resize(1440, 900)
    window.show()
    window.repaint()
    for _ in range(5):
        app.processEvents()
    window.store.tally()  # the status counts, as after any first paint

    follower = window.follower
    reads = follower.reads
    on = idle_cpu(app, seconds)
    assert follower.reads == reads, "a bulk read started while nothing changed"
    follower.stop()
    off = idle_cpu(app, seconds)
    follower.start()
    ratio = on / off if off else float("inf")
    print(f"idle CPU, timer on    {on * 1000:8.1f} ms/min   floor timer off        {off * 1000:7.1f} ms/min"
          f"   ratio {ratio:5.2f}x   ({seconds:g} s each, no bulk read)")  # fmt: skip

    watch = services.watch_changes()
    checks, floor = [], []
    raw = sqlite3.connect(db)
    for _ in range(200):
        t = time.perf_counter()
        watch.changed_elsewhere()
        checks.append(time.perf_counter() - t)
        t = time.perf_counter()
        raw.execute("SELECT 1").fetchone()
        floor.append(time.perf_counter() - t)
    check_us, floor_us = ms(checks) * 1000, ms(floor) * 1000
    print(f"one check (pragma)    {check_us:8.1f} µs      floor raw SELECT 1     {floor_us:7.1f} µs"
          f"      ratio {check_us / floor_us:5.1f}x")  # fmt: skip

    # One outside change at a time: another connection edits one engagement and commits.
    writer = sqlite3.connect(db, timeout=30)
    writer.execute("PRAGMA journal_mode=wal")
    ids = window.store.ids("qualification")[:runs]
    reads_t, applies, scans, shown = [], [], [], []
    follower.stop()
    for n, eid in enumerate(ids):
        with writer:
            writer.execute("UPDATE engagement SET next_action = ? WHERE id = ?", (f"Call #{n}", eid))
        assert watch.changed_elsewhere()  # what the timer asks
        t = time.perf_counter()
        source = services.portfolio.card_source()  # what the worker does: read, compare
        differs = source.changed_since(window.store.source)
        reads_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        changed = window.store.follow(source, differs)  # the UI thread's part
        app.processEvents()  # the changed row repainted
        applies.append(time.perf_counter() - t)
        assert changed == {eid}, changed
        t = time.perf_counter()
        raw.execute("SELECT id, stage, position FROM engagement WHERE status = 'active'").fetchall()
        scans.append(time.perf_counter() - t)
    print(f"bulk read (worker)    {ms(reads_t):8.1f} ms   floor raw id scan      {ms(scans):7.1f} ms"
          f"   ratio {ms(reads_t) / ms(scans):5.1f}x")  # fmt: skip
    print(f"UI thread: follow     {ms(applies):8.1f} ms   floor raw id scan      {ms(scans):7.1f} ms"
          f"   ratio {ms(applies) / ms(scans):5.1f}x   (goal <= 50 ms)")  # fmt: skip

    follower.watch = services.watch_changes()
    follower.start()
    for n, eid in enumerate(ids):
        with writer:
            writer.execute("UPDATE engagement SET next_action = ? WHERE id = ?", (f"Again #{n}", eid))
        t = time.perf_counter()
        while window.store.card(eid).next_action != f"Again #{n}":
            app.processEvents()
            time.sleep(0.002)
            if time.perf_counter() - t > 10:
                raise SystemExit("the board did not follow within 10 s")
        shown.append(time.perf_counter() - t)
    print(f"commit to shown       {ms(shown):8.1f} ms   (timer every {follower.timer.interval()} ms;"
          f" worst {max(shown) * 1000:.0f} ms; goal about a second)")  # fmt: skip
    writer.close()
    raw.close()
    window.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    from bench.portfolio import generate

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "follow.sqlite"
        generate(db, args.count)
        print(
            f"{args.count} engagements; medians of {args.runs} runs; "
            f"QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}"
        )
        measure(db, args.seconds, args.runs)


if __name__ == "__main__":
    main()
