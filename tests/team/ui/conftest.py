"""The window's team mode against the real team server: the server fixtures come from
tests/team/conftest.py (skipped, or failed with MWMS_REQUIRE_POSTGRES=1, without PostgreSQL),
the application set up as the UI tests see it from tests/ui/conftest.py."""

from __future__ import annotations

from tests.ui.conftest import _as_the_app_runs  # noqa: F401  (a session fixture, used by every test here)
