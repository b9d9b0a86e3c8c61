"""Generate a large, realistic portfolio straight into a database file, for benchmarks.

Engagements are spread over the six stages with the child records their stage implies
(stakeholders, insights, hypotheses, cycles, learnings, check-ins, stage history), written
with bulk inserts through the peewee models so 10,000 engagements take seconds.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from db.connection import close_database, open_database
from db.models import (
    CheckIn,
    Cycle,
    Engagement,
    Hypothesis,
    Insight,
    Learning,
    LearningEvidence,
    StageMove,
    Stakeholder,
    database,
    new_uuid,
)
from mwms_desktop import framework, health

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ALIGNMENT_MIX = ("aligned", "aligned", "neutral", "misaligned")
_WORDS = (
    "north",
    "harbour",
    "pine",
    "copper",
    "atlas",
    "lumen",
    "fjord",
    "bloom",
    "kestrel",
    "zoë",
    "müller",
    "иванов",
    "studio",
    "labs",
    "goods",
    "co",
)


def _ratings(rng: random.Random) -> dict[str, int]:
    good = rng.randint(1, 3)
    return {t.slug: min(3, max(0, good + rng.randint(-1, 0))) for t in framework.HEALTHY_INDICATORS} | {
        t.slug: min(3, max(0, 3 - good + rng.randint(-1, 0))) for t in framework.UNHEALTHY_SIGNALS
    }


def generate(path: Path, count: int, seed: int = 7) -> Path:
    """Create ``path`` holding ``count`` engagements; returns the path."""
    rng = random.Random(seed)
    open_database(path)
    types = framework.slugs(framework.ENGAGEMENT_TYPES)
    owners = ["Maya Chen", "Jonas Weber", "Priya Nair", "Sam Ortiz"]
    with database.atomic():
        rows = []
        for n in range(count):
            stage = framework.STAGES[n % 6].slug
            entered = NOW - timedelta(days=rng.randint(0, 60))
            name = f"{rng.choice(_WORDS).title()} {rng.choice(_WORDS).title()} {n}"
            rows.append(
                {
                    "uuid": new_uuid(),
                    "updated_at": NOW,
                    "client": name,
                    "engagement_type": rng.choice(types),
                    "owner": rng.choice(owners),
                    "stage": stage,
                    "stage_entered_at": entered,
                    "position": float(n),
                    "status": "active",
                    "created_at": entered - timedelta(days=30),
                    "tags": "bench, generated",
                    "notes": "",
                    "next_action": "Weekly review" if n % 3 else "",
                    "next_action_due": date(2026, 11, 10) if n % 3 else None,
                    "verdict": "qualified",
                    "verdict_note": "",
                    "exp_scope": "",
                    "exp_cadence": "",
                    "exp_success_measures": "",
                    "exp_agreed_on": None,
                    "outcome": "extended_retainer" if stage == "outcome" else None,
                    "outcome_on": date(2026, 11, 1) if stage == "outcome" else None,
                    "outcome_summary": "",
                }
            )
        for chunk in range(0, len(rows), 500):
            Engagement.insert_many(rows[chunk : chunk + 500]).execute()
        ids = [i for (i,) in Engagement.select(Engagement.id).order_by(Engagement.id).tuples()]
        children: dict[type, list[dict]] = {m: [] for m in (Stakeholder, Insight, CheckIn, StageMove)}
        for eid, row in zip(ids, rows, strict=True):
            # The history the window writes: the creation, then one stage at a time.
            reached = framework.stage_index(row["stage"])
            follows = None  # each move names the one it followed (schema 4)
            for j in range(reached + 1):
                move_uuid = new_uuid()
                children[StageMove].append(
                    {
                        "uuid": move_uuid,
                        "after": follows,
                        "updated_at": NOW,
                        "engagement": eid,
                        "from_stage": framework.STAGES[j - 1].slug if j else None,
                        "to_stage": framework.STAGES[j].slug,
                        "moved_at": row["created_at"]
                        if j == 0
                        else row["stage_entered_at"] - timedelta(days=reached - j),
                        "reason": "",
                        "kind": "forward" if j else "created",
                    }
                )
                follows = move_uuid
            for k in range(2):
                children[Stakeholder].append(
                    {
                        "uuid": new_uuid(),
                        "updated_at": NOW,
                        "engagement": eid,
                        "name": f"Person {k}",
                        "role": "Sponsor",
                        "influence": "high",
                        "alignment": rng.choice(ALIGNMENT_MIX),
                        "mitigation": "",
                        "last_contact": None,
                        "note": "",
                    }
                )
            children[Insight].append(
                {
                    "uuid": new_uuid(),
                    "updated_at": NOW,
                    "engagement": eid,
                    "activity": "research",
                    "statement": "Checkout friction on mobile",
                    "detail": "",
                    "recorded_on": date(2026, 9, 1),
                }
            )
            for k in range(3):
                r = _ratings(rng)
                children[CheckIn].append(
                    {
                        "uuid": new_uuid(),
                        "updated_at": NOW,
                        "engagement": eid,
                        "held_on": date(2026, 10, 1) + timedelta(days=10 * k),
                        "ratings": json.dumps(r),
                        "score": health.score(r),
                        "note": "",
                    }
                )
        for model, items in children.items():
            for chunk in range(0, len(items), 500):
                model.insert_many(items[chunk : chunk + 500]).execute()
        for eid in ids[::2]:
            h = Hypothesis.create(
                engagement=eid,
                statement="Shipping costs early",
                impact=7,
                confidence=6,
                ease=None if eid % 3 == 0 else 5,
            )
            c = Cycle.create(
                engagement=eid,
                hypothesis=h if eid % 5 else None,
                title="Test",
                status="evaluated",
                result="win",
            )
            if eid % 7:
                lr = Learning.create(engagement=eid, statement="Price clarity wins")
                LearningEvidence.create(learning=lr, cycle=c)
    close_database()
    return path
