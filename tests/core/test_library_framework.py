"""Framework fidelity: cycle kinds (win / loss where it means something) and what a
learning refines, as data from the framework."""

from __future__ import annotations

import pytest

from mwms_desktop import framework as fw
from mwms_desktop.errors import ValidationError


def test_the_vocabulary_is_the_frameworks():
    assert fw.slugs(fw.CYCLE_KINDS) == ("experimentation_cycle", "iterative_improvement",
                                        "prioritized_initiative", "implementation_cycle",
                                        "structured_evaluation")  # fmt: skip
    assert [t.label for t in fw.REFINEMENTS] == ["Prioritization refinement", "Improved hypothesis quality",
                                                 "Refined measurement clarity", "Deeper customer insight",
                                                 "Expanded opportunity identification"]  # fmt: skip


@pytest.mark.parametrize("kind", ["prioritized_initiative", "implementation_cycle", "structured_evaluation"])
def test_a_win_or_loss_applies_only_where_it_means_something(services, kind):
    eid = services.portfolio.add("Acme").id
    with pytest.raises(ValidationError, match="is not won or lost") as exc:
        services.records.add("cycle", eid, title="Roll-out", kind=kind, status="evaluated", result="win")
    assert "\n" not in str(exc.value)
    assert services.lifecycle.detail(eid).cycles == ()
    done = services.records.add(
        "cycle", eid, title="Roll-out", kind=kind, status="evaluated", result="inconclusive"
    )
    assert done.kind == kind


@pytest.mark.parametrize("kind", ["experimentation_cycle", "iterative_improvement"])
def test_tests_and_improvements_are_won_or_lost(services, kind):
    eid = services.portfolio.add("Acme").id
    assert (
        services.records.add("cycle", eid, title="A/B", kind=kind, status="evaluated", result="loss").result
        == "loss"
    )


def test_a_learning_refines_none_one_or_several(services):
    eid = services.portfolio.add("Acme").id
    rec = services.records
    assert rec.add("learning", eid, statement="A").refinements == ()
    two = rec.add(
        "learning", eid, statement="B", refinements=["deeper_customer_insight", "prioritization_refinement"]
    )
    assert two.refinements == (
        "prioritization_refinement",
        "deeper_customer_insight",
    )  # the framework's order
    with pytest.raises(ValidationError, match="Refines must be one of"):
        rec.add("learning", eid, statement="C", refinements=["better vibes"])
