"""Putting the dossier together: the flowables of one engagement (cover, contents, the nine
sections in the issue's order) or of a portfolio (its own cover, contents and summary, then
every engagement), plus the document metadata. Works on views only: no query runs here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, PageBreak, Spacer

from mwms_desktop import framework
from mwms_desktop.analytics.report import Report
from mwms_desktop.dossier import sections, sections_analytics, sections_work
from mwms_desktop.dossier import styles as st
from mwms_desktop.dossier.blocks import SectionContext, grid, key_values, markup, para
from mwms_desktop.dossier.document import Heading, Metadata, PageMark, toc_pages_needed
from mwms_desktop.dossier.facts import fmt_day, fmt_days, refs
from mwms_desktop.views import EngagementDetail

DOSSIER = "Learning-preservation dossier"

Section = Callable[[SectionContext], list[Flowable]]
SECTIONS: tuple[tuple[str, Section], ...] = (
    ("Summary", sections.summary),
    ("Lifecycle timeline", sections.timeline),
    ("Qualification scorecard and verdict", sections.qualification),
    ("Onboarding checklist and expectations", sections.onboarding),
    ("Stakeholders and alignment", sections.stakeholders),
    ("Insights and hypotheses", sections_work.insights),
    ("Experiment cycles", sections_work.cycles),
    ("Learnings", sections_work.learnings),
    ("Health check-ins and drift", sections_work.health),
)
SECTION_TITLES: tuple[str, ...] = tuple(title for title, _ in SECTIONS)


def _contents(entries: int) -> list[Flowable]:
    out: list[Flowable] = []
    for _ in range(toc_pages_needed(entries)):
        out += [PageMark("toc"), PageBreak()]
    return out


def _engagement(d: EngagementDetail, now: datetime, *, standalone: bool) -> list[Flowable]:
    ctx = SectionContext(d, refs(d), now, level=0 if standalone else 1, in_toc=standalone)
    out: list[Flowable] = [PageMark("running", f"{DOSSIER} · {d.card.client}")]
    out += sections.cover(ctx, standalone=standalone)
    if standalone:
        out += [PageBreak(), *_contents(len(SECTIONS))]
    for _, build in SECTIONS:
        out += build(ctx)
    return out


def engagement_flowables(d: EngagementDetail, now: datetime) -> tuple[list[Flowable], Metadata]:
    card = d.card
    keywords = [DOSSIER, "client relationship lifecycle", card.type_label, card.stage_label, *card.tags]
    meta = Metadata(
        title=f"{DOSSIER} — {card.client}",
        author=card.owner or "MWMS Desktop",
        subject=f"{card.type_label} with {card.client}: {card.stage_label}",
        keywords=keywords,
        footer_left="Confidential · prepared with MWMS Desktop",
        exported=f"Exported {fmt_day(now)}",
    )
    return [PageMark("cover"), *_engagement(d, now, standalone=True)], meta


def portfolio_flowables(
    details: Sequence[EngagementDetail], now: datetime, analytics: Report | None = None
) -> tuple[list[Flowable], Metadata]:
    """The portfolio document; with ``analytics``, its charts and tables follow the summary."""
    s = st.styles()
    owners = sorted({d.card.owner for d in details if d.card.owner})
    out: list[Flowable] = [
        PageMark("cover"),
        PageMark("running", f"Portfolio dossier · {len(details)} engagements"),
        Spacer(1, 3.2 * cm),
        markup("PORTFOLIO DOSSIER", s.cover_kicker),
        markup(st.esc("Client relationships and their learnings"), s.cover_title),
        para(f"{len(details)} engagements through the six-stage lifecycle", s.cover_sub),
        key_values(
            [
                ("Engagements", str(len(details))),
                ("Consultants", ", ".join(owners) or "—"),
                ("Learnings", str(sum(len(d.learnings) for d in details))),
                ("Date of export", fmt_day(now)),
            ]
        ),
        PageBreak(),
        *_contents(1 + (analytics is not None) + len(details)),
        *portfolio_summary(details),
        *(sections_analytics.analytics(analytics) if analytics is not None else ()),
    ]
    for d in details:
        out += [PageBreak(), *_engagement(d, now, standalone=False)]
    meta = Metadata(
        title=f"Portfolio dossier — {len(details)} engagements",
        author=", ".join(owners) or "MWMS Desktop",
        subject="Client relationships through the six-stage lifecycle, with their learnings",
        keywords=[DOSSIER, "portfolio", "client relationship lifecycle"],
        footer_left="Confidential · prepared with MWMS Desktop",
        exported=f"Exported {fmt_day(now)}",
    )
    return out, meta


def portfolio_summary(details: Sequence[EngagementDetail]) -> list[Flowable]:
    s = st.styles()
    out: list[Flowable] = [
        Heading("Portfolio summary", s.h1, title="Portfolio summary", key="portfolio-summary", level=0,
                in_toc=True),
    ]  # fmt: skip
    by_stage = Counter(d.stage for d in details)
    bands = {st_.slug: Counter(d.card.health.band for d in details if d.stage == st_.slug)
             for st_ in framework.STAGES}  # fmt: skip
    rows = []
    for stage in framework.STAGES:
        b = bands[stage.slug]
        rows.append([f"{stage.number}. {stage.label}", str(by_stage[stage.slug]), str(b["healthy"]),
                     str(b["watch"]), str(b["at_risk"]), str(b["unknown"])])  # fmt: skip
    out += grid(["Stage", "Engagements", "Healthy", "Watch", "At risk", "No check-in"], rows,
                    [5.5, 2.5, 2.2, 2.2, 2.2, 2.4])  # fmt: skip
    rows = []
    for d in details:
        c = d.card
        outcome = framework.label(framework.OUTCOMES, d.outcome.outcome) if d.outcome.outcome else "—"
        status = "" if c.status == "active" else f" ({c.status})"
        rows.append([c.client, c.type_label, f"{c.stage_label}{status}", fmt_days(c.days_in_stage),
                     c.health.band_label, str(len(d.learnings)), outcome])  # fmt: skip
    out += grid(["Client", "Type", "Stage", "In stage", "Health", "Learn.", "Outcome"], rows,
                    [3.4, 2.8, 2.9, 1.6, 1.6, 1.1, 3.6])  # fmt: skip
    return out


def headings(flowables: Sequence[Flowable]) -> int:
    return sum(1 for f in flowables if isinstance(f, Heading))
