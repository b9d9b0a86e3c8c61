"""peewee models: one SQLite file holds every engagement and everything recorded about it.

Every table has an integer key for joins and a stable ``uuid`` (engagements travel between
laptops and are merged by it) plus ``updated_at`` (the newer record wins a merge). Query
helpers that the services need in bulk live here as classmethods, so no SQL leaves ``db/``.
"""

from __future__ import annotations

import uuid as _uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime

from peewee import (
    SQL,
    BooleanField,
    CharField,
    DateField,
    Field,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    Select,
    SqliteDatabase,
    TextField,
    fn,
)

from db import clocks
from db.prepared import Prepared

# Bound at start-up by ``db.connection.open_database`` (peewee's deferred initialisation).
database = SqliteDatabase(None)


def raw_rows(query) -> list[tuple]:
    """A query's rows as the plain tuples SQLite returns, without peewee's per-field
    conversion: for bulk reads of thousands of rows, where the caller converts the few
    fields it needs."""
    return database.execute(query).fetchall()


def new_uuid() -> str:
    return str(_uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTimeField(Field):
    """An aware UTC datetime stored as ISO 8601 text (``2026-11-23T21:40:00+00:00``).

    Sorting the text sorts the instants, and the offset makes the file unambiguous to any
    reader (the JSON bundle, another laptop in another time zone).
    """

    field_type = "TEXT"

    def db_value(self, value: datetime | None) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC datetimes only")
        return value.astimezone(UTC).isoformat(timespec="seconds")

    def python_value(self, value: str | None) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


# Fields that are bookkeeping, not a record's content: a change of them alone is no edit.
_NOT_CONTENT = frozenset({"id", "uuid", "updated_at", "engagement"})


class BaseModel(Model):
    """Every write through ``save`` (and so ``create``) is stamped for merging
    (``db/clocks.py``): this device's counter in the record's version vector goes up, each
    field whose value changed gets its dot, and ``updated_at`` never goes back to or before
    the version it replaces. Bulk writes (the merge) set their clocks themselves."""

    uuid = CharField(max_length=36, unique=True, default=new_uuid)
    updated_at = UtcDateTimeField(default=utcnow)

    class Meta:
        database = database
        legacy_table_names = False
        only_save_dirty = True  # an edit writes the fields it changed, not the whole row

    _clocked = True  # links and append-only facts carry no version of their own

    def __init__(self, *args, **kwargs):
        loaded = bool(kwargs.get("__no_default__"))
        super().__init__(*args, **kwargs)
        # A row read from the file: what it held, so a save knows what really changed.
        self._loaded = dict(self.__data__) if loaded else None

    def save(self, force_insert: bool = False, only=None):
        inserting = force_insert or self._loaded is None
        loaded = self._loaded or {}
        if not inserting:
            now = self.updated_at if "updated_at" in self._dirty and self.updated_at else utcnow()
            self.updated_at = clocks.after(loaded.get("updated_at"), now)
        changed = (
            ()
            if inserting
            else tuple(
                n for n in sorted(self._dirty)
                if n not in _NOT_CONTENT and self.__data__.get(n) != loaded.get(n)
            )
        )  # fmt: skip
        result = super().save(force_insert=force_insert, only=only)
        if self._clocked:
            clocks.stamp(self._meta.database, self.uuid, changed, self.updated_at)
        self._loaded = dict(self.__data__)
        return result


class Engagement(BaseModel):
    client = CharField(max_length=200)
    engagement_type = CharField(max_length=40)
    owner = CharField(max_length=120, default="")
    stage = CharField(max_length=20, index=True)
    stage_entered_at = UtcDateTimeField()
    position = FloatField(default=0.0)
    status = CharField(max_length=20, default="active", index=True)
    created_at = UtcDateTimeField(default=utcnow)
    tags = TextField(default="")
    notes = TextField(default="")
    next_action = TextField(default="")
    next_action_due = DateField(null=True)
    # Qualification verdict.
    verdict = CharField(max_length=20, default="pending")
    verdict_note = TextField(default="")
    # Onboarding: the expectations record.
    exp_scope = TextField(default="")
    exp_cadence = TextField(default="")
    exp_success_measures = TextField(default="")
    exp_agreed_on = DateField(null=True)
    # Expansion or Completion: the chosen outcome.
    outcome = CharField(max_length=40, null=True)
    outcome_on = DateField(null=True)
    outcome_summary = TextField(default="")

    @classmethod
    def max_position(cls, stage: str) -> float:
        value = _MAX_POSITION.scalar(stage)
        return float(value) if value is not None else 0.0


# On every drop to the bottom of a column and every new engagement: built once.
_MAX_POSITION = Prepared(
    lambda stage: Engagement.select(fn.MAX(Engagement.position)).where(Engagement.stage == stage), str
)


class _Child(BaseModel):
    """A record that belongs to one engagement and goes when it goes."""

    @classmethod
    def count_query(cls, *where) -> Select:
        """(engagement id, count) of the rows matching ``where``, per engagement."""
        query = cls.select(cls.engagement_id, fn.COUNT(cls.id))
        if where:
            query = query.where(*where)
        return query.group_by(cls.engagement_id)


class QualificationScore(_Child):
    engagement = ForeignKeyField(Engagement, backref="scores", on_delete="CASCADE")
    criterion = CharField(max_length=40)
    score = IntegerField()
    note = TextField(default="")

    class Meta:
        indexes = ((("engagement", "criterion"), True),)


class OnboardingItem(_Child):
    engagement = ForeignKeyField(Engagement, backref="onboarding", on_delete="CASCADE")
    element = CharField(max_length=40)
    done = BooleanField(default=False)
    done_on = DateField(null=True)
    note = TextField(default="")

    class Meta:
        indexes = ((("engagement", "element"), True),)


class Stakeholder(_Child):
    engagement = ForeignKeyField(Engagement, backref="stakeholders", on_delete="CASCADE")
    name = CharField(max_length=200)
    role = CharField(max_length=200, default="")
    influence = CharField(max_length=10, default="medium")
    alignment = CharField(max_length=12, default="neutral")
    mitigation = TextField(default="")
    last_contact = DateField(null=True)
    note = TextField(default="")


class Insight(_Child):
    engagement = ForeignKeyField(Engagement, backref="insights", on_delete="CASCADE")
    activity = CharField(max_length=40)
    statement = TextField()
    detail = TextField(default="")
    recorded_on = DateField()


class Hypothesis(_Child):
    engagement = ForeignKeyField(Engagement, backref="hypotheses", on_delete="CASCADE")
    statement = TextField()
    rationale = TextField(default="")
    impact = IntegerField(null=True)
    confidence = IntegerField(null=True)
    ease = IntegerField(null=True)


class HypothesisInsight(BaseModel):
    _clocked = False  # part of the hypothesis (learning) that owns it

    hypothesis = ForeignKeyField(Hypothesis, backref="insight_links", on_delete="CASCADE")
    insight = ForeignKeyField(Insight, backref="hypothesis_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("hypothesis", "insight"), True),)


class Cycle(_Child):
    engagement = ForeignKeyField(Engagement, backref="cycles", on_delete="CASCADE")
    hypothesis = ForeignKeyField(Hypothesis, null=True, backref="cycles", on_delete="SET NULL")
    title = TextField()
    status = CharField(max_length=12, default="planned")
    started_on = DateField(null=True)
    ended_on = DateField(null=True)
    result = CharField(max_length=14, null=True)
    evaluation = TextField(default="")
    # Structured Execution's kind of work cycle (schema 4; framework.CYCLE_KINDS).
    kind = CharField(
        max_length=30, default="experimentation_cycle", constraints=[SQL("DEFAULT 'experimentation_cycle'")]
    )


class Learning(_Child):
    engagement = ForeignKeyField(Engagement, backref="learnings", on_delete="CASCADE")
    statement = TextField()
    confidence = CharField(max_length=8, default="medium")
    tags = TextField(default="")
    recorded_at = UtcDateTimeField(default=utcnow)
    # What the learning refines (schema 4): Continuous Optimization's refinements, as
    # slugs joined by ", " (framework.REFINEMENTS); empty for none.
    refinements = TextField(default="", constraints=[SQL("DEFAULT ''")])
    # Private (schema 8): left out of the team library for those who may not see the
    # engagement (the server's ``learning_library`` view); the same column on the server.
    private = BooleanField(default=False, constraints=[SQL("DEFAULT false")])


class LearningEvidence(BaseModel):
    _clocked = False  # part of the hypothesis (learning) that owns it

    learning = ForeignKeyField(Learning, backref="evidence", on_delete="CASCADE")
    cycle = ForeignKeyField(Cycle, backref="evidence", on_delete="CASCADE")

    class Meta:
        indexes = ((("learning", "cycle"), True),)


class LearningCitation(_Child):
    """A hypothesis or insight of this engagement "built on" a learning, usually of another
    engagement (schema 4). The learning is named by uuid, not by key, so the link survives
    travelling in a bundle to a laptop that does not hold that learning; ``statement`` is
    the learning's statement as it read when it was cited."""

    engagement = ForeignKeyField(Engagement, backref="citations", on_delete="CASCADE")
    citing_kind = CharField(max_length=12)  # hypothesis | insight
    citing_uuid = CharField(max_length=36, index=True)
    learning_uuid = CharField(max_length=36, index=True)
    statement = TextField()
    cited_at = UtcDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("citing_uuid", "learning_uuid"), True),)


