"""The case library: every case passes with its reasons, quotes are real,
coverage is full, bad cases are errors, and the generated docs are current."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from checker.evaluate.cases import coverage, run_case, run_cases
from checker.evaluate.checker import checker_for
from checker.evaluate.result import OUTCOMES, VERDICTS
from checker.load.casefile import load_case
from checker.load.schema import load_schema
from checker.reporters.cases import render_failure
from checker.reporters.docs import render_docs
from checker.rules.policy import shared_sets
from checker.trust.provenance import check_quotes, normalise
from conftest import CASES, REPO, run_vires

SOURCES = REPO.parent / "shared" / "sources"
#: The texts of the later sources (the 2018-2026 research excerpts), where present.
RESEARCH = REPO.parent / "research" / "sources"
TEXT_FOLDERS = [SOURCES, RESEARCH] if SOURCES.is_dir() and RESEARCH.is_dir() else []
CASE_FILES = sorted(CASES.glob("*.yaml"))

DOCUMENTED = ["somerset-2014-first-phase", "somerset-2014-enhanced-service", "devon-cornwall-2014",
              "lincolnshire-leicestershire-2014", "redditch-bromsgrove-2014", "cumbria-2014",
              "north-yorkshire-2014", "thanet-2014", "leeds-2017", "wales-2016-17",
              "northern-ireland-2016-17",
              # England 2018-2026 (issue 12)
              "england-covid-income-protection-2020", "england-no-qof-suspension-2021",
              "england-omicron-qof-part-suspension-2021", "lancashire-south-cumbria-icb-winter-2022",
              "england-2024-25-qof-income-protection-imposed",
              "england-2026-27-contract-imposed-after-consultation"]


@pytest.fixture(scope="module")
def checker():
    return checker_for()


# --- every case, as its own pytest item --------------------------------------

@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case(path, checker):
    outcome = run_case(checker, load_case(checker, path))
    assert outcome.passed, "\n" + render_failure(outcome)


def test_every_documented_outcome_has_a_case():
    for name in DOCUMENTED:
        data = yaml.safe_load((CASES / f"{name}.yaml").read_text())
        assert data["kind"] == "documented", name
        assert data["sources"], f"{name} cites no source"


def test_every_case_says_its_kind_and_ids_match_file_names(checker):
    for path in CASE_FILES:
        data = yaml.safe_load(path.read_text())
        assert data["id"] == path.stem
        assert data["kind"] in ("documented", "hypothetical"), path.name
        assert (data["kind"] == "hypothetical") == path.stem.startswith("hypothetical-"), path.name
        if data["kind"] == "documented":  # a source a reader can check
            register = checker.policy.sources
            assert any(register[s["source"]].url or register[s["source"]].text for s in data["sources"]), path


def test_documented_england_cases_cite_addresses_a_reader_can_follow(checker):
    for name in DOCUMENTED[-6:]:
        data = yaml.safe_load((CASES / f"{name}.yaml").read_text())
        register = checker.policy.sources
        assert all(register[s["source"]].url.startswith("http") for s in data["sources"]), name
        assert data["assumptions"], f"{name} states no assumption"


def test_an_outcome_not_confirmed_is_not_documented():
    data = yaml.safe_load((CASES / "hypothetical-devon-icb-qof-income-protection-2022.yaml").read_text())
    assert data["kind"] == "hypothetical" and "not known" in data["title"]


def test_a_case_without_its_kind_is_an_error(tmp_path):
    bad = _copy(tmp_path, "thanet-2014", "kind: documented\n", "")
    proc = run_vires("test", bad)
    assert proc.returncode == 2 and "needs the field 'kind'" in proc.stderr


def test_an_unknown_source_key_is_a_located_error(tmp_path):
    bad = _copy(tmp_path, "thanet-2014", "source: pulse-area-teams-block-2014", "source: pulse-area-team-block-2014")
    proc = run_vires("test", bad)
    assert proc.returncode == 2 and "[case.unknown_source]" in proc.stderr
    assert "did you mean 'pulse-area-teams-block-2014'?" in proc.stderr
    line = next(i for i, l in enumerate(bad.read_text().splitlines(), 1) if "pulse-area-team-block" in l)
    assert f"{bad}:{line}:" in proc.stderr


def test_a_documented_case_needs_a_checkable_source(tmp_path):
    bad = _copy(tmp_path, "thanet-2014")
    text = bad.read_text()
    policy = tmp_path / "policy"
    shutil.copytree(REPO / "policy", policy)
    (policy / "sources" / "extra.yaml").write_text(
        "sources:\n  word-of-mouth:\n    title: A conversation\n    publisher: nobody\n    date: '2014'\n")
    bad.write_text(re.sub(r"source: [a-z0-9-]+", "source: word-of-mouth", text))
    proc = run_vires("test", "--policy", policy, bad)
    assert proc.returncode == 2 and "[case.documented_unsourced]" in proc.stderr, proc.stderr


@pytest.mark.skipif(not TEXT_FOLDERS, reason=f"the source texts ({SOURCES}, {RESEARCH}) are not present")
def test_every_quote_is_in_its_source_text(checker):
    quoted = 0
    for path in CASE_FILES:
        case = load_case(checker, path)
        assert check_quotes(case, checker.policy.sources, TEXT_FOLDERS) == [], path.name
        quoted += sum(bool(checker.policy.sources[s["source"]].text) for s in case.sources)
    assert quoted >= 50  # the documented cases quote their articles


def test_quote_normalisation_spacing_and_typographic_quotes():
    assert normalise("NHS England\u2019s  executive\n this") == "NHS England's executive this"


def test_library_covers_every_policy_rule(checker):
    outcomes, problems = run_cases(checker, [CASES])
    assert problems == []
    assert coverage(checker.policy, outcomes) == []


def test_coverage_counts_every_power_and_rule_in_the_policy_files(checker):
    """Coverage is over every power and rule written in policy/ (editions and
    common files), read here independently of the loader."""
    written = set()
    for path in (REPO / "policy").glob("*/*.yaml"):
        data = yaml.safe_load(path.read_text()) or {}
        written |= {x["id"] for x in data.get("rules", []) + data.get("powers", [])}
    uncovered = {u.rule for u in coverage(checker.policy, [])}
    assert uncovered == written


def test_case_schema_verdicts_are_the_checkers():
    expect = load_schema("case")["properties"]["expect"]["properties"]
    assert expect["verdict"]["enum"] == list(OUTCOMES)
    assert expect["possible_verdicts"]["items"]["enum"] == list(VERDICTS)


# --- vires test ------------------------------------------------------------

def test_vires_test_runs_the_library_and_full_coverage():
    proc = run_vires("test", "--coverage", *[a for f in TEXT_FOLDERS for a in ("--sources", f)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(CASE_FILES)} cases: {len(CASE_FILES)} passed, 0 failed" in proc.stdout
    assert "coverage: every one of the" in proc.stdout


def _copy(tmp_path, name, old=None, new=None, file=None) -> Path:
    text = (CASES / f"{name}.yaml").read_text()
    if old is not None:
        assert old in text
        text = text.replace(old, new, 1)
    out = tmp_path / (file or f"{name}.yaml")
    out.write_text(text)
    return out


def test_wrong_expectation_fails_readably(tmp_path):
    bad = _copy(tmp_path, "leeds-2017", "verdict: ultra_vires", "verdict: valid")
    proc = run_vires("test", bad)
    assert proc.returncode == 1
    out = proc.stdout
    assert f"FAIL {bad}" in out
    assert "verdict: expected valid, got ultra_vires" in out
    assert "verdict given: ultra_vires, decided by [no-power:qof]" in out
    assert "findings that fired:" in out and "- risk.informal-approval (risk)" in out
    assert "1 cases: 0 passed, 1 failed" in out


def test_missing_finding_and_wrong_approvals_are_reported(tmp_path):
    bad = _copy(tmp_path, "somerset-2014-first-phase", "approvals_needed: [nhse_national]",
                "approvals_needed: [area_team]")
    bad.write_text(bad.read_text().replace("findings: [eng13.area-team-local-scheme,",
                                           "findings: [eng13.board-pause-2014-15, eng15.region-local-scheme,"))
    proc = run_vires("test", bad)
    assert proc.returncode == 1
    assert ("expected among them [eng13.board-pause-2014-15, eng15.region-local-scheme (not a power or rule of "
            "england-2013)]") in proc.stdout
    assert "approvals needed: expected [area_team], got [nhse_national]" in proc.stdout


def test_case_without_expect_is_an_error_not_a_pass(tmp_path):
    text = (CASES / "thanet-2014.yaml").read_text()
    start, end = text.index("expect:"), text.index("sources:")
    bad = tmp_path / "no-expect.yaml"
    bad.write_text(text[:start] + text[end:])
    proc = run_vires("test", bad)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "needs the field 'expect'" in proc.stderr and "[case.missing_field]" in proc.stderr


@pytest.mark.parametrize("old, new, code, hint", [
    ("verdict: pending", "verdict: maybe", "case.bad_value", "expected one of"),
    ("verdict: pending", "verdikt: pending", "case.unknown_field", "did you mean 'verdict'?"),
    ("findings: [eng13.area-team-local-scheme,", "findings: [eng13.area-team-local-schem,", "case.unknown_rule",
     "did you mean 'eng13.area-team-local-scheme'?"),
    ("decided_by: [eng13.area-team-local-scheme/made,", "decided_by: [eng13.area-team-local-scheme/mad,",
     "case.unknown_rule", "did you mean 'eng13.area-team-local-scheme/made'?"),
    ("approvals_needed: [area_team,", "approvals_needed: [area_teams,", "case.bad_value",
     "did you mean 'area_team'?"),
    ("  findings: [", "  findings: ", "case.", ""),
])
def test_malformed_expect_is_a_located_error(tmp_path, old, new, code, hint):
    bad = _copy(tmp_path, "thanet-2014", old, new)
    proc = run_vires("test", bad)
    assert proc.returncode == 2, proc.stdout
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert f"{bad}:" in proc.stderr and f"[{code}" in proc.stderr
    assert hint in proc.stderr


def test_hypothetical_needs_its_question(tmp_path):
    text = (CASES / "hypothetical-board-pause-2014.yaml").read_text()
    bad = tmp_path / "no-question.yaml"
    bad.write_text("".join(l for l in text.splitlines(True) if not l.startswith("question:")))
    proc = run_vires("test", bad)
    assert proc.returncode == 2
    assert "needs the field 'question'" in proc.stderr


def test_long_quote_and_quote_not_in_source_are_errors(tmp_path):
    long_quote = "quote: " + " ".join(["word"] * 26)
    bad = _copy(tmp_path, "thanet-2014", "quote: At the moment we are planning to March end", long_quote)
    proc = run_vires("test", bad)
    assert proc.returncode == 2 and "[case.quote_too_long]" in proc.stderr
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "001_ce9c83d3975e7b2f.txt").write_text("An article that says something else.")
    proc = run_vires("test", "--sources", sources, CASES / "thanet-2014.yaml")
    assert proc.returncode == 2 and "[case.quote_not_in_source]" in proc.stderr
    line = next(i for i, l in enumerate((CASES / "thanet-2014.yaml").read_text().splitlines(), 1)
                if "quote:" in l)
    assert f"thanet-2014.yaml:{line}:" in proc.stderr


def test_coverage_of_a_subset_lists_the_uncovered_rules_and_exits_1():
    proc = run_vires("test", "--coverage", CASES / "leeds-2017.yaml")
    assert proc.returncode == 1
    assert "1 cases: 1 passed, 0 failed" in proc.stdout
    assert "eng13.board-pause-2014-15  (policy/editions/england-2013.yaml:" in proc.stdout
    assert "eng15.route-national-agreement " not in proc.stdout  # Leeds asserts it


def test_json_report_is_byte_stable():
    first, second = run_vires("test", "--format", "json"), run_vires("test", "--format", "json")
    assert first.returncode == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["failed"] == 0 and len(data["cases"]) == len(CASE_FILES)
    leeds = next(c for c in data["cases"] if c["case"] == "leeds-2017")
    assert leeds["verdict"] == "ultra_vires" and leeds["passed"]


def test_missing_path_is_bad_input(tmp_path):
    proc = run_vires("test", tmp_path / "nothing-here")
    assert proc.returncode == 2 and "[input.not_found]" in proc.stderr


# --- generated docs ----------------------------------------------------------

def test_docs_are_current(checker):
    outcomes, problems = run_cases(checker, [CASES])
    assert problems == []
    texts = render_docs(checker.policy, outcomes, shared_sets(checker.policy))
    for name, text in texts.items():
        on_disk = (REPO / "docs" / name).read_text()
        assert on_disk == text, f"docs/{name} is out of date: run `vires docs` and commit it"


def test_docs_check_command(tmp_path):
    assert run_vires("docs", "--check").returncode == 0
    out = tmp_path / "docs"
    proc = run_vires("docs", "--out", out)
    assert proc.returncode == 0 and (out / "cases.md").is_file()
    (out / "model.md").write_text("stale\n")
    proc = run_vires("docs", "--check", "--out", out)
    assert proc.returncode == 1 and "model.md is out of date" in proc.stderr


def test_docs_have_a_section_per_case_rule_and_edition(checker):
    cases_md = (REPO / "docs" / "cases.md").read_text()
    model_md = (REPO / "docs" / "model.md").read_text()
    for path in CASE_FILES:
        assert f'<a id="{path.stem}"></a>' in cases_md
    for edition in checker.policy.editions:
        section = model_md[model_md.index(f'<a id="{edition.id}"></a>'):]
        table = section[section.index("### Who may change what"):].split("\n\n")[1]
        for item in edition.rules + edition.powers:
            assert f'<a id="{item.id}"></a>' in model_md
            assert " ".join(item.statement.split()) in model_md
        # The negotiator's table: one row per power, with its holder and basis.
        rows = [line for line in table.splitlines() if line.startswith("| ") and "](#" in line]
        assert [r.split("[`")[1].split("`]")[0] for r in rows] == [p.id for p in edition.powers]
        for row, power in zip(rows, edition.powers):
            assert " ".join(power.basis.split()) in row
    leeds = cases_md[cases_md.index('<a id="leeds-2017">'):]
    assert "**Verdict: ULTRA VIRES" in leeds and "`no-power:qof` (no power covers it)" in leeds
    assert "**Requested by:** Leeds LMC" in leeds and "**Made by:** NHS Leeds North" in leeds
    unstated = cases_md[cases_md.index('<a id="hypothetical-icb-scheme-opt-in-unstated-2026">'):]
    assert "Find out first: `change.practice_opt_in`" in unstated.split("<a id=")[1]


def test_model_table_shows_ccg_levels_in_the_holder():
    model_md = (REPO / "docs" / "model.md").read_text()
    row = next(line for line in model_md.splitlines() if "[`eng15.delegated-ccg-local-scheme`]" in line
               and line.startswith("| "))
    assert row.startswith("| Clinical commissioning group (CCG), with delegated commissioning (level 3) |")


def test_an_undetermined_case_says_what_to_find_out_passing_or_failing(tmp_path):
    name = "hypothetical-icb-scheme-opt-in-unstated-2026"
    proc = run_vires("test", CASES / f"{name}.yaml")
    assert proc.returncode == 0 and "undetermined (find out: change.practice_opt_in)" in proc.stdout
    bad = _copy(tmp_path, name, "verdict: undetermined", "verdict: valid")
    proc = run_vires("test", bad)
    assert proc.returncode == 1
    assert ("facts to find out: [change.practice_opt_in]; the verdict for each answer: valid "
            "([eng22.icb-local-scheme]); ultra_vires ([eng22.icb-local-scheme/voluntary])") in proc.stdout
    data = json.loads(run_vires("test", "--format", "json", CASES / f"{name}.yaml").stdout)
    assert data["cases"][0]["ask"] == ["change.practice_opt_in"]
