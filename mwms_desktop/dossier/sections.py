"""Sections 1–6 of an engagement's dossier: cover, summary, lifecycle timeline,
qualification, onboarding, stakeholders. Each returns flowables, starting with its heading;
a section with nothing recorded says so instead of vanishing."""

from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from mwms_desktop import framework
from mwms_desktop.dossier import charts, facts
from mwms_desktop.dossier import styles as st
from mwms_desktop.dossier.blocks import (
    SectionContext,
    empty,
    grid,
    h2,
    heading,
    key_values,
    learning_block,
    markup,
    para,
    strong,
)
from mwms_desktop.dossier.document import Heading
from mwms_desktop.dossier.facts import fmt_day, fmt_days, plural

MOVE_KINDS = {"created": "Created", "forward": "Forward", "backward": "Backward", "undo": "Undo"}


def cover_facts(ctx: SectionContext) -> list[tuple[str, str]]:
    d, card = ctx.detail, ctx.detail.card
    start, end = facts.period(d, ctx.now)
    stage = framework.stage(d.stage)
    status = (
        "" if card.status == "active" else f" ({framework.label(framework.ENGAGEMENT_STATUSES, card.status)})"
    )
    pairs = [
        ("Client", card.client),
        ("Engagement type", card.type_label),
        ("Consultant", card.owner or "—"),
        ("Period", f"{fmt_day(start)} – {fmt_day(end) if end else 'ongoing'}"),
        ("Current stage", f"{stage.number}. {stage.label}{status}"),
        ("Date of export", fmt_day(ctx.now)),
    ]
    if card.tags:
        pairs.insert(3, ("Tags", ", ".join(card.tags)))
    return pairs


def cover(ctx: SectionContext, *, standalone: bool) -> list[Flowable]:
    """Alone, the cover fills the first page; in a portfolio it opens the engagement."""
    s, card = ctx.s, ctx.detail.card
    title = Heading(st.esc(card.client), s.cover_title, title=card.client, key=ctx.key("cover"), level=0,
                    in_toc=not standalone)  # fmt: skip
    out: list[Flowable] = []
    if standalone:
        out += [Spacer(1, 3.2 * cm), markup("LEARNING-PRESERVATION DOSSIER", s.cover_kicker)]
    out += [title, para(card.type_label, s.cover_sub), key_values(cover_facts(ctx))]
    if standalone:
        out += [
            Spacer(1, 0.8 * cm),
            para(
                "This dossier preserves what was learned in this client relationship: how it moved "
                "through the six stages of the Client Relationship Lifecycle Framework, what was "
                "researched, tested and evaluated, and the learnings that should outlive the "
                "engagement.",
                s.small,
            ),
        ]
    return out


