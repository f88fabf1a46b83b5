"""`vires lint`: the shipped policy is clean, and each broken policy is caught
with the right code at the right line (tests/broken_policies/*, and policies
written here for the checks on powers' parts and shared files)."""
from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from checker.trust.lint import LINT_CODES, lint_policy
from conftest import REPO, run_vires

BROKEN = REPO / "tests" / "broken_policies"
FOLDERS = sorted(p for p in BROKEN.iterdir() if p.is_dir())
ARTICLES = ["000_3a506d00feed4879.txt", "001_ce9c83d3975e7b2f.txt", "002_fbf4cdd2f82105e2.txt",
            "003_17c90b58b16adc33.txt", "004_5de3f1e20c6981c6.txt"]


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """A sources folder holding the article names the policies cite (so the
    test does not depend on ../shared/sources existing in a clean clone)."""
    folder = tmp_path_factory.mktemp("sources")
    for name in ARTICLES:
        (folder / name).write_text("article\n")
    return folder


def markers(folder):
    """(code, file, line) of every `# lint: CODE` comment in a policy folder."""
    for path in sorted(folder.rglob("*.yaml")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            found = re.search(r"# lint: (\S+)", line)
            if found:
                yield found.group(1), path.resolve(), number


def test_the_corpus_has_a_folder_for_every_defect_the_brief_names():
    names = {p.name for p in FOLDERS}
    assert {"duplicate_id", "missing_basis", "unknown_source", "unknown_field", "bad_value",
            "never_fires", "shadowed", "period_overlap", "period_gap", "power_unusable",
            "target_unreachable"} <= names
    assert names == {code.removeprefix("lint.") for code in LINT_CODES}


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_each_broken_policy_gives_its_one_diagnostic_at_its_line(folder, sources):
    expected = list(markers(folder))
    assert [code for code, _, _ in expected] == [f"lint.{folder.name}"]
    report = lint_policy(folder, sources)
    got = [(d.code, (REPO / d.file).resolve() if not d.file.startswith("/") else d.file, d.line)
           for d in report.diagnostics]
    got = [(c, str(f), line) for c, f, line in got]
    assert got == [(c, str(f), line) for c, f, line in expected], report.diagnostics
    d = report.diagnostics[0]
    assert d.hint and d.severity == LINT_CODES[d.code][0]


def test_shipped_policy_lints_clean():
    proc = run_vires("lint")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no problems found" in proc.stdout
    assert " error: " not in proc.stdout and " warning: " not in proc.stdout


def test_an_error_exits_2_and_is_printed_with_location_code_and_hint(sources):
    proc = run_vires("lint", BROKEN / "bad_value", "--sources", sources)
    assert proc.returncode == 2
    assert re.search(r"editions/england\.yaml:42:\d+: error: .*\[lint\.bad_value\]", proc.stdout)
    assert "did you mean 'local_incentive_scheme'?" in proc.stdout


def test_a_warning_is_printed_but_exits_0(sources):
    proc = run_vires("lint", BROKEN / "shadowed", "--sources", sources)
    assert proc.returncode == 0
    assert "warning:" in proc.stdout and "[lint.shadowed]" in proc.stdout


def test_json_report_is_byte_stable(sources):
    first = run_vires("lint", BROKEN / "unknown_source", "--sources", sources, "--format", "json")
    second = run_vires("lint", BROKEN / "unknown_source", "--sources", sources, "--format", "json")
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["errors"] == 1 and data["diagnostics"][0]["code"] == "lint.unknown_source"
    assert data["diagnostics"][0]["hint"] == "did you mean 'pulse-area-teams-block-2014'?"


def test_without_a_sources_folder_lint_says_so_and_skips_the_text_check(tmp_path):
    # an unknown key needs no folder (the register says which keys exist) ...
    report = lint_policy(BROKEN / "unknown_source", tmp_path / "nowhere")
    assert [d.code for d in report.diagnostics] == ["lint.unknown_source"]
    assert any("no sources folder" in n for n in report.notes)
    # ... a register text that no folder holds does
    policy = tmp_path / "policy"
    shutil.copytree(REPO / "policy", policy)
    register = policy / "sources" / "seed.yaml"
    register.write_text(register.read_text().replace("text: 000_3a506d00feed4879.txt", "text: 000_missing.txt"))
    assert lint_policy(policy, tmp_path / "nowhere").diagnostics == []
    found = lint_policy(policy, sources_with(tmp_path)).diagnostics
    assert [(d.code, Path(d.file).name) for d in found] == [("lint.unknown_source", "seed.yaml")]
    assert "000_missing.txt" in found[0].message


def test_beside_the_shared_folder_alone_the_research_texts_are_a_note_not_an_error(tmp_path):
    # CI's clean clone: ../shared/sources is there, ../research/sources is not.
    # The texts only the absent folder could hold are said to be unchecked.
    policy = tmp_path / "work" / "main" / "policy"
    shutil.copytree(REPO / "policy", policy)
    shared = tmp_path / "work" / "shared" / "sources"
    shutil.copytree(sources_with(tmp_path), shared)
    (shared / "pulse-covid-qof-protected-2020.txt").unlink()
    report = lint_policy(policy)
    assert report.diagnostics == []
    assert any("1 of the register's text file names" in n and "research" in n for n in report.notes), report.notes
    # ... but a name one slip from a text that is there is a typo, and an error even so
    (shared / "pulse-covid-qof-protected-2020.txt").write_text("text\n")
    register = policy / "sources" / "england.yaml"
    register.write_text(register.read_text().replace("text: pulse-covid-qof-protected-2020.txt",
                                                     "text: pulse-covid-qof-protectd-2020.txt"))
    typo = lint_policy(policy).diagnostics
    assert [(d.code, Path(d.file).name) for d in typo] == [("lint.unknown_source", "england.yaml")]
    assert "pulse-covid-qof-protected-2020.txt" in typo[0].hint
    register.write_text(register.read_text().replace("text: pulse-covid-qof-protectd-2020.txt",
                                                     "text: pulse-covid-qof-protected-2020.txt"))
    (shared / "pulse-covid-qof-protected-2020.txt").unlink()
    # with both folders there, the same missing text is an error at its line
    research = tmp_path / "work" / "research" / "sources"
    research.mkdir(parents=True)
    found = lint_policy(policy).diagnostics
    assert [(d.code, Path(d.file).name) for d in found] == [("lint.unknown_source", "england.yaml")]
    assert "pulse-covid-qof-protected-2020.txt" in found[0].message


def sources_with(tmp_path):
    """A folder holding a file of every text name the shipped register gives, but 000's."""
    import yaml

    folder = tmp_path / "texts"
    folder.mkdir()
    for path in (REPO / "policy" / "sources").glob("*.yaml"):
        for entry in yaml.safe_load(path.read_text())["sources"].values():
            if entry.get("text"):
                (folder / entry["text"]).write_text("text\n")
    return folder


def test_every_condition_problem_is_reported_even_beside_a_schema_error(tmp_path, sources):
    # checker.rules.policy stops checking a file's conditions at its first schema
    # error; lint reports all of them, each located.
    (tmp_path / "editions").mkdir()
    (tmp_path / "editions" / "e.yaml").write_text(textwrap.dedent("""\
        edition: e
        title: several defects
        jurisdiction: england
        from: 2013-04-01
        to: null
        rules:
          - id: t.one
            statement: s
            sources: [nhs-act-2006-s87]
            when: {field: change.instrumnet, eq: local_variation}
            effect: {kind: risk}
          - id: t.two
            statement: s
            basis: b
            sources: [nhs-act-2006-s87]
            when: {field: change.target, eq: qoff}
            effect: {kind: risk}
        """))
    report = lint_policy(tmp_path, sources)
    got = [(d.code, d.line) for d in report.diagnostics]
    assert got == [("lint.missing_basis", 7), ("lint.unknown_field", 10), ("lint.bad_value", 16)]
    assert any("did not load" in n for n in report.notes)


def test_every_lint_code_is_documented():
    doc = (REPO / "docs" / "trust.md").read_text()
    for code in LINT_CODES:
        assert f"`{code}`" in doc, code


# -- the checks on powers, their parts and shared files ------------------------------

#: A clean edition (the first of the period_gap folder): lint finds nothing in it alone.
CLEAN = (BROKEN / "period_gap" / "editions" / "england.yaml").read_text()


def _policy(tmp_path, edition: str, common: str | None = None):
    shutil.copytree(BROKEN / "period_gap", tmp_path / "policy")
    (tmp_path / "policy" / "editions" / "england-later.yaml").unlink()
    (tmp_path / "policy" / "editions" / "england.yaml").write_text(edition)
    if common is not None:
        (tmp_path / "policy" / "common").mkdir()
        (tmp_path / "policy" / "common" / "shared.yaml").write_text(common)
    return tmp_path / "policy"


def _found(report):
    return [(d.code, d.line, d.severity) for d in report.diagnostics]


def _line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_the_clean_template_lints_clean(tmp_path, sources):
    assert lint_policy(_policy(tmp_path, CLEAN), sources).diagnostics == []


def test_a_step_that_can_never_be_taken_never_fires_at_its_line(tmp_path, sources):
    text = CLEAN.replace("    approvals:\n", "    steps:\n      - id: lmc-consulted\n        statement: The LMC is "
                         "consulted.\n        when: {field: maker.kind, eq: icb}\n    approvals:\n", 1)
    report = lint_policy(_policy(tmp_path, text), sources)
    assert _found(report) == [("lint.never_fires", _line_of(text, "- id: lmc-consulted"), "error")]
    assert "step 't.team-scheme/lmc-consulted' can never be taken" in report.diagnostics[0].message


def test_an_approval_never_needed_never_fires_at_its_line(tmp_path, sources):
    text = CLEAN.replace("        when: {field: change.target, eq: qof}\nrules:",
                         "        when: {field: change.target, eq: global_sum}\nrules:")
    report = lint_policy(_policy(tmp_path, text), sources)
    assert _found(report) == [("lint.never_fires", _line_of(text, "- id: national-sign-off"), "error")]
    assert "is never needed" in report.diagnostics[0].message


def test_a_power_whose_limits_never_hold_together_is_unusable(tmp_path, sources):
    text = CLEAN.replace("        when: {field: change.practice_opt_in, eq: true}\n",
                         "        when: {field: change.practice_opt_in, eq: true}\n      - id: compulsory\n"
                         "        statement: Practices must take part.\n"
                         "        when: {field: change.practice_opt_in, eq: false}\n")
    report = lint_policy(_policy(tmp_path, text), sources)
    # the power was the only one: its targets are now unreachable, and the
    # refusal can only fire where the scheme is ultra vires anyway
    assert [c for c, _, _ in _found(report)] == ["lint.target_unreachable", "lint.target_unreachable",
                                                 "lint.power_unusable", "lint.shadowed"]
    assert "limits (voluntary, compulsory) never hold together" in report.diagnostics[2].message


def test_a_power_that_an_earlier_one_always_beats_is_shadowed(tmp_path, sources):
    second = CLEAN[CLEAN.index("  - id: t.team-scheme"):CLEAN.index("rules:")].replace("t.team-scheme", "t.copy")
    text = CLEAN.replace("rules:\n", second + "rules:\n", 1)
    report = lint_policy(_policy(tmp_path, text), sources)
    assert _found(report) == [("lint.shadowed", _line_of(text, "- id: t.copy"), "warning")]
    assert "whenever it covers an act, 't.team-scheme' covers it too" in report.diagnostics[0].message


def test_a_shared_power_left_out_of_every_edition_is_unusable(tmp_path, sources):
    common = textwrap.dedent("""\
        common: shared
        title: A shared power over a part of the contract no edition has
        powers:
          - id: s.des
            statement: The Secretary of State sets directed enhanced services.
            basis: NHS Act 2006 s.98A.
            sources: [nhs-act-2006-s98a]
            holder: {kinds: [secretary_of_state]}
            instruments: [des_directions]
            targets: [des, network_des]
        """)
    text = CLEAN.replace("targets: [qof, local_services]\npowers:", "targets: [qof, local_services]\n"
                         "include: [common/shared.yaml]\npowers:")
    report = lint_policy(_policy(tmp_path, text, common), sources)
    assert [(d.code, Path(d.file).name, d.line) for d in report.diagnostics] == [
        ("lint.power_unusable", "shared.yaml", 4)]
    assert "left out of every edition that includes common/shared.yaml (england-test)" in \
        report.diagnostics[0].message


def test_a_power_condition_is_checked_like_a_rule_condition(tmp_path, sources):
    text = CLEAN.replace("{field: change.practice_opt_in, eq: true}", "{field: change.practice_opt_inn, eq: true}")
    report = lint_policy(_policy(tmp_path, text), sources)
    assert _found(report) == [("lint.unknown_field", _line_of(text, "practice_opt_inn"), "error")]
