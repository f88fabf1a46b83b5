"""Three-valued truth: the engine against the reference evaluator's Kleene
truth (``reference_evaluator.truth``, written from docs/policy-format.md),
on random conditions over the real fact fields (``facts.fields()`` and
``facts.LISTS``: scalar comparisons of every kind, ``some``/``none`` over
every list, nested ``all``/``any``/``not``) and random fact records, with
``unknown`` in scalar fields and in list items, and with none. Every
component of every record must agree."""
from __future__ import annotations

import os
import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reference_evaluator as ref
from checker.rules.compile import check_budget
from checker.rules.engine import RuleEngine
from checker.rules.facts import LISTS, UNKNOWN, fields
from checker.rules.policy import Edition, Policy, Rule

SPECS = fields()
ITEM_FIELDS = {f"{lst}.{name}" for lst, names in LISTS.items() for name in names}
SCALARS = sorted(name for name in SPECS if name not in ITEM_FIELDS)
ORDERED = ("int", "number", "date")
DATES = ["2013-04-01", "2014-07-01", "2015-03-31", "2016-01-10", "2022-07-01", "9999-12-31"]
NUMBERS = [0, 0.00001, 0.5, 1, 79.5, 80, 100, 2.5e-7]
#: Hypothesis examples per run (each one a fresh engine: several components, several records).
EXAMPLES = int(os.environ.get("VIRES_TRUTH_EXAMPLES", "1000"))


