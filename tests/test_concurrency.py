"""`checker.check` from many threads at once gives exactly the serial answers.

The rule engine keeps per-session state inside durable-rules, behind one
lock (checker/engine.py); the memos (checker/memo.py) are shared too. Both
paths are exercised: with the memos, and with them switched off so that
every check goes through durable.
"""
from __future__ import annotations

import sys
import threading

import pytest

import checker
import checker.memo
from conftest import CASES

THREADS, CHECKS_PER_THREAD = 8, 500


def library_schemes() -> list[dict]:
    """The case library's schemes, as plain data (case keys included: check ignores them)."""
    from checker.evaluate.checker import checker_for

    engine = checker_for()
    return [engine.load(path).data for path in sorted(CASES.glob("*.yaml"))]


@pytest.fixture
def busy_switching():
    """Switch threads as often as the interpreter allows, to provoke races."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


@pytest.mark.parametrize("memos", [True, False], ids=["memos", "every_check_through_durable"])
def test_eight_threads_get_the_serial_results(memos, monkeypatch, busy_switching):
    monkeypatch.setattr(checker.memo, "ENABLED", memos)
    schemes = library_schemes()
    assert len(schemes) >= 4
    serial = [checker.check(s).to_dict() for s in schemes]
    wrong, errors = [], []
    start = threading.Barrier(THREADS)

    def worker(t):
        try:
            start.wait()
            for i in range(CHECKS_PER_THREAD):
                k = (t * 7 + i) % len(schemes)  # threads start at different schemes
                got = checker.check(schemes[k]).to_dict()
                if got != serial[k]:
                    wrong.append((t, i, schemes[k]["id"]))
        except BaseException as err:  # reported below, not lost in the thread
            errors.append(repr(err))

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert wrong == []
