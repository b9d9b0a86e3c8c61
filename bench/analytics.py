"""Portfolio analytics on 10,000 engagements with 60,000 moves: every number computed, and
the analytics view opened and painted.

Each figure is printed next to a floor measured in the same run:
  * all analytics computed (``report.compute``: the bulk reads, the move log and check-ins on
    a second connection and thread of the same snapshot, the drift signals from a narrow read
    fed to drift.py's rules (no board card built) while the log is read, flow for every day
    of a year, stage times, outcomes, execution, health), with its CPU time (both threads) and
    the same read on one connection alone; then apart, in the same runs: the narrow drift
    read alone, building the board's cards (what the counts used to cost), the analytics with
    the cards given (as the window has them from the board), and the reference modules
    (``report.build`` on ``source.read_facts`` and the cards: one object per move), which must
    give the same report;
    vs the same aggregates as raw SQL on a plain sqlite3 connection (daily stage deltas,
    stays per stage in sorted order, outcomes, cycles and learnings per month, latest
    check-in per engagement, the four drift counts);
  * the view opened and painted, in a fresh process with the board open (pyqtgraph and numpy
    not yet imported): from before importing the view's module to the first paint of the
    first tab's charts with their numbers and tables (the other tabs are made when first
    shown) vs a bare QMainWindow shown and painted in a fresh process. The chart library is
    imported while the portfolio is read (numpy on a worker, then pyqtgraph on the GUI
    thread): the figure includes it, and when it was ready is printed too; and apart, the
    same with the library imported before the window opens (what an import while the app
    sat idle would give). The board's cards are already built (its status counts build
    them), and reused.

    python bench/analytics.py [--count 10000] [--moves 60000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STAGES = ("qualification", "onboarding", "insight", "execution", "optimization", "outcome")
OUTCOMES = (
    "expanded_scope",
    "extended_retainer",
    "new_experimentation_areas",
    "strategic_advisory_extension",
    "project_completion",
)


def ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def build(path: Path, count: int, moves: int) -> None:
    """bench/portfolio's engagements, with a move log of ``moves`` rows over 18 months:
    forward through the stages, a backward move now and then, the stage and outcome set to
    where the log leaves each engagement."""
    from bench.portfolio import NOW, generate

    generate(path, count)
    rng = random.Random(11)
    con = sqlite3.connect(path)
    con.execute("DELETE FROM stage_move")
    rows, engagements = [], []
    per = moves / count
    ids = [r[0] for r in con.execute("SELECT id FROM engagement ORDER BY id")]
    for n, eid in enumerate(ids):
        want = max(1, int(per + (0.999 if n < moves - int(per) * count else 0)))
        t = NOW - timedelta(days=rng.uniform(30, 540))
        stage, log = 0, [(None, "qualification", "created", t)]
        while len(log) < want:
            t += timedelta(days=rng.uniform(0.5, 40))
            if stage > 0 and rng.random() < 0.12:
                log.append((STAGES[stage], STAGES[stage - 1], "backward", t))
                stage -= 1
            elif stage < 5:
                log.append((STAGES[stage], STAGES[stage + 1], "forward", t))
                stage += 1
            else:
                log.append((STAGES[stage], STAGES[stage - 1], "backward", t))
                stage -= 1
        created = log[0][3]
        for from_stage, to_stage, kind, when in log:
            stamp = when.isoformat(timespec="seconds")
            rows.append((f"m{eid}-{len(rows)}", stamp, eid, from_stage, to_stage, stamp, "", kind))
        outcome = rng.choice(OUTCOMES) if STAGES[stage] == "outcome" else None
        last = log[-1][3]
        decided_on = last.date().isoformat() if outcome else None
        engagements.append((STAGES[stage], last.isoformat(timespec="seconds"),
                            created.isoformat(timespec="seconds"), outcome, decided_on, eid))  # fmt: skip
    con.executemany(
        "INSERT INTO stage_move (uuid, updated_at, engagement_id, from_stage, to_stage, moved_at, reason,"
        " kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    con.executemany(
        "UPDATE engagement SET stage = ?, stage_entered_at = ?, created_at = ?, outcome = ?, outcome_on = ?"
        " WHERE id = ?",
        engagements,
    )
    con.execute("UPDATE cycle SET ended_on = '2026-09-15', started_on = '2026-09-01'")
    con.commit()
    con.close()


RAW = (
    # daily stage deltas (the flow, summed by the caller)
    "SELECT date(moved_at, 'localtime') AS d, from_stage, to_stage, count(*) FROM stage_move"
    " GROUP BY d, from_stage, to_stage ORDER BY d",
    # stays: each move to the next one of its engagement, sorted per stage for the percentiles
    "SELECT to_stage, julianday(nxt) - julianday(moved_at) AS days FROM (SELECT to_stage, moved_at,"
    " lead(moved_at) OVER (PARTITION BY engagement_id ORDER BY moved_at, id) AS nxt FROM stage_move)"
    " WHERE nxt IS NOT NULL ORDER BY to_stage, days",
    "SELECT strftime('%Y-%m', outcome_on) AS m, outcome, count(*) FROM engagement WHERE stage = 'outcome'"
    " AND outcome IS NOT NULL GROUP BY m, outcome",
    "SELECT strftime('%Y-%m', ended_on) AS m, status, result, count(*) FROM cycle GROUP BY m, status, result",
    "SELECT strftime('%Y-%m', recorded_at) AS m, count(*) FROM learning GROUP BY m",
    "SELECT engagement_id, score FROM (SELECT engagement_id, score, row_number() OVER (PARTITION BY"
    " engagement_id ORDER BY held_on DESC, id DESC) AS rn FROM check_in) WHERE rn = 1",
    "SELECT engagement_id, count(*) FROM stakeholder WHERE alignment = 'misaligned' GROUP BY engagement_id",
    "SELECT engagement_id, count(*) FROM hypothesis WHERE impact IS NULL OR confidence IS NULL"
    " OR ease IS NULL GROUP BY engagement_id",
    "SELECT engagement_id, count(*) FROM cycle WHERE hypothesis_id IS NULL GROUP BY engagement_id",
    "SELECT c.engagement_id, count(*) FROM cycle c WHERE c.status = 'evaluated' AND NOT EXISTS"
    " (SELECT 1 FROM learning_evidence e WHERE e.cycle_id = c.id) GROUP BY c.engagement_id",
)


def raw_aggregates(con: sqlite3.Connection) -> int:
    rows = 0
    for sql in RAW:
        got = con.execute(sql).fetchall()
        rows += len(got)
    return rows


VIEW_CHILD = r"""
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, sys.argv[1])
from PySide6.QtCore import QEventLoop, QSettings
from bench.portfolio import NOW
from mwms_desktop.clock import FixedClock
from mwms_desktop.services import open_services
from ui.app import create_application
from ui.main_window import MainWindow
from ui.preferences import Preferences
app = create_application()
services = open_services(sys.argv[2], clock=FixedClock(NOW))
# The board is open, as when a consultant picks View -> Portfolio analytics (not timed).
board = MainWindow(services, Preferences(QSettings(sys.argv[2] + ".ini", QSettings.Format.IniFormat)),
                   restore_state=False)
