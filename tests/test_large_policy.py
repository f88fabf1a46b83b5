"""An edition of any size within the documented limits checks in time linear
in its rules, or is refused with a located error naming the limit. On main an
edition of more than about 512 rules hung `check` and `lint` at 100% CPU
(512 rules: 0.44 s; 514: never finished): durable-rules' ruleset cannot hold
them. The engine now splits large editions into rulesets it can hold, and
the policy loader refuses a component beyond durable's limits
(``checker.rules.compile.check_budget``, from ``policy.over_limits``). Run
in a subprocess with a timeout, so the suite never hangs."""
from __future__ import annotations

import os
import subprocess

from conftest import CASES, VIRES, policy_copy

RULES = 600


def _big_policy(tmp_path, count: int):
    rules = "".join(f"""
  - id: big.r{i}
    statement: Rule {i} of a large edition.
    basis: a test of size
    sources: [nhs-act-2006-s3]
    when: {{field: consultations.local_weeks, eq: {1000 + i}}}
    effect: {{kind: risk}}
""" for i in range(count))
    return policy_copy(tmp_path, "editions/england-2015.yaml", "\nrules:\n", "\nrules:\n" + rules)


def test_an_edition_of_600_rules_is_checked_or_refused_in_seconds(tmp_path):
    policy = _big_policy(tmp_path, RULES)
    proc = subprocess.run([str(VIRES), "check", "--format", "table", "--policy", str(policy),
                           str(CASES / "leeds-2017.yaml")], capture_output=True, text=True, timeout=15,
                          env=dict(os.environ, VIRES_NO_CACHE="1"))
    if proc.returncode == 2:  # refused: located in the edition, naming the limit
        first = proc.stderr.splitlines()[0]
        assert f"{policy / 'editions' / 'england-2015.yaml'}:" in first and "[policy." in first
        assert any(ch.isdigit() for ch in first.split(": error: ")[1]), first
    else:
        assert proc.returncode == 1 and "ultra_vires" in proc.stdout, proc.stderr
