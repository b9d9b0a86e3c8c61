"""Dossier export: time and peak memory for one engagement with 500 learnings and 200 cycles.

The floor is raw ReportLab building the same volume in the same run: the same number of
paragraphs (two per learning, two per insight) and a 201-row, six-column table of
paragraphs with a repeated header (the cycles), in DejaVu Sans, one ``SimpleDocTemplate.build``
into memory. The dossier is the real thing: ``export_dossier`` reading through the services,
laying out all ten sections with charts, contents, outline and footers, writing the file
atomically (fsync) and recording the export.

Each variant runs in its own Python process (so imports, font caches and memory do not
leak between them): ``--runs`` timed builds (median), then one more under tracemalloc for
the peak Python allocation; the process's maximum resident size is reported as well.

    python bench/dossier.py [--learnings 500] [--cycles 200] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

CHILD = r"""
import io, json, resource, statistics, sys, time, tracemalloc
from pathlib import Path
sys.path.insert(0, sys.argv[1])
variant, db, out, runs = sys.argv[2], sys.argv[3], Path(sys.argv[4]), int(sys.argv[5])
learnings, cycles, insights = int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])

if variant == "dossier":
    from datetime import UTC, datetime
    from mwms_desktop.clock import FixedClock
    from mwms_desktop.dossier import export_dossier
    from mwms_desktop.services import open_services
    services = open_services(db, clock=FixedClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC)))
    eid = services.portfolio.cards(statuses=None)[0].id
    def build():
        return export_dossier(services, eid, out).pages
else:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
    from mwms_desktop.dossier.styles import register_fonts
    register_fonts()
    body = ParagraphStyle("b", fontName="DejaVuSans", fontSize=9.5, leading=13)
    small = ParagraphStyle("s", fontName="DejaVuSans", fontSize=8, leading=10.5)
    def build():
        flow = []
        for n in range(learnings):
            flow.append(Paragraph(f"<b>L{n + 1}</b> Learning {n}: customers who see delivery costs "
                                  "early abandon less often, across mobile and desktop alike.", body))
            flow.append(Paragraph(f"Confidence: High · Evidence: C{n % cycles + 1} “Cycle {n}” (Win) · "
                                  "Tags: pricing, checkout · Recorded 2 Nov 2026", small))
        for n in range(insights):
            flow.append(Paragraph(f"<b>I{n + 1}</b> Insight {n} about the checkout funnel", body))
            flow.append(Paragraph("Recorded 2 Nov 2026", small))
        head = ("Ref", "Cycle", "Hypothesis", "Dates", "Status", "Evaluation")
        rows = [[Paragraph(h, small) for h in head]]
        for n in range(cycles):
            rows.append([Paragraph(v, small) for v in (
                f"C{n + 1}", f"Cycle {n}: checkout test", "H1 Show shipping costs early",
                "2 Nov 2026 to 9 Nov 2026", "Evaluated Win",
                f"Evaluation {n}: the variant moved conversion by a measurable amount.")])
        flow.append(Table(rows, repeatRows=1, splitByRow=1, style=TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), "DejaVuSans"), ("VALIGN", (0, 0), (-1, -1), "TOP")])))
        buf = io.BytesIO()
        doc = SimpleDocTemplate(buf, initialFontName="DejaVuSans")
        doc.build(flow)
        out.write_bytes(buf.getvalue())
        return doc.page

build()  # warm: fonts parsed, modules imported
times = []
for _ in range(runs):
    t = time.perf_counter()
    pages = build()
    times.append(time.perf_counter() - t)
tracemalloc.start()
build()
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"median": statistics.median(times), "peak": peak, "maxrss_kb": maxrss_kb, "pages": pages}))
"""


def make_engagement(db: Path, learnings: int, cycles: int, insights: int) -> None:
    """One engagement with the requested volume, written through the services."""
    sys.path.insert(0, str(ROOT))
    from db.models import database
    from mwms_desktop import framework
    from mwms_desktop.clock import FixedClock
    from mwms_desktop.services import open_services

    clock = FixedClock(NOW - timedelta(days=200))
    s = open_services(db, clock=clock)
    rec = s.records
    with database.atomic():
        eid = s.portfolio.add("Nordlys Outdoor AS", "ecommerce_growth", owner="Maya Chen").id
        for c in framework.QUALIFICATION_CRITERIA:
            s.lifecycle.score_criterion(eid, c.slug, 2, "Solid.")
        for n in range(6):
            rec.add("stakeholder", eid, name=f"Stakeholder {n}", role="Lead", alignment="aligned")
        ins = [
            rec.add("insight", eid, activity="research", statement=f"Insight {n} about the checkout funnel")
            for n in range(insights)
        ]
        ins = [i.id for i in ins]
        hyp = rec.add(
            "hypothesis", eid, statement="Show shipping costs early", impact=8, confidence=6, ease=7,
            insight_ids=ins[:3],
        ).id  # fmt: skip
        cyc = []
        for n in range(cycles):
            clock.at = NOW - timedelta(days=200 - n * 0.9)
            cyc.append(
                rec.add(
                    "cycle", eid, title=f"Cycle {n}: checkout test", hypothesis_id=hyp, status="evaluated",
                    result="win", started_on=clock.today(), ended_on=clock.today() + timedelta(days=7),
                    evaluation=f"Evaluation {n}: the variant moved conversion by a measurable amount.",
                ).id
            )  # fmt: skip
        for n in range(learnings):
            rec.add(
                "learning", eid,
                statement=f"Learning {n}: customers who see delivery costs early abandon less often, "
                "across mobile and desktop alike.",
                confidence="high", tags=["pricing", "checkout"], cycle_ids=[cyc[n % cycles]],
            )  # fmt: skip
        ratings = {t.slug: 2 for t in framework.HEALTHY_INDICATORS} | {
            t.slug: 1 for t in framework.UNHEALTHY_SIGNALS
        }
        for n in range(12):
            clock.at = NOW - timedelta(days=180 - n * 15)
            rec.add("checkin", eid, ratings=ratings, note="Fortnightly review.")
    s.close()


def run_child(variant: str, db: Path, out: Path, runs: int, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, "-c", CHILD, str(ROOT), variant, str(db), str(out), str(runs),
           str(args.learnings), str(args.cycles), str(args.insights)]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=600)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learnings", type=int, default=500)
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--insights", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        t = time.perf_counter()
        make_engagement(db, args.learnings, args.cycles, args.insights)
        print(f"built 1 engagement ({args.learnings} learnings, {args.cycles} cycles, {args.insights} "
              f"insights) through the services in {time.perf_counter() - t:.1f} s")  # fmt: skip
        raw = run_child("raw", db, Path(tmp) / "raw.pdf", args.runs, args)
        dossier = run_child("dossier", db, Path(tmp) / "dossier.pdf", args.runs, args)
    mb = 1024 * 1024
    print(f"runs: {args.runs} each (median), one more under tracemalloc for the peak")
    for name, r in (("raw ReportLab, same volume", raw), ("dossier export", dossier)):
        print(f"{name:<28} {r['median'] * 1000:7.0f} ms  peak {r['peak'] / mb:6.1f} MB  "
              f"maxrss {r['maxrss_kb'] / 1024:6.1f} MB  {r['pages']} pages")  # fmt: skip
    print(f"ratio time   {dossier['median'] / raw['median']:.2f}x   (goal <= 2.0x)")
    print(f"ratio memory {dossier['peak'] / raw['peak']:.2f}x   (tracemalloc peak)")


if __name__ == "__main__":
    main()
