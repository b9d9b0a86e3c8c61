# ruff: noqa: E501 - long SQL and report lines read better whole
"""The learning library at scale: 100,000 learnings and 50,000 insights over 10,000
engagements.

Printed, each next to its floor measured in the same run:
  * the index build in the migration (schema 4's ``fts.create`` over the records) vs a
    plain ``INSERT INTO ... SELECT`` copy of the same text into a scratch table;
  * a search keystroke → painted results in the library window (the worker's answer shown
    and the table repainted; the window's typing pause set to 0 for the measure, it adds
    its own 120 ms by design) vs the raw FTS5 query (bm25 top 50) for the same text: for
    common words (the domain's, matching 31,000-52,000 records) and for a selective word
    (1,568 matches, then 350 with a second word);
  * a related-learnings refresh (the panel's query and paint, a meaningful word added each
    time) vs the raw FTS5 OR query of the same words;
  * peak memory (max RSS) of this process.

    python bench/library.py [--engagements 10000] [--learnings 100000] [--insights 50000] [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
TAGS = ["checkout", "pricing", "apparel", "saas", "b2b", "mobile", "retention", "search", "email", "trust",
        "delivery", "loyalty", "onboarding", "reviews", "subscription", "homeware"]  # fmt: skip
TYPED = ("ch", "che", "chec", "check", "checko", "checkout", "checkout s", "checkout sh", "checkout shipp")
# A selective search: a made-up word (1,568 matches), then a domain word after it (350).
SELECTIVE = ("nekato", "nekato c", "nekato ch", "nekato che", "nekato check", "nekato checkout")
RELATED_TEXT = "Showing shipping costs earlier in checkout will lift mobile conversion for returning buyers"
# Each refresh adds one meaningful word, so the panel's query runs every time (a keystroke
# that leaves the meaningful words as they were asks nothing).
RELATED_MORE = ("price", "trust", "badge", "cart", "basket", "delivery", "payment", "review", "rating",
                "banner", "discount", "filter", "search", "email", "loyalty", "referral")  # fmt: skip


def _vocabulary(rng: random.Random) -> list[str]:
    base = ["checkout", "shipping", "price", "trust", "badge", "mobile", "conversion", "returning", "buyers", "cart", "basket", "delivery", "subscription", "onboarding", "pricing", "discount", "banner", "search", "filter", "review", "rating", "payment", "invoice", "zoë", "müller", "иванов", "ødegård", "landing", "hero", "copy", "urgency", "scarcity", "bundle", "upsell", "retention", "churn", "email", "push", "loyalty", "referral", "wishlist", "size", "guide", "returns", "speed", "image", "video"]  # fmt: skip
    syllables = ["ka", "lo", "mi", "ne", "ra", "su", "to", "vi", "ze", "po", "da", "fe"]
    made = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(4000)}
    assert len(base) == DOMAIN
    return base + sorted(made)


DOMAIN = 47  # the first words of the vocabulary are the domain's; the rest made up


def _sentence(rng: random.Random, words: list[str], n: int) -> str:
    # A word in four is the domain's (each then in a few percent of the texts), the rest rare.
    return " ".join(rng.choice(words[:DOMAIN]) if rng.random() < 0.25 else rng.choice(words[DOMAIN:])
                    for _ in range(n)).capitalize()  # fmt: skip


def generate(path: Path, engagements: int, learnings: int, insights: int) -> float:
    """Fill ``path`` (schema 4, without the index), then build the index as the migration
    does; returns the build's seconds."""
    from db import fts
    from db.connection import close_database, open_database
    from db.models import database, new_uuid

    rng = random.Random(11)
    words = _vocabulary(rng)
    open_database(path)
    fts_present = fts.tables_present(database)
    with database.atomic():
        if fts_present:  # the data is written first, as in a file of schema 3
            fts.drop_triggers(database)
            for s in fts.SOURCES:
                database.execute_sql(f'DROP TABLE "{s.fts}"')
        types = [
            "consulting", "optimization_retainer", "ai_advisory", "ecommerce_growth",
            "experimentation_partnership", "strategic_advisory",
        ]  # fmt: skip
        now = NOW.isoformat()
        cur = database.cursor()
        cur.executemany(
            "INSERT INTO engagement (id, uuid, updated_at, client, engagement_type, owner, stage, stage_entered_at, "
            "position, status, created_at, tags, notes, next_action, verdict, verdict_note, exp_scope, exp_cadence, "
            "exp_success_measures, outcome_summary) VALUES (?, ?, ?, ?, ?, ?, 'execution', ?, ?, 'active', ?, ?, '', "
            "'', 'qualified', '', '', '', '', '')",
            [(n, new_uuid(), now, f"Client {n}", rng.choice(types), "Maya Chen", now, float(n), now,
              ", ".join(rng.sample(TAGS, 2)))
             for n in range(1, engagements + 1)],
        )  # fmt: skip
        cycles = []
        for n in range(1, engagements + 1):
            cycles.append((n, new_uuid(), now, n, _sentence(rng, words, 6), "evaluated",
                           rng.choice(["win", "loss", "inconclusive"]), _sentence(rng, words, 20)))  # fmt: skip
        cur.executemany(
            "INSERT INTO cycle (id, uuid, updated_at, engagement_id, title, status, result, evaluation, kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'experimentation_cycle')",
            cycles,
        )
        cur.executemany(
            "INSERT INTO learning (id, uuid, updated_at, engagement_id, statement, confidence, tags, recorded_at, "
            "refinements) VALUES (?, ?, ?, ?, ?, 'medium', ?, ?, '')",
            [(n, new_uuid(), now, rng.randint(1, engagements), _sentence(rng, words, rng.randint(8, 30)),
              ", ".join(rng.sample(TAGS, 2)), now) for n in range(1, learnings + 1)],
        )  # fmt: skip
        cur.executemany(
            "INSERT INTO learning_evidence (uuid, updated_at, learning_id, cycle_id) "
            "SELECT ?, ?, id, engagement_id FROM learning WHERE id = ?",
            [(new_uuid(), now, n) for n in range(1, learnings + 1)],
        )
        cur.executemany(
            "INSERT INTO insight (id, uuid, updated_at, engagement_id, activity, statement, detail, recorded_on) "
            "VALUES (?, ?, ?, ?, 'research', ?, ?, '2026-10-01')",
            [(n, new_uuid(), now, rng.randint(1, engagements), _sentence(rng, words, 12),
              _sentence(rng, words, 40)) for n in range(1, insights + 1)],
        )  # fmt: skip
    start = time.perf_counter()
    with database.atomic():
        fts.create(database)  # what schema 4's step runs
    build = time.perf_counter() - start
    close_database()
    return build


