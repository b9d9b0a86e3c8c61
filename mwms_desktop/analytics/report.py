"""The whole analytics, computed once for a scope: what the window, ``mwms-desktop report``
and the portfolio dossier show. Also the plain-text and JSON forms of it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from mwms_desktop import framework
from mwms_desktop.analytics import fast
from mwms_desktop.analytics import months as mo
from mwms_desktop.analytics.durations import Durations, Spread, durations
from mwms_desktop.analytics.execution import KINDS, REUSE_DEFINITION, Execution, execution
from mwms_desktop.analytics.fast import FastFacts
from mwms_desktop.analytics.flow import STAGES, Flow, flow
from mwms_desktop.analytics.health import BANDS, DriftMap, HealthSummary, health, signal_label
from mwms_desktop.analytics.outcomes import OUTCOME_SLUGS, Outcomes, outcomes
from mwms_desktop.analytics.pause_gc import paused
from mwms_desktop.analytics.source import NO_OWNER, Facts, Scope, read_facts, scoped
from mwms_desktop.views import EngagementCard

if TYPE_CHECKING:
    from mwms_desktop.services import Services


@dataclass(frozen=True, slots=True)
class Report:
    scope: Scope
    today: date
    engagements: int  # in the scope's type and owner
    flow: Flow
    durations: Durations
    outcomes: Outcomes
    execution: Execution
    health: HealthSummary

    @property
    def missing(self) -> dict[str, str]:
        """Per section, what is missing for it to say anything (absent: it has numbers)."""
        out = {}
        if not self.engagements:
            text = "No engagement matches these filters."
            return dict.fromkeys(("flow", "durations", "outcomes", "execution", "health"), text)
        if self.flow.empty:
            out["flow"] = "No engagement stood in any stage during this period."
        if not any(s.overall.count for s in self.durations.stages) and not self.durations.lead_time.count:
            out["durations"] = (
                "No stay in a stage ended in this period: times need engagements that moved on."
            )
        if not self.outcomes.retention.decided:
            out["outcomes"] = "No engagement reached an outcome in this period."
        if not any(sum(m.counts) for m in self.execution.by_month) and not self.execution.learnings:
            out["execution"] = "No cycle concluded and no learning was recorded in this period."
        if not sum(self.health.now.counts):
            out["health"] = "No engagement is on the board."
        return out


def build(facts: Facts, scope: Scope, drift: DriftMap | Iterable[EngagementCard]) -> Report:
    """The report of ``facts`` (all engagements) for ``scope``; ``drift`` is the drift
    signals of the engagements on the board (:data:`health.DriftMap`) or the board's cards."""
    mine = scoped(facts, scope)
    return Report(
        scope,
        facts.today,
        len(mine.engagements),
        flow(mine, scope),
        durations(mine, scope),
        outcomes(mine, scope),
        execution(mine, scope),
        health(mine, scope, drift),
    )


@paused
def build_fast(read: FastFacts, scope: Scope, drift: DriftMap | Iterable[EngagementCard]) -> Report:
    """``build`` on the fast path's arrays (:mod:`fast`): the same report, sooner."""
    mine = fast.scoped(read, scope)
    return Report(
        scope,
        read.facts.today,
        len(mine.facts.engagements),
        fast.flow(mine, scope),
        fast.durations(mine, scope),
        fast.outcomes(mine, scope),
        execution(mine.facts, scope),
        fast.health(mine, scope, drift),
    )


@paused
def first_tab(read: FastFacts, scope: Scope) -> Report:
    """The flow section's numbers alone (the analytics window's first tab, painted while the
    rest is computed): the other sections are those of no engagement and are never shown."""
    mine = fast.scoped(read, scope)
    none = fast.nothing(read.facts.today)
    return Report(
        scope,
        read.facts.today,
        len(mine.facts.engagements),
        fast.flow(mine, scope),
        fast.durations(none, scope),
        outcomes(none.facts, scope),
        execution(none.facts, scope),
        fast.health(none, scope, {}),
    )


@paused
def compute(services: Services, scope: Scope, cards: Iterable[EngagementCard] | None = None) -> Report:
    """Read the portfolio (one query per table, the move log into arrays) and compute the
    report; ``cards`` are the board's active cards when the caller already holds them (else
    the drift signals are read narrowly, no card built: :mod:`drift_read`)."""
    if cards is not None:
        return build_fast(fast.read(services.clock), scope, cards)
    read = fast.read(services.clock, services.portfolio.thresholds())
    return build_fast(read, scope, drift_of(services, read))


