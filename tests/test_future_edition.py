"""Adding an edition is a documented procedure (docs/policy-format.md,
"Adding an edition"): this test follows its steps with the page's own
example, on a copy of the shipped policy, and checks what each step promises."""
from __future__ import annotations

import re
import shutil

import pytest

from checker.diagnostics import InputError
from checker.evaluate.checker import checker_for
from checker.trust.lint import lint_policy
from conftest import REPO, run_vires

DOC = (REPO / "docs" / "policy-format.md").read_text()


def example_edition() -> str:
    """The example edition of the page's section "Adding an edition"."""
    section = DOC[DOC.index("## Adding an edition"):]
    (block,) = re.findall(r"```yaml\n(edition: .*?)```", section, re.S)
    return block


SCHEME = """id: later
title: An ICB's voluntary scheme
jurisdiction: england
date: {date}
maker: {{kind: {maker}, name: the maker}}
change: {{targets: [local_services], instrument: local_incentive_scheme, practice_opt_in: true}}
consultations: {{lmc: true}}
decisions:
  - {{body: {{kind: {maker}}}, formality: formal, status: granted}}
"""


@pytest.fixture()
def followed(tmp_path):
    """The shipped policy with the section's steps 1, 2 and 4 followed."""
    policy = tmp_path / "policy"
    shutil.copytree(REPO / "policy", policy)
    edition = policy / "editions" / "england-2022.yaml"
    text = edition.read_text()
    assert "\nto: null\n" in text  # the edition in force is open-ended today
    edition.write_text(text.replace("\nto: null\n", "\nto: 2027-03-31\n"))  # step 1
    (policy / "editions" / "england-2027.yaml").write_text(example_edition())  # step 2
    bodies = policy / "bodies.yaml"  # step 4: NHS England's region abolished with it
    text = bodies.read_text()
    start = text.index("  nhse_region:")
    end = text.index("\n  ccg:")
    entry = text[start:end].replace("to: 9999-12-31", "to: 2027-03-31")
    bodies.write_text(text[:start] + entry + text[end:])
    return policy


def test_the_section_says_the_steps_and_has_one_example():
    for step in ("Close the edition in force", "Write the new edition", "Register its sources",
                 "Bodies", "Cases", "Check"):
        assert step in DOC
    assert example_edition().startswith("edition: england-2027")


def test_the_followed_procedure_lints_clean(followed):
    report = lint_policy(followed)
    assert report.errors == 0, report.diagnostics
    assert not [d for d in report.diagnostics if d.code in ("lint.period_gap", "lint.period_overlap")]


def test_without_step_1_lint_finds_the_overlap(followed):
    edition = followed / "editions" / "england-2022.yaml"
    edition.write_text(edition.read_text().replace("\nto: 2027-03-31\n", "\nto: null\n"))
    codes = [d.code for d in lint_policy(followed).diagnostics]
    assert "lint.period_overlap" in codes


def test_dates_select_the_right_edition_and_abolished_bodies_are_bad_input(followed, tmp_path):
    checker = checker_for(followed)
    for date, edition in (("2026-09-01", "england-2022"), ("2027-06-01", "england-2027")):
        path = tmp_path / f"scheme-{date}.yaml"
        path.write_text(SCHEME.format(date=date, maker="icb"))
        result = checker.check_scheme(checker.load(path))
        assert result.edition == edition
        assert result.verdict == "valid"
    later = tmp_path / "region-2027.yaml"
    later.write_text(SCHEME.format(date="2027-06-01", maker="nhse_region"))
    with pytest.raises(InputError) as err:
        checker.load(later)
    assert err.value.diagnostics[0].code == "scheme.body_not_in_existence"


def test_the_shipped_policy_has_no_such_edition_yet():
    # the Health Bill is not law: the example is not shipped, and the edition in force says why
    assert not (REPO / "policy" / "editions" / "england-2027.yaml").exists()
    summary = (REPO / "policy" / "editions" / "england-2022.yaml").read_text()
    assert "Health Bill 2026" in summary and "is not law" in summary
    proc = run_vires("lint")
    assert proc.returncode == 0
