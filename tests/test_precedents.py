"""vires precedents: nearest cases, never itself, the measure explained, no library said clearly."""
from __future__ import annotations

import json
import re
import shutil

import pytest

from checker.evaluate.checker import checker_for
from checker.explore.precedents import FEATURES, agreement, compare_features, features, load_library, nearest
from conftest import CASES, run_vires

ALL_CASES = sorted(CASES.glob("*.yaml"))


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda p: p.stem)
def test_a_case_never_lists_itself_and_scores_are_ranked(case):
    checker = checker_for()
    library, _ = load_library(checker, CASES)
    scheme = checker.load(case)
    found = nearest(checker, scheme, checker.check_scheme(scheme), library, limit=len(library))
    assert scheme.id not in [p.result.scheme for p in found]
    assert len({p.file for p in found}) == len(found)
    assert all(0 <= p.score <= 1 for p in found)
    # near documented cases first, then near hypothetical ones, then the rest; by score, then id, in each
    keys = [(not p.near, p.near and not p.documented, -round(p.score, 9), p.result.scheme) for p in found]
    assert keys == sorted(keys), "documented first among the near; equal scores are ranked by case id"


def test_documented_cases_come_first_among_the_near_and_hypothetical_ones_are_said_so():
    checker = checker_for()
    library, _ = load_library(checker, CASES)
    scheme = checker.load(CASES / "hypothetical-icb-suspension-2023.yaml")
    found = nearest(checker, scheme, checker.check_scheme(scheme), library, limit=len(library))
    near = [p for p in found if p.near]
    kinds = [p.kind for p in near]
    assert kinds == sorted(kinds), kinds  # documented < hypothetical
    proc = run_vires("precedents", CASES / "hypothetical-icb-scheme-opt-in-unstated-2026.yaml", "--format", "json")
    data = json.loads(proc.stdout)
    assert all(p["kind"] in ("documented", "hypothetical") for p in data["precedents"])
    text = run_vires("precedents", CASES / "hypothetical-icb-scheme-opt-in-unstated-2026.yaml").stdout
    assert ("(documented)" in text or "(hypothetical)" in text)
    if data["only_hypothetical_near"]:
        assert "No documented case has a similarity of at least" in text


