"""Reuse that is traceable: a hypothesis or insight "built on" a learning of another
engagement, kept as a record with its own uuid and a snapshot of the cited statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from db import clocks
from db.models import Engagement, Hypothesis, Insight, Learning, LearningCitation
from mwms_desktop import fields
from mwms_desktop.errors import NotFound, ValidationError
from mwms_desktop.merge import tombstones
from mwms_desktop.services.base import ServiceBase, atomic

_CITING = {"hypothesis": Hypothesis, "insight": Insight}


@dataclass(frozen=True, slots=True)
class CitationView:
    id: int
    uuid: str
    citing_kind: str
    citing_id: int
    citing_statement: str
    engagement_id: int  # the citing record's engagement
    client: str
    learning_uuid: str
    learning_id: int | None  # None: that learning is not in this database
    learning_client: str | None
    statement: str  # the learning as it read when cited
    cited_at: datetime


@dataclass(frozen=True, slots=True)
class CitationSnapshot:
    """A removed citation, complete enough to put back as it was (same uuid, same snapshot
    of the learning's statement, same time of citing): what undo needs."""

    uuid: str
    engagement_id: int
    citing_kind: str
    citing_uuid: str
    learning_uuid: str
    statement: str
    cited_at: datetime


def _citing(kind: str, rid: int):
    model = _CITING.get(kind)
    if model is None:
        raise ValidationError("Only a hypothesis or an insight can be built on a learning.", "kind")
    row = model.get_or_none(model.id == rid) if isinstance(rid, int) and not isinstance(rid, bool) else None
    if row is None:
        raise NotFound(f"No {kind} with id {rid!r}.")
    return row


def _views(query) -> list[CitationView]:
    """Citations whose citing record still exists, with both ends' names."""
    out = []
    for c in query:
        model = _CITING[c.citing_kind]
        row = model.get_or_none(model.uuid == c.citing_uuid)
        if row is None:  # its hypothesis or insight was removed (undo may bring it back)
            continue
        learning = Learning.get_or_none(Learning.uuid == c.learning_uuid)
        learning_client = Engagement.get_by_id(learning.engagement_id).client if learning else None
        out.append(
            CitationView(c.id, c.uuid, c.citing_kind, row.id, row.statement, c.engagement_id,
                         Engagement.get_by_id(c.engagement_id).client, c.learning_uuid,
                         learning.id if learning else None, learning_client, c.statement, c.cited_at)
        )  # fmt: skip
    return out


class CitationService(ServiceBase):
    @atomic()
    def cite(self, citing_kind: str, citing_id: int, learning_id: int) -> CitationView:
        """Record that the hypothesis or insight is built on the learning (of another
        engagement), with the learning's statement as it reads now."""
        row = _citing(citing_kind, citing_id)
        learning = Learning.get_or_none(Learning.id == learning_id) if isinstance(learning_id, int) else None
        if learning is None:
            raise NotFound(f"No learning with id {learning_id!r}.")
        if learning.engagement_id == row.engagement_id:
            raise ValidationError(
                "A learning of the same engagement is its evidence, not reuse: cite learnings of other "
                "engagements.",
                "learning",
            )
        exists = LearningCitation.get_or_none(
            (LearningCitation.citing_uuid == row.uuid) & (LearningCitation.learning_uuid == learning.uuid)
        )
        if exists is not None:
            raise ValidationError(f"This {citing_kind} is already built on that learning.", "learning")
        now = self.clock.now()
        values = fields.clean(
            "learning_citation",
            {"citing_kind": citing_kind, "citing_uuid": row.uuid, "learning_uuid": learning.uuid,
             "statement": learning.statement, "cited_at": now},
            fields.Context.local(self.clock),
        )  # fmt: skip
        c = LearningCitation.create(engagement=row.engagement_id, updated_at=now, **values)
        e = self._engagement(row.engagement_id)
        self._touch(e)
        e.save()
        return _views([c])[0]

    @atomic()
    def uncite(self, citation_id: int) -> CitationSnapshot:
        """Remove the citation; what it was, for :meth:`restore`."""
        c = LearningCitation.get_or_none(LearningCitation.id == citation_id)
        if c is None:
            raise NotFound(f"No citation with id {citation_id!r}: it was removed already.")
        snap = CitationSnapshot(c.uuid, c.engagement_id, c.citing_kind, c.citing_uuid, c.learning_uuid,
                                c.statement, c.cited_at)  # fmt: skip
        e = self._engagement(c.engagement_id)
        # The removal travels (bundles, sync): its tombstone is written in this transaction.
        tombstones.bury("citations", c.uuid, e.uuid, c.updated_at, self.clock.now())
        c.delete_instance()
        self._touch(e)
        e.save()
        return snap

    @atomic()
    def restore(self, snap: CitationSnapshot) -> CitationView:
        """Put a removed citation back as it was (undo of a removal, redo of a citing)."""
        model = _CITING.get(snap.citing_kind)
        if model is None or model.get_or_none(model.uuid == snap.citing_uuid) is None:
            raise NotFound(f"The {snap.citing_kind} that cited this learning is gone; nothing to restore.")
        same = (LearningCitation.citing_uuid == snap.citing_uuid) & (
            LearningCitation.learning_uuid == snap.learning_uuid
        )
        if LearningCitation.get_or_none((LearningCitation.uuid == snap.uuid) | same):
            raise ValidationError(f"This {snap.citing_kind} is already built on that learning.", "learning")
        e = self._engagement(snap.engagement_id)
        # Undoing a removal takes its tombstone away and is a newer change than the removal.
        deleted_at = tombstones.unbury(snap.uuid)
        c = LearningCitation.create(
            uuid=snap.uuid, engagement=e.id, citing_kind=snap.citing_kind, citing_uuid=snap.citing_uuid,
            learning_uuid=snap.learning_uuid, statement=snap.statement, cited_at=snap.cited_at,
            updated_at=clocks.after(deleted_at, self.clock.now()),
        )  # fmt: skip
        self._touch(e)
        e.save()
        return _views([c])[0]

    def get(self, citation_id: int) -> CitationView:
        c = LearningCitation.get_or_none(LearningCitation.id == citation_id)
        views = _views([c]) if c is not None else []
        if not views:
            raise NotFound(f"No citation with id {citation_id!r}.")
        return views[0]

    def source_client(self, learning_id: int) -> str:
        """The client of the engagement the learning belongs to (to name a citation)."""
        learning = Learning.get_or_none(Learning.id == learning_id) if isinstance(learning_id, int) else None
        if learning is None:
            raise NotFound(f"No learning with id {learning_id!r}.")
        return Engagement.get_by_id(learning.engagement_id).client

    def built_on(self, citing_kind: str, citing_id: int) -> list[CitationView]:
        """What the hypothesis or insight cites, oldest first."""
        row = _citing(citing_kind, citing_id)
        q = LearningCitation.select().where(LearningCitation.citing_uuid == row.uuid)
        return _views(q.order_by(LearningCitation.cited_at, LearningCitation.id))

    def of_engagement(self, eid: int) -> list[CitationView]:
        """Every citation made in the engagement ("Built on earlier learnings")."""
        q = LearningCitation.select().where(LearningCitation.engagement == eid)
        return _views(q.order_by(LearningCitation.cited_at, LearningCitation.id))

    def reused(self, learning_id: int) -> list[CitationView]:
        """Where the learning was reused since, oldest first."""
        learning = Learning.get_or_none(Learning.id == learning_id)
        if learning is None:
            raise NotFound(f"No learning with id {learning_id!r}.")
        q = LearningCitation.select().where(LearningCitation.learning_uuid == learning.uuid)
        return _views(q.order_by(LearningCitation.cited_at, LearningCitation.id))

    def reused_from_engagement(self, eid: int) -> list[CitationView]:
        """Every reuse elsewhere of the engagement's learnings ("Reused since")."""
        q = (
            LearningCitation.select()
            .join(Learning, JOIN.INNER, on=(Learning.uuid == LearningCitation.learning_uuid))
            .where(Learning.engagement == eid)
        )
        return _views(q.order_by(LearningCitation.cited_at, LearningCitation.id))

    def reuse_counts(self) -> dict[str, set[int]]:
        """learning uuid -> the engagements that cite it (live citations only)."""
        out: dict[str, set[int]] = {}
        for c in _views(LearningCitation.select()):
            out.setdefault(c.learning_uuid, set()).add(c.engagement_id)
        return out
