"""durable-rules' fixed tables (checker/rules/compile.py, LIMITS): measured
before durable sees a definition, an edition split over as many rulesets as
they need, and a component that cannot fit refused by name. Before this,
an edition of 511 one-test rules hung ``assert_fact`` at 100% CPU, so the
large editions run in a subprocess with a timeout: a regression fails, it
does not hang the suite."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from checker.rules import compile as plan
from checker.rules import engine as eng
from checker.rules.facts import UNKNOWN, fields
from checker.rules.policy import Edition, Policy, Rule, read_policy
from conftest import REPO

BASE = {"jurisdiction": "england", "date": "2016-01-10", "consultations": {"local_weeks": 0, "lmc": False},
        "change": {"target": "qof", "instrument": "local_variation"}}


def edition_of(conditions, name="big") -> Edition:
    rules = tuple(Rule(f"c{i}", "s", "b", ("x",), cond) for i, cond in enumerate(conditions))
    return Edition(name, name, "england", "2000-01-01", "9999-12-31", "", rules)


def weeks(i):
    return {"field": "consultations.local_weeks", "eq": i}


def facts(weeks=0, target="qof", **more):
    out = json.loads(json.dumps(BASE))
    out["consultations"]["local_weeks"] = weeks
    out["change"]["target"] = target
    out.update(more)
    return out


def in_subprocess(code: str, timeout: int = 120) -> dict:
    """Run ``code`` (which prints one JSON line) in a fresh interpreter."""
    prelude = textwrap.dedent(f"""
        import json, sys, time
        sys.path.insert(0, {str(REPO / 'tests')!r})
        from test_limits import *
    """)
    proc = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_two_thousand_one_test_components_evaluate_correctly_and_quickly():
    got = in_subprocess("""
        edition = edition_of([weeks(i) for i in range(2000)])
        started = time.perf_counter()
        engine = eng.RuleEngine(Policy("-", (edition,), {}, {}))
        answers = {w: [c for c, t in engine.truths("big", facts(w)).items() if t is not False]
                   for w in (7, 1999, 5000)}
        created = time.perf_counter() - started
        started = time.perf_counter()
        for i in range(500):
            engine.truths("big", facts(i * 4))
        per_check = (time.perf_counter() - started) / 500
        unknown = set(engine.truths("big", facts(UNKNOWN)).values())
        print(json.dumps({"answers": answers, "created": created, "per_check": per_check,
                          "unknown": sorted(map(str, unknown)),
                          "rulesets": {f: len(engine._forms[("big", f)].plan.rulesets)
                                       for f in ("plain", "dual")}}))
    """)
    assert got["answers"] == {"7": ["c7"], "1999": ["c1999"], "5000": []}
    assert got["unknown"] == ["None"]  # every component unknown when local_weeks is
    assert got["rulesets"]["plain"] >= 4  # 2,001 children of the root: at most 511 a ruleset
    assert got["per_check"] < 0.02, got  # measured: well under 1 ms
    assert got["created"] < 60, got


def test_six_hundred_components_sharing_one_parent_test_are_split():
    got = in_subprocess("""
        both = lambda i: {"all": [{"field": "change.target", "eq": "qof"}, weeks(i)]}
        edition = edition_of([both(i) for i in range(600)])
        engine = eng.RuleEngine(Policy("-", (edition,), {}, {}))
        fired = {f"{t}/{w}": engine.fired("big", facts(w, t)) for t in ("qof", "other") for w in (0, 599, 600)}
        figures = [p.figures for p in engine._forms[("big", "plain")].plan.rulesets]
        print(json.dumps({"fired": fired, "figures": figures}))
    """)
    assert got["fired"] == {"qof/0": ["c0"], "qof/599": ["c599"], "qof/600": [],
                            "other/0": [], "other/599": [], "other/600": []}
    assert len(got["figures"]) >= 2
    assert all(f["children of one test"] <= 511 for f in got["figures"])
    assert plan.ruleset_figures(plan.compile_rules(edition_of(
        [{"all": [{"field": "change.target", "eq": "qof"}, weeks(i)]} for i in range(600)]).components,
        plan.PLAIN))["children of one test"] == 600  # unsplit, the shared test has them all


def test_components_true_at_once_beyond_durables_stack_are_split():
    """70 tests all true for one fact: more than durable's stack of 64 (error 303 unsplit)."""
    edition = edition_of([{"field": "consultations.local_weeks", "ge": i} for i in range(70)])
    with eng.RuleEngine(Policy("-", (edition,), {}, {})) as engine:
        assert engine.fired("big", facts(520)) == [f"c{i}" for i in range(70)]
        assert engine.fired("big", facts(3)) == ["c0", "c1", "c2", "c3"]
        assert len(engine._forms[("big", "plain")].plan.rulesets) >= 2


