"""The dossier's learning-library sections: what an engagement was built on ("Built on
earlier learnings"), where its learnings were reused ("Reused since"), and the portfolio's
"Learning library" (most reused learnings, learnings by refinement and by tag). Views only:
the citations are read by the export before layout."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Flowable

from mwms_desktop import framework
from mwms_desktop.dossier import styles as st
from mwms_desktop.dossier.blocks import SectionContext, empty, grid, h2, heading, learning_block, para
from mwms_desktop.dossier.document import Heading
from mwms_desktop.dossier.facts import fmt_day, plural
from mwms_desktop.library.citations import CitationView
from mwms_desktop.views import EngagementDetail


@dataclass(frozen=True, slots=True)
class EngagementReuse:
    """One engagement's citations both ways, as the export read them."""

    built_on: tuple[CitationView, ...] = ()
    reused: tuple[CitationView, ...] = ()


@dataclass(frozen=True, slots=True)
class PortfolioReuse:
    """learning uuid -> the clients of the engagements that built on it."""

    reused_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _citing(c: CitationView) -> str:
    return "Hypothesis" if c.citing_kind == "hypothesis" else "Insight"


def built_on(ctx: SectionContext) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(4 * cm), heading(ctx, "built-on", "Built on earlier learnings")]
    cites = ctx.reuse.built_on if ctx.reuse else ()
    if not cites:
        out.append(empty("Nothing here cites a learning of an earlier engagement."))
        return out
    out.append(para(f"{plural(len(cites), 'citation')}: each learning as it read when it was cited.",
                    ctx.s.small))  # fmt: skip
    for n, c in enumerate(cites, 1):
        source = c.learning_client or "an engagement not in this file"
        meta = f"{_citing(c)}: {c.citing_statement} · learning of {source} · cited {fmt_day(c.cited_at)}"
        out.append(learning_block(f"B{n}", c.statement, meta))
    return out


def reused_since(ctx: SectionContext) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(4 * cm), heading(ctx, "reused", "Reused since")]
    cites = ctx.reuse.reused if ctx.reuse else ()
    if not cites:
        out.append(empty("No other engagement has built on these learnings yet."))
        return out
    rows = [
        [c.statement, c.client, f"{_citing(c)}: {c.citing_statement}", fmt_day(c.cited_at)] for c in cites
    ]
    out += grid(["Learning", "Reused by", "In", "Cited"], rows, [5.0, 3.2, 6.4, 2.4])
    return out


def portfolio_library(details: Sequence[EngagementDetail], reuse: PortfolioReuse | None) -> list[Flowable]:
    s = st.styles()
    out: list[Flowable] = [
        CondPageBreak(6 * cm),
        Heading("Learning library", s.h1, title="Learning library", key="portfolio-library", level=0,
                in_toc=True),
    ]  # fmt: skip
    learnings = [(d.card.client, lr) for d in details for lr in d.learnings]
    if not learnings:
        out.append(empty("No learnings recorded in these engagements."))
        return out
    reused_by = reuse.reused_by if reuse else {}
    out += h2("Most reused learnings")
    ranked = sorted(((len(reused_by.get(lr.uuid, ())), client, lr) for client, lr in learnings
                     if reused_by.get(lr.uuid)), key=lambda t: (-t[0], t[2].id))[:15]  # fmt: skip
    if not ranked:
        out.append(empty("No learning has been built on in another engagement yet."))
    else:
        rows = [[lr.statement, client, str(n), ", ".join(reused_by[lr.uuid])] for n, client, lr in ranked]
        out += grid(["Learning", "From", "Reused", "By"], rows, [6.6, 3.2, 1.4, 5.8])
    out += h2("Learnings by refinement")
    refines = Counter(r for _, lr in learnings for r in lr.refinements)
    rows = [[t.label, str(refines[t.slug])] for t in framework.REFINEMENTS]
    rows.append(["No refinement named", str(sum(1 for _, lr in learnings if not lr.refinements))])
    out += grid(["Continuous Optimization refinement", "Learnings"], rows, [12.0, 5.0])
    out += h2("Learnings by tag")
    tags = Counter(t for _, lr in learnings for t in lr.tags)
    if not tags:
        out.append(empty("No learning is tagged."))
    else:
        rows = [[tag, str(n)] for tag, n in sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[:25]]
        out += grid(["Tag", "Learnings"], rows, [12.0, 5.0])
    return out
