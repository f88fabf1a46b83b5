"""`vires verify`: every scheme of each edition's covering design gets exactly
one outcome through the real checker, within the CI time budget, and a
checker that answers wrongly is caught."""
from __future__ import annotations

import json
from dataclasses import replace

from checker.evaluate.checker import Checker
from checker.explore.factspace import FactSpace
from checker.reporters.verify import precedence_words
from checker.rules.policy import load_policy
from checker.trust.verify import choices, verify_edition, verify_policy
from conftest import REPO, run_console, run_vires

BROKEN = REPO / "tests" / "broken_policies"


def test_whole_shipped_policy_verifies():
    """Every edition, through the real checker. How long it takes is measured
    in docs/trust.md and bench/, not asserted here: a shared 2-core machine
    took 95 s to 193 s for the same run."""
    proc = run_console("verify", "--format", "json", timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    data = json.loads(proc.stdout)
    assert data["failures"] == 0
    editions = {e["edition"]: e for e in data["editions"]}
    assert set(editions) == {e.id for e in load_policy().editions}
    assert data["schemes"] > 10_000
    for report in editions.values():
        assert report["never_used"] == [] and report["never_decisive"] == [], report["edition"]
        assert report["never_fired"] == [], report["edition"]
        assert sum(report["verdicts"].values()) == report["schemes"]
        assert report["verdicts"]["undetermined"] > 0 and report["verdicts"]["valid"] > 0, report["edition"]


def test_one_edition_in_text():
    proc = run_vires("verify", "--edition", "scotland-2016")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("scotland-2016: ")
    assert "every one got exactly one outcome" in proc.stdout
    assert "never decisive: none" in proc.stdout
    # QOF is abolished: the government's power reaches it, the prohibition decides
    assert ("dev.government-directions + sco16.qof-abolished: " in proc.stdout
            and "the prohibition (sco16.qof-abolished) makes it ultra vires" in proc.stdout)


def test_an_unknown_edition_is_bad_input():
    proc = run_vires("verify", "--edition", "england-2031")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "[verify.unknown_edition]" in proc.stderr and "did you mean 'england-20" in proc.stderr


def test_the_fact_space_has_unknown_values_makers_targets_and_standings():
    policy = load_policy()
    space = FactSpace(policy.edition("england-2015"), policy.lifespans)
    dims = space.dimensions
    assert "unknown" in dims["maker"].labels and "ccg (level unknown)" in dims["maker"].labels
    assert "area_team" not in dims["maker"].labels  # area teams ended in March 2015
    assert {"qof", "network_des", "qof + global_sum"} <= set(dims["change.targets"].labels)
    assert "qaif" in dims["change.targets"].labels  # one part of the contract outside the edition
    assert dims["standing.nhse_region"].labels == ("none", "granted", "informal", "refused", "pending",
                                                   "unknown", "granted, formality unknown")
    assert dims["change.practice_opt_in"].labels == ("true", "false", "unknown")
    for name in ("maker", "change.instrument", "change.practice_opt_in", "consultations.lmc"):
        assert dims[name].unknown, name
    # every power reads its maker's own decision
    assert "standing.ccg" in space.reads["eng15.delegated-ccg-local-scheme"]


def test_a_power_that_never_decides_is_named_and_overlaps_give_precedence(tmp_path):
    folder = tmp_path / "policy"
    text = (BROKEN / "period_gap" / "editions" / "england.yaml").read_text()
    copy = text[text.index("  - id: t.team-scheme"):text.index("rules:")].replace("t.team-scheme", "t.copy")
    (folder / "editions").mkdir(parents=True)
    (folder / "bodies.yaml").write_text((BROKEN / "period_gap" / "bodies.yaml").read_text())
    (folder / "editions" / "england.yaml").write_text(text.replace("rules:\n", copy + "rules:\n", 1))
    [report] = verify_policy(load_policy(folder), jobs=1)
    assert report.failures == []
    assert report.never_used == ["t.copy"]
    # its limit still decides: an act outside both powers names each one's failed limit
    assert "t.copy" not in report.never_decisive
    overlap = next(o for o in report.overlaps if (o.first, o.second) == ("t.team-scheme", "t.copy"))
    assert precedence_words(overlap).startswith("both powers reach the act")
    assert overlap.decided["t.team-scheme"] > 0 and not any("t.copy" in who for who in overlap.decided)
    pause = next(o for o in report.overlaps if (o.first, o.second) == ("t.team-scheme", "t.pause"))
    assert any("t.pause" in who for who in pause.decided)  # the refusal decides where it fires


class _WrongChecker(Checker):
    """The real checker, except that it calls every pending scheme valid."""

    def check_scheme(self, scheme):
        result = super().check_scheme(scheme)
        return replace(result, verdict="valid") if result.verdict == "pending" else result


class _FailingChecker(Checker):
    """The real checker, except that it fails for every scheme changing QOF alone."""

    def check_scheme(self, scheme):
        if scheme.data["change"]["targets"] == ["qof"]:
            raise RuntimeError("simulated failure")
        return super().check_scheme(scheme)


def test_a_wrong_verdict_is_a_failure_with_the_scheme_that_shows_it():
    policy = load_policy(BROKEN / "shadowed")
    report = verify_edition(_WrongChecker(policy), policy.editions[0], policy.lifespans)
    assert report.failures
    assert any("valid, yet approvals or steps are missing" in f["problem"] for f in report.failures)
    # a branch of an undetermined answer that was pending is now contradicted too
    assert any("filling its facts in gives valid" in f["problem"] for f in report.failures)


def test_an_error_is_a_failure_with_the_scheme_that_caused_it():
    policy = load_policy(BROKEN / "shadowed")
    report = verify_edition(_FailingChecker(policy), policy.editions[0], policy.lifespans)
    assert report.failures
    assert report.failures[0]["problem"] == "RuntimeError: simulated failure"
    assert report.failures[0]["scheme"]["change.targets"] == "qof"


def test_the_design_is_deterministic_and_has_no_duplicates():
    policy = load_policy()
    space = FactSpace(policy.edition("england-2022"), policy.lifespans)
    first = list(choices(space))
    assert first == list(choices(FactSpace(policy.edition("england-2022"), policy.lifespans)))
    keys = [tuple(c.get(n, 0) for n in space.order) for _, c in first]
    assert len(keys) == len(set(keys))
    assert {kind for kind, _ in first} == {"power", "rule", "pairwise"}