def test_each_ruleset_of_a_split_edition_must_see_the_facts(monkeypatch):
    edition = edition_of([{"field": "consultations.local_weeks", "ge": i} for i in range(70)])
    with eng.RuleEngine(Policy("-", (edition,), {}, {})) as engine:
        engine.fired("big", facts(520))
        real, calls = eng._run, []

        def second_blind(handle, text):
            calls.append(handle)
            names = real(handle, text)
            return [n for n in names if n != "seen"] if len(calls) == 2 else names

        monkeypatch.setattr(eng, "_run", second_blind)
        with pytest.raises(eng.EngineError, match="did not see the facts"):
            engine.fired("big", facts(520))
        assert len(calls) == 2


def test_the_stack_budget_predicts_durables_boundary():
    """63 true root tests and the sentinel fit durable's stack; 64 and the sentinel give error 303."""
    for count, fits in ((63, True), (64, False)):
        rules = plan.compile_rules(edition_of(
            [{"field": "consultations.local_weeks", "ge": i} for i in range(count)]).components, plan.PLAIN)
        assert (plan.ruleset_figures(rules)["alpha stack while matching"] <= 64) is fits
        definition = plan._ruleset(rules, {}).definition()
        with eng._LOCK:
            handle = eng._create(definition, "stack")
            try:
                text = plan.dumps({**plan.flat_fact(plan._ruleset(rules, {}), plan.PLAIN,
                                                    {"consultations__local_weeks": 520}, {}),
                                   "sid": "v", "id": "f"})
                if fits:
                    assert len(eng._run(handle, text)) == count + 1
                else:
                    with pytest.raises(eng.EngineError, match="error code: 303"):
                        eng._run(handle, text)
            finally:
                eng._delete_rulesets([handle])


def test_the_children_budget_splits_at_durables_boundary():
    """510 one-test rules and the sentinel fill 511 of the root's 512 slots:
    one ruleset; 511 rules filled all 512 and hung: two."""
    for count, rulesets in ((510, 1), (511, 2)):
        got = plan.plan_edition(edition_of([weeks(i) for i in range(count)]), plan.PLAIN)
        assert len(got.rulesets) == rulesets
        assert got.rulesets[0].figures["children of one test"] == 511 if rulesets == 1 else True


CONNECTIVES_16 = {"all": [{"field": "change.target", "in": ["qof", "other"]}] * 15}
CONNECTIVES_15 = {"all": [{"field": "change.target", "in": ["qof", "other"]}] * 14}


def test_a_component_with_sixteen_connectives_is_refused_by_name():
    edition = edition_of([weeks(1), CONNECTIVES_16, CONNECTIVES_15])
    problems = plan.check_budget(edition)
    assert {(p.component, p.limit, p.value, p.allowed) for p in problems} == {
        ("c1", "$and/$or per rule", 16, 15)}
    assert {p.form for p in problems} == {"plain", "dual"}
    assert "component 'c1' needs 16 $and/$or per rule" in problems[0].message()
    with eng.RuleEngine(Policy("-", (edition,), {}, {})) as engine:
        with pytest.raises(eng.EngineError, match="component 'c1' needs 16 \\$and/\\$or per rule"):
            engine.truths("big", facts())


def test_the_connectives_budget_is_durables():
    """Created in durable without the budget: 15 connectives work, 16 are error 113."""
    for cond, ok in ((CONNECTIVES_15, True), (CONNECTIVES_16, False)):
        (rule,) = plan.compile_rules(edition_of([cond]).components, plan.PLAIN)
        assert plan._shape(rule.test)[0] == (15 if ok else 16)
        definition = plan._ruleset([rule], {}).definition()
        with eng._LOCK:
            if ok:
                eng._delete_rulesets([eng._create(definition, "fifteen")])
            else:
                with pytest.raises(eng.EngineError, match="error code: 113"):
                    eng._create(definition, "sixteen")


def test_an_edition_within_the_limits_evaluates_a_fifteen_connective_component():
    edition = edition_of([CONNECTIVES_15])
    assert plan.check_budget(edition) == []
    with eng.RuleEngine(Policy("-", (edition,), {}, {})) as engine:
        assert engine.truths("big", facts()) == {"c0": True}
        assert engine.truths("big", facts(target="global_sum")) == {"c0": False}
        assert engine.truths("big", facts(target=UNKNOWN)) == {"c0": None}


