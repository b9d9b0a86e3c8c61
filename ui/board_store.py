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
from mwms_desktop.services.loading import CardSource
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

    Columns hold engagement ids; a card is built (from data already in memory) only when a
    view paints it or a filter needs its health or drift. ``stage_reset(slug)`` tells the
    model of one column that its rows changed.
    """

    stage_reset = Signal(str)
    counts_changed = Signal()

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._source: CardSource | None = None
        self._changed: dict[int, EngagementCard | None] = {}  # re-read since the bulk read; None: gone
        self._search: dict[int, str] = {}
        self._visible: dict[str, list[int]] = {s: [] for s in framework.STAGE_SLUGS}
        self._totals: dict[str, int] = dict.fromkeys(framework.STAGE_SLUGS, 0)
        self.filter = BoardFilter()

    # --- reading -------------------------------------------------------------------------

    def ids(self, stage: str) -> list[int]:
        """The visible engagement ids of a stage, in board order."""
        return self._visible[stage]

    def cards(self, stage: str) -> list[EngagementCard]:
        return [self.card(eid) for eid in self._visible[stage]]  # type: ignore[misc]

    def card(self, eid: int) -> EngagementCard | None:
        if eid in self._changed:
            return self._changed[eid]
        if self._source is not None and eid in self._source.rows:
            return self._source.card(eid)
        return None

    def all_ids(self) -> list[int]:
        base = self._source.order if self._source is not None else []
        ids = [eid for eid in base if self._changed.get(eid, True) is not None]
        ids.extend(
            eid for eid, c in self._changed.items() if c is not None and eid not in self._source_rows()
        )
        return ids

    def _source_rows(self) -> dict[int, tuple]:
        return self._source.rows if self._source is not None else {}

    def total(self, stage: str) -> int:
        """Cards in the stage before filtering."""
        return self._totals[stage]

    def visible_count(self) -> int:
        return sum(len(v) for v in self._visible.values())

    def count(self) -> int:
        return sum(self._totals.values())

    def owners(self) -> list[str]:
        names = {c.owner for c in self._changed.values() if c is not None}
        names.update(r[4] for eid, r in self._source_rows().items() if eid not in self._changed)
        return sorted(names - {""}, key=str.casefold)

    def drift_count(self) -> int:
        """Engagements with drift (builds every card: call it off the first paint)."""
        return sum(1 for eid in self.all_ids() if self.card(eid).drift)  # type: ignore[union-attr]

    def band_count(self, band: str) -> int:
        return sum(1 for eid in self.all_ids() if self.card(eid).health.band == band)  # type: ignore[union-attr]

    def _field(self, eid: int, name: str):
        """stage, position, engagement_type or owner, without building the card."""
        if self._changed:
            changed = self._changed.get(eid)
            if changed is not None:
                return getattr(changed, name)
        return getattr(self._source, name)(eid)

    # --- loading and updating ------------------------------------------------------------

    def reload(self) -> None:
        """Read every active card again (start-up, a new day, after a bulk change)."""
        self.set_source(self.services.portfolio.card_source())

    def set_source(self, source: CardSource) -> None:
        self._source = source
        self._changed = {}
        self._search = {}
        self._regroup(framework.STAGE_SLUGS)

    def refresh_card(self, eid: int) -> None:
        """Re-read one card after it changed (moved, edited, archived, restored)."""
        old_stage = self._field(eid, "stage") if eid in self.all_ids() else None
        card = self.services.portfolio.card(eid)
        self._changed[eid] = card if card.status == "active" else None
        self._search.pop(eid, None)
        stages = {card.stage} | ({old_stage} if old_stage else set())
        self._regroup(tuple(s for s in framework.STAGE_SLUGS if s in stages))

    def set_filter(self, flt: BoardFilter) -> None:
        if flt != self.filter:
            self.filter = flt
            self._regroup(framework.STAGE_SLUGS)

    def _search_text(self, eid: int) -> str:
        text = self._search.get(eid)
        if text is None:
            card = self._changed.get(eid)
            text = _search_text(card) if card is not None else self._source.search_text(eid)  # type: ignore[union-attr]
            self._search[eid] = text
        return text

    def matches(self, eid: int) -> bool:
        f = self.filter
        if f.engagement_type and self._field(eid, "engagement_type") != f.engagement_type:
            return False
        if f.owner and self._field(eid, "owner") != f.owner:
            return False
        if f.text:
            haystack = self._search_text(eid)
            if not all(word in haystack for word in f.text.casefold().split()):
                return False
        if f.health_band or f.drift_only:
            card = self.card(eid)
            if f.health_band and card.health.band != f.health_band:  # type: ignore[union-attr]
                return False
            if f.drift_only and not card.drift:  # type: ignore[union-attr]
                return False
        return True

    def _regroup(self, stages: tuple[str, ...]) -> None:
        wanted = set(stages)
        groups: dict[str, list[int]] = {s: [] for s in stages}
        totals = dict.fromkeys(stages, 0)
        field = self._field
        filtering = self.filter.active
        for eid in self.all_ids():
            stage = field(eid, "stage")
            if stage in wanted:
                totals[stage] += 1
                if not filtering or self.matches(eid):
                    groups[stage].append(eid)
        for stage in stages:
            if self._changed:  # the bulk read comes in board order; re-read cards may not
                groups[stage].sort(key=lambda eid: (field(eid, "position"), eid))
            self._visible[stage] = groups[stage]
            self._totals[stage] = totals[stage]
            self.stage_reset.emit(stage)
        self.counts_changed.emit()
