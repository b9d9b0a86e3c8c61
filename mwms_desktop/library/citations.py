"""The library's "built on" citations: the service lives with the other services
(``mwms_desktop/services/citations.py``); the library reads them from here."""

from __future__ import annotations

from mwms_desktop.services.citations import CitationService, CitationView

__all__ = ["CitationService", "CitationView"]