def copy_floor(path: Path) -> float:
    import sqlite3

    con = sqlite3.connect(path)
    start = time.perf_counter()
    con.execute("CREATE TEMP TABLE t AS SELECT id, statement, tags FROM learning")
    con.execute("INSERT INTO t SELECT id, statement, detail FROM insight")
    took = time.perf_counter() - start
    con.close()
    return took


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} ms"


def measure(path: Path, runs: int) -> None:
    from PySide6.QtCore import QCoreApplication

    from db.models import database
    from mwms_desktop import library
    from mwms_desktop.library.query import fts_match, words
    from mwms_desktop.services import open_services
    from ui.app import create_application
    from ui.library.related_panel import RelatedPanel
    from ui.library.window import LibraryWindow

    app = create_application()
    services = open_services(path)
    window = LibraryWindow(services, lambda *a: None)
    window.query._timer.setInterval(0)
    window.resize(1280, 760)
    window.show()

    def wait(until) -> None:
        while not until():
            app.processEvents()
            time.sleep(0.0005)

    wait(lambda: window.result is not None)

    def typing(texts: tuple[str, ...]) -> tuple[list[float], list[float]]:
        keystroke, floor = [], []
        for _ in range(runs):
            for text in texts:
                window.result = None
                start = time.perf_counter()
                window.search.setText(text)
                wait(lambda: window.result is not None)
                window.results.viewport().repaint()
                keystroke.append(time.perf_counter() - start)
                ws = words(text)
                start = time.perf_counter()
                database.execute_sql(
                    "SELECT rowid, bm25(learning_fts, 3.0, 1.0) AS r FROM learning_fts WHERE learning_fts MATCH ? "
                    "ORDER BY r LIMIT 50",
                    (fts_match(ws),),
                ).fetchall()
                database.execute_sql(
                    "SELECT rowid, bm25(insight_fts, 3.0, 1.0) AS r FROM insight_fts WHERE insight_fts MATCH ? "
                    "ORDER BY r LIMIT 50",
                    (fts_match(ws),),
                ).fetchall()
                floor.append(time.perf_counter() - start)
        return keystroke, floor

    for label, texts in (("common words", TYPED), ("a selective word", SELECTIVE)):
        keystroke, floor = typing(texts)
        print(f"search keystroke -> painted results, {label}: {ms(keystroke)} (goal <= 30 ms); "
              f"raw FTS5 bm25 top-50 floor {ms(floor)}; ratio {statistics.median(keystroke) / statistics.median(floor):.1f}x")  # fmt: skip
        print(f"  matches: {', '.join(f'{t!r}: {library.count(t)}' for t in (texts[0], texts[len(texts) // 2], texts[-1]))}")  # fmt: skip

    panel = RelatedPanel(1, pause_ms=0)
    panel.resize(420, 600)
    panel.show()
    related, rfloor = [], []
    from mwms_desktop.library.related import topic_words

    for n in range(runs):
        text = f"{RELATED_TEXT} {RELATED_MORE[n % len(RELATED_MORE)]}"
        panel.related = None  # type: ignore[assignment]
        start = time.perf_counter()
        panel.set_text(text)
        wait(lambda: panel.related is not None and not panel.query.busy)
        panel.list.viewport().repaint()
        related.append(time.perf_counter() - start)
        start = time.perf_counter()
        database.execute_sql(
            "SELECT rowid, bm25(learning_fts, 3.0, 1.0) AS r FROM learning_fts WHERE learning_fts MATCH ? "
            "ORDER BY r LIMIT 8",
            (fts_match(topic_words(text), any_word=True),),
        ).fetchall()
        rfloor.append(time.perf_counter() - start)
    print(f"related-learnings refresh: {ms(related)} (goal <= 50 ms); raw FTS5 OR top-8 floor {ms(rfloor)}; "
          f"ratio {statistics.median(related) / statistics.median(rfloor):.1f}x")  # fmt: skip
    window.close()
    panel.wait()
    QCoreApplication.processEvents()
    services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--engagements", type=int, default=10_000)
    parser.add_argument("--learnings", type=int, default=100_000)
    parser.add_argument("--insights", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mwms-bench-library-") as folder:
        path = Path(folder) / "library.sqlite"
        os.environ["MWMS_DESKTOP_DATA_DIR"] = folder
        build = generate(path, args.engagements, args.learnings, args.insights)
        copy = copy_floor(path)
        print(f"{args.learnings} learnings, {args.insights} insights, {args.engagements} engagements")
        print(f"index build in the migration: {build:.2f} s; floor (copying the same text) {copy:.2f} s; "
              f"ratio {build / copy:.1f}x")  # fmt: skip
        measure(path, args.runs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
