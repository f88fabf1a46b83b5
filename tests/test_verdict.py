"""The verdict's per-edition tables (checker/evaluate/verdict.py): made once
per edition object, never taken for another edition, let go with the edition.
What the verdict decides is tests/test_differential.py's and the cases'."""
from __future__ import annotations

import dataclasses
import gc
import weakref

from test_engine import RULES, write_tiny_policy

from checker.evaluate import verdict
from checker.evaluate.checker import checker_for
from checker.rules.policy import read_policy


def test_decisive_components_are_every_power_component_and_each_prohibition_or_refusal():
    for edition in checker_for().policy.editions:
        expected = [c.id for p in edition.powers for c in p.components()]
        expected += [r.id for r in edition.rules if r.effect in ("ultra_vires", "refused")]
        assert list(verdict.decisive_components(edition)) == expected
        assert verdict.decisive_components(edition) is verdict.decisive_components(edition)  # made once


def test_an_editions_tables_go_with_it_and_never_answer_for_another(tmp_path):
    write_tiny_policy(tmp_path, RULES)
    policy, problems = read_policy(tmp_path)
    assert problems == []
    edition = policy.editions[0]
    assert verdict.decisive_components(edition) == ()  # risks only: no power, no decisive rule
    assert edition.derived["decisive"] == ()  # kept on the edition itself
    gone = weakref.ref(edition)
    del policy, edition
    gc.collect()
    assert gone() is None  # nothing else holds the edition (or its tables)


def test_a_copy_of_an_edition_makes_its_own_tables():
    shipped = checker_for().policy.editions[0]
    decisive = verdict.decisive_components(shipped)
    copy = dataclasses.replace(shipped)
    assert copy == shipped and "decisive" not in copy.derived
    copy.derived["decisive"] = ("stale",)
    assert verdict.decisive_components(shipped) is decisive != ("stale",)
