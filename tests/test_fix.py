"""vires fix: smallest fixes, replayed through whatif; history never rewritten; negotiation file checked."""
from __future__ import annotations

import functools
import json

import pytest

from checker.evaluate.checker import checker_for
from checker.explore.fix import find_fixes
from checker.explore.whatif import change_from_dict, compare
from checker.reporters.fix import report_dict
from checker.rules.policy import read_policy
from conftest import CASES, REPO, policy_copy, run_vires

ALL_CASES = sorted(CASES.glob("*.yaml"))


@functools.lru_cache(maxsize=None)
def _report(case):
    """The fix search on a library case (shared by the tests below: it is the slow part)."""
    checker = checker_for()
    scheme = checker.load(case)
    return scheme, find_fixes(checker, scheme)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda p: p.stem)
def test_every_case_is_valid_or_has_fixes_that_replay_or_says_what_stands_in_the_way(case):
    scheme, report = _report(case)
    if report.before.verdict == "valid":
        assert report.fixes == [] and report.tried == 0, "a valid scheme needs no search"
    elif report.fixes:
        for fix in report_dict(report)["fixes"]:
            assert fix["verdict"] == "valid"
            changes = [change_from_dict(c) for c in fix["changes"]]
            assert compare(checker_for(), scheme, changes).after.verdict == "valid", fix
    else:
        # No fix within reach: the report names, for each rule deciding the
        # verdict, the facts it tests and whether each is negotiable.
        assert {f.rule for f, _ in report.blockers} == set(report.before.decided_by)
        assert all(facts for _, facts in report.blockers)


def test_the_library_has_cases_of_all_three_kinds():
    kinds = {"valid" if r.before.verdict == "valid" else "fixed" if r.fixes else "blocked"
             for r in (_report(case)[1] for case in ALL_CASES)}
    assert kinds == {"valid", "fixed", "blocked"}


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda p: p.stem)
def test_no_candidate_change_edits_or_removes_a_decision_of_record(case):
    # Every fix is made of candidate changes, so checking every candidate
    # (there are some for every case) checks every fix there can be.
    checker = checker_for()
    scheme = checker.load(case)
    candidates = _candidates(checker, scheme, ())
    assert candidates, "every case has something a negotiator can change"
    refused = {d["body"]["kind"] for d in scheme.data.get("decisions", []) if d["status"] == "refused"}
    for change in candidates:
        assert not change.path.startswith("decisions."), f"{change} edits a decision of record"
        if change.path == "decisions":
            assert change.op == "add" and change.value["body"]["kind"] not in refused, change