def pool(spec) -> list:
    """The values a field takes in these tests: few, so that comparisons often hold."""
    kind = spec["type"]
    if kind == "enum":
        return list(spec["values"])
    if kind == "bool":
        return [True, False]
    if kind == "int":
        low = spec.get("min", 0)
        high = spec.get("max", low + 10)
        return sorted({low, low + 1, low + 2, (low + high) // 2, high})
    if kind == "number":
        return [n for n in NUMBERS if spec.get("min", -1e9) <= n <= spec.get("max", 1e9)]
    assert kind == "date", spec
    return DATES


def comparison(rng, item_of=None) -> dict:
    if item_of:
        name = rng.choice(LISTS[item_of])
        spec = SPECS[f"{item_of}.{name}"]
    else:
        name = rng.choice(SCALARS)
        spec = SPECS[name]
    values = pool(spec)
    ops = ["eq", "ne", "in", "not_in"]
    if spec["type"] in ORDERED and not item_of:
        ops += ["lt", "le", "gt", "ge", "between"]
    op = rng.choice(ops)
    if op in ("in", "not_in"):
        value = rng.sample(values, rng.randint(0, min(3, len(values))))
    elif op == "between":
        value = rng.sample(values, 2)  # sometimes low > high: never holds
    else:
        value = rng.choice(values)
    return {"field": name, op: value}


def condition(rng, depth: int, item_of=None) -> dict:
    draw = rng.random()
    if depth > 0 and draw < 0.4:
        op = rng.choice(["all", "any", "all", "any", "not"])
        if op == "not":
            return {"not": condition(rng, depth - 1, item_of)}
        return {op: [condition(rng, depth - 1, item_of) for _ in range(rng.randint(1, 3))]}
    if item_of is None and draw < 0.65:
        lst = rng.choice(sorted(LISTS))
        return {rng.choice(["some", "none"]): lst, "where": condition(rng, min(depth, 2), lst)}
    return comparison(rng, item_of)


def record(rng, unknown: float) -> dict:
    """A fact record in the reference's flat form: dotted names, and lists of items."""
    def value(spec):
        return UNKNOWN if rng.random() < unknown else rng.choice(pool(spec))

    flat: dict = {name: value(SPECS[name]) for name in SCALARS}
    for lst, names in LISTS.items():
        flat[lst] = [{n: value(SPECS[f"{lst}.{n}"]) for n in names} for _ in range(rng.randint(0, 3))]
    return flat


def nested(flat: dict) -> dict:
    """The engine's form of a record: nested mappings, as facts.scheme_facts makes."""
    out: dict = {}
    for key, value in flat.items():
        *parents, last = key.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = [dict(item) for item in value] if isinstance(value, list) else value
    return out


def edition_of(conditions) -> Edition:
    rules = tuple(Rule(f"c{i}", "s", "b", ("x",), cond) for i, cond in enumerate(conditions))
    return Edition("random", "random", "england", "2000-01-01", "9999-12-31", "", rules)


def fitting(conditions) -> list:
    """The conditions durable can hold (a random one may have over 15 $and/$or)."""
    over = {p.component for p in check_budget(edition_of(conditions))}
    return [c for i, c in enumerate(conditions) if f"c{i}" not in over]


def disagreements(engine, conditions, records) -> tuple[list, Counter]:
    wrong, seen = [], Counter()
    for flat in records:
        got = engine.truths("random", nested(flat))
        for i, cond in enumerate(conditions):
            expected = ref.truth(cond, flat)
            seen[expected] += 1
            if got[f"c{i}"] is not expected:
                wrong.append({"condition": cond, "record": flat, "engine": got[f"c{i}"], "reference": expected})
    return wrong, seen


def policy_of(conditions) -> Policy:
    return Policy("<random>", (edition_of(conditions),), {}, {})


@pytest.mark.parametrize("seed", range(10))
def test_engine_truths_equal_the_kleene_reference(seed):
    """10 editions of 40 random components, each with 400 records: 100 with
    no unknown (the plain rulesets), 300 with unknowns at three rates."""
    rng = random.Random(seed)
    conditions = fitting([condition(rng, 3) for _ in range(40)])
    assert len(conditions) >= 36
    records = [record(rng, rate) for rate in (0.0, 0.1, 0.3, 0.6) for _ in range(100)]
    with RuleEngine(policy_of(conditions)) as engine:
        wrong, seen = disagreements(engine, conditions, records)
        assert {form for _, form in engine._forms} == {"plain", "dual"}
    assert not wrong, f"{len(wrong)} disagreements; the first: {wrong[0]}"
    assert min(seen[True], seen[False], seen[None]) > 500, seen  # all three truths exercised


def test_plain_records_have_no_unknown_truths():
    rng = random.Random(99)
    conditions = fitting([condition(rng, 3) for _ in range(40)])
    with RuleEngine(policy_of(conditions)) as engine:
        for _ in range(200):
            assert None not in engine.truths("random", nested(record(rng, 0.0))).values()
        assert list(engine._forms) == [("random", "plain")]


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.randoms(use_true_random=False), st.sampled_from([0.0, 0.2, 0.5, 1.0]))
def test_engine_truths_equal_the_kleene_reference_shrunk_when_not(rng, unknown):
    """The same, one small edition per example, so that hypothesis shrinks a
    disagreement to a small condition and record."""
    conditions = fitting([condition(rng, rng.randint(0, 3)) for _ in range(rng.randint(1, 6))])
    records = [record(rng, unknown) for _ in range(rng.randint(1, 8))]
    with RuleEngine(policy_of(conditions)) as engine:
        wrong, _ = disagreements(engine, conditions, records)
    assert not wrong, wrong[0]


# -- the reference itself: Kleene's tables ------------------------------------------

T = {"field": "consultations.lmc", "eq": True}
F = {"field": "consultations.lmc", "eq": False}
U = {"field": "consultations.gpc", "eq": True}
RECORD = {"consultations.lmc": True, "consultations.gpc": UNKNOWN,
          "decisions": [{"status": "refused"}, {"status": UNKNOWN}], "objections": []}


@pytest.mark.parametrize("cond, expected", [
    (T, True), (F, False), (U, None), ({"not": U}, None), ({"not": F}, True),
    ({"all": [T, U]}, None), ({"all": [F, U]}, False), ({"all": [T, T]}, True),
    ({"any": [F, U]}, None), ({"any": [T, U]}, True), ({"any": [F, F]}, False),
    ({"field": "consultations.gpc", "not_in": []}, None),  # a comparison on an unknown field
    ({"some": "decisions", "where": {"field": "status", "eq": "refused"}}, True),
    ({"some": "decisions", "where": {"field": "status", "eq": "granted"}}, None),
    ({"none": "decisions", "where": {"field": "status", "eq": "granted"}}, None),
    ({"none": "decisions", "where": {"field": "status", "eq": "refused"}}, False),
    ({"none": "objections", "where": {"field": "body", "eq": "gpc"}}, True),
    ({"some": "objections", "where": {"field": "body", "eq": "gpc"}}, False),
])
def test_the_reference_follows_kleene(cond, expected):
    assert ref.truth(cond, RECORD) is expected


def test_item_fields_without_a_finite_domain_compare_by_the_values_conditions_name(monkeypatch):
    """An int item field (none ships yet): its signatures name the values the
    conditions compare it with, and sign every other value '~other'."""
    import checker.rules.compile as compile_module

    specs = dict(SPECS)
    specs["decisions.rank"] = {"type": "int", "min": 0, "max": 9}
    monkeypatch.setattr(compile_module, "fields", lambda: specs)
    conditions = [{"some": "decisions", "where": {"field": "rank", "in": [1, 2]}},
                  {"none": "decisions", "where": {"all": [{"field": "rank", "ne": 3},
                                                          {"field": "status", "eq": "refused"}]}},
                  {"some": "decisions", "where": {"not": {"field": "rank", "eq": 7}}}]
    rng = random.Random(3)
    records = []
    for _ in range(400):
        flat = record(rng, rng.choice([0.0, 0.3]))
        for item in flat["decisions"]:
            item["rank"] = UNKNOWN if rng.random() < 0.2 else rng.randint(0, 9)
        records.append(flat)
    with RuleEngine(policy_of(conditions)) as engine:
        wrong, seen = disagreements(engine, conditions, records)
    assert not wrong, wrong[0]
    assert min(seen[True], seen[False], seen[None]) > 50, seen
