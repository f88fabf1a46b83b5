"""`vires check` end to end: the four first cases, text and JSON, exit codes."""
from __future__ import annotations

import json

import pytest

import checker
from conftest import CASES, policy_copy, run_vires

FIRST_CASES = {
    "somerset-2014-enhanced-service": ("valid", ["eng13.area-team-local-scheme"]),
    "somerset-2014-first-phase": ("pending", ["eng13.area-team-local-scheme/national-sign-off"]),
    "leeds-2017": ("ultra_vires", ["no-power:qof"]),
    "cumbria-2014": ("refused", ["eng13.area-team-local-scheme/made"]),
}


@pytest.mark.parametrize("name", sorted(FIRST_CASES))
def test_api_verdict_and_reasons(name):
    verdict, decided_by = FIRST_CASES[name]
    result = checker.check_file(CASES / f"{name}.yaml")
    assert result.verdict == verdict
    assert result.decided_by == decided_by
    assert [f.rule for f in result.why] == decided_by


@pytest.mark.parametrize("name", sorted(FIRST_CASES))
def test_text_report_says_verdict_first_and_why(name):
    verdict, decided_by = FIRST_CASES[name]
    proc = run_vires("check", CASES / f"{name}.yaml")
    assert proc.returncode == (0 if verdict == "valid" else 1), proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[1].strip().startswith(verdict.upper().replace("_", " ") + ":")
    # Valid: the power it rests on; otherwise why, each deciding id named.
    assert ("Rests on" if verdict == "valid" else "Why") in proc.stdout
    for rule in decided_by:
        label = {"valid": "power", "ultra_vires": "reason"}.get(verdict, "approval")
        assert f"{label} {rule}" in proc.stdout
    assert "\x1b[" not in proc.stdout  # no colour codes when not a terminal


@pytest.mark.parametrize("name", ["somerset-2014-enhanced-service", "somerset-2014-first-phase", "cumbria-2014"])
def test_every_verdict_within_powers_names_the_power_it_rests_on(name):
    result = checker.check_file(CASES / f"{name}.yaml")
    used = [u.power for u in result.powers_used]
    assert used == ["eng13.area-team-local-scheme"]
    text = run_vires("check", CASES / f"{name}.yaml").stdout
    rests_on = text.split("Rests on", 1)[1]
    assert "power eng13.area-team-local-scheme; basis:" in rests_on


def test_ultra_vires_says_who_sets_that_part_of_the_contract_and_what_the_maker_cannot_do():
    text = " ".join(run_vires("check", CASES / "hypothetical-icb-cuts-qof-point-value-2026.yaml").stdout.split())
    assert ("An ICB exercises NHS England's primary medical services functions by delegation; delegation passes "
            "NHS England's functions, never the Secretary of State's power over the SFE or DES directions "
            "(NHS Act 2006 s.65Z5).") in text
    assert "QOF payments are set nationally: the Secretary of State may change national QOF" in text
    assert "No power of an ICB reaches QOF payments by a direct change." in text
    # The nearest powers, each with what it lacks, in plain words.
    assert ("eng22.icb-local-scheme: An ICB may offer its practices a voluntary local incentive scheme or a locally "
            "commissioned (enhanced) service, funded by the ICB, beside the national contract; but it is made by a "
            "local incentive scheme or a locally agreed enhanced service, not a direct change.") in text
    assert "Clinical commissioning group (CCG)" not in text and "Direct change" not in text


def test_a_failed_limit_names_the_power_it_limits():
    text = " ".join(run_vires("check", CASES / "hypothetical-practices-compelled-2014.yaml").stdout.split())
    assert "outside a limit of the power it would rest on: The arrangement is voluntary" in text
    assert "The power (eng13.area-team-local-scheme): An area team may agree" in text
    assert "limit eng13.area-team-local-scheme/voluntary; basis:" in text


def test_undetermined_says_what_to_find_out_and_the_verdict_for_each_answer():
    proc = run_vires("check", CASES / "hypothetical-icb-scheme-opt-in-unstated-2026.yaml")
    assert proc.returncode == 4
    text = " ".join(proc.stdout.split())
    assert text.split(" policy edition")[0].endswith("UNDETERMINED: the verdict depends on facts the scheme "
                                                     "does not give")
    assert ("valid if change.practice_opt_in is yes (practices choose whether to join); ultra vires if "
            "change.practice_opt_in is no (practices are not given the choice): find out change.practice_opt_in "
            "first") in text
    assert "Find out first - change.practice_opt_in: practices choose whether to join" in text
    assert "valid, rests on eng22.icb-local-scheme" in text
    assert "ultra vires, because of eng22.icb-local-scheme/voluntary" in text


def test_exit_codes_for_a_mix_of_verdicts():
    unstated = CASES / "hypothetical-icb-scheme-opt-in-unstated-2026.yaml"
    assert run_vires("check", unstated, CASES / "somerset-2014-enhanced-service.yaml").returncode == 4
    assert run_vires("check", unstated, CASES / "leeds-2017.yaml").returncode == 1
    assert run_vires("check", CASES / "somerset-2014-enhanced-service.yaml").returncode == 0


