"""Memory stays flat however many schemes one process checks.

durable-rules keeps each session's state in a fixed-size table; the engine
deletes the state after every check (checker/engine.py), without which the
table fills after a few thousand checks and durable raises MemoryError. The
memos (checker/memo.py) are bounded. Resident memory (VmRSS) is what the
operating system sees, C allocations included; tracemalloc would miss
durable's. `python bench/run.py` prints the figure for 100,000 checks.
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