class CheckIn(_Child):
    engagement = ForeignKeyField(Engagement, backref="checkins", on_delete="CASCADE")
    held_on = DateField()
    ratings = TextField()  # JSON object: indicator slug -> 0..3
    score = IntegerField()
    note = TextField(default="")

    @classmethod
    def recent_column(cls, per_engagement: int = 3):
        """A correlated scalar subquery for an Engagement select: the engagement's last
        check-ins as ``"held_on id score"`` items joined by commas (``parse_recent`` reads it).
        It seeks the covering index check_in_recent (db/migrations.py), so it costs the same
        however long an engagement's history is."""
        recent = (
            cls.select(cls.held_on, cls.id, cls.score)
            .where(cls.engagement == Engagement.id)
            .order_by(cls.held_on.desc(), cls.id.desc())
            .limit(per_engagement)
        ).alias("recent")
        item = recent.c.held_on.concat(" ").concat(recent.c.id).concat(" ").concat(recent.c.score)
        return Select([recent], [fn.GROUP_CONCAT(item, ",")])

    @staticmethod
    def parse_recent(text: str | None) -> list[tuple[date, int]]:
        """``recent_column``'s text as newest-first (held_on, score) pairs."""
        if not text:
            return []
        items = [item.split(" ") for item in text.split(",")]
        items.sort(key=lambda i: (i[0], int(i[1])), reverse=True)
        return [(date.fromisoformat(held_on), int(score)) for held_on, _id, score in items]


