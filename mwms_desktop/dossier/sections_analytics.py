"""The portfolio dossier's analytics: the window's charts as vector drawings, each with the
same table of numbers (the cumulative flow's daily table is printed at each month's end and
the period's last day; the window and ``report --json`` have every day)."""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from mwms_desktop.analytics import charts
from mwms_desktop.analytics.report import Report, type_label
from mwms_desktop.dossier import styles as st
from mwms_desktop.dossier.analytics_charts import draw
from mwms_desktop.dossier.blocks import empty, grid, h2, h3, markup, para
from mwms_desktop.dossier.document import Heading

TITLE = "Portfolio analytics"


def _rows(spec: charts.ChartSpec) -> list[tuple[str, ...]]:
    rows = list(spec.rows)
    if spec.kind != "stacked_area":
        return rows
    days = [r[0] for r in rows]
    keep = {n for n in range(len(days) - 1) if days[n + 1].endswith("-01")} | {len(days) - 1}
    return [r for n, r in enumerate(rows) if n in keep]


def analytics(report: Report) -> list[Flowable]:
    s = st.styles()
    scope = report.scope
    chosen = [type_label(scope.engagement_type) if scope.engagement_type else "",
              f"owner {scope.owner}" if scope.owner else ""]  # fmt: skip
    out: list[Flowable] = [
        PageBreak(),
        Heading(st.esc(TITLE), s.h1, title=TITLE, key="portfolio-analytics", level=0, in_toc=True),
        para(
            f"{scope.since.isoformat()} to {scope.until.isoformat()}, "
            f"{', '.join(x for x in chosen if x) or 'every engagement'}: {report.engagements} engagements. "
            "Stage occupancy is rebuilt from the move log for every day; days are counted in the "
            "time zone of the computer that made this dossier. Medians and 85th percentiles "
            "interpolate between closest ranks; shares always come with their counts."
        ),
    ]
    specs = charts.specs(report)
    for key, title in charts.SECTIONS:
        out += h2(title)
        for spec in (x for x in specs if x.section == key):
            heading = h3(spec.title)
            if not spec.drawable:
                out += [
                    *heading,
                    empty(spec.missing or "Nothing to draw: every value is zero for this period."),
                ]
                continue
            block: list[Flowable] = [*heading[1:], draw(spec)]  # the title stays with its chart
            if spec.caption:
                block.append(para(spec.caption, s.caption))
            out.append(KeepTogether(block))
            rows = _rows(spec)
            if spec.kind == "stacked_area":
                out.append(markup("Each month's last day and the period's last day:", s.caption))
            headers = spec.full_headers  # a page has room for the full names
            if spec.kind == "stacked_area":  # nine columns: the stages' short names fit a page
                headers = ("Day", *charts.SHORT_STAGE.values(), "Off the board", "Rework")
            widths = [2.4] + [1.6] * (len(headers) - 1)
            out += grid(headers, rows, widths)
    return out
