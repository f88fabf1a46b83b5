"""vires fix: smallest fixes, replayed through whatif; history never rewritten; negotiation file checked."""
from __future__ import annotations

import functools
import json

import pytest

from checker.evaluate.checker import checker_for
from checker.explore.fix import find_fixes
from checker.explore.whatif import apply_changes, change_from_dict, compare
from checker.load.yamlfile import yaml_text
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
            after = compare(checker_for(), scheme, changes).after
            # valid, determined, and resting on a power for every act: never merely undetermined
            assert after.verdict == "valid" and after.undetermined is None, fix
            assert [u.target for u in after.powers_used] == scheme.data["change"]["targets"], fix
            assert fix["powers_used"] == [{"target": u.target, "power": u.power} for u in after.powers_used]
    else:
        # Blocked: the report names, for each reason the verdict rests on (or
        # each fact it depends on), the facts behind it, and at least one of
        # them is a fact of record, which no fix changes.
        expected = report.before.undetermined.ask if report.before.undetermined else report.before.decided_by
        assert [b.reason for b in report.blockers] == list(expected)
        assert all(b.facts for b in report.blockers)
        assert any(b.of_record() for b in report.blockers), report.blockers
        blocked = report_dict(report)["blocked"]
        assert blocked["reasons"] and blocked["at_any_size"] == bool(report.never)


def test_the_library_has_cases_of_all_three_kinds():
    kinds = {"valid" if r.before.verdict == "valid" else "fixed" if r.fixes else "blocked"
             for r in (_report(case)[1] for case in ALL_CASES)}
    assert kinds == {"valid", "fixed", "blocked"}


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda p: p.stem)
def test_no_candidate_change_edits_a_decision_of_record_or_sets_a_fact_unknown(case):
    # Every fix is made of candidate changes, so checking every candidate
    # (there are some for every case) checks every fix there can be.
    checker = checker_for()
    scheme = checker.load(case)
    candidates = _candidates(checker, scheme, ())
    assert candidates, "every case has something a negotiator can change"
    unsure = {d["body"]["kind"] for d in scheme.data.get("decisions", []) if d["status"] in ("refused", "unknown")}
    for change in candidates:
        assert not change.path.startswith("decisions."), f"{change} edits a decision of record"
        assert change.value != "unknown", f"{change} makes a fact unknown"
        if change.path == "decisions":
            assert change.op == "add" and change.value["status"] == "granted", change
            assert change.value["formality"] == "formal", change
            assert change.value["body"]["kind"] not in unsure, f"{change} grants for a body that refused"


def test_leeds_gets_the_delegated_incentive_scheme_with_the_ccgs_own_decision():
    proc = run_vires("fix", "cases/leeds-2017.yaml", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    fixes = json.loads(proc.stdout)["fixes"]
    first = fixes[0]
    assert first["changes"] == [
        {"op": "set", "path": "change.instrument", "value": "local_incentive_scheme"},
        {"op": "add", "path": "decisions", "value": {"body": {"kind": "ccg"}, "formality": "formal",
                                                     "status": "granted"}}]
    assert first["verdict"] == "valid" and first["no_longer"] == ["no-power:qof"]
    assert first["powers_used"] == [{"target": "qof", "power": "eng15.delegated-ccg-local-scheme"}]
    assert all("holds" in f for f in fixes)


def test_the_text_says_a_fix_obtains_the_makers_own_decision():
    proc = run_vires("fix", "cases/hypothetical-federation-scheme-2023.yaml")
    assert proc.returncode == 0
    assert "obtain the maker's own formal decision to make it: Integrated care board (ICB)" in proc.stdout
    assert "QOF then rests on:" in proc.stdout


def test_a_fix_may_agree_a_fact_the_scheme_leaves_unknown():
    proc = run_vires("fix", "cases/hypothetical-icb-scheme-opt-in-unstated-2026.yaml", "-f", "json")
    assert proc.returncode == 0
    out = json.loads(proc.stdout)
    assert out["before"]["verdict"] == "undetermined" and out["before"]["ask"] == ["change.practice_opt_in"]
    [fix] = out["fixes"]
    assert fix["changes"] == [{"op": "set", "path": "change.practice_opt_in", "value": True}]
    assert fix["agreed"] == ["change.practice_opt_in"]
    text = run_vires("fix", "cases/hypothetical-icb-scheme-opt-in-unstated-2026.yaml").stdout
    assert "(the scheme does not say: agree it this way)" in text


ICB_QOF = ["hypothetical-icb-suspension-2023", "hypothetical-icb-cuts-qof-point-value-2026"]


@pytest.mark.parametrize("case", ICB_QOF)
def test_no_fix_keeps_an_icbs_direct_change_to_qof(case):
    # Consultation, however long, gives an ICB no power over QOF payments: no
    # fix may keep the direct payment change by an ICB and only add consultation.
    checker = checker_for()
    scheme = checker.load(CASES / f"{case}.yaml")
    report = find_fixes(checker, scheme, max_changes=3, limit=50)
    assert report.before.verdict == "ultra_vires" and report.fixes
    for attempt, _ in report.fixes:
        data = apply_changes(scheme.data, attempt.changes)
        assert not (data["maker"]["kind"] == "icb" and data["change"]["instrument"] == "direct_payment_change"), \
            attempt.changes
        assert attempt.result.powers_used and all(u.power.startswith("eng22.icb-") for u in
                                                  attempt.result.powers_used)
        assert {c.path for c in attempt.changes} != {"consultations.local_weeks"}


def test_an_unknown_maker_is_of_record_and_free_maker_finds_who_could_make_it(tmp_path):
    text = (CASES / "hypothetical-icb-scheme-opt-in-unstated-2026.yaml").read_text()
    path = tmp_path / "no-maker.yaml"
    path.write_text("\n".join(line for line in text.splitlines() if not line.startswith("maker:")) + "\n")
    blocked = json.loads(run_vires("fix", path, "-f", "json").stdout)
    assert blocked["fixes"] == [] and blocked["before"]["ask"] == ["maker", "change.practice_opt_in"]
    reasons = {r["reason"]: r for r in blocked["blocked"]["reasons"]}
    assert reasons["maker"]["facts"][0]["record"] is True
    freed = json.loads(run_vires("fix", path, "--free", "maker", "-f", "json").stdout)
    [fix] = freed["fixes"]
    assert {"op": "set", "path": "maker", "value": {"kind": "icb"}} in fix["changes"]
    assert set(fix["agreed"]) == {"maker", "change.practice_opt_in"}


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda p: p.stem)
def test_a_scheme_proven_unfixable_has_no_fix_when_searched(case, monkeypatch):
    # never_valid skips the search; searching anyway must find nothing.
    scheme, report = _report(case)
    if not report.never:
        assert report.fixes or report.before.verdict == "valid" or report.tried, "blocked only after a search"
        return
    import checker.explore.fix as module
    monkeypatch.setattr(module, "never_valid", lambda *args: [])
    searched = find_fixes(checker_for(), scheme)
    assert searched.fixes == [] and searched.tried > 0


