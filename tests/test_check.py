"""`vires check` end to end: the four first cases, text and JSON, exit codes."""
from __future__ import annotations

import json

import pytest

import checker
from conftest import CASES, policy_copy, run_vires

FIRST_CASES = {
    "somerset-2014-enhanced-service": ("valid", ["eng13.area-team-agreement", "eng13.national-sign-off"]),
    "somerset-2014-first-phase": ("pending", ["eng13.national-sign-off"]),
    "leeds-2017": ("ultra_vires", ["eng15.ccg-cannot-change-qof"]),
    "cumbria-2014": ("refused", ["eng.nhse-refusal-stands", "eng13.area-team-agreement"]),
}


@pytest.mark.parametrize("name", sorted(FIRST_CASES))
def test_api_verdict_and_reasons(name):
    verdict, decided_by = FIRST_CASES[name]
    result = checker.check_file(CASES / f"{name}.yaml")
    assert result.verdict == verdict
    assert result.decided_by == decided_by


@pytest.mark.parametrize("name", sorted(FIRST_CASES))
def test_text_report_says_verdict_first_and_why(name):
    verdict, decided_by = FIRST_CASES[name]
    proc = run_vires("check", CASES / f"{name}.yaml")
    assert proc.returncode == (0 if verdict == "valid" else 1), proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[1].strip().startswith(verdict.upper().replace("_", " ") + ":")
    assert "Why" in proc.stdout
    for rule in decided_by:
        assert f"rule {rule};" in proc.stdout
    assert "\x1b[" not in proc.stdout  # no colour codes when not a terminal


def test_json_report_one_object_per_file_in_argument_order():
    names = ["leeds-2017", "somerset-2014-enhanced-service", "cumbria-2014", "somerset-2014-first-phase"]
    proc = run_vires("check", "--format", "json", *[CASES / f"{n}.yaml" for n in names])
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert [d["scheme"] for d in data] == names
    for d in data:
        for key in ("file", "scheme", "verdict", "findings", "approvals_needed", "risks", "edition"):
            assert key in d
        assert d["verdict"] == FIRST_CASES[d["scheme"]][0]
        assert all({"rule", "effect", "statement", "basis", "sources"} <= set(f) for f in d["findings"])


def test_pending_names_who_must_approve():
    data = checker.check_file(CASES / "somerset-2014-first-phase.yaml").to_dict()
    assert [a["body"] for a in data["approvals_needed"]] == ["nhse_national"]
    assert data["approvals_needed"][0]["status"] == "not_sought"
    assert [a["body"] for a in data["approvals_given"]] == ["area_team"]


def test_ultra_vires_names_lawful_routes_and_needs_no_approval():
    data = checker.check_file(CASES / "leeds-2017.yaml").to_dict()
    assert data["approvals_needed"] == []
    assert "eng15.route-delegated-incentive-scheme" in [r["rule"] for r in data["routes"]]
    assert "risk.informal-approval" in [r["rule"] for r in data["risks"]]


def test_valid_exits_zero_and_says_edition():
    proc = run_vires("check", CASES / "somerset-2014-enhanced-service.yaml")
    assert proc.returncode == 0
    assert "policy edition: england-2013" in proc.stdout


def test_table_format_lists_every_case():
    files = sorted(CASES.glob("*.yaml"))
    proc = run_vires("check", "--format", "table", *files)
    assert proc.returncode in (0, 1), proc.stderr
    assert proc.stdout.splitlines()[0].split() == ["verdict", "scheme", "edition", "decided", "by"]
    assert f"{len(files)} schemes:" in proc.stdout


def test_malformed_scheme_is_located_and_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = (CASES / "somerset-2014-enhanced-service.yaml").read_text()
    bad.write_text(text.replace("kind: area_team, name", "kind: area_teem, name", 1))
    proc = run_vires("check", bad)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    line = next(i for i, l in enumerate(bad.read_text().splitlines(), 1) if "area_teem" in l)
    assert f"bad.yaml:{line}:" in proc.stderr
    assert "[scheme.bad_value]" in proc.stderr
    assert "did you mean 'area_team'?" in proc.stderr


def test_one_bad_file_among_good_hides_no_report(tmp_path):
    # On main the good file's report was lost; tests/test_batch.py has the rest.
    bad = tmp_path / "broken.yaml"
    bad.write_text("a: [1, 2\n")
    proc = run_vires("check", "--format", "json", CASES / "leeds-2017.yaml", bad)
    assert proc.returncode == 2
    good, broken = json.loads(proc.stdout)
    assert good["verdict"] == "ultra_vires"
    assert broken["error"] == "bad_input" and broken["diagnostics"][0]["code"] == "yaml.syntax"


def test_missing_file_and_usage_errors_exit_2(tmp_path):
    proc = run_vires("check", tmp_path / "nope.yaml")
    assert proc.returncode == 2 and "[input.not_found]" in proc.stderr
    proc = run_vires("check", "--format", "xml", CASES / "leeds-2017.yaml")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = run_vires("check")
    assert proc.returncode == 2


def test_date_outside_every_edition_is_bad_input(tmp_path):
    old = tmp_path / "old.yaml"
    old.write_text("id: wales-2003\ntitle: Before the 2004 contract\njurisdiction: wales\n"
                   "date: 2003-06-01\nproposers:\n  - {kind: devolved_government}\n"
                   "change: {target: qof, instrument: devolved_directions}\n")
    proc = run_vires("check", old)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "old.yaml:4:7: error: no policy edition covers wales on 2003-06-01 [scheme.no_edition]" in proc.stderr
    assert "2004-04-01" in proc.stderr  # the hint says what is covered


def test_schema_command_prints_the_scheme_schema():
    proc = run_vires("schema")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert schema["title"] == "vires scheme"
    assert "area_team" in schema["$defs"]["body"]["properties"]["kind"]["enum"]
    policy_schema = json.loads(run_vires("schema", "--policy-file").stdout)
    assert policy_schema["title"] == "vires policy file"


def test_case_keys_are_ignored_by_check():
    result = checker.check_file(CASES / "leeds-2017.yaml")
    data = dict(checker.check_file(CASES / "leeds-2017.yaml").to_dict())
    from checker.load.yamlfile import load_yaml

    doc, _ = load_yaml(CASES / "leeds-2017.yaml")
    stripped = {k: v for k, v in doc.data.items() if k not in ("expect", "summary", "sources", "assumptions")}
    assert checker.check(stripped).verdict == result.verdict == data["verdict"]


def test_api_raises_input_error_with_diagnostics():
    with pytest.raises(checker.InputError) as err:
        checker.check({"id": "x", "title": "t", "jurisdiction": "englnd", "date": "2014-01-01",
                       "proposers": [{"kind": "ccg"}], "change": {"target": "qof",
                                                                   "instrument": "local_enhanced_service"}})
    codes = [d.code for d in err.value.diagnostics]
    assert codes == ["scheme.bad_value"]
    assert "england" in err.value.diagnostics[0].hint


def test_policy_option_uses_another_policy(tmp_path):
    policy = policy_copy(tmp_path, "editions/england-2013.yaml", "body: nhse_national}", "body: secretary_of_state}")
    proc = run_vires("check", "--format", "json", "--policy", policy,
                     CASES / "somerset-2014-enhanced-service.yaml")
    data = json.loads(proc.stdout)[0]
    assert data["verdict"] == "pending"
    assert [a["body"] for a in data["approvals_needed"]] == ["secretary_of_state"]