def test_leeds_gets_the_delegated_incentive_scheme_as_a_fix():
    proc = run_vires("fix", "cases/leeds-2017.yaml", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    fixes = json.loads(proc.stdout)["fixes"]
    assert {"op": "set", "path": "change.instrument", "value": "local_incentive_scheme"} in \
        [c for f in fixes for c in f["changes"]]
    first = fixes[0]
    assert len(first["changes"]) == 1 and first["verdict"] == "valid"
    assert "eng15.ccg-cannot-change-qof" in first["no_longer"]
    assert all("holds" in f for f in fixes)


def test_the_replay_command_in_the_json_runs_to_valid():
    fix = json.loads(run_vires("fix", "cases/somerset-2014-first-phase.yaml", "-f", "json").stdout)["fixes"][0]
    import shlex
    argv = shlex.split(fix["replay"])
    assert argv[:2] == ["vires", "whatif"]
    proc = run_vires(*argv[1:])
    assert proc.returncode == 0 and "After:  VALID" in proc.stdout


def test_fixes_come_smallest_first_and_limit_goes_on_to_larger_sizes():
    checker = checker_for()
    mixed = 0
    for case in ALL_CASES:
        scheme = checker.load(case)
        smallest = [len(a.changes) for a, _ in find_fixes(checker, scheme).fixes]
        assert len(set(smallest)) <= 1  # without --limit: only the smallest size
        more = find_fixes(checker, scheme, limit=8).fixes
        sizes = [len(a.changes) for a, _ in more]
        assert sizes == sorted(sizes) and sizes[:len(smallest)] == smallest
        mixed += len(set(sizes)) > 1
        for attempt, _ in more:  # a fix never contains a smaller fix
            assert not any(set(a.changes) < set(attempt.changes) for a, _ in more)
    assert mixed, "no case in the library has fixes of two sizes"


def test_a_refusal_of_record_is_not_fixed_and_the_report_says_why():
    proc = run_vires("fix", "cases/cumbria-2014.yaml")
    assert proc.returncode == 1
    assert "No set of up to 3 change(s)" in proc.stdout
    assert "What stands in the way" in proc.stdout
    assert "eng.nhse-refusal-stands" in proc.stdout and "a fact of record" in proc.stdout


def test_closest_attempts_rank_pending_before_refused_before_ultra_vires():
    from checker.explore.fix import CLOSENESS, Attempt
    assert CLOSENESS["pending"] < CLOSENESS["refused"] < CLOSENESS["ultra_vires"]
    class R:  # a minimal stand-in for a Result
        def __init__(self, verdict):
            self.verdict, self.decided_by, self.risks = verdict, ["x"], []
    ranked = sorted([Attempt((1, 2), R("ultra_vires"), (0,)), Attempt((1, 2, 3), R("pending"), (1,)),
                     Attempt((1,), R("refused"), (2,))], key=Attempt.rank)
    assert [a.result.verdict for a in ranked] == ["pending", "refused", "ultra_vires"]


def test_a_valid_scheme_needs_no_fix():
    proc = run_vires("fix", "cases/somerset-2014-enhanced-service.yaml", "-f", "json")
    assert proc.returncode == 0
    out = json.loads(proc.stdout)
    assert out["fixes"] == [] and out["before"]["verdict"] == "valid"


def test_free_makes_a_fact_of_record_negotiable_for_one_run():
    checker = checker_for()
    scheme = checker.load(CASES / "leeds-2017.yaml")
    plain = {c.path for c in _candidates(checker, scheme, ())}
    freed = {c.path for c in _candidates(checker, scheme, ("proposers.*.co_commissioning",))}
    assert "proposers.0.co_commissioning" not in plain
    assert "proposers.0.co_commissioning" in freed


def _candidates(checker, scheme, free):
    from checker.explore.fix import candidate_changes
    from checker.rules.negotiation import Negotiation
    return candidate_changes(scheme, Negotiation.from_policy(checker.policy.negotiation), free)


@pytest.mark.parametrize("path, words", [("decisions.0.status", "is history"), ("nonsense.path", "not a path"),
                                         ("title", "no fixed set of values")])
def test_bad_free_is_a_located_error(path, words):
    proc = run_vires("fix", "cases/cumbria-2014.yaml", "--free", path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert words in proc.stderr and "[fix.bad_free]" in proc.stderr


def test_json_is_byte_identical_between_runs():
    args = ("fix", "cases/thanet-2014.yaml", "--limit", "4", "-f", "json")
    assert run_vires(*args).stdout == run_vires(*args).stdout


@pytest.mark.parametrize("old, new, code", [
    ("path: change.scope", "path: change.scop", "negotiation.unknown_path"),
    ("try: [quarterly]", "try: [weekly]", "negotiation.bad_value"),
    ("- path: objections", "- path: change.instrument", "negotiation.conflict"),
    ("label: consult the LMC", "lable: consult the LMC", "negotiation.unknown_field"),
    ("path: consultations.local_weeks\n      label: weeks of local consultation\n      try: [12]",
     "path: consultations.local_weeks\n      label: weeks of local consultation\n      try: schema",
     "negotiation.no_choices"),
])
def test_a_bad_negotiation_file_is_a_located_policy_error(tmp_path, old, new, code):
    _, problems = read_policy(policy_copy(tmp_path, "negotiation.yaml", old, new))
    assert [p.code for p in problems] == [code]
    assert problems[0].file.endswith("negotiation.yaml") and problems[0].line > 0


def test_the_shipped_negotiation_file_is_valid_and_declares_history():
    policy, problems = read_policy(REPO / "policy")
    assert problems == []
    records = {r["path"]: r for r in policy.negotiation["record"]}
    assert records["decisions"]["history"] is True
    assert "jurisdiction" in records


def test_the_fix_benchmark_runs_and_meets_the_target():
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "fix_bench.py"), "--repeat", "1"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # exit 1 means a case took 1 s or more
    assert "median" in proc.stdout and "max" in proc.stdout