def summary(ctx: SectionContext) -> list[Flowable]:
    d = ctx.detail
    card = d.card
    out: list[Flowable] = [heading(ctx, "summary", "Summary")]
    if d.outcome.outcome:
        outcome = framework.label(framework.OUTCOMES, d.outcome.outcome)
        out.append(markup(f"<b>Outcome:</b> {st.esc(outcome)}, decided {fmt_day(d.outcome.decided_on)}."))
        if d.outcome.summary:
            out.append(para(d.outcome.summary))
    else:
        stage = framework.stage(d.stage)
        out.append(markup(
            f"<b>Current stage:</b> {st.esc(stage.label)} (stage {stage.number} of 6), "
            f"for {fmt_days(card.days_in_stage)}. No outcome decided yet."
        ))  # fmt: skip
    h = card.health
    score = f" (score {h.score})" if h.score is not None else ""
    trend = framework.label(framework.TRENDS, h.trend)
    out.append(markup(f"<b>Health:</b> {st.esc(h.band_label)}{score}; trend: {st.esc(trend.lower())}."))
    if d.unresolved_conflicts:  # a handover must not hide them
        n = d.unresolved_conflicts
        out.append(markup(
            f"<b>Unresolved conflicts:</b> {n} record{'s' if n > 1 else ''} changed on two laptops "
            "and not yet decided; the newer version is shown here, the other is kept in the "
            "conflicts list (<i>mwms-desktop conflicts</i>, or the engagement's workspace)."
        ))  # fmt: skip
    if card.next_action:
        due = f" (due {fmt_day(card.next_action_due)})" if card.next_action_due else ""
        out.append(markup(f"<b>Next action:</b> {st.esc(card.next_action)}{due}"))
    evaluated = [c for c in d.cycles if c.status == "evaluated"]
    prioritised = [h for h in d.hypotheses if h.priority is not None]
    backward = sum(1 for m in d.history if m.kind == "backward")
    counts = [
        ("Stakeholders", str(len(d.stakeholders))),
        ("Insights", str(len(d.insights))),
        ("Hypotheses", f"{len(d.hypotheses)} ({len(prioritised)} prioritised)"),
        ("Experiment cycles", f"{len(d.cycles)} ({len(evaluated)} evaluated)"),
        ("Learnings", str(len(d.learnings))),
        ("Health check-ins", str(len(d.checkins))),
        ("Stage moves", f"{max(0, len(d.history) - 1)} ({backward} backward)"),
        ("Earlier dossier exports", str(len(d.dossier_exports))),
    ]
    out += h2("In numbers")
    half = (len(counts) + 1) // 2
    rows = [
        [a[0], a[1], *(b if b else ("", ""))]
        for a, b in zip(counts[:half], [*counts[half:], None], strict=False)
    ]
    out += grid(["Record", "Count", "Record", "Count"], rows, [4.5, 4.0, 4.5, 4.0])
    out += h2("Key learnings")
    key = facts.key_learnings(d)
    if not key:
        out.append(empty("No learnings recorded yet."))
    for lr in key:
        ref = ctx.refs.learnings[lr.id]
        conf = framework.label(framework.CONFIDENCE_LEVELS, lr.confidence)
        out.append(learning_block(ref, lr.statement, f"Confidence: {conf}"))
    return out


def timeline(ctx: SectionContext) -> list[Flowable]:
    d = ctx.detail
    spans = facts.stage_spans(d, ctx.now)
    chart: list[Flowable] = [heading(ctx, "timeline", "Lifecycle timeline"), charts.timeline_chart(spans),
        para("Each bar is a stay in a stage; a backward move shows as a second bar in an earlier stage.",
             ctx.s.caption)]  # fmt: skip
    rows = []
    totals = facts.stage_totals(spans)
    revisited = any(total.visits > 1 for total in totals)  # else a "Stays" column is all blank
    for total in totals:
        stage = framework.stage(total.stage)
        if total.visits == 0:
            row = [f"{stage.number}. {stage.label}", "—", "—", "not reached", ""]
        else:
            left = "current" if total.current else fmt_day(total.last_left)
            stays = str(total.visits) if total.visits > 1 else ""
            row = [f"{stage.number}. {stage.label}", fmt_day(total.first_entered), left,
                   fmt_days(total.days), stays]  # fmt: skip
        rows.append(row if revisited else row[:-1])
    if revisited:
        table = grid(["Stage", "First entered", "Left", "Days in stage", "Stays"], rows, [6, 3, 3, 3, 2])
    else:
        table = grid(["Stage", "First entered", "Left", "Days in stage"], rows, [6, 3, 3, 3])
    # The heading, the chart and its table on one page: never a chart a page away from its table.
    out: list[Flowable] = [CondPageBreak(8 * cm), KeepTogether([*chart, *table])]
    out += h2("Stage-move log")
    log = []
    for m in d.history:
        src = framework.stage(m.from_stage).label if m.from_stage else "—"
        kind = MOVE_KINDS.get(m.kind, m.kind)
        log.append([fmt_day(m.moved_at), src, framework.stage(m.to_stage).label,
                    strong(kind) if m.kind == "backward" else kind, m.reason or "—"])  # fmt: skip
    out += grid(["When", "From", "To", "Move", "Reason"], log, [2.4, 3.5, 3.5, 2.2, 5.4])
    return out


