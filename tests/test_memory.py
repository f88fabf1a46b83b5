"""Memory stays flat however many schemes one process checks.

durable-rules keeps every session's state until it is deleted, in a table of
1,024 sessions per ruleset, 320 KB each; a fact stays in its session until
it is retracted. The engine keeps one session per ruleset and retracts each
fact after its check (checker/rules/engine.py), so nothing accumulates in
durable; without the retraction the next check of the same session would be
refused, and a session per check never deleted would fill the table after
1,024 checks. The memos (checker/memo.py) are bounded. Resident memory
(VmRSS) is what the operating system sees, C allocations included;
tracemalloc would miss durable's. `python bench/run.py` and
`python bench/engine.py` print the figures for 100,000 checks.
"""
from __future__ import annotations

import resource

import pytest

import checker
import checker.memo
from checker.evaluate.checker import checker_for
from checker.memo import Memo
from conftest import CASES

GROWTH_LIMIT_KB = 8 * 1024


def resident_kb() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # peak, not current: still bounds growth


def library_schemes() -> list[dict]:
    engine = checker_for()
    return [engine.load(path).data for path in sorted(CASES.glob("*.yaml"))]


def growth_over(checks: int, schemes: list[dict], warm_up: int = 1000) -> int:
    for i in range(warm_up):
        checker.check(schemes[i % len(schemes)])
    before = resident_kb()
    for i in range(checks):
        checker.check(schemes[i % len(schemes)])
    return resident_kb() - before


def test_memory_is_flat_over_20000_checks():
    assert growth_over(20_000, library_schemes()) < GROWTH_LIMIT_KB


def test_engine_state_is_released_over_5000_checks_through_durable(monkeypatch):
    """With the memos off every check opens a durable session: 5,000 of them
    would overflow durable's state table if one were kept."""
    monkeypatch.setattr(checker.memo, "ENABLED", False)
    assert growth_over(5_000, library_schemes(), warm_up=300) < GROWTH_LIMIT_KB


def test_engine_memory_is_flat_over_100000_checks_with_and_without_unknowns():
    """The engine alone, no memo: 100,000 checks of 2,000 distinct random
    records over every edition, half of them with unknown facts, so that the
    plain and the dual rulesets' sessions are both used throughout."""
    import random

    from test_truths import nested, record

    from checker.rules.engine import RuleEngine

    policy = checker_for().policy
    rng = random.Random(5)
    editions = [e.id for e in policy.editions]
    work = [(rng.choice(editions), nested(record(rng, 0.2 if i % 2 else 0.0))) for i in range(2_000)]
    with RuleEngine(policy) as engine:
        for i in range(4_000):
            engine.truths(*work[i % len(work)])
        assert {form for _, form in engine._created} == {"plain", "dual"}
        before = resident_kb()
        for i in range(100_000):
            engine.truths(*work[i % len(work)])
        assert resident_kb() - before < GROWTH_LIMIT_KB


def test_memo_forgets_the_oldest_answers_when_full():
    memo = Memo(size=3)
    for i in range(10):
        memo.put(checker.memo.key_of(i), i)
    assert len(memo) == 3
    assert memo.get(checker.memo.key_of(9)) == 9
    assert memo.get(checker.memo.key_of(0)) is None


@pytest.mark.parametrize("a, b", [(1, 1.0), (1, True), ([1], (1,)), ("1", 1), ({"a": 1}, {"a": 1.0})])
def test_memo_keys_keep_apart_values_that_json_schema_tells_apart(a, b):
    assert checker.memo.key_of(a) != checker.memo.key_of(b)


def test_data_that_is_not_plain_is_never_remembered():
    import datetime

    class Text(str):
        pass

    assert checker.memo.key_of({"date": datetime.date(2014, 1, 1)}) is None
    assert checker.memo.key_of({"id": Text("x")}) is None


def test_the_labels_kept_do_not_grow_with_list_positions():
    # label() keeps each field's labels once; a list item's position is not
    # part of the field (the web app's scheme download asks by position).
    from checker.load import schema

    first = schema.label(("decisions", 0, "status"), "granted")
    size = schema._labels.cache_info().currsize
    for i in range(1, 200):
        assert schema.label(("decisions", i, "status"), "granted") == first
    assert schema._labels.cache_info().currsize == size
    assert first == schema.label(("decisions", "*", "status"), "granted") == "Granted"