def test_the_replay_command_in_the_json_runs_to_valid():
    fix = json.loads(run_vires("fix", "cases/somerset-2014-first-phase.yaml", "-f", "json").stdout)["fixes"][0]
    import shlex
    argv = shlex.split(fix["replay"])
    assert argv[:2] == ["vires", "whatif"]
    proc = run_vires(*argv[1:])
    assert proc.returncode == 0 and "After:  VALID" in proc.stdout


@pytest.mark.parametrize("case, free", [(case, ()) for case in ALL_CASES] + [(CASES / "leeds-2017.yaml", ("maker",))],
                         ids=lambda p: p.stem if hasattr(p, "stem") else "free-" + "-".join(p) if p else "")
def test_fixes_come_smallest_first_and_limit_goes_on_to_larger_sizes(case, free):
    checker = checker_for()
    scheme = checker.load(case)
    smallest = [len(a.changes) for a, _ in find_fixes(checker, scheme, free=free).fixes]
    assert len(set(smallest)) <= 1  # without --limit: only the smallest size
    more = find_fixes(checker, scheme, limit=8, free=free).fixes
    sizes = [len(a.changes) for a, _ in more]
    assert sizes == sorted(sizes) and sizes[:len(smallest)] == smallest
    for attempt, _ in more:  # a fix never contains a smaller fix
        assert not any(set(a.changes) < set(attempt.changes) for a, _ in more)
    if free:  # another maker is a longer way round: the region's own scheme, after the CCGs' own
        assert sizes == [2, 2, 3, 3]
        assert {"op": "set", "path": "maker", "value": {"kind": "nhse_region"}} in \
            [c.to_dict() for c in more[2][0].changes]


def test_a_refusal_of_record_is_not_fixed_and_the_report_says_why():
    proc = run_vires("fix", "cases/cumbria-2014.yaml")
    assert proc.returncode == 1
    assert "No change to the negotiable facts, however many, makes this scheme valid" in proc.stdout
    assert "What stands in the way" in proc.stdout
    assert "eng13.area-team-local-scheme/made" in proc.stdout and "a fact of record" in proc.stdout
    assert "NHS England area team refused: only possible by adopting the Devon and Cornwall" in proc.stdout


def test_a_search_that_finds_nothing_within_reach_says_so():
    proc = run_vires("fix", "cases/hypothetical-board-pause-2014.yaml", "-f", "json")
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    assert out["blocked"]["at_any_size"] is False and out["search"]["tried"] > 0
    [reason] = out["blocked"]["reasons"]
    assert reason["reason"] == "eng13.board-pause-2014-15"
    assert {f["path"] for f in reason["facts"] if f["record"]} == {"change.targets", "date"}


