"""The verdict's per-edition tables (checker/evaluate/verdict.py): made once
per edition object, never taken for another edition, let go with the edition.
What the verdict decides is tests/test_differential.py's and the cases'."""
from __future__ import annotations

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
    key = (id(edition), "decisive")
    assert verdict.decisive_components(edition) == ()  # risks only: no power, no decisive rule
    assert key in verdict._per_edition
    del policy, edition
    gc.collect()
    assert key not in verdict._per_edition



def test_a_table_kept_for_another_object_with_the_same_id_is_not_used(monkeypatch):
    shipped = checker_for().policy.editions[0]
    other = checker_for().policy.editions[1]
    monkeypatch.setitem(verdict._per_edition, (id(shipped), "decisive"), (weakref.ref(other), ("stale",)))
    assert verdict.decisive_components(shipped) == verdict._decisive(shipped) != ("stale",)
