"""The board's data on the UI side: every active card, the filter, and one list per stage.

The store asks the services for cards (once in bulk, then one card at a time after an edit)
and hands the stage models plain frozen ``EngagementCard`` records: painting never queries.
Filtering is done here, in memory, over a lower-cased search text prepared once per card.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from mwms_desktop import framework
from mwms_desktop.services import Services
from mwms_desktop.services.loading import CardSource
from mwms_desktop.views import EngagementCard
from ui.lane import LANE_FIELDS, Lane

# The owner filter's "Unassigned": engagements with no owner. A control character, which no
# owner's name can hold (the core refuses them), so it never names a real owner.
UNASSIGNED = "\x1fnone"
# Beyond this many changed cards a followed change re-reads the board as at start-up (a new
# day changes every card): comparing them one by one would cost more than starting afresh.
FOLLOW_MAX = 500


@dataclass(frozen=True, slots=True)
class BoardFilter:
    text: str = ""
    engagement_type: str = ""  # "" = any
    owner: str = ""  # "" = any, UNASSIGNED = none
    health_band: str = ""
    drift_only: bool = False

    @property
    def active(self) -> bool:
        return self != BoardFilter()


def _search_text(card: EngagementCard) -> str:
    return "\n".join((card.client, " ".join(card.tags), card.notes, card.next_action, card.owner)).casefold()


class BoardStore(QObject):
    """Cards of the board, grouped by stage, after the filter.

    Each stage keeps its members (every active id, in board order) and its visible ids
    (members passing the filter). A card is built, from data already in memory, only when a
    view paints it or a filter needs its health or drift. After an edit only the card's old
    and new stages change. ``stage_reset(slug)`` tells one column's model its rows changed;
    """

    stage_reset = Signal(str)
    counts_changed = Signal()

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._source: CardSource | None = None
        self._changed: dict[int, EngagementCard] = {}  # re-read since the bulk read
        self._search: dict[int, str] = {}
        self._haystacks: dict[str, list[tuple[int, str]]] = {}  # stage -> (id, search text)
        self._lanes: dict[tuple[str, str], dict[str, list[int]]] = {}  # (stage, field) -> value -> ids
        self._members: dict[str, list[int]] = {s: [] for s in framework.STAGE_SLUGS}
        self._visible: dict[str, list[int]] = {s: [] for s in framework.STAGE_SLUGS}
        self.filter = BoardFilter()
        self.touched: set[int] | None = None  # during stage_reset: see _refilter
        self._tally: Counter[str] | None = None
        # Counts every change of what the store holds: a bulk read started before a change
        # made here (an edit) is stale when it arrives (see ui.board_follow).
        self.edits = 0

    # --- reading -------------------------------------------------------------------------

    def ids(self, stage: str) -> list[int]:
        """The visible engagement ids of a stage, in board order."""
        return self._visible[stage]

    def cards(self, stage: str) -> list[EngagementCard]:
        return [self.card(eid) for eid in self._visible[stage]]  # type: ignore[misc]

    def card(self, eid: int) -> EngagementCard | None:
        card = self._changed.get(eid)
        if card is not None:
            return card if card.status == "active" else None
        if self._source is not None and eid in self._source.rows:
            return self._source.card(eid)
        return None

    # --- swimlanes ------------------------------------------------------------------------

    def lane_ids(self, stage: str, lane: Lane) -> list[int]:
        """The visible ids of a stage in one swimlane, in board order."""
        return self._partition(stage, lane.field).get(lane.value, [])

    def lane_of(self, eid: int, field: str) -> Lane | None:
        """The swimlane a card on the board belongs to (None: not on the board)."""
        if self.card(eid) is None:
            return None
        return Lane(field, self._field(eid, field))

    def lanes(self, field: str) -> list[Lane]:
        """The swimlanes by ``field`` that hold a visible card, in their order."""
        values = {value for stage in framework.STAGE_SLUGS for value in self._partition(stage, field)}
        return sorted((Lane(field, v) for v in values), key=Lane.order)

    def _partition(self, stage: str, field: str) -> dict[str, list[int]]:
        """The stage's visible ids by their value of ``field`` (built once per change)."""
        by_value = self._lanes.get((stage, field))
        if by_value is None:
            by_value = self._lanes[(stage, field)] = {}
            changed = self._changed
            raw = getattr(self._source, field, None)  # as _field, inlined: a pass over every card
            for eid in self._visible[stage]:
                card = changed.get(eid)
                value = getattr(card, field) if card is not None else raw(eid)  # type: ignore[misc]
                by_value.setdefault(value, []).append(eid)
        return by_value

    def all_ids(self) -> list[int]:
        return [eid for stage in framework.STAGE_SLUGS for eid in self._members[stage]]

    def total(self, stage: str) -> int:
        """Cards in the stage before filtering."""
        return len(self._members[stage])

    def visible_count(self) -> int:
        return sum(len(v) for v in self._visible.values())

    def count(self) -> int:
        return sum(len(m) for m in self._members.values())

    def owners(self) -> list[str]:
        """Every owner on the board, as the owner filter lists them (one pass over the rows)."""
        changed = self._changed
        names = self._source.owners(changed) if self._source is not None else set()
        names.update(card.owner for card in changed.values() if card.status == "active")
        return sorted(names - {""}, key=str.casefold)

    @property
    def tallied(self) -> bool:
        """True when the drift and health counts are known without building every card."""
        return self._tally is not None

    def tally(self) -> Counter[str]:
        """How many engagements have drift (``"drift"``) and are in each health band. The first
        call builds every card (do it after the first paint); edits then keep it current."""
        if self._tally is None:
            self._tally = Counter()
            for eid in self.all_ids():
                self._count(self.card(eid), +1)  # type: ignore[arg-type]
        return self._tally

    def _count(self, card: EngagementCard, sign: int) -> None:
        assert self._tally is not None
        self._tally[card.health.band] += sign
        if card.drift:
            self._tally["drift"] += sign

    def _field(self, eid: int, name: str):
        """stage, position, engagement_type or owner, without building the card."""
        changed = self._changed.get(eid)
        if changed is not None:
            return getattr(changed, name)
        return getattr(self._source, name)(eid)

    # --- loading and updating ------------------------------------------------------------

    def reload(self) -> None:
        """Read every active card again (start-up, a new day, after a bulk change)."""
        self.set_source(self.services.portfolio.card_source())

    def set_source(self, source: CardSource) -> None:
        self.edits += 1
        self._source = source
        self._changed = {}
        self._search = {}
        self._haystacks = {}
        self._lanes = {}
        self._members = {s: list(source.by_stage[s]) for s in framework.STAGE_SLUGS}  # board order
        self._tally = None
        self._refilter(framework.STAGE_SLUGS)

    @property
    def source(self) -> CardSource | None:
        """The last bulk read (cards changed here since are held apart)."""
        return self._source

    def follow(self, source: CardSource, differs: set[int] | None = None) -> set[int]:
        """Take a bulk read made after something else wrote to the database (the CLI, an
        import): only the cards whose data differs change, and only their columns are told,
        so every other row keeps its place, its selection and the column its scroll.
        ``differs``: ``source.changed_since(self.source)`` if already known (the worker that
        read it compared it too). Returns the ids of the cards that appeared, changed or
        left the board."""
        old = self._source
        if old is None or len(self._changed) > FOLLOW_MAX:
            self.set_source(source)
            return set(source.rows)
        candidates = (source.changed_since(old) if differs is None else differs) | set(self._changed)
        if len(candidates) > FOLLOW_MAX:  # a new day, new thresholds, a large import
            self.set_source(source)
            return candidates
        changed = {e for e in candidates if self.card(e) != (source.card(e) if e in source.rows else None)}
        stages = {self._stage_of(e) for e in changed} | {source.stage(e) for e in changed if e in source.rows}
        stages.discard(None)
        if self._tally is not None:
            for eid in changed:
                if (before := self.card(eid)) is not None:
                    self._count(before, -1)
                if eid in source.rows:
                    self._count(source.card(eid), +1)
        self._source, self._changed = source, {}
        self.edits += 1
        for eid in changed:
            self._search.pop(eid, None)
        for stage in stages:
            self._haystacks.pop(stage, None)  # type: ignore[arg-type]
            self._members[stage] = list(source.by_stage[stage])  # type: ignore[index]
        if stages:
            self._refilter(tuple(s for s in framework.STAGE_SLUGS if s in stages), touched=changed)
        return changed

    def _stage_of(self, eid: int) -> str | None:
        """The column the card is in now (None: not on the board)."""
        card = self.card(eid)
        return None if card is None else card.stage

    def refresh_card(self, eid: int) -> None:
        """Re-read one card after it changed (moved, edited, archived, restored)."""
        self.edits += 1
        old_stage = next((s for s in framework.STAGE_SLUGS if eid in self._members[s]), None)
        card = self.services.portfolio.card(eid)
        if self._tally is not None:
            if old_stage is not None:
                self._count(self.card(eid), -1)  # type: ignore[arg-type]
            if card.status == "active":
                self._count(card, +1)
        self._changed[eid] = card
        self._search.pop(eid, None)
        for stage in {old_stage, card.stage}:
            self._haystacks.pop(stage, None)  # type: ignore[arg-type]
        if old_stage is not None:
            self._members[old_stage].remove(eid)
        if card.status == "active":
            # Placed above the card the database has below it, not by comparing positions:
            # the service may have renumbered the column, and the positions held here for
            # the other cards would then be stale (their order is not).
            members = self._members[card.stage]
            below = self.services.portfolio.card_below(eid)
            try:
                members.insert(members.index(below), eid)  # type: ignore[arg-type]
            except ValueError:  # last in the column, or below a card not read yet
                members.append(eid)
        self._refilter(tuple(s for s in framework.STAGE_SLUGS if s in {old_stage, card.stage}), touched={eid})

    def set_filter(self, flt: BoardFilter) -> None:
        if flt != self.filter:
            self.filter = flt
            self._refilter(framework.STAGE_SLUGS)

    # --- filtering -----------------------------------------------------------------------

    def _search_text(self, eid: int) -> str:
        text = self._search.get(eid)
        if text is None:
            card = self._changed.get(eid)
            text = _search_text(card) if card is not None else self._source.search_text(eid)  # type: ignore[union-attr]
            self._search[eid] = text
        return text

    def matches(self, eid: int) -> bool:
        return self._predicate()(eid)

    def _predicate(self):
        """One test for the current filter, cheapest conditions first."""
        f = self.filter
        words = f.text.casefold().split()
        field, text, card = self._field, self._search_text, self.card
        owner = "" if f.owner == UNASSIGNED else f.owner

        def test(eid: int) -> bool:
            if f.engagement_type and field(eid, "engagement_type") != f.engagement_type:
                return False
            if f.owner and field(eid, "owner") != owner:
                return False
            if words:
                haystack = text(eid)
                if not all(w in haystack for w in words):
                    return False
            if f.health_band or f.drift_only:
                c = card(eid)
                if f.health_band and c.health.band != f.health_band:  # type: ignore[union-attr]
                    return False
                if f.drift_only and not c.drift:  # type: ignore[union-attr]
                    return False
            return True

        return test

    def _haystack(self, stage: str) -> list[tuple[int, str]]:
        """The stage's members with their search text, in board order (built once)."""
        hay = self._haystacks.get(stage)
        if hay is None:
            text = self._search_text
            hay = self._haystacks[stage] = [(e, text(e)) for e in self._members[stage]]
        return hay

    def _refilter(self, stages: tuple[str, ...], touched: set[int] | None = None) -> None:
        """Recompute the visible ids of ``stages`` and tell their models. ``touched`` are the
        cards whose data changed (None: any may have), so a model whose rows are the same
        repaints just those."""
        self.touched = touched
        test = self._predicate() if self.filter.active else None
        words = self.filter.text.casefold().split()
        text_only = self.filter == BoardFilter(text=self.filter.text)
        for stage in stages:
            members = self._members[stage]
            if test is None:
                self._visible[stage] = list(members)
            elif words:  # the search narrows first, a tight pass per word; then the rest
                found = self._haystack(stage)
                for w in words:
                    found = [(e, h) for e, h in found if w in h]
                self._visible[stage] = [e for e, _ in found if text_only or test(e)]
            else:
                self._visible[stage] = [e for e in members if test(e)]
            for field in LANE_FIELDS:
                self._lanes.pop((stage, field), None)
            self.stage_reset.emit(stage)
        self.counts_changed.emit()
