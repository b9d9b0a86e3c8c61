"""Merging engagements that came from the server: each entry passes ``bundle.parse`` (the
validation every bundle passes: nothing arrives that the window could not create), then the
core merge (``check_against_db`` + ``apply``); what this laptop then holds that the server
lacks is marked pending. The caller holds the SQLite transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from peewee import IntegrityError

from db.models import database
from mwms_desktop.bundle.merge import apply, check_against_db
from mwms_desktop.bundle.parse import parse
from mwms_desktop.bundle.schema import Bundle
from mwms_desktop.errors import BundleError
from mwms_desktop.sync import local
from mwms_desktop.sync.entries import Entry, local_entries


@dataclass
class Merged:
    engagements: int = 0
    conflicts: int = 0
    refused: list[str] = field(default_factory=list)


def _name(entry: Entry) -> str:
    client = entry.record.get("client")
    return f"{client!r} ({entry.uuid})" if isinstance(client, str) else entry.uuid


def merge(pairs: list[tuple[Entry, int]], now: datetime) -> Merged:
    """Merge ``(entry, content version)`` pairs from the server and remember that the server
    holds them as they came."""
    out = Merged()
    parsed: list[tuple[Entry, int, Bundle]] = []
    for entry, version in pairs:
        try:
            from mwms_desktop.sync.entries import as_bundle

            parsed.append((entry, version, parse(as_bundle([entry], now))))
        except BundleError as exc:
            out.refused.append(f"From the server, engagement {_name(entry)} was not taken: {exc}")
    if not parsed:
        return out
    try:
        with database.atomic(), local.applying():  # all at once, the usual case
            combined = Bundle(now, [e for _, _, b in parsed for e in b.engagements],
                              [t for _, _, b in parsed for t in b.tombstones])  # fmt: skip
            out.conflicts += apply(combined, check_against_db(combined), now=now).conflicts
        merged = parsed
    except (BundleError, IntegrityError):
        merged = []
        for entry, version, bundle in parsed:  # one by one: a refused one is only itself
            try:
                with database.atomic(), local.applying():
                    out.conflicts += apply(bundle, check_against_db(bundle), now=now).conflicts
                merged.append((entry, version, bundle))
            except (BundleError, IntegrityError) as exc:
                out.refused.append(f"From the server, engagement {_name(entry)} was not taken: {exc}")
    out.engagements += len(merged)
    after = local_entries([e.uuid for e, _, _ in merged], now)
    differs = []
    for entry, version, _ in merged:
        theirs = entry.digests()
        local.remember(entry.uuid, version, theirs)
        mine = after.get(entry.uuid)
        if mine is not None and mine.digests() != theirs:
            differs.append(entry.uuid)  # the merge kept something the server lacks
    if differs:
        local.mark_pending(differs)
    return out
