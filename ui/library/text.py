"""Showing library text: snippets with their matched words marked, escaped for rich text."""

from __future__ import annotations

import html

from mwms_desktop import framework as fw
from mwms_desktop.library.search import MARK_END, MARK_START

KIND_LABELS = {"learning": "Learning", "insight": "Insight", "hypothesis": "Hypothesis", "cycle": "Cycle"}
# A facet and the token that narrows by it (what clicking a facet value types).
FACET_TOKENS = {"kind": "kind", "type": "type", "client": "client", "owner": "owner", "stage": "stage",
                "tag": "tag", "result": "is", "confidence": "confidence", "refinement": "refines",
                "year": "year", "month": "month"}  # fmt: skip
FACET_TITLES = {"kind": "Kind of record", "type": "Engagement type", "client": "Client", "owner": "Owner",
                "stage": "Stage", "tag": "Tags", "result": "Cycle result", "confidence": "Confidence",
                "refinement": "Refines", "year": "Date", "month": "Month"}  # fmt: skip
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip


def plain(snippet: str) -> str:
    return " ".join(snippet.replace(MARK_START, "").replace(MARK_END, "").split())


def marked_html(snippet: str) -> str:
    """The snippet escaped, its matched words in bold."""
    out = html.escape(" ".join(snippet.split()))
    return out.replace(MARK_START, "<b>").replace(MARK_END, "</b>")


def value_label(facet: str, value: str) -> str:
    terms = {"type": fw.ENGAGEMENT_TYPES, "stage": fw.STAGE_TERMS, "result": fw.CYCLE_RESULTS,
             "confidence": fw.CONFIDENCE_LEVELS, "refinement": fw.REFINEMENTS}.get(facet)  # fmt: skip
    if terms is not None:
        return fw.label(terms, value)
    if facet == "kind":
        return KIND_LABELS.get(value, value)
    if facet == "month" and len(value) == 7 and value[5:].isdigit() and 1 <= int(value[5:]) <= 12:
        return f"{MONTHS[int(value[5:]) - 1]} {value[:4]}"
    return value


def token(facet: str, value: str) -> str:
    """The query token that narrows to this facet value (quoted when it has spaces)."""
    shown = f'"{value}"' if any(c.isspace() for c in value) else value
    return f"{FACET_TOKENS[facet]}:{shown}"
