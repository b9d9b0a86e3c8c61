"""Sections 7–10 of an engagement's dossier: insights and hypotheses, experiment cycles,
learnings (the heart of the dossier) and health. Records cite each other by short
references (I3, H2, C7, L12) numbered in the order the dossier lists them."""

from __future__ import annotations

from collections import Counter

from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether

from mwms_desktop import framework
from mwms_desktop.dossier import charts
from mwms_desktop.dossier import styles as st
from mwms_desktop.dossier.blocks import (
    LONG_CELL,
    Cell,
    SectionContext,
    empty,
    grid,
    h2,
    h3,
    heading,
    learning_block,
    markup,
    para,
    strong,
)
from mwms_desktop.dossier.facts import fmt_day, grouped_insight_order, plural


def insights(ctx: SectionContext) -> list[Flowable]:
    d, s, refs = ctx.detail, ctx.s, ctx.refs
    out: list[Flowable] = [CondPageBreak(5 * cm), heading(ctx, "insights", "Insights and hypotheses")]
    out += h2("Insights by activity")
    if not d.insights:
        out.append(empty("No insights recorded."))
    activity = None
    for i in grouped_insight_order(d):
        if i.activity != activity:
            activity = i.activity
            count = sum(1 for x in d.insights if x.activity == activity)
            out += h3(f"{framework.label(framework.INSIGHT_ACTIVITIES, activity)} ({count})")
        meta = f"Recorded {fmt_day(i.recorded_on)}" + (f" · {i.detail}" if i.detail else "")
        out.append(learning_block(refs.insights[i.id], i.statement, meta))
    out += h2(f"Hypotheses with {framework.PRIORITY_MODEL} priority")
    if not d.hypotheses:
        out.append(empty("No hypotheses recorded."))
        return out
    out.append(para("Priority is the mean of impact, confidence and ease, each scored 1–10; highest first.",
                    s.caption))  # fmt: skip
    ranked = sorted(d.hypotheses, key=lambda h: (h.priority is None, -(h.priority or 0), h.id))
    rows = []
    for h in ranked:
        text: Cell = markup(
            f"<b>{st.esc(h.statement)}</b>" + (f"<br/>{st.esc(h.rationale)}" if h.rationale else ""), s.cell
        )
        if len(h.statement) + len(h.rationale) > LONG_CELL:  # plain, so the table may cut it
            text = f"{h.statement}\n{h.rationale}"
        links = ", ".join(refs.insights[i] for i in h.insight_ids if i in refs.insights) or "—"
        rows.append([
            refs.hypotheses[h.id], text,
            *(str(v) if v is not None else "—" for v in (h.impact, h.confidence, h.ease)),
            strong(f"{h.priority:.1f}") if h.priority is not None else "—", links,
        ])  # fmt: skip
    out += grid(["Ref", "Hypothesis and rationale", "Impact", "Conf.", "Ease", "Priority", "Insights"],
                    rows, [1.0, 8.2, 1.4, 1.3, 1.3, 1.6, 2.2])  # fmt: skip
    return out


def cycles(ctx: SectionContext) -> list[Flowable]:
    d, s, refs = ctx.detail, ctx.s, ctx.refs
    out: list[Flowable] = [CondPageBreak(5 * cm), heading(ctx, "cycles", "Experiment cycles")]
    if not d.cycles:
        out.append(empty("No experiment cycles recorded."))
        return out
    status = Counter(c.status for c in d.cycles)
    results = Counter(c.result for c in d.cycles if c.result)
    parts = [f"{status[t.slug]} {t.label.lower()}" for t in framework.CYCLE_STATUSES if status[t.slug]]
    res = [f"{results[t.slug]} {t.label.lower()}" for t in framework.CYCLE_RESULTS if results[t.slug]]
    line = f"{plural(len(d.cycles), 'cycle')}: {', '.join(parts)}"
    if res:
        line += f" (results: {', '.join(res)})"
    out.append(para(line + ".", s.small))
    hyps = {h.id: h for h in d.hypotheses}
    rows = []
    for c in d.cycles:
        hyp = hyps.get(c.hypothesis_id) if c.hypothesis_id else None
        hyp_text = f"{refs.hypotheses[hyp.id]} {hyp.statement}" if hyp else "—"
        dates = (
            f"{nb(fmt_day(c.started_on))}\xa0– {nb(fmt_day(c.ended_on))}"
            if c.started_on or c.ended_on
            else "—"
        )
        state = framework.label(framework.CYCLE_STATUSES, c.status)
        if c.result:
            state += f": {framework.label(framework.CYCLE_RESULTS, c.result).lower()}"
        rows.append([refs.cycles[c.id], strong(c.title), hyp_text, dates, state, c.evaluation or "—"])
    out += grid(["Ref", "Cycle", "Hypothesis", "Dates", "Status and result", "Evaluation"],
                    rows, [1.0, 3.3, 3.1, 2.7, 2.5, 5.4])  # fmt: skip
    return out