board.resize(1440, 900)
board.show()
for _ in range(5):
    app.processEvents()
board.store.tally()  # the status bar's counts build every card after the first paint
while board.today.today is None or board.today._running:  # the Today list's first read (for its
    app.processEvents()                                      # tab's count) is not what is measured
    time.sleep(0.01)
board.today.refresh = lambda: None
assert "pyqtgraph" not in sys.modules and "numpy" not in sys.modules
if sys.argv[3] == "preloaded":  # as if imported while the app sat idle (not timed)
    from ui.analytics import library
    library._import(None)
t0 = time.perf_counter()  # from here: the view's own cost, chart library import included
from ui.analytics.view import AnalyticsWindow
ready = []
library_ready = AnalyticsWindow._library_ready
def _ready(self):
    ready.append(time.perf_counter())
    library_ready(self)
AnalyticsWindow._library_ready = _ready
w = AnalyticsWindow(services, board.filters, board, store=board.store)
w.resize(1280, 860)
w.show()
loop = QEventLoop()
w.loaded.connect(loop.quit)
if w.report is None:
    loop.exec()  # the event loop sleeps while the worker computes, as in the app
w.repaint()  # the first tab's charts and tables, painted
app.processEvents()
done = time.perf_counter()
print(f"VIEW {done - t0:.6f} IMPORT {ready[0] - t0:.6f}", flush=True)
os._exit(0)
"""

BARE_CHILD = r"""
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
t0 = time.perf_counter()
w = QMainWindow()
w.resize(1280, 860)
w.show()
w.repaint()
app.processEvents()
print(f"VIEW {time.perf_counter() - t0:.6f}", flush=True)
os._exit(0)
"""


def child(script: str, *args: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True,
                         timeout=300).stdout  # fmt: skip
    line = next(x for x in out.splitlines() if x.startswith("VIEW"))
    return [float(v) for v in line.split()[1::2]]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--moves", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from bench.portfolio import NOW
    from mwms_desktop.analytics import snapshot
    from mwms_desktop.analytics.fast import read as fast_read
    from mwms_desktop.analytics.report import build as reference_build
    from mwms_desktop.analytics.report import compute, drift_of
    from mwms_desktop.analytics.source import default_scope, read_facts
    from mwms_desktop.clock import FixedClock
    from mwms_desktop.services import open_services

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "analytics.sqlite"
        build(db, args.count, args.moves)
        con = sqlite3.connect(db)
        moves = con.execute("SELECT count(*) FROM stage_move").fetchone()[0]
        print(f"{args.count} engagements, {moves} moves")
        services = open_services(db, clock=FixedClock(NOW))
        scope = default_scope(services.clock.today())
        compute(services, scope)  # warm: the first read fills SQLite's page cache for both
        app_times, raw_times, card_times, given_times, ref_times, drift_times = [], [], [], [], [], []
        cpu_times, alone_times = [], []
        read = fast_read(services.clock)
        paired = snapshot._second
        for _ in range(args.runs):
            t, c = time.perf_counter(), time.process_time()
            report = compute(services, scope)
            app_times.append(time.perf_counter() - t)
            cpu_times.append(time.process_time() - c)
            snapshot._second = lambda _path: None  # the same on the one connection
            t = time.perf_counter()
            alone = compute(services, scope)
            alone_times.append(time.perf_counter() - t)
            snapshot._second = paired
            assert alone == report
            t = time.perf_counter()
            raw_aggregates(con)
            raw_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            drift_of(services, read)
            drift_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            cards = services.portfolio.cards()
            card_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            compute(services, scope, cards)
            given_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            reference = reference_build(read_facts(services.clock), scope, cards)
            ref_times.append(time.perf_counter() - t)
        assert reference == report, "the fast path and the reference modules disagree"
        ratio = ms(app_times) / ms(raw_times)
        print(f"all analytics computed {ms(app_times):8.1f} ms   floor raw SQL aggregates"
              f" {ms(raw_times):7.1f} ms   ratio {ratio:5.1f}x   (goal <= 150 ms; load average"
              f" {os.getloadavg()[0]:.1f})")  # fmt: skip
        print(f"  its CPU time (both threads) {ms(cpu_times):.1f} ms; read on one connection alone"
              f" {ms(alone_times):.1f} ms")  # fmt: skip
        print(f"  of it: the drift signals read narrowly {ms(drift_times):.1f} ms (building the board's"
              f" cards instead: {ms(card_times):.1f} ms); the analytics"
              f" with the cards given (as the window has them) {ms(given_times):.1f} ms"
              f" (ratio {ms(given_times) / ms(raw_times):.1f}x);"
              f" the reference modules (one object per move) {ms(ref_times):.1f} ms")  # fmt: skip
        print(
            f"  ({report.engagements} engagements, {report.flow.rework.total} backward moves in the period)"
        )
        services.close()
        con.close()
        views, imports, bares, warm = [], [], [], []
        for _ in range(max(3, args.runs // 2)):
            view, imported = child(VIEW_CHILD, str(ROOT), str(db), "cold")
            views.append(view)
            imports.append(imported)
            bares.append(child(BARE_CHILD)[0])
            warm.append(child(VIEW_CHILD, str(ROOT), str(db), "preloaded")[0])
        print(f"view opened, painted   {ms(views):8.1f} ms   floor bare window        {ms(bares):7.1f} ms"
              f"   ratio {ms(views) / ms(bares):5.1f}x   (goal <= 400 ms; the chart library (numpy on a"
              f" worker, pyqtgraph on the GUI thread) was ready after {ms(imports):.0f} ms; load average"
              f" {os.getloadavg()[0]:.1f})")  # fmt: skip
        print(f"  the same with the chart library imported beforehand (as a preload while the app sat"
              f" idle would have it; the app does not) {ms(warm):.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
