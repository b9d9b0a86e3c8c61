"""Learnings reused across engagements: of the learnings recorded in the period, those that
another engagement built a hypothesis or an insight on (a live citation), with the number of
engagements citing them; the same in both paths, in ``report`` and in its JSON."""

from __future__ import annotations

import json
from datetime import date

from db.models import Hypothesis, Learning, LearningCitation
from mwms_desktop.analytics import report
from mwms_desktop.analytics.execution import execution
from mwms_desktop.analytics.source import EngagementFact, Facts, LearningFact, Scope, read_facts
from mwms_desktop.cli import main
from tests.core.library_helpers import portfolio

YEAR = Scope(date(2026, 1, 1), date(2026, 12, 31))


def _fact(eid: int) -> EngagementFact:
    day = date(2026, 1, 1)
    return EngagementFact(eid, f"C{eid}", "consulting", "", "execution", "active", day, None, None, day)


def test_reuse_counts_learnings_of_the_period_cited_by_another_engagement():
    learnings = (
        LearningFact(1, date(2026, 2, 4), frozenset({2, 3})),
        LearningFact(1, date(2026, 2, 9), frozenset({3})),
        LearningFact(1, date(2026, 3, 1)),  # not reused
        LearningFact(2, date(2026, 3, 2), frozenset({1})),
        LearningFact(1, date(2025, 12, 30), frozenset({4})),  # recorded before the period
    )
    result = execution(Facts(date(2026, 12, 31), (_fact(1), _fact(2)), (), (), learnings), YEAR).reuse
    assert (result.share.part, result.share.whole, result.citing_engagements) == (3, 4, 3)
    assert [(m.recorded, m.reused) for m in result.by_month[1:3]] == [(2, 2), (2, 1)]
    assert result.sentence == (
        "Learnings reused across engagements: 3 of 4 learnings recorded in this period (75%) are "
        "cited by at least one other engagement, by 3 engagements in all."
    )
    owner_scoped = execution(Facts(date(2026, 12, 31), (_fact(2),), (), (), learnings[3:4]), YEAR).reuse
    assert (owner_scoped.share.part, owner_scoped.share.whole, owner_scoped.citing_engagements) == (1, 1, 1)


def test_no_learning_in_the_period_says_so_instead_of_a_share():
    result = execution(Facts(date(2026, 12, 31), (_fact(1),), ()), YEAR).reuse
    assert result.share.value is None
    assert result.sentence == "Learnings reused across engagements: no learning was recorded in this period."


def _cite(services, kind: str, eid: int, learning: int, text: str) -> int:
    rid = services.records.add(kind, eid, statement=text).id
    services.citations.cite(kind, rid, learning)
    return rid


def test_hand_built_citations_give_the_same_reuse_in_both_paths_and_in_report(services, db_path, capsys):
    # Learnings: checkout (a), notes_only and muller (b), cyrillic (c), and one each that the
    # walk to Continuous Optimization recorded: 7, all on 2 November.
    ids = portfolio(services)
    _cite(services, "hypothesis", ids["b"], ids["checkout"], "Badges for Müller too")
    _cite(services, "insight", ids["c"], ids["checkout"], "Иванов buyers look for badges")
    _cite(services, "hypothesis", ids["c"], ids["muller"], "Invoices first")
    gone = _cite(services, "hypothesis", ids["a"], ids["cyrillic"], "Reviews before buying")
    services.records.delete("hypothesis", gone)  # its citation stays (for undo) but is not reuse
    # A citation from the learning's own engagement (only a merge or a hand-made file has one).
    own = services.records.add("hypothesis", ids["b"], statement="Invoices again").id
    LearningCitation.create(
        engagement=ids["b"],
        citing_kind="hypothesis",
        citing_uuid=Hypothesis.get_by_id(own).uuid,
        learning_uuid=Learning.get_by_id(ids["notes_only"]).uuid,
        statement="x",
    )
    scope = Scope(date(2026, 1, 1), date(2026, 11, 2))
    fast = report.compute(services, scope)
    reference = report.build(read_facts(services.clock), scope, services.portfolio.cards())
    assert fast == reference
    reuse = fast.execution.reuse
    assert (reuse.share.part, reuse.share.whole, reuse.citing_engagements) == (2, 7, 2)
    consulting = report.compute(services, Scope(scope.since, scope.until, engagement_type="consulting"))
    assert consulting.execution.reuse.share.part == 0  # c's learning: cited only by a removed hypothesis
    assert consulting.execution.reuse.share.whole == 2
    services.close()
    assert (
        main(["--db", str(db_path), "report", "--since", "2026-01-01", "--until", "2026-11-02", "--json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)["execution"]["learnings_reused_across_engagements"]
    assert (data["reused"], data["learnings"], data["citing_engagements"], data["share"]) == (2, 7, 2, 2 / 7)
    assert data["per_month"][-1] == {"month": "2026-11", "recorded": 7, "reused": 2}
    assert main(["--db", str(db_path), "report", "--since", "2026-01-01", "--until", "2026-11-02"]) == 0
    text = capsys.readouterr().out
    assert (
        "Learnings reused across engagements: 2 of 7 learnings recorded in this period (29%) are cited "
        "by at least one other engagement, by 2 engagements in all." in text
    )
    assert "not computed" not in text
