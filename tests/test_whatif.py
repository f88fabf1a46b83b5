"""vires whatif: changes in order, verdict before and after, contrastive why, bad changes exit 2."""
from __future__ import annotations

import json

import pytest

from checker.evaluate.checker import checker_for
from checker.explore.whatif import Change, apply_changes, compare, parse_option
from conftest import run_vires

LEEDS = "cases/leeds-2017.yaml"
SOMERSET = "cases/somerset-2014-first-phase.yaml"


OPT_IN_UNSTATED = "cases/hypothetical-icb-scheme-opt-in-unstated-2026.yaml"
CCG_DECISION = "decisions={body: {kind: ccg}, formality: formal, status: granted}"


def test_leeds_as_a_delegated_incentive_scheme_rests_on_the_power_and_awaits_the_ccgs_decision():
    proc = run_vires("whatif", LEEDS, "--set", "change.instrument=local_incentive_scheme", "-f", "json")
    assert proc.returncode == 1, proc.stderr  # pending: the CCGs have not formally decided
    out = json.loads(proc.stdout)
    assert out["before"]["verdict"] == "ultra_vires" and out["after"]["verdict"] == "pending"
    assert out["changes"] == [{"op": "set", "path": "change.instrument", "value": "local_incentive_scheme"}]
    [power] = out["powers"]["appeared"]
    assert (power["target"], power["power"]) == ("qof", "eng15.delegated-ccg-local-scheme")
    assert power["because"] == ["change.instrument"]
    gone = {f["rule"]: f for f in out["decided_by"]["disappeared"]}
    assert gone["no-power:qof"]["because"] == ["change.instrument"]
    assert [f["rule"] for f in out["decided_by"]["appeared"]] == ["eng15.delegated-ccg-local-scheme/made"]
    assert [a["rule"] for a in out["approvals_now_needed"]] == ["eng15.delegated-ccg-local-scheme/made"]


