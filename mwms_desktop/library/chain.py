"""A record's evidence chain: learning ← cycles with their results ← hypothesis ← insights."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Cycle, Engagement, Hypothesis, HypothesisInsight, Insight, Learning, LearningEvidence
from mwms_desktop import framework as fw
from mwms_desktop.errors import NotFound


@dataclass(frozen=True, slots=True)
class Link:
    """One record in a chain, ``depth`` steps from the record asked about."""

    kind: str
    id: int
    text: str
    depth: int
    result: str | None = None  # a cycle's result
    cycle_kind: str | None = None


@dataclass(frozen=True, slots=True)
class Chain:
    kind: str
    id: int
    engagement_id: int
    client: str
    engagement_type: str
    stage: str
    status: str
    links: tuple[Link, ...]  # the record first, then what it rests on, depth first


def _hypothesis_links(h: Hypothesis, depth: int) -> list[Link]:
    out = [Link("hypothesis", h.id, h.statement, depth)]
    insights = (
        Insight.select().join(HypothesisInsight, on=(HypothesisInsight.insight == Insight.id))
        .where(HypothesisInsight.hypothesis == h.id).order_by(Insight.id)
    )  # fmt: skip
    out.extend(Link("insight", i.id, i.statement, depth + 1) for i in insights)
    return out


def _cycle_links(c: Cycle, depth: int) -> list[Link]:
    out = [Link("cycle", c.id, c.title, depth, c.result, c.kind)]
    if c.hypothesis_id is not None:
        out.extend(_hypothesis_links(Hypothesis.get_by_id(c.hypothesis_id), depth + 1))
    return out


def chain(kind: str, rid: int) -> Chain:
    """The chain of one record of the library."""
    model = {"learning": Learning, "insight": Insight, "hypothesis": Hypothesis, "cycle": Cycle}.get(kind)
    row = model.get_or_none(model.id == rid) if model is not None else None
    if row is None:
        raise NotFound(f"No {kind} with id {rid!r}.")
    links: list[Link]
    if kind == "learning":
        links = [Link("learning", row.id, row.statement, 0)]
        cycles = (
            Cycle.select().join(LearningEvidence, on=(LearningEvidence.cycle == Cycle.id))
            .where(LearningEvidence.learning == row.id).order_by(Cycle.id)
        )  # fmt: skip
        for c in cycles:
            links.extend(_cycle_links(c, 1))
    elif kind == "cycle":
        links = _cycle_links(row, 0)
    elif kind == "hypothesis":
        links = _hypothesis_links(row, 0)
    else:
        links = [Link("insight", row.id, row.statement, 0)]
    e = Engagement.get_by_id(row.engagement_id)
    return Chain(kind, row.id, e.id, e.client, e.engagement_type, e.stage, e.status, tuple(links))


def describe(link: Link) -> str:
    """One line for a chain link, as the window, the CLI and the playbook print it."""
    label = {"learning": "Learning", "insight": "Insight", "hypothesis": "Hypothesis", "cycle": "Cycle"}[
        link.kind
    ]
    if link.kind == "cycle":
        kind = fw.label(fw.CYCLE_KINDS, link.cycle_kind or "experimentation_cycle")
        result = fw.label(fw.CYCLE_RESULTS, link.result) if link.result else "not evaluated"
        return f"{label} ({kind}, {result.lower()}): {link.text}"
    return f"{label}: {link.text}"
