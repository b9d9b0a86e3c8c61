"""Fixtures of the UI tests (the app-wide ones are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from mwms_desktop.services import Services
from tests.ui.workspace_harness import Harness


@pytest.fixture
def make(qtbot):
    """``make(services, eid)``: a workspace on that engagement."""

    def build(services: Services, eid: int) -> Harness:
        return Harness(qtbot, services, eid)

    return build