def test_a_copy_of_a_case_under_another_name_is_still_not_its_own_precedent(tmp_path):
    shutil.copy(CASES / "leeds-2017.yaml", tmp_path / "copy.yaml")
    shutil.copy(CASES / "cumbria-2014.yaml", tmp_path / "cumbria.yaml")
    proc = run_vires("precedents", tmp_path / "copy.yaml", "--cases", tmp_path, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    assert [p["case"] for p in json.loads(proc.stdout)["precedents"]] == ["cumbria-2014"]


def test_somerset_first_phase_finds_the_somerset_area_cases_with_differences():
    proc = run_vires("precedents", "cases/somerset-2014-first-phase.yaml", "-f", "json")
    assert proc.returncode == 0
    out = json.loads(proc.stdout)
    assert out["precedents"], "the library has other cases"
    first = out["precedents"][0]
    assert first["case"] != "somerset-2014-first-phase"
    assert "jurisdiction" in first["agrees_on"]
    assert {d["feature"] for d in first["differences"]} <= {name for name, _ in FEATURES}
    assert out["measure"]["instrument"] == 3


def test_text_output_explains_the_measure_and_the_outcome():
    proc = run_vires("precedents", "cases/leeds-2017.yaml", "--limit", "2")
    assert proc.returncode == 0
    assert "Similarity is a weighted agreement" in proc.stdout
    assert "% similar" in proc.stdout and "differs on:" in proc.stdout
    assert proc.stdout.count("% similar") == 2


def test_a_missing_library_is_said_clearly(tmp_path):
    proc = run_vires("precedents", "cases/leeds-2017.yaml", "--cases", tmp_path / "none")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "no case library" in proc.stderr and "--cases" in proc.stderr


def test_an_installed_copy_without_cases_says_so(monkeypatch):
    import checker.explore.precedents as module
    monkeypatch.setattr(module, "default_cases_dir", lambda: None)
    from checker.diagnostics import InputError
    with pytest.raises(InputError) as err:
        load_library(checker_for())
    assert "this installation of vires has no case library" in err.value.diagnostics[0].message


def test_a_broken_case_in_the_library_is_skipped_with_a_warning(tmp_path):
    shutil.copy(CASES / "cumbria-2014.yaml", tmp_path / "cumbria.yaml")
    (tmp_path / "broken.yaml").write_text("id: broken\n")
    proc = run_vires("precedents", "cases/leeds-2017.yaml", "--cases", tmp_path, "-f", "json")
    assert proc.returncode == 0
    assert [p["case"] for p in json.loads(proc.stdout)["precedents"]] == ["cumbria-2014"]
    assert "broken.yaml" in proc.stderr


def test_agreement_of_sets_is_their_overlap_and_an_unknown_fact_agrees_by_half():
    assert agreement(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)
    assert agreement(frozenset(), frozenset()) == 1.0
    assert agreement("x", "x") == 1.0 and agreement("x", "y") == 0.0
    assert agreement("unknown", True) == agreement(False, "unknown") == agreement("unknown", "unknown") == 0.5
    assert agreement("unknown", frozenset("a")) == 0.5  # the findings of an undetermined scheme


def test_a_scheme_silent_on_opt_in_half_agrees_with_one_that_says():
    checker = checker_for()
    library, _ = load_library(checker, CASES)
    scheme = checker.load(CASES / "hypothetical-icb-scheme-opt-in-unstated-2026.yaml")
    result = checker.check_scheme(scheme)
    mine = features(scheme.data, result)
    assert mine["practice_opt_in"] == "unknown" and mine["findings"] == "unknown"
    assert mine["maker"] == "icb" and mine["targets"] == frozenset({"qof"})
    found = {p.result.scheme: p for p in nearest(checker, scheme, result, library, limit=len(library))}
    near = found["hypothetical-icb-scheme-without-lmc-2023"]
    theirs = features(checker.load(CASES / "hypothetical-icb-scheme-without-lmc-2023.yaml").data, near.result)
    score, agrees, differences = compare_features(mine, theirs)
    assert score == pytest.approx(near.score)
    total = sum(w for _, w in FEATURES)
    weights = dict(FEATURES)
    assert score == pytest.approx((total - 0.5 * weights["practice_opt_in"] - 0.5 * weights["findings"]) / total)
    assert ("practice_opt_in", "unknown", True) in differences and "practice_opt_in" not in agrees


def test_the_measure_in_the_docs_is_the_measure_in_the_code():
    from conftest import REPO

    doc = (REPO / "docs" / "whatif.md").read_text()
    table = re.search(r"\| feature \| weight \| agreement \|\n\|[-| ]+\|\n((?:\|.*\|\n)+)", doc).group(1)
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table.splitlines()]
    assert [(r[0].strip("`"), int(r[1])) for r in rows] == list(FEATURES)
    assert "one half" in doc


def test_json_is_byte_identical_between_runs():
    args = ("precedents", "cases/thanet-2014.yaml", "-f", "json")
    assert run_vires(*args).stdout == run_vires(*args).stdout


def test_every_feature_of_the_measure_has_words_for_the_reports():
    from checker.reporters.words import FEATURE_WORDS

    assert set(FEATURE_WORDS) == {name for name, _ in FEATURES}


def test_similarity_is_shown_the_same_way_in_every_report(tmp_path):
    """On main the text said '77% similar' and the briefing 'similarity 0.77'."""
    import re

    text = run_vires("precedents", CASES / "leeds-2017.yaml", "--limit", "2").stdout
    shown = re.findall(r"(\d+)% similar", text)
    assert len(shown) == 2
    md = run_vires("report", CASES / "leeds-2017.yaml", "--format", "md").stdout
    assert re.findall(r"(\d+)% similar", md.split("## Nearest precedents")[1]) == shown
    page = tmp_path / "b.html"
    run_vires("report", CASES / "leeds-2017.yaml", "-o", page)
    assert re.findall(r"(\d+)% similar", page.read_text()) == shown
    assert "similarity 0." not in md and "similarity 0." not in page.read_text()