def drift_of(services: Services, read: FastFacts) -> DriftMap:
    """The drift signals of every engagement on the board, from a narrow read (no card)."""
    from mwms_desktop.analytics.drift_read import drift_signals

    return drift_signals(services.clock, services.portfolio.thresholds(), read)


def compute_for(services: Services, ids: Iterable[int]) -> Report:
    """The default period's report (a year up to today) of the engagements in ``ids`` (what
    a portfolio dossier holds)."""
    from mwms_desktop.analytics.source import default_scope

    wanted = set(ids)
    facts = read_facts(services.clock).restricted(wanted)
    return build(facts, default_scope(facts.today), services.portfolio.cards())


# --- as text and JSON -------------------------------------------------------------------


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def spread_text(s: Spread) -> str:
    if not s.count:
        return "no samples"
    return f"median {days(s.median)} d, 85th percentile {days(s.p85)} d (n={s.count})"


def type_label(slug: str) -> str:
    return framework.label(framework.ENGAGEMENT_TYPES, slug)


def outcome_label(slug: str) -> str:
    return framework.label(framework.OUTCOMES, slug)


def band_label(slug: str) -> str:
    return framework.label(framework.HEALTH_BANDS, slug)


def _spread(s: Spread) -> dict[str, Any]:
    return {"count": s.count, "median_days": s.median, "p85_days": s.p85}


def to_json(r: Report) -> dict[str, Any]:
    last = r.flow.days[-1] if r.flow.days else None
    return {
        "period": {"since": r.scope.since.isoformat(), "until": r.scope.until.isoformat()},
        "filters": {
            "type": r.scope.engagement_type or None,
            "owner": ("" if r.scope.owner == NO_OWNER else r.scope.owner) if r.scope.owner else None,
        },
        "engagements": r.engagements,
        "missing": r.missing,
        "flow": {
            "end_of_period": dict(zip(STAGES, last.counts, strict=True)) | {"off_board": last.off_board}
            if last
            else None,
            "days": [
                {
                    "day": d.day.isoformat(),
                    **dict(zip(STAGES, d.counts, strict=True)),
                    "off_board": d.off_board,
                    "rework": d.rework,
                }
                for d in r.flow.days
            ],
            "rework": {
                "backward_moves": r.flow.rework.total,
                "by_stage_left": dict(r.flow.rework.by_stage),
                "undone_moves": r.flow.rework.undone,
                "forward_moves": r.flow.rework.forward,
            },
            "per_month": [
                {
                    "month": mo.label(m.month),
                    "started": m.started,
                    "finished": m.finished,
                    "left_board": m.left,
                }
                for m in r.flow.throughput
            ],
        },
        "time_in_stage": {
            "method": "linear interpolation between closest ranks (type 7); "
            "finished stays, each visit a sample",
            "stages": {
                s.stage: _spread(s.overall) | {"by_type": {t: _spread(x) for t, x in s.by_type}}
                for s in r.durations.stages
            },
            "lead_time": _spread(r.durations.lead_time)
            | {"by_type": {t: _spread(x) for t, x in r.durations.lead_time_by_type}},
        },
        "outcomes": {
            "per_month": [
                {"month": mo.label(m.month), **dict(zip(OUTCOME_SLUGS, m.counts, strict=True))}
                for m in r.outcomes.by_month
            ],
            "totals": dict(r.outcomes.totals),
            "retention": {
                "definition": "share of decided engagements whose outcome continued the relationship "
                "(every outcome but structured project completion)",
                "continued": r.outcomes.retention.continued,
                "decided": r.outcomes.retention.decided,
                "share": r.outcomes.retention.share,
            },
            "relationship_days_by_type": {
                d.engagement_type: _spread(d.spread) | {"ongoing": d.ongoing}
                for d in r.outcomes.duration_by_type
            },
        },
        "execution": {
            "cycles_per_month": [
                {"month": mo.label(m.month), **dict(zip((k for k, _ in KINDS), m.counts, strict=True))}
                for m in r.execution.by_month
            ],
            "win_rate": {
                "wins": r.execution.win_rate.part,
                "evaluated_with_result": r.execution.win_rate.whole,
                "share": r.execution.win_rate.value,
            },
            "learnings": r.execution.learnings,
            "evaluated_cycles": r.execution.evaluated,
            "learnings_per_evaluated_cycle": r.execution.learnings_per_cycle,
            "learnings_reused_across_engagements": {
                "definition": REUSE_DEFINITION + " Of the learnings recorded in the period.",
                "reused": r.execution.reuse.share.part,
                "learnings": r.execution.reuse.share.whole,
                "share": r.execution.reuse.share.value,
                "citing_engagements": r.execution.reuse.citing_engagements,
                "per_month": [
                    {"month": mo.label(m.month), "recorded": m.recorded, "reused": m.reused}
                    for m in r.execution.reuse.by_month
                ],
            },
        },
        "health": {
            "now": dict(zip(BANDS, r.health.now.counts, strict=True)),
            "month_ends": [
                {"day": b.when.isoformat(), **dict(zip(BANDS, b.counts, strict=True))}
                for b in r.health.by_month
            ],
            "drift_signals": dict(r.health.drift),
            "engagements_on_board": r.health.on_board,
        },
    }


