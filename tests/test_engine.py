"""The durable-rules engine module and its traps (see checker/rules/engine.py; that it is the
only module importing durable is tests/test_layers.py's)."""
from __future__ import annotations

import textwrap

import pytest

from checker.rules import engine as eng
from checker.rules.facts import scheme_facts
from checker.rules.policy import read_policy

BASE = {"id": "t", "title": "t", "jurisdiction": "england", "date": "2016-01-10",
        "proposers": [{"kind": "ccg", "co_commissioning": "delegated"}],
        "change": {"target": "qof", "instrument": "local_incentive_scheme"}}


def tiny_policy(tmp_path, rules_yaml):
    (tmp_path / "editions").mkdir()
    (tmp_path / "editions" / "e.yaml").write_text(textwrap.dedent("""\
        edition: e
        title: test edition
        jurisdiction: england
        from: 2015-04-01
        to: null
        rules:
        """) + textwrap.indent(textwrap.dedent(rules_yaml), "  "))
    policy, problems = read_policy(tmp_path)
    assert problems == []
    return policy


def rule(rule_id, when):
    return (f"- id: t.{rule_id}\n  statement: s\n  basis: b\n  sources: [x]\n"
            f"  effect: {{kind: risk}}\n  when: {when}\n")


RULES = "".join([
    rule("some-refused", "{some: decisions, where: {field: status, eq: refused}}"),
    rule("none-refused", "{none: decisions, where: {field: status, eq: refused}}"),
    rule("none-mixed", "{none: decisions, where: {any: [{field: body, eq: gpc}, {field: formality, ne: formal}]}}"),
    rule("not-lmc", "{not: {field: consultations.lmc, eq: true}}"),
    rule("not-between", "{not: {field: date, between: [2016-01-01, 2016-01-31]}}"),
    rule("not-in", "{not: {field: change.instrument, in: [local_incentive_scheme, local_variation]}}"),
    rule("delegated", "{some: proposers, where: {all: [{field: kind, eq: ccg}, {field: co_commissioning, eq: delegated}]}}"),
    rule("late", "{field: timing.month_of_contract_year, ge: 10}"),
])


@pytest.fixture
def engine(tmp_path):
    policy = tiny_policy(tmp_path, RULES)
    return eng.RuleEngine(policy)


def fired(engine, **changes):
    data = {**BASE, **changes}
    return set(r.removeprefix("t.") for r in engine.fired("e", scheme_facts(data)))


def test_quantifiers_hold_on_empty_lists_as_logic_says(engine):
    got = fired(engine)
    assert "some-refused" not in got
    assert {"none-refused", "none-mixed", "not-lmc", "delegated", "late"} <= got
    assert "not-between" not in got and "not-in" not in got


def test_quantifiers_over_items(engine):
    decisions = [{"body": {"kind": "nhse_region"}, "status": "granted", "formality": "informal"},
                 {"body": {"kind": "area_team"}, "status": "refused"}]
    got = fired(engine, decisions=decisions)
    assert "some-refused" in got and "none-refused" not in got
    # the informal grant makes the any(...) hold for one item
    assert "none-mixed" not in got
    got = fired(engine, decisions=[{"body": {"kind": "nhse_region"}, "status": "granted"}])
    assert "none-mixed" in got


def test_negation_is_pushed_down_correctly(engine):
    got = fired(engine, date="2016-02-01", consultations={"lmc": True},
                change={"target": "qof", "instrument": "local_enhanced_service"})
    assert {"not-between", "not-in"} <= got
    assert "not-lmc" not in got


def test_state_is_deleted_after_each_check(engine):
    for _ in range(50):
        fired(engine)
    name = engine._names["e"]
    last = str(next(engine._sessions) - 1)
    # durable-rules answers "session not found" (error 309) for a deleted session
    with pytest.raises(Exception, match="309"):
        engine._host.get_ruleset(name).get_facts(last)


def test_same_scheme_twice_is_not_mistaken_for_an_observed_fact(engine):
    assert fired(engine) == fired(engine)


def test_exception_inside_an_action_is_an_engine_error_not_a_verdict(engine, monkeypatch):
    def boom(c):
        raise ValueError("boom")

    ruleset = engine._host.get_ruleset(engine._names["e"])
    monkeypatch.setitem(ruleset._actions, "r0", eng.durable.Promise(boom))
    with pytest.raises(eng.EngineError, match="rule action failed"):
        engine.fired("e", scheme_facts({**BASE, "decisions": [{"body": {"kind": "gpc"}, "status": "refused"}]}))


def test_no_background_dispatcher_threads():
    import threading

    before = {t.name for t in threading.enumerate()}
    eng._QuietHost({})
    assert {t.name for t in threading.enumerate()} == before


class _FlakyCreate:
    """durable's create_ruleset, failing the first ``failures`` calls as the
    C engine occasionally does (error 102)."""

    def __init__(self, real, failures):
        self.real, self.failures, self.calls = real, failures, 0

    def __call__(self, name, definition):
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError("Could not create ruleset, error code: 102")
        return self.real(name, definition)


def test_a_failed_ruleset_creation_is_retried_from_a_fresh_definition(tmp_path, monkeypatch):
    c_engine = eng.durable.durable_rules_engine
    flaky = _FlakyCreate(c_engine.create_ruleset, failures=2)
    monkeypatch.setattr(c_engine, "create_ruleset", flaky)
    engine = eng.RuleEngine(tiny_policy(tmp_path, RULES))
    assert "late" in fired(engine)
    assert flaky.calls == 3


def test_a_ruleset_that_cannot_be_created_is_an_engine_error(tmp_path, monkeypatch):
    c_engine = eng.durable.durable_rules_engine
    monkeypatch.setattr(c_engine, "create_ruleset", _FlakyCreate(c_engine.create_ruleset, failures=99))
    engine = eng.RuleEngine(tiny_policy(tmp_path, RULES))
    with pytest.raises(eng.EngineError, match="could not create the ruleset"):
        fired(engine)