def nb(text: str) -> str:
    """No line break inside a date: a narrow column wraps between dates, not within one."""
    return text.replace(" ", "\xa0")


def learnings(ctx: SectionContext) -> list[Flowable]:
    d, s, refs = ctx.detail, ctx.s, ctx.refs
    out: list[Flowable] = [CondPageBreak(5 * cm), heading(ctx, "learnings", "Learnings")]
    if not d.learnings:
        out.append(empty("No learnings recorded."))
        return out
    conf = Counter(lr.confidence for lr in d.learnings)
    levels = ", ".join(f"{conf[t.slug]} {t.label.lower()}" for t in framework.CONFIDENCE_LEVELS)
    out.append(para(f"{plural(len(d.learnings), 'learning')}, in the order they were recorded; confidence: "
                    f"{levels}. Evidence cites the experiment cycles above.", s.small))  # fmt: skip
    cycles_by_id = {c.id: c for c in d.cycles}
    for lr in d.learnings:
        evidence = []
        for cid in lr.cycle_ids:
            c = cycles_by_id.get(cid)
            if c is None:
                continue
            result = f" ({framework.label(framework.CYCLE_RESULTS, c.result)})" if c.result else ""
            evidence.append(f"{refs.cycles[cid]} “{c.title}”{result}")
        meta = [
            f"Confidence: {framework.label(framework.CONFIDENCE_LEVELS, lr.confidence)}",
            f"Evidence: {'; '.join(evidence) if evidence else 'none linked'}",
        ]
        if lr.tags:
            meta.append(f"Tags: {', '.join(lr.tags)}")
        meta.append(f"Recorded {fmt_day(lr.recorded_at)}")
        out.append(learning_block(refs.learnings[lr.id], lr.statement, " · ".join(meta)))
    return out


def _concerns(ratings: dict[str, int]) -> str:
    """Unhealthy signals rated 2 or 3, and healthy indicators rated 0 or 1."""
    bad = [t.label for t in framework.UNHEALTHY_SIGNALS if ratings.get(t.slug, 0) >= 2]
    weak = [f"weak {t.label.lower()}" for t in framework.HEALTHY_INDICATORS if ratings.get(t.slug, 3) <= 1]
    return "; ".join(bad + weak) or "—"


def health(ctx: SectionContext) -> list[Flowable]:
    d, s = ctx.detail, ctx.s
    h = d.card.health
    score = f" (score {h.score})" if h.score is not None else ""
    trend = framework.label(framework.TRENDS, h.trend).lower()
    top: list[Flowable] = [
        heading(ctx, "health", "Health check-ins and drift"),
        markup(f"<b>Health at export:</b> {st.esc(h.band_label)}{score}; trend: {st.esc(trend)}."),
    ]
    out: list[Flowable] = [CondPageBreak(8 * cm)]
    if not d.checkins:
        out += [*top, empty("No health check-ins recorded.")]
    else:
        rows = [
            [fmt_day(c.held_on), str(c.score), framework.label(framework.HEALTH_BANDS, c.band),
             _concerns(dict(c.ratings)), c.note or "—"]
            for c in d.checkins
        ]  # fmt: skip
        table = grid(["Held on", "Score", "Band", "Concerns", "Note"], rows, [2.4, 1.3, 1.8, 6.0, 5.5])
        # The heading, the chart, its caption and the table start on one page: a table is
        # never left a page away from the chart it details (one longer than a page flows on).
        out.append(KeepTogether([
            *top,
            charts.health_chart(d.checkins),
            para("Score 0–100 of each check-in: half from the six healthy indicators present, "
                 "half from the five unhealthy signals absent.", s.caption),
            table[0],
        ]))  # fmt: skip
        out += table[1:]
    out += h2("Open drift signals at export")
    if not d.card.drift:
        out.append(empty("No drift signals open at export."))
    for signal in d.card.drift:
        out.append(markup(f"•&nbsp;&nbsp;{st.esc(signal.message)}", s.body))
    return out
