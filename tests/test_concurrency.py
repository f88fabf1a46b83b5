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


def test_twenty_processes_on_a_cold_cache_all_get_their_verdicts(tmp_path):
    """20 `vires check` processes start at once with an empty cache folder:
    every verdict is right, and the cache ends holding one whole entry and no
    temporary file (each writer renames its own complete file into place)."""
    import hashlib
    import os
    import subprocess

    import yaml

    from conftest import VIRES

    cache = tmp_path / "cache"
    cases = sorted(CASES.glob("*.yaml"))[:20]
    env = dict(os.environ, VIRES_CACHE_DIR=str(cache))
    env.pop("VIRES_NO_CACHE", None)
    procs = [subprocess.Popen([str(VIRES), "check", "--format", "json", str(case)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for case in cases]
    for case, proc in zip(cases, procs):
        out, err = proc.communicate(timeout=300)
        expected = yaml.safe_load(case.read_text())["expect"]["verdict"]
        assert proc.returncode == (0 if expected == "valid" else 1) and err == "", (case.name, err)
        assert __import__("json").loads(out)[0]["verdict"] == expected, case.name
    (entry,) = cache.iterdir()
    head, body = entry.read_bytes().split(b"\n", 1)
    assert entry.name.startswith("policy-") and head.endswith(hashlib.sha256(body).hexdigest().encode())