def test_leeds_with_the_ccgs_own_decision_is_valid_and_names_the_power():
    proc = run_vires("whatif", LEEDS, "--set", "change.instrument=local_incentive_scheme", "--add", CCG_DECISION,
                     "-f", "json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["after"]["verdict"] == "valid"
    assert [p["power"] for p in out["after"]["powers_used"]] == ["eng15.delegated-ccg-local-scheme"]
    [power] = out["powers"]["appeared"]
    assert set(power["because"]) == {"change.instrument", "maker.standing"}
    assert [a["body"] for a in out["approvals_now_given"]] == ["ccg"]


def test_text_report_names_before_after_the_power_and_the_missing_power():
    proc = run_vires("whatif", LEEDS, "--set", "change.instrument=local_incentive_scheme", "--add", CCG_DECISION)
    assert proc.returncode == 0
    assert "Before: ULTRA VIRES" in proc.stdout and "After:  VALID" in proc.stdout
    assert "Now rests on" in proc.stdout and "power eng15.delegated-ccg-local-scheme" in proc.stdout
    assert "No longer decided by" in proc.stdout and "reason no-power:qof" in proc.stdout
    assert "obtain the maker's own formal decision" in proc.stdout


def test_obtaining_national_sign_off_makes_somerset_first_phase_valid():
    proc = run_vires("whatif", SOMERSET, "--add",
                     "decisions={body: {kind: nhse_national}, formality: formal, status: granted}", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["after"]["verdict"] == "valid"
    assert [a["body"] for a in out["approvals_now_given"]] == ["nhse_national"]
    assert [f["rule"] for f in out["decided_by"]["disappeared"]] == \
        ["eng13.area-team-local-scheme/national-sign-off"]
    assert out["decided_by"]["disappeared"][0]["because"] == ["standing.nhse_national"]


def test_setting_an_unknown_fact_turns_undetermined_into_a_verdict():
    proc = run_vires("whatif", OPT_IN_UNSTATED, "--set", "change.practice_opt_in=true", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    before = out["before"]
    assert before["verdict"] == "undetermined" and before["decided_by"] == []
    assert before["undetermined"]["possible_verdicts"] == ["ultra_vires", "valid"]
    assert before["undetermined"]["ask"] == ["change.practice_opt_in"]
    assert out["after"]["verdict"] == "valid" and out["after"]["undetermined"] is None
    assert out["settled"] == ["change.practice_opt_in"]
    assert [(p["power"], p["because"]) for p in out["powers"]["appeared"]] == \
        [("eng22.icb-local-scheme", ["change.practice_opt_in"])]


def test_the_other_answer_gives_the_other_verdict_and_the_limit_that_fails():
    proc = run_vires("whatif", OPT_IN_UNSTATED, "--set", "change.practice_opt_in=false", "-f", "json")
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    assert out["after"]["verdict"] == "ultra_vires"
    assert [(f["rule"], f["because"]) for f in out["decided_by"]["appeared"]] == \
        [("eng22.icb-local-scheme/voluntary", ["change.practice_opt_in"])]


def test_text_shows_what_an_undetermined_verdict_could_be_and_what_to_find_out():
    proc = run_vires("whatif", OPT_IN_UNSTATED, "--set", "change.practice_opt_in=true")
    assert "Before: UNDETERMINED" in proc.stdout
    assert "could be ultra vires or valid; find out: change.practice_opt_in" in proc.stdout
    assert "The changes give change.practice_opt_in" in proc.stdout


def test_making_a_fact_unknown_gives_undetermined_exit_4_and_the_verdict_for_each_answer():
    proc = run_vires("whatif", "cases/somerset-2014-enhanced-service.yaml", "--set", "change.practice_opt_in=unknown")
    assert proc.returncode == 4
    assert "After:  UNDETERMINED" in proc.stdout
    assert "if change.practice_opt_in is yes: valid" in proc.stdout
    assert "if change.practice_opt_in is no: ultra vires" in proc.stdout


def test_changes_are_explained_act_by_act():
    # A second target is a second act: its missing power is explained by the
    # change of targets, not by the facts the two acts share.
    proc = run_vires("whatif", "cases/hypothetical-icb-scheme-without-lmc-2023.yaml",
                     "--set", "change.targets=[qof, global_sum]", "-f", "json")
    out = json.loads(proc.stdout)
    assert out["after"]["verdict"] == "ultra_vires"
    assert [(f["rule"], f["because"]) for f in out["decided_by"]["appeared"]] == \
        [("no-power:global_sum", ["change.targets"])]
    assert [m["target"] for m in out["after"]["missing_powers"]] == ["global_sum"]


def test_a_change_that_makes_no_deciding_difference_exits_like_check():
    proc = run_vires("whatif", LEEDS, "--set", "change.income=actual_achievement")
    assert proc.returncode == 1
    assert "After:  ULTRA VIRES" in proc.stdout
    assert "After the changes it is ultra vires, decided by: no-power:qof." in proc.stdout


def test_a_change_that_makes_no_difference_at_all_says_so():
    proc = run_vires("whatif", LEEDS, "--set", "place=Leeds and Wakefield")
    assert proc.returncode == 1
    assert "these changes make no difference" in proc.stdout


def test_changes_apply_in_command_line_order_across_options():
    # remove decisions.0 first, then set the new decisions.0 (once decisions.1)
    proc = run_vires("whatif", LEEDS, "--remove", "decisions.0", "--set", "decisions.0.formality=informal",
                     "--add", "decisions={body: {kind: nhse_region}, status: pending}", "-f", "json")
    out = json.loads(proc.stdout)
    assert [c["op"] for c in out["changes"]] == ["remove", "set", "add"]
    assert "value" not in out["changes"][0]
    # the other order removes the changed decision instead
    other = run_vires("whatif", LEEDS, "--set", "decisions.0.formality=informal", "--remove", "decisions.0",
                      "-f", "json")
    assert [c["op"] for c in json.loads(other.stdout)["changes"]] == ["set", "remove"]


def test_dates_stay_text_and_creating_a_missing_mapping_works():
    checker = checker_for()
    scheme = checker.load(LEEDS)
    data = apply_changes(scheme.data, [parse_option("set", "effective_from=2017-04-01", LEEDS),
                                      parse_option("set", "circumstances.national_incident_level=0", LEEDS)])
    assert data["effective_from"] == "2017-04-01"
    assert data["circumstances"] == {"national_incident_level": 0}
    assert scheme.data["effective_from"] == "2017-01-16"  # the original is untouched


@pytest.mark.parametrize("args, words", [
    (["--set", "change.bogus=1"], "unknown field 'bogus'"),
    (["--set", "change.instrument=nonsense"], "'nonsense' is not an allowed value"),
    (["--set", "decisions.7.status=granted"], "there is no decisions[7]"),
    (["--add", "change.instrument=x"], "is not a list"),
    (["--remove", "consultations.gpc"], "there is no consultations.gpc"),
    (["--set", "change.instrument"], "PATH=VALUE"),
    (["--set", "change.instrument={a"], "not valid YAML"),
    (["--set", "date=2031-01-01"], "existed"),
])
def test_bad_changes_are_located_errors_exit_2(args, words):
    proc = run_vires("whatif", LEEDS, *args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert words in proc.stderr and LEEDS in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_value_points_at_the_line_in_the_scheme():
    proc = run_vires("whatif", LEEDS, "--set", "change.instrument=nonsense")
    assert proc.stderr.startswith(f"{LEEDS}:19:")
    assert "after --set change.instrument=nonsense" in proc.stderr


def test_json_is_byte_identical_between_runs():
    args = ("whatif", LEEDS, "--set", "change.instrument=local_incentive_scheme", "-f", "json")
    assert run_vires(*args).stdout == run_vires(*args).stdout


def test_option_text_round_trips_through_the_parser():
    value = {"body": {"kind": "nhse_national"}, "formality": "formal", "status": "granted", "date": "2017-02-02"}
    change = Change("add", "decisions", value)
    text = change.option(quote=False).split(" ", 1)[1]
    assert parse_option("add", text, "x") == change


def test_compare_api_reports_what_decides_after_and_why():
    checker = checker_for()
    scheme = checker.load("cases/somerset-2014-enhanced-service.yaml")
    comparison = compare(checker, scheme, [Change("set", "change.practice_opt_in", False)])
    assert comparison.after.verdict == "ultra_vires"
    assert [f.rule for f in comparison.decided_appeared] == ["eng13.area-team-local-scheme/voluntary"]
    assert comparison.because["eng13.area-team-local-scheme/voluntary"] == ["change.practice_opt_in"]
    assert [u.power for u in comparison.powers_disappeared] == ["eng13.area-team-local-scheme"]
    assert comparison.moved == {"qof": ["change.practice_opt_in"]}
