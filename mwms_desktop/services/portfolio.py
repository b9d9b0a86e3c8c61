"""The portfolio: adding engagements, reading cards and details, editing card fields,
archiving and restoring."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from peewee import Tuple

from db.models import Engagement, StageMove
from db.prepared import Prepared
from mwms_desktop import fields
from mwms_desktop.errors import ValidationError
from mwms_desktop.services.base import ServiceBase, atomic, changed_elsewhere, changed_fields
from mwms_desktop.services.loading import CardSource, load_cards, load_detail
from mwms_desktop.services.read_ahead import ReadAhead
from mwms_desktop.services.status_log import change_status
from mwms_desktop.views import EngagementCard, EngagementDetail

_UNSET = object()
E = Engagement

# Reads on every drop (where a card goes, what is below it), built once (db/prepared.py).
_BELOW = Prepared(
    lambda stage, position, eid: E.select(E.id)
    .where((E.stage == stage) & (Tuple(E.position, E.id) > Tuple(position, eid)) & (E.status == "active"))
    .order_by(E.position, E.id)  # seeks engagement_board_order
    .limit(1),
    str, float, int,
)  # fmt: skip
_ABOVE = Prepared(
    lambda stage, position, exclude: E.select(E.position)
    .where((E.stage == stage) & (E.position < position) & (E.id != exclude))
    .order_by(E.position.desc())
    .limit(1),
    str, float, int,
)  # fmt: skip


class PortfolioService(ServiceBase):
    def cards(self, statuses: Iterable[str] | None = ("active",)) -> list[EngagementCard]:
        """Every card in ``statuses`` (None: all), ordered by stage then board position."""
        return load_cards(self.clock, self.thresholds(), statuses=statuses)

    _ahead: ReadAhead[CardSource] | None = None

    def read_ahead(self) -> None:
        """Start the board's bulk read on a worker, beside the quick check: the next
        :meth:`card_source` on this thread takes it once the check passed, if nothing else
        committed meanwhile (see read_ahead.py)."""
        self._ahead = ReadAhead(self._read_cards)

    def end_read_ahead(self) -> None:
        """Wait for a read started ahead and drop it (before the file is closed)."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            ahead.wait()

    def card_source(self) -> CardSource:
        """The active cards for the board, read in bulk and built lazily (see CardSource)."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and (source := ahead.take()) is not None:
            return source
        return self._read_cards()

    def _read_cards(self) -> CardSource:
        return CardSource(self.clock, self.thresholds())

    def card(self, eid: int) -> EngagementCard:
        self._engagement(eid)
        return load_cards(self.clock, self.thresholds(), ids=[eid], statuses=None)[0]

    def stage_entered_at(self, eid: int) -> datetime:
        """When the engagement entered its current stage (an undone move gives it back)."""
        return self._engagement(eid).stage_entered_at

    def detail(self, eid: int) -> EngagementDetail:
        self._engagement(eid)
        return load_detail(eid, self.clock, self.thresholds())

    def count(self) -> int:
        return Engagement.select().count()

    @atomic()
    def add(
        self,
        client: str,
        engagement_type: str = "consulting",
        *,
        owner: str = "",
        tags: str | list[str] = "",
        notes: str = "",
    ) -> EngagementCard:
        """A new engagement enters at Qualification, at the bottom of that column."""
        now = self.clock.now()
        e = Engagement.create(
            client=fields.check("engagement", "client", client),
            engagement_type=fields.check("engagement", "engagement_type", engagement_type),
            owner=fields.check("engagement", "owner", owner),
            tags=fields.check("engagement", "tags", tags),
            notes=fields.check("engagement", "notes", notes),
            stage="qualification",
            stage_entered_at=now,
            position=Engagement.max_position("qualification") + 1,
            created_at=now,
            updated_at=now,
        )
        StageMove.create(
            engagement=e,
            from_stage=None,
            to_stage="qualification",
            moved_at=now,
            kind="created",
            updated_at=now,
        )
        return self.card(e.id)

    @atomic()
    def update(
        self,
        eid: int,
        *,
        client: object = _UNSET,
        engagement_type: object = _UNSET,
        owner: object = _UNSET,
        tags: object = _UNSET,
        notes: object = _UNSET,
        next_action: object = _UNSET,
        next_action_due: object = _UNSET,
        expect: Mapping[str, Any] | None = None,
    ) -> EngagementCard:
        """Change any of the card's own fields; the others stay as they are. ``expect``
        (an undo's or redo's) names fields and the values they must still hold, or nothing
        is written (:class:`ChangedElsewhere`): a change made outside the window since is
        never overwritten unseen."""
        e = self._engagement(eid)
        if expect and (changed := changed_fields("engagement", {k: getattr(e, k) for k in expect}, expect)):
            raise changed_elsewhere(e.client, changed)
        given = {
            "client": client,
            "engagement_type": engagement_type,
            "owner": owner,
            "tags": tags,
            "notes": notes,
            "next_action": next_action,
            "next_action_due": next_action_due,
        }
        for name, value in given.items():
            if value is not _UNSET:  # each checked by its field's one validator
                setattr(e, name, fields.check("engagement", name, value))
        self._touch(e)
        e.save()
        return self.card(eid)

    @atomic()
    def archive(self, eid: int) -> EngagementCard:
        """Take an engagement off the board; nothing is deleted."""
        e = self._engagement(eid)
        if e.status != "active":
            raise ValidationError(f"{e.client} is already {e.status}.", "status")
        change_status(e, "archived", self.clock.now())
        self._touch(e)
        e.save()
        return self.card(eid)

    @atomic()
    def restore(self, eid: int, *, before_id: int | None = None) -> EngagementCard:
        """Bring an archived or disqualified engagement back to the board, in its stage:
        above ``before_id`` while that card is still in the same column (an undone archive
        puts the card back where it stood), else at the bottom.

        A disqualified one returns to Qualification with its verdict reopened."""
        e = self._engagement(eid)
        if e.status == "active":
            raise ValidationError(f"{e.client} is already on the board.", "status")
        if e.status == "disqualified":
            e.verdict = "pending"
        change_status(e, "active", self.clock.now())
        e.position = self._position_before(e.stage, self._still_beside(e.stage, before_id), exclude=eid)
        self._touch(e)
        e.save()
        return self.card(eid)

    @atomic()
    def reorder(self, eid: int, before_id: int | None) -> EngagementCard:
        """Place a card just above ``before_id`` in its column (None: at the bottom)."""
        e = self._engagement(eid)
        e.position = self._position_before(e.stage, before_id, exclude=eid)
        self._touch(e)
        e.save()
        return self.card(eid)

    def card_below(self, eid: int) -> int | None:
        """The id of the active card just below ``eid`` in its column (None: it is last);
        what an undo needs to put a card back where it stood."""
        e = self._engagement(eid)
        return _BELOW.scalar(e.stage, e.position, eid)

    @staticmethod
    def _still_beside(stage: str, before_id: int | None) -> int | None:
        """``before_id`` if that card is still active in ``stage`` (an undo's remembered
        neighbour may have moved on or gone since), else None: the bottom of the column."""
        if before_id is None:
            return None
        below = Engagement.get_or_none(Engagement.id == before_id)
        return before_id if below is not None and below.stage == stage and below.status == "active" else None

    def _position_before(self, stage: str, before_id: int | None, exclude: int | None = None) -> float:
        if before_id is None:
            return Engagement.max_position(stage) + 1
        before = self._engagement(before_id)
        if before.stage != stage:
            raise ValidationError("Cards can only be placed beside cards of the same stage.", "position")
        above = _ABOVE.scalar(stage, before.position, exclude or 0)
        low = above if above is not None else before.position - 2
        middle = (low + before.position) / 2
        if low < middle < before.position:
            return middle
        # Halving has run out of room between two cards (after ~50 drops into one gap):
        # number the column 1, 2, 3… again in board order, in this same transaction.
        self._renumber(stage)
        return self._position_before(stage, before_id, exclude)

    @staticmethod
    def _renumber(stage: str) -> None:
        order = (
            Engagement.select(Engagement.id)
            .where(Engagement.stage == stage)
            .order_by(Engagement.position, Engagement.id)
        )
        ids = [row[0] for row in order.tuples()]  # read first: updates would move the scan
        for n, eid in enumerate(ids, start=1):
            Engagement.update(position=float(n)).where(Engagement.id == eid).execute()