def test_closest_attempts_rank_pending_before_undetermined_before_refused_before_ultra_vires():
    from checker.evaluate.result import Undetermined
    from checker.explore.fix import CLOSENESS, Attempt
    assert CLOSENESS["valid"] < CLOSENESS["pending"] < CLOSENESS["refused"] < CLOSENESS["ultra_vires"]

    class R:  # a minimal stand-in for a Result
        def __init__(self, verdict, could=None):
            self.verdict, self.decided_by, self.risks = verdict, ["x"], []
            self.undetermined = Undetermined(tuple(could), (), ()) if could else None
    ranked = sorted([Attempt((1, 2), R("ultra_vires"), (0,)), Attempt((1, 2, 3), R("pending"), (1,)),
                     Attempt((1,), R("refused"), (2,)),
                     Attempt((1,), R("undetermined", ["pending", "valid"]), (3,))], key=Attempt.rank)
    assert [a.result.verdict for a in ranked] == ["pending", "undetermined", "refused", "ultra_vires"]


def test_a_valid_scheme_needs_no_fix():
    proc = run_vires("fix", "cases/somerset-2014-enhanced-service.yaml", "-f", "json")
    assert proc.returncode == 0
    out = json.loads(proc.stdout)
    assert out["fixes"] == [] and out["before"]["verdict"] == "valid"


def test_free_makes_a_fact_of_record_negotiable_for_one_run():
    checker = checker_for()
    scheme = checker.load(CASES / "leeds-2017.yaml")
    plain = {(c.path, yaml_text(c.value)) for c in _candidates(checker, scheme, ())}
    freed = {(c.path, yaml_text(c.value)) for c in _candidates(checker, scheme, ("maker.co_commissioning",))}
    assert ("maker.co_commissioning", "joint") not in plain
    assert ("maker.co_commissioning", "joint") in freed
    makers = {c.value["kind"] for c in _candidates(checker, scheme, ("maker",)) if c.path == "maker"}
    assert "nhse_region" in makers and "icb" not in makers  # ICBs did not exist in February 2017


def _candidates(checker, scheme, free):
    from checker.explore.fix import candidate_changes
    from checker.rules.negotiation import Negotiation
    return candidate_changes(scheme, Negotiation.from_policy(checker.policy.negotiation), free,
                             checker.policy.lifespans)


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
    ("try: [quarterly]", "try: [unknown]", "negotiation.bad_value"),
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


# --- fixes respect time (issue 12) -------------------------------------------

def test_a_consultation_of_n_weeks_says_by_when_and_is_flagged_when_too_late():
    from checker.explore.fix import deadlines
    from checker.explore.whatif import Change

    data = {"date": "2023-11-06", "effective_from": "2024-01-01", "effective_to": "2024-03-31"}
    (d,) = deadlines(data, [Change("set", "consultations.local_weeks", 12)])
    assert (d.what, d.by, d.done, d.late) == ("consultation_weeks", "2023-10-09", "2024-01-29", "started")
    (d,) = deadlines({**data, "effective_to": "2024-01-15"}, [Change("set", "consultations.local_weeks", 12)])
    assert d.late == "ended"
    (d,) = deadlines({**data, "date": "2023-09-01"}, [Change("set", "consultations.local_weeks", 12)])
    assert d.late == "" and d.by == "2023-10-09"
    # a fix that also moves the start is counted from the new start
    moved = deadlines(data, [Change("set", "consultations.local_weeks", 12), Change("set", "effective_from", "2024-04-01")])
    assert [(x.by, x.late) for x in moved] == [("2024-01-08", "")]
    # an approval or a consultation is needed by the start; after it, it is flagged
    (a,) = deadlines({**data, "date": "2024-02-01"}, [Change("add", "decisions", {"body": {"kind": "icb"}})])
    assert (a.what, a.body, a.by, a.late) == ("approval", "icb", "2024-01-01", "started")
    (c,) = deadlines({"date": "2023-11-06"}, [Change("set", "consultations.lmc", True)])
    assert (c.by, c.late) == ("", "")  # no start given: no date, nothing flagged
    assert deadlines(data, [Change("set", "change.income", "actual_achievement")]) == []


def test_the_fix_report_says_by_when_and_flags_a_late_consultation():
    proc = run_vires("fix", CASES / "hypothetical-icb-funded-qof-support-2023.yaml")
    assert "! By when: The 12 weeks' consultation must begin by 9 October 2023" in proc.stdout
    assert "after the scheme would have started" in proc.stdout
    data = json.loads(run_vires("fix", CASES / "hypothetical-icb-funded-qof-support-2023.yaml",
                                "--format", "json").stdout)
    late = [d for f in data["fixes"] for d in f["deadlines"] if d["what"] == "consultation_weeks"]
    assert late and all(d["late"] == "started" and d["by"] == "2023-10-09" for d in late)
    assert all("deadlines" in f for f in data["fixes"])