def test_one_component_with_too_many_tests_under_one_node_cannot_be_split():
    wide = {"all": [{"field": "change.target", "eq": "qof"},
                    {"field": "consultations.local_weeks", "in": list(range(600))}]}
    problems = plan.check_budget(edition_of([weeks(1), wide]))
    assert {(p.component, p.limit) for p in problems} == {("c1", "children of one test")}
    assert "even in a ruleset of its own" in problems[0].message()


def test_a_component_whose_branches_are_too_many_for_one_ruleset_is_spread_over_several():
    """Top-level any/in branches are rules of their own, so they can be split."""
    wide = {"field": "consultations.local_weeks", "in": list(range(600))}
    edition = edition_of([weeks(1), wide, {"not": wide}])
    assert plan.check_budget(edition) == []
    with eng.RuleEngine(Policy("-", (edition,), {}, {})) as engine:
        assert engine.truths("big", facts(599)) == {"c0": False, "c1": True, "c2": False}
        assert engine.truths("big", facts(1)) == {"c0": True, "c1": True, "c2": False}
        assert engine.truths("big", facts(600)) == {"c0": False, "c1": False, "c2": True}
        assert engine.truths("big", facts(UNKNOWN)) == {"c0": None, "c1": None, "c2": None}
        assert len(engine._forms[("big", "plain")].plan.rulesets) >= 2


def test_a_quantifier_over_too_many_item_values_is_refused(monkeypatch):
    specs = dict(fields())
    specs["decisions.body"] = {"type": "enum", "values": [f"body{i}" for i in range(600)]}
    monkeypatch.setattr(plan, "fields", lambda: specs)
    where = {"field": "body", "ne": "body0"}
    edition = edition_of([{"some": "decisions", "where": where}])
    problems = plan.check_budget(edition)
    assert {(p.component, p.limit, p.value) for p in problems} == {("c0", "values in one quantifier", 599),
                                                                  ("c0", "values in one quantifier", 600)}


def test_the_policy_loader_refuses_a_rule_over_a_limit_at_its_line(tmp_path):
    from test_engine import rule, write_tiny_policy

    wide = "{all: [" + ", ".join(["{field: change.target, in: [qof, other]}"] * 15) + "]}"
    write_tiny_policy(tmp_path, rule("fine", "{field: change.target, eq: qof}") + rule("wide", wide))
    policy, problems = read_policy(tmp_path)
    assert policy is None
    assert [(p.code, p.line) for p in problems] == [("policy.over_limit", 13)] * 2
    assert "component 't.wide' needs 16 $and/$or per rule" in problems[0].message
    assert "when some facts are unknown" in problems[1].message


def test_every_shipped_edition_fits_in_one_ruleset_per_form_with_room_to_spare():
    from checker.rules.policy import load_policy

    # With the powers (each power is several components) the closest is
    # england-2013's dual form: an alpha stack of 46 of durable's 64. Past 80%
    # an edition still works (the planner splits it), but slower: look first.
    for edition in load_policy().editions:
        assert plan.check_budget(edition) == [], edition.id
        for form in plan.FORMS:
            (ruleset,) = plan.plan_edition(edition, form).rulesets
            for name, value in ruleset.figures.items():
                assert value <= plan._LIMIT[name].allowed * 0.8, (edition.id, form, name, value)


def test_the_limits_table_is_documented():
    assert len({limit.name for limit in plan.LIMITS}) == len(plan.LIMITS)
    for limit in plan.LIMITS:
        assert limit.scope in ("rule", "ruleset") and limit.where and limit.beyond


def test_colliding_property_names_are_refused():
    """durable tells property names apart by a 32-bit FNV-1a hash only."""
    assert plan.fnv1a_32("$or") == 340911698  # rete.c's HASH_OR
    assert plan.fnv1a_32("vbf_duvbdtme") == plan.fnv1a_32("qeyddwnxjaq")  # found by a random search
    assert plan._collisions(plan.RulesetPlan((), ("change__target", "qeyddwnxjaq"), {}, {}), plan.PLAIN) == []
    found = plan._collisions(plan.RulesetPlan((), ("qeyddwnxjaq", "sid", "vbf_duvbdtme"), {}, {}), plan.PLAIN)
    assert [p.detail for p in found] == ["'sid' has the 32-bit hash of durable's own 'sid'",
                                         "'vbf_duvbdtme' has the 32-bit hash of 'qeyddwnxjaq'"]
    assert "the edition needs" in found[0].message()


def test_the_policy_loader_checks_the_limits_without_loading_durable():
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import sys
        from checker.rules.policy import default_policy_dir, read_policy
        policy, problems = read_policy(default_policy_dir())
        assert policy is not None and problems == []
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("durable", "durable_rules_engine")))
    """)], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