class StageMove(_Child):
    _clocked = False  # append-only: a move never changes
    engagement = ForeignKeyField(Engagement, backref="moves", on_delete="CASCADE")
    from_stage = CharField(max_length=20, null=True)
    to_stage = CharField(max_length=20)
    moved_at = UtcDateTimeField(default=utcnow)
    reason = TextField(default="")
    kind = CharField(max_length=12)  # created | forward | backward | undo
    # The move this one followed (None: the creation): the history's causal order (schema 4).
    after = CharField(max_length=36, null=True)
    # The instant an undo gave back as the time the stage was entered (None: moved_at).
    entered_at = UtcDateTimeField(null=True)


class StatusChange(Model):
    """An engagement taken off the board (archived, or disqualified by its verdict) or brought
    back (schema 7): the dated record the analytics count, written by the core in the same
    transaction as the change. Append-only and kept on this laptop, like the conflicts list;
    ``stage`` is where the engagement stood."""

    uuid = CharField(max_length=36, unique=True, default=new_uuid)
    engagement = ForeignKeyField(Engagement, backref="status_changes", on_delete="CASCADE")
    from_status = CharField(max_length=12)  # active | archived | disqualified
    to_status = CharField(max_length=12)
    stage = CharField(max_length=20)
    changed_at = UtcDateTimeField(default=utcnow)

    class Meta:
        database = database
        legacy_table_names = False


