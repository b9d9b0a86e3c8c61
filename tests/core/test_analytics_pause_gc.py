"""The analytics hold the cyclic collector off while they read and compute (they make tens of
thousands of objects and no cycle), and leave it as they found it."""

from __future__ import annotations

import gc

import pytest

from mwms_desktop.analytics import fast, report
from mwms_desktop.analytics.source import default_scope


def _spy(monkeypatch: pytest.MonkeyPatch, seen: list[bool]) -> None:
    flow = fast.flow

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return flow(*args, **kwargs)

    monkeypatch.setattr(fast, "flow", watched)


def test_computing_the_analytics_collects_no_garbage_cycles_meanwhile(services, monkeypatch):
    seen: list[bool] = []
    _spy(monkeypatch, seen)
    assert gc.isenabled()
    report.compute(services, default_scope(services.clock.today()))
    assert seen == [False]
    assert gc.isenabled()  # on again after


def test_an_error_turns_the_collector_on_again(services, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(fast, "flow", broken)
    with pytest.raises(RuntimeError):
        report.compute(services, default_scope(services.clock.today()))
    assert gc.isenabled()


def test_a_collector_already_paused_is_left_paused(services, monkeypatch):
    seen: list[bool] = []
    _spy(monkeypatch, seen)
    gc.disable()
    try:
        report.compute(services, default_scope(services.clock.today()))
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False]
