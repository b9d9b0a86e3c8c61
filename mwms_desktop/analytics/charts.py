"""The analytics as chart specifications: one per chart, with the table of its numbers.

Qt-free and drawing-free: the window draws these with pyqtgraph, the portfolio dossier with
ReportLab, and both show the same table beside each chart (for screen readers and for
copying), so the two can never disagree. A chart whose data is missing carries the sentence
saying what is missing instead of an empty axis.
"""

from __future__ import annotations

from dataclasses import dataclass

from mwms_desktop import framework
from mwms_desktop.analytics import months as mo
from mwms_desktop.analytics.durations import Spread
from mwms_desktop.analytics.execution import KINDS, REUSE_DEFINITION
from mwms_desktop.analytics.health import BANDS, SIGNALS
from mwms_desktop.analytics.report import Report, band_label, days, outcome_label, type_label

Value = float | None


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[Value, ...]  # one per category
    drawn: bool = True  # False: a count shown in the table only (samples behind a median)
    unit: str | None = None  # None: the chart's unit
    short: str = ""  # the table's column header when the name is long (the name: its tooltip)


@dataclass(frozen=True, slots=True)
class ChartSpec:
    key: str
    section: str  # flow | durations | outcomes | execution | health
    title: str
    kind: str  # stacked_area | stacked_bars | grouped_bars | hbars
    category_title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    colours: str  # stages | outcomes | bands | kinds | pair | types | single
    unit: str = ""  # "days" or ""
    caption: str = ""  # a sentence under the chart (a share with its counts)
    missing: str = ""  # non-empty: nothing to draw, say this instead
    ticks: tuple[str, ...] = ()  # short axis labels, one per category (empty: the categories)
    counts: str = ""  # what the value axis counts, when not its section's usual (engagements, cycles)

    @property
    def tick_labels(self) -> tuple[str, ...]:
        return self.ticks or self.categories

    @property
    def headers(self) -> tuple[str, ...]:
        """The table's column headers: short names, so a column is as wide as its numbers."""
        return (self.category_title, *(self._head(s, s.short or s.name) for s in self.series))

    @property
    def full_headers(self) -> tuple[str, ...]:
        """The columns' full names (tooltips, screen readers, CSV)."""
        return (self.category_title, *(self._head(s, s.name) for s in self.series))

    def _head(self, s: Series, name: str) -> str:
        unit = self.unit if s.unit is None else s.unit
        return f"{name} ({unit})" if unit else name

    @property
    def rows(self) -> tuple[tuple[str, ...], ...]:
        """The table beside the chart: one row per category, numbers as text."""
        return tuple(
            (cat, *(_cell(s.values[n], self.unit if s.unit is None else s.unit) for s in self.series))
            for n, cat in enumerate(self.categories)
        )

    @property
    def drawable(self) -> bool:
        return not self.missing and any(v for s in self.drawn for v in s.values)

    @property
    def drawn(self) -> tuple[Series, ...]:
        return tuple(s for s in self.series if s.drawn)


