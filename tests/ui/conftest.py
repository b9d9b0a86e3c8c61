"""Fixtures of the UI tests (the app-wide ones are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from mwms_desktop.services import Services
from tests.ui.workspace_harness import Harness


@pytest.fixture(scope="session", autouse=True)
def _as_the_app_runs(qapp):
    """Every UI test sees the application as users do: Fusion, the shipped DejaVu Sans at
    9.5 pt, the light style sheet. Without this a test's sizes depended on whether an earlier
    test (a screenshot in-process) had set the app up, so results depended on test order."""
    from ui.app import create_application

    assert create_application() is qapp
    return qapp


@pytest.fixture
def make(qtbot):
    """``make(services, eid)``: a workspace on that engagement."""

    def build(services: Services, eid: int) -> Harness:
        return Harness(qtbot, services, eid)

    return build
