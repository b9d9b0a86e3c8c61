"""The board's data on the UI side: every active card, the filter, and one list per stage.

The store asks the services for cards (once in bulk, then one card at a time after an edit)
and hands the stage models plain frozen ``EngagementCard`` records: painting never queries.
Filtering is done here, in memory, over a lower-cased search text prepared once per card.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from mwms_desktop import framework
from mwms_desktop.services import Services
from mwms_desktop.views import EngagementCard


@dataclass(frozen=True, slots=True)
class BoardFilter:
    text: str = ""
    engagement_type: str = ""  # "" = any
    owner: str = ""
    health_band: str = ""
    drift_only: bool = False

    @property
    def active(self) -> bool:
        return self != BoardFilter()


def _search_text(card: EngagementCard) -> str:
    return "\n".join((card.client, " ".join(card.tags), card.notes, card.next_action, card.owner)).casefold()


class BoardStore(QObject):
    """Cards of the board, grouped by stage, after the filter.

    ``stage_reset(slug)`` tells the model of one column that its rows changed wholesale;
    ``card_changed(card)`` that one card's content changed in place.
    """

    stage_reset = Signal(str)
    counts_changed = Signal()

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._cards: dict[int, EngagementCard] = {}
        self._search: dict[int, str] = {}
        self._visible: dict[str, list[EngagementCard]] = {s: [] for s in framework.STAGE_SLUGS}
        self._totals: dict[str, int] = dict.fromkeys(framework.STAGE_SLUGS, 0)
        self.filter = BoardFilter()

    # --- reading -------------------------------------------------------------------------

    def cards(self, stage: str) -> list[EngagementCard]:
        """The visible cards of a stage, in board order."""
        return self._visible[stage]

    def card(self, eid: int) -> EngagementCard | None:
        return self._cards.get(eid)

    def total(self, stage: str) -> int:
        """Cards in the stage before filtering."""
        return self._totals[stage]

    def visible_count(self) -> int:
        return sum(len(v) for v in self._visible.values())

    def count(self) -> int:
        return len(self._cards)

    def owners(self) -> list[str]:
        return sorted({c.owner for c in self._cards.values() if c.owner}, key=str.casefold)

    def drift_count(self) -> int:
        return sum(1 for c in self._cards.values() if c.drift)

    # --- loading and updating ------------------------------------------------------------

    def reload(self) -> None:
        """Read every active card again (start-up, undo of many things, a new day)."""
        self.set_cards(self.services.portfolio.cards())

    def set_cards(self, cards: list[EngagementCard]) -> None:
        self._cards = {c.id: c for c in cards}
        self._search = {c.id: _search_text(c) for c in cards}
        self._regroup(framework.STAGE_SLUGS)

    def refresh_card(self, eid: int) -> None:
        """Re-read one card after it changed (moved, edited, archived, restored)."""
        old = self._cards.get(eid)
        card = self.services.portfolio.card(eid)
        if card.status != "active":
            self._cards.pop(eid, None)
            self._search.pop(eid, None)
        else:
            self._cards[eid] = card
            self._search[eid] = _search_text(card)
        stages = {card.stage} | ({old.stage} if old else set())
        self._regroup(tuple(s for s in framework.STAGE_SLUGS if s in stages))

    def set_filter(self, flt: BoardFilter) -> None:
        if flt != self.filter:
            self.filter = flt
            self._regroup(framework.STAGE_SLUGS)

    def matches(self, card: EngagementCard) -> bool:
        f = self.filter
        if f.engagement_type and card.engagement_type != f.engagement_type:
            return False
        if f.owner and card.owner != f.owner:
            return False
        if f.health_band and card.health.band != f.health_band:
            return False
        if f.drift_only and not card.drift:
            return False
        if f.text:
            haystack = self._search.get(card.id, "")
            return all(word in haystack for word in f.text.casefold().split())
        return True

    def _regroup(self, stages: tuple[str, ...]) -> None:
        wanted = set(stages)
        groups: dict[str, list[EngagementCard]] = {s: [] for s in stages}
        totals = dict.fromkeys(stages, 0)
        for card in self._cards.values():
            if card.stage in wanted:
                totals[card.stage] += 1
                if self.matches(card):
                    groups[card.stage].append(card)
        for stage in stages:
            groups[stage].sort(key=lambda c: (c.position, c.id))
            self._visible[stage] = groups[stage]
            self._totals[stage] = totals[stage]
            self.stage_reset.emit(stage)
        self.counts_changed.emit()