def to_text(r: Report) -> str:
    s = r.scope
    chosen = (
        type_label(s.engagement_type) if s.engagement_type else "",
        ("no owner" if s.owner == NO_OWNER else f"owner {s.owner}") if s.owner else "",
    )
    filters = ", ".join(x for x in chosen if x) or "all engagements"
    lines = [f"Portfolio analytics {s.since.isoformat()} to {s.until.isoformat()} ({filters}): "
             f"{r.engagements} engagement{'s' if r.engagements != 1 else ''}."]  # fmt: skip
    missing = r.missing

    def section(title: str, key: str) -> bool:
        lines.extend(("", title))
        if key in missing:
            lines.append(f"  {missing[key]}")
        return key not in missing

    if section("FLOW (end of period)", "flow"):
        last = r.flow.days[-1]
        for stage, n in zip(framework.STAGES, last.counts, strict=True):
            lines.append(f"  {stage.label:<30} {n:>6}")
        lines.append(f"  {'Off the board (archived/disq.)':<30} {last.off_board:>6}")
        rw = r.flow.rework
        lines.append(
            f"  Rework: {rw.total} backward move{'s' if rw.total != 1 else ''} "
            f"({rw.forward} forward, {rw.undone} undone)"
        )
        for stage, n in rw.by_stage:
            lines.append(f"    out of {framework.stage(stage).label}: {n}")
        lines.append("  Started / finished / taken off the board (archived or disqualified) per month:")
        for m in r.flow.throughput:
            lines.append(
                f"    {mo.label(m.month)}  {m.started:>5} started  {m.finished:>5} finished  {m.left:>5} left"
            )
    if section("TIME IN STAGE (days; median and 85th percentile of finished stays)", "durations"):
        for st in r.durations.stages:
            lines.append(f"  {framework.stage(st.stage).label:<30} {spread_text(st.overall)}")
            for t, x in st.by_type:
                lines.append(f"    {type_label(t):<28} {spread_text(x)}")
        lines.append(f"  {'Lead time to an outcome':<30} {spread_text(r.durations.lead_time)}")
        for t, x in r.durations.lead_time_by_type:
            lines.append(f"    {type_label(t):<28} {spread_text(x)}")
    if section("OUTCOMES", "outcomes"):
        for slug, n in r.outcomes.totals:
            lines.append(f"  {outcome_label(slug):<32} {n:>5}")
    lines.append(f"  {r.outcomes.retention.sentence}")
    lines.append("  Relationship duration by type (days):")
    for d in r.outcomes.duration_by_type:
        lines.append(f"    {type_label(d.engagement_type):<28} {spread_text(d.spread)}; {d.ongoing} ongoing")
    if section("EXECUTION AND LEARNING", "execution"):
        totals = [sum(m.counts[n] for m in r.execution.by_month) for n in range(len(KINDS))]
        kinds = ", ".join(f"{label} {n}" for (_, label), n in zip(KINDS, totals, strict=True))
        lines.append(f"  Cycles concluded: {kinds}")
    lines.append(f"  {r.execution.win_sentence}")
    lines.append(f"  {r.execution.learning_sentence}")
    lines.append(f"  {r.execution.reuse.sentence}")
    lines.append(f"    ({REUSE_DEFINITION})")
    if section("HEALTH (now)", "health"):
        for band, n in zip(BANDS, r.health.now.counts, strict=True):
            lines.append(f"  {band_label(band):<30} {n:>6}")
        lines.append(f"  Drift signals (of {r.health.on_board} engagements on the board):")
        for code, n in r.health.drift:
            lines.append(f"    {signal_label(code):<40} {n:>5}")
    return "\n".join(lines)
