"""The learning library: every learning, insight, hypothesis and evaluated cycle of every
engagement, findable (``search``), explained (``chain``), suggested while writing
(``related``) and reused traceably (``citations``); ``playbook`` prints it."""

from __future__ import annotations

from mwms_desktop.library.chain import Chain, chain
from mwms_desktop.library.citations import CitationService, CitationView
from mwms_desktop.library.index import SLOWER_NOTICE, verify_and_repair
from mwms_desktop.library.related import Related, related
from mwms_desktop.library.search import Hit, SearchResult, count, indexed, search

__all__ = [
    "SLOWER_NOTICE",
    "Chain",
    "CitationService",
    "CitationView",
    "Hit",
    "Related",
    "SearchResult",
    "chain",
    "count",
    "indexed",
    "related",
    "search",
    "verify_and_repair",
]