class DossierExport(_Child):
    """A learning-preservation dossier written for the engagement (schema 2)."""

    _clocked = False  # append-only

    engagement = ForeignKeyField(Engagement, backref="dossier_exports", on_delete="CASCADE")
    exported_at = UtcDateTimeField(default=utcnow)
    file_name = TextField()
    sha256 = CharField(max_length=64)


class Setting(Model):
    key = CharField(primary_key=True, max_length=60)
    value = TextField()

    class Meta:
        database = database
        legacy_table_names = False


class RecordClock(Model):
    """A record's version vector and field dots (``db/clocks.py``), by its uuid; kept after
    a deletion (the tombstone's vector is the record's last)."""

    uuid = CharField(max_length=36, primary_key=True)
    vv = TextField(default="{}")
    dots = TextField(default="{}")
    device = CharField(max_length=36, default="")

    class Meta:
        database = database
        legacy_table_names = False


class Tombstone(Model):
    """A deleted record (schema 4): deletions travel in bundles like edits, and the newer of
    a deletion and an edit wins a merge."""

    uuid = CharField(max_length=36, primary_key=True)  # the deleted record's uuid
    kind = CharField(max_length=20)  # the bundle's key of its kind, e.g. "insights"
    engagement_uuid = CharField(max_length=36, index=True)
    deleted_at = UtcDateTimeField()
    device = CharField(max_length=36)
    who = TextField(default="")
    vv = TextField(default="{}")

    class Meta:
        database = database
        legacy_table_names = False


class Conflict(Model):
    """A record changed on both sides since they last agreed, or a merged stage whose passed
    gate no longer holds (schema 4): both versions as JSON, when and where each was made."""

    uuid = CharField(max_length=36, unique=True, default=new_uuid)
    engagement_uuid = CharField(max_length=36, index=True)
    record_uuid = CharField(max_length=36)
    kind = CharField(max_length=20)  # bundle key of the record's kind, "stage_history" or "gate"
    fields = TextField(default="[]")  # JSON: the fields that differ
    mine = TextField(null=True)  # JSON values of the local version (null: deleted)
    theirs = TextField(null=True)  # JSON values of the incoming version (null: deleted)
    mine_at = UtcDateTimeField(null=True)
    mine_device = CharField(max_length=36, default="")
    theirs_at = UtcDateTimeField(null=True)
    theirs_device = CharField(max_length=36, default="")
    winner = CharField(max_length=8)  # mine | theirs | merged
    detail = TextField(default="")  # a sentence: what happened
    digest = CharField(max_length=64, unique=True)  # the same conflict is recorded once
    created_at = UtcDateTimeField(default=utcnow)
    resolved_at = UtcDateTimeField(null=True)
    resolution = CharField(max_length=8, default="")  # mine | theirs once resolved

    class Meta:
        database = database
        legacy_table_names = False


def undocumented_cycles_query(*where) -> Select:
    """(engagement id, number of evaluated cycles no learning cites as evidence) rows."""
    has_learning = LearningEvidence.select(SQL("1")).where(LearningEvidence.cycle == Cycle.id)
    return Cycle.count_query(Cycle.status == "evaluated", ~fn.EXISTS(has_learning), *where)


def inconsistent_cycles_query(*where) -> Select:
    """(engagement id, number of cycles whose record contradicts its status) rows: running
    with no start date, or ended but neither evaluated nor abandoned."""
    running_unstarted = (Cycle.status == "running") & Cycle.started_on.is_null()
    ended_open = Cycle.status.in_(("planned", "running")) & Cycle.ended_on.is_null(False)
    return Cycle.count_query(running_unstarted | ended_open, *where)


MODELS: tuple[type[Model], ...] = (
    Setting,
    Engagement,
    QualificationScore,
    OnboardingItem,
    Stakeholder,
    Insight,
    Hypothesis,
    HypothesisInsight,
    Cycle,
    Learning,
    LearningEvidence,
    CheckIn,
    StageMove,
    DossierExport,
    LearningCitation,
    RecordClock,
    Tombstone,
    Conflict,
    StatusChange,
)


def table_names(models: Iterable[type[Model]] = MODELS) -> list[str]:
    return [m._meta.table_name for m in models]
