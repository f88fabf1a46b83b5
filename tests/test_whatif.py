"""vires whatif: changes in order, verdict before and after, contrastive why, bad changes exit 2."""
from __future__ import annotations

import json

import pytest

from checker.evaluate.checker import checker_for
from checker.explore.whatif import Change, apply_changes, compare, parse_option
from conftest import run_vires

LEEDS = "cases/leeds-2017.yaml"
SOMERSET = "cases/somerset-2014-first-phase.yaml"


def test_leeds_as_a_delegated_incentive_scheme_is_valid_and_says_why():
    proc = run_vires("whatif", LEEDS, "--set", "change.instrument=local_incentive_scheme", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["before"]["verdict"] == "ultra_vires" and out["after"]["verdict"] == "valid"
    assert out["changes"] == [{"op": "set", "path": "change.instrument", "value": "local_incentive_scheme"}]
    gone = {f["rule"]: f for f in out["disappeared"]}
    assert "eng15.ccg-cannot-change-qof" in gone
    assert gone["eng15.ccg-cannot-change-qof"]["because"] == ["change.instrument"]
    assert gone["eng15.ccg-cannot-change-qof"]["statement"].startswith("No CCG")


def test_text_report_names_before_after_and_the_rule_statements():
    proc = run_vires("whatif", LEEDS, "--set", "change.instrument=local_incentive_scheme")
    assert proc.returncode == 0
    assert "Before: ULTRA VIRES" in proc.stdout and "After:  VALID" in proc.stdout
    assert "No longer applies" in proc.stdout and "eng15.ccg-cannot-change-qof" in proc.stdout


def test_obtaining_national_sign_off_makes_somerset_first_phase_valid():
    proc = run_vires("whatif", SOMERSET, "--add",
                     "decisions={body: {kind: nhse_national}, formality: formal, status: granted}", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["after"]["verdict"] == "valid"
    assert [a["body"] for a in out["approvals_now_given"]] == ["nhse_national"]
    assert out["changes"][0]["value"]["status"] == "granted"


def test_a_change_that_makes_no_difference_exits_like_check():
    proc = run_vires("whatif", LEEDS, "--set", "change.income=actual_achievement")
    assert proc.returncode == 1
    assert "After:  ULTRA VIRES" in proc.stdout


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
    assert proc.stderr.startswith(f"{LEEDS}:21:")
    assert "after --set change.instrument=nonsense" in proc.stderr


def test_json_is_byte_identical_between_runs():
    args = ("whatif", LEEDS, "--set", "change.instrument=local_incentive_scheme", "-f", "json")
    assert run_vires(*args).stdout == run_vires(*args).stdout


def test_option_text_round_trips_through_the_parser():
    value = {"body": {"kind": "nhse_national"}, "formality": "formal", "status": "granted", "date": "2017-02-02"}
    change = Change("add", "decisions", value)
    text = change.option(quote=False).split(" ", 1)[1]
    assert parse_option("add", text, "x") == change


def test_compare_api_reports_appeared_findings():
    checker = checker_for()
    scheme = checker.load("cases/somerset-2014-enhanced-service.yaml")
    comparison = compare(checker, scheme, [Change("set", "change.practice_opt_in", False)])
    assert comparison.after.verdict == "ultra_vires"
    assert [f.rule for f in comparison.appeared] == ["eng.local-scheme-voluntary"]
    assert comparison.because["eng.local-scheme-voluntary"] == ["change.practice_opt_in"]