def _cell(value: Value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "days":
        return days(value)
    return f"{value:g}" if isinstance(value, float) and not value.is_integer() else str(int(value))


def _spreads(pairs: list[tuple[str, Spread]]) -> tuple[tuple[str, ...], tuple[Series, ...]]:
    cats = tuple(name for name, _ in pairs)
    return cats, (
        Series("Median", tuple(s.median for _, s in pairs)),
        Series("85th percentile", tuple(s.p85 for _, s in pairs)),
        Series("Samples", tuple(float(s.count) for _, s in pairs), drawn=False, unit=""),
    )


SHORT_STAGE = {s.slug: s.slug.capitalize() for s in framework.STAGES} | {"outcome": "Outcome"}
# The cumulative flow's table has nine columns: its headers are short (the full name is the
# column's tooltip), so every column fits beside the chart.
TINY_STAGE = {
    "qualification": "Qualif.",
    "onboarding": "Onboard.",
    "insight": "Insight",
    "execution": "Exec.",
    "optimization": "Optim.",
    "outcome": "Outcome",
}
STAGE_SLUGS = tuple(s.slug for s in framework.STAGES)
SHORT_TYPE = {
    "consulting": "Consulting",
    "optimization_retainer": "Retainer",
    "ai_advisory": "AI advisory",
    "ecommerce_growth": "Ecommerce",
    "experimentation_partnership": "Experiments",
    "strategic_advisory": "Strategic",
}


def specs(r: Report) -> tuple[ChartSpec, ...]:
    missing = r.missing
    month_names = tuple(mo.label(m.month) for m in r.flow.throughput)
    stage_labels = tuple(s.label for s in framework.STAGES)
    out: list[ChartSpec] = []

    # --- flow
    rework = r.flow.rework
    rework_text = f"Rework: {rework.total} backward move{'s' if rework.total != 1 else ''}"
    if rework.by_stage:
        rework_text += (
            " (" + ", ".join(f"{n} out of {framework.stage(s).label}" for s, n in rework.by_stage) + ")"
        )
    rework_text += f"; {rework.undone} undone, {rework.forward} forward moves."
    out.append(
        ChartSpec(
            "cfd",
            "flow",
            "Cumulative flow: engagements in each stage at the end of each day",
            "stacked_area",
            "Day",
            tuple(d.day.isoformat() for d in r.flow.days),
            (
                *(
                    Series(label, tuple(float(d.counts[n]) for d in r.flow.days), short=TINY_STAGE[slug])
                    for n, (label, slug) in enumerate(zip(stage_labels, STAGE_SLUGS, strict=True))
                ),
                Series("Off the board", tuple(float(d.off_board) for d in r.flow.days), short="Off board"),
                Series(
                    "Rework (backward moves)",
                    tuple(float(d.rework) for d in r.flow.days),
                    drawn=False,
                    short="Rework",
                ),
            ),
            "stages",
            caption=rework_text,
            missing=missing.get("flow", ""),
        )
    )
    out.append(
        ChartSpec(
            "throughput",
            "flow",
            "Engagements started, finished and taken off the board per month",
            "grouped_bars",
            "Month",
            month_names,
            (
                Series("Started", tuple(float(m.started) for m in r.flow.throughput)),
                Series(
                    "Finished (reached an outcome)",
                    tuple(float(m.finished) for m in r.flow.throughput),
                    short="Finished",
                ),
                Series(
                    "Left the board (archived or disqualified)",
                    tuple(float(m.left) for m in r.flow.throughput),
                    short="Left",
                ),
            ),
            "pair",
            missing=missing.get("flow", ""),
        )
    )

    # --- durations
    d = r.durations
    pairs = [(framework.stage(s.stage).label, s.overall) for s in d.stages]
    pairs.append(("Lead time to an outcome", d.lead_time))
    cats, series = _spreads(pairs)
    out.append(
        ChartSpec(
            "stage_time",
            "durations",
            "Time in each stage and lead time (median and 85th percentile)",
            "grouped_bars",
            "Stage",
            cats,
            series,
            "pair",
            unit="days",
            caption="Finished stays, each visit one sample; percentiles interpolate between closest ranks.",
            missing=missing.get("durations", ""),
            ticks=(*(SHORT_STAGE[s.stage] for s in d.stages), "Lead time"),
        )
    )
    types = [
        t for t in framework.ENGAGEMENT_TYPES if any(t.slug == x for s in d.stages for x, _ in s.by_type)
    ]
    by_type = {(s.stage, t): x for s in d.stages for t, x in s.by_type}
    out.append(
        ChartSpec(
            "stage_time_by_type",
            "durations",
            "Median time in each stage by engagement type",
            "grouped_bars",
            "Stage",
            tuple(framework.stage(s.stage).label for s in d.stages),
            tuple(
                Series(
                    t.label,
                    tuple(
                        by_type[(s.stage, t.slug)].median if (s.stage, t.slug) in by_type else None
                        for s in d.stages
                    ),
                    short=SHORT_TYPE.get(t.slug, ""),
                )
                for t in types
            ),
            "types",
            unit="days",
            missing=missing.get("durations", ""),
            ticks=tuple(SHORT_STAGE[s.stage] for s in d.stages),
        )
    )

    # --- outcomes
    o = r.outcomes
    out.append(
        ChartSpec(
            "outcomes",
            "outcomes",
            "Outcomes per month",
            "stacked_bars",
            "Month",
            tuple(mo.label(m.month) for m in o.by_month),
            tuple(
                Series(outcome_label(slug), tuple(float(m.counts[n]) for m in o.by_month))
                for n, (slug, _) in enumerate(o.totals)
            ),
            "outcomes",
            caption=o.retention.sentence,
            missing=missing.get("outcomes", ""),
        )
    )
    cats, series = _spreads([(type_label(x.engagement_type), x.spread) for x in o.duration_by_type])
    out.append(
        ChartSpec(
            "relationship",
            "outcomes",
            "Relationship duration by engagement type",
            "grouped_bars",
            "Type",
            cats,
            (
                *series,
                Series(
                    "Still going", tuple(float(x.ongoing) for x in o.duration_by_type), drawn=False, unit=""
                ),
            ),
            "pair",
            unit="days",
            caption="From creation to completion or archiving; a relationship still going counts to today.",
            missing="" if o.duration_by_type else "No engagement in these filters and period.",
            ticks=tuple(SHORT_TYPE.get(x.engagement_type, x.engagement_type) for x in o.duration_by_type),
        )
    )

    # --- execution
    e = r.execution
    out.append(
        ChartSpec(
            "cycles",
            "execution",
            "Cycles concluded per month, by result",
            "stacked_bars",
            "Month",
            tuple(mo.label(m.month) for m in e.by_month),
            tuple(
                Series(label, tuple(float(m.counts[n]) for m in e.by_month))
                for n, (_, label) in enumerate(KINDS)
            ),
            "kinds",
            caption=f"{e.win_sentence} {e.learning_sentence}",
            missing=missing.get("execution", ""),
        )
    )

    reuse = e.reuse
    out.append(
        ChartSpec(
            "reuse",
            "execution",
            "Learnings recorded per month and how many other engagements reuse",
            "grouped_bars",
            "Month",
            tuple(mo.label(m.month) for m in reuse.by_month),
            (
                Series("Recorded", tuple(float(m.recorded) for m in reuse.by_month)),
                Series(
                    "Reused by another engagement",
                    tuple(float(m.reused) for m in reuse.by_month),
                    short="Reused",
                ),
            ),
            "pair",
            caption=f"{reuse.sentence} {REUSE_DEFINITION}",
            missing="" if reuse.share.whole else "No learning was recorded in this period.",
            counts="learnings",
        )
    )

    # --- health
    h = r.health
    out.append(
        ChartSpec(
            "bands",
            "health",
            "Health bands at the end of each month",
            "stacked_bars",
            "Month end",
            tuple(b.when.isoformat() for b in h.by_month),
            tuple(
                Series(band_label(band), tuple(float(b.counts[n]) for b in h.by_month))
                for n, band in enumerate(BANDS)
            ),
            "bands",
            caption="Now: "
            + ", ".join(f"{band_label(b)} {n}" for b, n in zip(BANDS, h.now.counts, strict=True))
            + ".",
            missing=missing.get("health", ""),
            ticks=tuple(b.when.isoformat()[:7] for b in h.by_month),
        )
    )
    out.append(
        ChartSpec(
            "drift",
            "health",
            f"Drift signals now (engagements showing each, of {h.on_board} on the board)",
            "hbars",
            "Signal",
            tuple(label for _, label in SIGNALS),
            (Series("Engagements", tuple(float(n) for _, n in h.drift)),),
            "single",
            missing=missing.get("health", ""),
        )
    )
    return tuple(out)


SECTIONS: tuple[tuple[str, str], ...] = (
    ("flow", "Flow"),
    ("durations", "Time in stage"),
    ("outcomes", "Outcomes"),
    ("execution", "Execution and learning"),
    ("health", "Health"),
)