def test_json_report_one_object_per_file_in_argument_order():
    names = ["leeds-2017", "somerset-2014-enhanced-service", "cumbria-2014", "somerset-2014-first-phase"]
    proc = run_vires("check", "--format", "json", *[CASES / f"{n}.yaml" for n in names])
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert [d["scheme"] for d in data] == names
    for d in data:
        for key in ("file", "scheme", "verdict", "verdict_words", "decided_by", "why", "powers_used",
                    "missing_powers", "undetermined", "findings", "approvals_needed", "risks", "edition"):
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
                   "date: 2003-06-01\nmaker: {kind: devolved_government}\n"
                   "change: {targets: [qof], instrument: devolved_directions}\n")
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
                       "maker": {"kind": "ccg"}, "change": {"targets": ["qof"],
                                                             "instrument": "local_enhanced_service"}})
    codes = [d.code for d in err.value.diagnostics]
    assert codes == ["scheme.bad_value"]
    assert "england" in err.value.diagnostics[0].hint


def test_policy_option_uses_another_policy(tmp_path):
    policy = policy_copy(tmp_path, "editions/england-2013.yaml", "body: nhse_national\n", "body: secretary_of_state\n")
    proc = run_vires("check", "--format", "json", "--policy", policy,
                     CASES / "somerset-2014-enhanced-service.yaml")
    data = json.loads(proc.stdout)[0]
    assert data["verdict"] == "pending"
    assert [a["body"] for a in data["approvals_needed"]] == ["secretary_of_state"]


# --- the JSON shape, documented in docs/json.md ---------------------------------

def _json_paths(value, path="", out=None) -> set:
    """Every key path of a JSON value: 'missing_powers[].held_by_others[].lacks'."""
    out = set() if out is None else out
    if isinstance(value, dict):
        for key, child in value.items():
            out.add(path + key)
            _json_paths(child, path + key + ".", out)
    elif isinstance(value, list):
        for child in value:
            _json_paths(child, (path[:-1] if path else "") + "[].", out)
    return out


def test_docs_json_lists_every_key_of_the_output_and_no_other(tmp_path):
    import re

    from conftest import REPO, sh_commands

    doc = (REPO / "docs" / "json.md").read_text()
    documented = set()
    for row in re.findall(r"^\| (`[^|]+`) \|", doc, re.M):
        documented |= set(re.findall(r"`([^`]+)`", row))
    # Every case, and a scheme that leaves its maker and several facts unknown.
    draft = tmp_path / "draft.yaml"
    draft.write_text("id: draft\ntitle: A draft\njurisdiction: england\ndate: 2023-05-01\nmaker: unknown\n"
                     "change: {targets: [qof, global_sum], instrument: unknown, practice_opt_in: unknown}\n")
    proc = run_vires("check", "--format", "json", *sorted(CASES.glob("*.yaml")), draft)
    assert proc.returncode == 1, proc.stderr
    actual = set().union(*(_json_paths(result) for result in json.loads(proc.stdout)))
    assert actual - documented == set()
    # Only numbers and dates carry ranges, which no case splits on.
    assert documented - actual == {"undetermined.outcomes[].given[].ranges"}
    # The page's own command runs, and gives two results.
    (command,) = [c for c, _ in sh_commands(doc)]
    args = command.split()[1:]
    assert args[0] == "check" and len(json.loads(run_vires(*args).stdout)) == 2


def test_json_words_beside_the_ids():
    data = json.loads(run_vires("check", "--format", "json", CASES / "hypothetical-icb-cuts-qof-point-value-2026.yaml",
                                CASES / "hypothetical-icb-scheme-opt-in-unstated-2026.yaml").stdout)
    cut, unstated = data
    missing = cut["missing_powers"][0]
    assert cut["why"][0]["rule"] == "no-power:qof" and cut["why"][0]["statement"] == missing["words"]
    assert missing["words"].endswith("No power of an ICB reaches QOF payments by a direct change.")
    held = {c["power"]: c for c in missing["held_by_others"]}
    assert held["eng.sfe-directions"]["instruments"] == ["sfe_amendment"]
    assert held["eng.sfe-directions"]["lacks_words"].startswith("it is held by the Secretary of State, not an ICB")
    assert unstated["verdict"] == "undetermined" and unstated["decided_by"] == []
    u = unstated["undetermined"]
    assert u["ask"] == ["change.practice_opt_in"] and u["possible_verdicts"] == ["ultra_vires", "valid"]
    assert [o["verdict"] for o in u["outcomes"]] == ["valid", "ultra_vires"]
    assert [o["given"] for o in u["outcomes"]] == [[{"fact": "change.practice_opt_in", "values": [True]}],
                                                   [{"fact": "change.practice_opt_in", "values": [False]}]]
    assert u["outcomes"][1]["why"][0]["rule"] == "eng22.icb-local-scheme/voluntary"
