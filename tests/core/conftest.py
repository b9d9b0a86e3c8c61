"""Fixtures of the core's tests."""

from __future__ import annotations

import pytest

from db import fts


@pytest.fixture(params=["fts5", "scan"])
def backend(request, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways the library searches: the FTS5 index, and the plain scan of a SQLite
    without FTS5 (the availability check answering no)."""
    if request.param == "scan":
        monkeypatch.setattr(fts, "fts5_available", lambda database: False)
    return request.param
