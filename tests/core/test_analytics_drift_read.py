"""The analytics' drift counts come from a narrow read (no board card built) fed to the same
rules as the cards (``drift.signals``): the signals per engagement equal the cards' own, for
every signal, whatever the thresholds, and archived engagements are not counted."""

from __future__ import annotations

from datetime import date

from db.models import Conflict, Engagement, new_uuid
from mwms_desktop import drift, settings
from mwms_desktop.analytics import fast, report
from mwms_desktop.analytics.health import drift_map
from mwms_desktop.analytics.source import Scope, read_facts


def test_the_narrow_drift_read_gives_every_cards_signals(demo_services):
    s = demo_services
    cards = s.portfolio.cards()
    lapsed = next(c for c in cards if c.stage != "qualification")
    Conflict.create(
        engagement_uuid=Engagement.get_by_id(lapsed.id).uuid,
        record_uuid=new_uuid(),
        kind="gate",
        winner="merged",
        detail="Insight: no insight recorded any more.",
        digest=new_uuid(),
    )
    s.portfolio.archive(cards[-1].id)
    for stall, stale in ((None, None), (1, 1)):  # the demo's thresholds, then ones every engagement trips
        if stall is not None:
            s.portfolio.set_setting(settings.STALL_DAYS.key, stall)
            s.portfolio.set_setting(settings.CHECKIN_STALE_DAYS.key, stale)
        cards = s.portfolio.cards()
        read = fast.read(s.clock)
        narrow = report.drift_of(s, read)
        assert narrow == drift_map(cards)
        assert len(narrow) == len(cards)  # the archived one is not on the board, nor counted
        shown = {code for codes in narrow.values() for code in codes}
        if stall is not None:
            assert shown == {t.slug for t in drift.SIGNALS}  # every signal occurs at least once
        scope = Scope(date(2026, 1, 1), s.clock.today())
        assert report.compute(s, scope) == report.build(read_facts(s.clock), scope, cards)
        assert report.compute(s, scope).health.drift == report.compute(s, scope, cards).health.drift


def test_computing_the_analytics_builds_no_board_card(demo_services, monkeypatch):
    """What made the analytics slow: ten thousand cards built only to count their signals."""
    from mwms_desktop.services import loading

    expected = drift_map(demo_services.portfolio.cards())

    def refuse(*_args, **_kwargs):
        raise AssertionError("a board card was built")

    monkeypatch.setattr(loading.CardSource, "_build", refuse)
    result = report.compute(demo_services, Scope(date(2026, 1, 1), demo_services.clock.today()))
    counted = dict(result.health.drift)
    assert sum(counted.values()) == sum(len(set(codes)) for codes in expected.values()) > 0
    assert result.health.on_board == len(expected)