def qualification(ctx: SectionContext) -> list[Flowable]:
    d = ctx.detail
    out: list[Flowable] = [CondPageBreak(6 * cm)]
    out.append(heading(ctx, "qualification", "Qualification scorecard and verdict"))
    rows, total = [], 0
    for c in framework.QUALIFICATION_CRITERIA:
        sc = d.score_of(c.slug)
        if sc is None:
            rows.append([c.label, "—", "Not scored", ""])
        else:
            total += sc.score
            rows.append([c.label, f"{sc.score} / {framework.SCORE_MAX}", framework.SCORE_LABELS[sc.score],
                         sc.note])  # fmt: skip
    scored = len(d.scores)
    top = framework.SCORE_MAX * len(framework.QUALIFICATION_CRITERIA)
    rows.append([strong("Total"), strong(f"{total} / {top}"),
                 f"{scored} of {len(framework.QUALIFICATION_CRITERIA)} scored", ""])  # fmt: skip
    out += grid(["Criterion", "Score", "Rating", "Note"], rows, [4.5, 2, 2.5, 8])
    verdict = framework.label(framework.VERDICTS, d.verdict)
    out.append(markup(f"<b>Verdict:</b> {st.esc(verdict)}"))
    if d.verdict_note:
        out.append(para(d.verdict_note))
    return out


def onboarding(ctx: SectionContext) -> list[Flowable]:
    d = ctx.detail
    out: list[Flowable] = [CondPageBreak(6 * cm)]
    out.append(heading(ctx, "onboarding", "Onboarding checklist and expectations"))
    rows = []
    for e in framework.ONBOARDING_ELEMENTS:
        item = d.element(e.slug)
        done = item is not None and item.done
        rows.append([e.label, "✓ Confirmed" if done else "— Open",
                     fmt_day(item.done_on) if done and item else "", item.note if item else ""])  # fmt: skip
    out += grid(["Element", "Status", "On", "Note"], rows, [5, 2.6, 2.6, 6.8])
    out += h2("Agreed expectations")
    exp = d.expectations
    if not (exp.scope or exp.cadence or exp.success_measures or exp.agreed_on):
        out.append(empty("No expectations recorded."))
    else:
        out.append(key_values([
            ("Scope", exp.scope or "—"),
            ("Cadence", exp.cadence or "—"),
            ("Success measures", exp.success_measures or "—"),
            ("Agreed on", fmt_day(exp.agreed_on) if exp.agreed_on else "not yet agreed"),
        ]))  # fmt: skip
    return out


def stakeholders(ctx: SectionContext) -> list[Flowable]:
    d = ctx.detail
    out: list[Flowable] = [CondPageBreak(5 * cm), heading(ctx, "stakeholders", "Stakeholders and alignment")]
    if not d.stakeholders:
        out.append(empty("No stakeholders recorded."))
        return out
    counts = [
        f"{sum(1 for x in d.stakeholders if x.alignment == a.slug)} {a.label.lower()}"
        for a in framework.ALIGNMENTS
    ]
    out.append(para(f"{plural(len(d.stakeholders), 'stakeholder')}: {', '.join(counts)}.", ctx.s.small))
    rows = []
    for x in d.stakeholders:
        notes = "\n".join(p for p in (f"Mitigation: {x.mitigation}" if x.mitigation else "", x.note) if p)
        alignment = framework.label(framework.ALIGNMENTS, x.alignment)
        rows.append([strong(x.name), x.role or "—",
                     framework.label(framework.STAKEHOLDER_INFLUENCE, x.influence),
                     strong(alignment) if x.alignment == "misaligned" else alignment,
                     fmt_day(x.last_contact), notes])  # fmt: skip
    out += grid(["Name", "Role", "Influence", "Alignment", "Last contact", "Mitigation and notes"],
                    rows, [3.2, 2.8, 1.8, 2.0, 2.3, 5.0])  # fmt: skip
    return out
