"""A policy include resolves inside the policy folder's common/ or is
refused with a located error; on main an include not written exactly
common/NAME.yaml passed the existence check and silently added no rules, so
ultra_vires cases became valid while lint and verify reported nothing."""
from __future__ import annotations

import pytest

import checker
from conftest import CASES, REPO, policy_copy, run_vires

EDITION = "editions/england-2015.yaml"
WRITTEN = "include: [common/england.yaml, common/risks.yaml]"


@pytest.mark.parametrize("include", ["../../policy/common/england.yaml", "/etc/passwd",
                                     "common/../../elsewhere/england.yaml",
                                     "editions/england-2013.yaml", "common"])
def test_an_include_outside_common_is_refused_where_it_is_written(include, tmp_path):
    policy = policy_copy(tmp_path, EDITION, WRITTEN, f"include: [{include}, common/risks.yaml]")
    proc = run_vires("check", "--policy", policy, CASES / "leeds-2017.yaml")
    assert proc.returncode == 2, proc.stdout
    line = 1 + (REPO / "policy" / EDITION).read_text().splitlines().index(WRITTEN)
    assert f"{policy / EDITION}:{line}:" in proc.stderr and "[policy.bad_include]" in proc.stderr


def test_an_absolute_path_is_refused_even_into_the_folder(tmp_path):
    policy = policy_copy(tmp_path / "x", EDITION, WRITTEN,
                         f"include: [{tmp_path / 'x' / 'policy' / 'common' / 'england.yaml'}, common/risks.yaml]")
    proc = run_vires("check", "--policy", policy, CASES / "leeds-2017.yaml")
    assert proc.returncode == 2 and "[policy.bad_include]" in proc.stderr


def test_a_path_written_another_way_into_common_adds_its_rules(tmp_path):
    policy = policy_copy(tmp_path, EDITION, WRITTEN, "include: [./common/england.yaml, common/./risks.yaml]")
    shipped = checker.check_file(CASES / "leeds-2017.yaml")
    mine = checker.check_file(CASES / "leeds-2017.yaml", policy_dir=policy)
    assert mine.finding_ids() == shipped.finding_ids() and mine.verdict == "ultra_vires"


@pytest.mark.parametrize("command", ["lint", "verify"])
def test_lint_and_verify_fail_on_a_policy_that_would_lose_rules(command, tmp_path):
    policy = policy_copy(tmp_path, EDITION, WRITTEN, "include: [/etc/passwd, common/risks.yaml]")
    args = ["lint", policy] if command == "lint" else ["verify", "--policy", policy, "--edition", "england-2015"]
    proc = run_vires(*args)
    assert proc.returncode == 2, proc.stdout
    assert "[policy.bad_include]" in proc.stdout + proc.stderr
