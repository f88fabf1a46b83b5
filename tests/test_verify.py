"""`vires verify`: every scheme of each edition's covering design gets exactly
one verdict through the real engine, within the CI time budget."""
from __future__ import annotations

import json
import time

from checker.reporters.verify import precedence_words
from checker.rules.engine import EngineError, RuleEngine
from checker.rules.policy import load_policy
from checker.trust.verify import verify_edition, verify_policy
from conftest import REPO, run_console, run_vires

SHADOWED = REPO / "tests" / "broken_policies" / "shadowed"


def test_whole_shipped_policy_verifies_within_two_minutes():
    started = time.perf_counter()
    proc = run_console("verify", "--format", "json", timeout=300)
    elapsed = time.perf_counter() - started
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    data = json.loads(proc.stdout)
    assert data["failures"] == 0
    editions = {e["edition"]: e for e in data["editions"]}
    assert set(editions) == {e.id for e in load_policy().editions}
    assert data["schemes"] > 20_000
    for report in editions.values():
        assert report["never_decisive"] == [], report["edition"]
        assert sum(report["verdicts"].values()) == report["schemes"]
    assert elapsed < 120, f"vires verify took {elapsed:.0f} s"


def test_one_edition_in_text():
    proc = run_vires("verify", "--edition", "scotland-2016")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("scotland-2016: ")
    assert "every one got exactly one verdict" in proc.stdout
    assert "never decisive: none" in proc.stdout
    # QOF is abolished: the refusal rule can only fire beside the ultra_vires rule
    assert "sco16.qof-abolished + dev.refusal-stands" in proc.stdout


def test_an_unknown_edition_is_bad_input():
    proc = run_vires("verify", "--edition", "england-2031")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "[verify.unknown_edition]" in proc.stderr and "did you mean 'england-20" in proc.stderr


def test_a_rule_that_never_decides_is_named_and_overlaps_give_precedence():
    policy = load_policy(SHADOWED)
    [report] = verify_policy(policy, jobs=1)
    assert report.failures == []
    assert report.never_decisive == ["t.area-team"]
    [overlap] = report.overlaps
    assert (overlap.first, overlap.second) == ("t.direct-change", "t.area-team")
    assert precedence_words(overlap).startswith("ultra_vires (t.direct-change) over approval_required")
    assert dict(overlap.decided) == {"t.direct-change": overlap.schemes}


class _BrokenEngine:
    """The real engine, except that it fails for every scheme changing QOF."""

    def __init__(self, policy):
        self.real = RuleEngine(policy)

    def fired(self, edition_id, facts):
        if facts["change"]["target"] == "qof":
            raise EngineError("simulated failure")
        return self.real.fired(edition_id, facts)


def test_an_engine_error_is_a_failure_with_the_scheme_that_caused_it():
    policy = load_policy(SHADOWED)
    edition = policy.editions[0]
    report = verify_edition(_BrokenEngine(policy), edition, policy.lifespans)
    assert report.failures
    assert report.failures[0]["problem"] == "EngineError: simulated failure"
    assert report.failures[0]["scheme"]["change.target"] == "qof"
