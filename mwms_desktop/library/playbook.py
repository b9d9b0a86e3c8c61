"""The playbook: a PDF of the library's learnings grouped by what they refine and by tag,
each with its evidence chain and where it was reused since. Same standard as the dossiers
(their fonts, styles, contents, bookmarks, escaping, atomic owner-only write): the data is
read first, then laid out, then written."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer

from mwms_desktop import framework as fw
from mwms_desktop.dossier import styles as st
from mwms_desktop.dossier.blocks import empty, key_values, markup, para
from mwms_desktop.dossier.document import Heading, Metadata, PageMark, toc_pages_needed
from mwms_desktop.dossier.export import DossierResult, _render_and_write, check_target
from mwms_desktop.dossier.facts import fmt_day
from mwms_desktop.library.chain import chain, describe
from mwms_desktop.library.search import search

if TYPE_CHECKING:
    from mwms_desktop.library.citations import CitationView
    from mwms_desktop.services import Services

TITLE = "Learning playbook"
NO_REFINEMENT = "Refining nothing named yet"
UNTAGGED = "untagged"


@dataclass(frozen=True, slots=True)
class Entry:
    learning_id: int
    statement: str
    client: str
    engagement_type: str
    confidence: str | None
    tags: tuple[str, ...]
    refinements: tuple[str, ...]
    evidence: tuple[str, ...]  # the chain below the learning, one line each
    reused_in: tuple[str, ...]  # clients that built on it


def entries(services: Services, *, engagement_type: str | None = None, tag: str | None = None) -> list[Entry]:
    """Every learning of the library (narrowed to a type and a tag), with what it rests on."""
    facets: dict[str, list[str]] = {"kind": ["learning"]}
    if engagement_type:
        facets["type"] = [engagement_type]
    if tag:
        facets["tag"] = [tag]
    result = search("", limit=1_000_000, **facets)
    out = []
    for h in result.hits:
        c = chain("learning", h.id)
        reused: list[CitationView] = services.citations.reused(h.id)
        out.append(
            Entry(h.id, h.statement, h.client, h.engagement_type, h.confidence, h.tags, h.refinements,
                  tuple("  " * (link.depth - 1) + describe(link) for link in c.links[1:]),
                  tuple(dict.fromkeys(r.client for r in reused)))
        )  # fmt: skip
    return out


def _groups(items: list[Entry]) -> list[tuple[str, list[tuple[str, list[Entry]]]]]:
    """(refinement label, [(tag, entries)]) in the framework's order; a learning appears
    under each refinement it names, within one under its first tag."""
    out = []
    for slug, label in [*((t.slug, t.label) for t in fw.REFINEMENTS), ("", NO_REFINEMENT)]:
        mine = [e for e in items if (slug in e.refinements if slug else not e.refinements)]
        if not mine:
            continue
        by_tag: dict[str, list[Entry]] = {}
        for e in mine:
            by_tag.setdefault(e.tags[0] if e.tags else UNTAGGED, []).append(e)
        out.append((label, sorted(by_tag.items(), key=lambda kv: (kv[0] == UNTAGGED, kv[0]))))
    return out


def _block(ref: str, statement: str, lines: list[str]) -> KeepTogether:
    """A learning in bold, its facts, evidence and reuse beneath, one line each (escaped)."""
    s = st.styles()
    return KeepTogether(
        [Paragraph(f"{ref}\xa0\xa0{st.esc(statement)}", s.learning),
         *(Paragraph(st.esc(line).replace("  ", "\xa0\xa0"), s.learning_meta) for line in lines)]
    )  # fmt: skip


def flowables(items: list[Entry], now, scope: str) -> tuple[list[Flowable], Metadata]:
    s = st.styles()
    groups = _groups(items)
    entries_in_toc = sum(1 + len(tags) for _, tags in groups)
    out: list[Flowable] = [
        PageMark("cover"),
        PageMark("running", f"{TITLE} · {scope}"),
        Spacer(1, 3.2 * cm),
        markup("LEARNING PLAYBOOK", s.cover_kicker),
        markup(st.esc("What earlier engagements taught"), s.cover_title),
        para(scope, s.cover_sub),
        key_values(
            [
                ("Learnings", str(len(items))),
                ("Reused elsewhere", str(sum(1 for e in items if e.reused_in))),
                ("Date of export", fmt_day(now)),
            ]
        ),
        PageBreak(),
    ]
    for _ in range(toc_pages_needed(entries_in_toc)):
        out += [PageMark("toc"), PageBreak()]
    if not groups:
        out.append(empty("No learning matches this playbook's scope."))
    n = 0
    for gi, (label, tags) in enumerate(groups):
        out.append(Heading(st.esc(label), s.h1, title=label, key=f"r{gi}", level=0, in_toc=True))
        for ti, (tag, group) in enumerate(tags):
            title = f"Tag: {tag}"
            out.append(Heading(st.esc(title), s.h2, title=title, key=f"r{gi}t{ti}", level=1, in_toc=True))
            for e in group:
                n += 1
                meta = [f"{e.client} · {fw.label(fw.ENGAGEMENT_TYPES, e.engagement_type)}"
                        f" · confidence {e.confidence or '—'} · tags {', '.join(e.tags) or '—'}"]  # fmt: skip
                meta += [f"← {line}" for line in e.evidence] or ["No evidence cycle recorded."]
                meta.append(f"Reused in: {', '.join(e.reused_in)}" if e.reused_in else "Not reused yet.")
                out.append(_block(f"L{n}", e.statement, meta))
    meta_ = Metadata(
        title=f"{TITLE} — {scope}",
        author="MWMS Desktop",
        subject="Learnings by refinement and tag, with their evidence and reuse",
        keywords=[TITLE, "learning library", "institutional memory"],
        footer_left="Confidential · prepared with MWMS Desktop",
        exported=f"Exported {fmt_day(now)}",
    )
    return out, meta_


def export_playbook(
    services: Services,
    path: str | os.PathLike[str],
    *,
    engagement_type: str | None = None,
    tag: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DossierResult:
    """Write the playbook of the library's learnings (narrowed by type and tag) to ``path``."""
    target = check_target(path)
    scope = ", ".join(p for p in (fw.label(fw.ENGAGEMENT_TYPES, engagement_type) if engagement_type else "",
                                  f"tag {tag}" if tag else "") if p) or "every engagement"  # fmt: skip
    items = entries(services, engagement_type=engagement_type, tag=tag)
    flow, meta = flowables(items, services.clock.now(), scope)
    return _render_and_write(flow, meta, target, progress)
