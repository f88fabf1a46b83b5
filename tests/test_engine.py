"""The rule engine on durable's compiled core, and each of durable's traps
(checker/rules/engine.py's docstring lists them; that the engine is the only
module importing durable is tests/test_layers.py's). Three-valued truth
against a reference is tests/test_truths.py's; the limits are
tests/test_limits.py's."""
from __future__ import annotations

import itertools
import json
import subprocess
import sys
import textwrap
import threading

import pytest

import reference_evaluator as ref
from checker.evaluate.checker import checker_for
from checker.rules import compile as plan
from checker.rules import engine as eng
from checker.rules.facts import UNKNOWN, act_facts, targets
from checker.rules.policy import Component, read_policy
from conftest import CASES, REPO, run_vires

BASE = {"id": "t", "title": "t", "jurisdiction": "england", "date": "2016-01-10", "effective_from": "2016-01-10",
        "requested_by": [{"kind": "ccg", "co_commissioning": "delegated"}],
        "maker": {"kind": "ccg", "co_commissioning": "delegated"},
        "consultations": {"lmc": False},
        "change": {"targets": ["qof"], "instrument": "local_incentive_scheme", "share_of_points": 0}}


def write_tiny_policy(tmp_path, rules_yaml) -> None:
    """A policy folder with one edition 'e' (England from April 2015) of these rules."""
    (tmp_path / "editions").mkdir()
    (tmp_path / "editions" / "e.yaml").write_text(textwrap.dedent("""\
        edition: e
        title: test edition
        jurisdiction: england
        from: 2015-04-01
        to: null
        rules:
        """) + textwrap.indent(textwrap.dedent(rules_yaml), "  "))


def tiny_policy(tmp_path, rules_yaml):
    write_tiny_policy(tmp_path, rules_yaml)
    policy, problems = read_policy(tmp_path)
    assert problems == []
    return policy


def rule(rule_id, when):
    return (f"- id: t.{rule_id}\n  statement: s\n  basis: b\n  sources: [nhs-act-2006-s87]\n"
            f"  effect: {{kind: risk}}\n  when: {when}\n")


RULES = "".join([
    rule("some-refused", "{some: decisions, where: {field: status, eq: refused}}"),
    rule("none-refused", "{none: decisions, where: {field: status, eq: refused}}"),
    rule("none-mixed", "{none: decisions, where: {any: [{field: body, eq: gpc}, {field: formality, ne: formal}]}}"),
    rule("not-lmc", "{not: {field: consultations.lmc, eq: true}}"),
    rule("not-between", "{not: {field: date, between: [2016-01-01, 2016-01-31]}}"),
    rule("not-in", "{not: {field: change.instrument, in: [local_incentive_scheme, local_variation]}}"),
    rule("delegated", "{some: requested_by, where: {all: [{field: kind, eq: ccg}, {field: co_commissioning, eq: delegated}]}}"),
    rule("late", "{field: timing.month_of_contract_year, ge: 10}"),
    rule("share", "{field: change.share_of_points, gt: 0}"),
])


@pytest.fixture
def engine(tmp_path):
    policy = tiny_policy(tmp_path, RULES)
    with eng.RuleEngine(policy) as made:
        yield made


def facts_of(**changes):
    """The facts of the first act of BASE with some of its top-level facts replaced."""
    scheme = {**BASE, **changes}
    return act_facts(scheme, targets(scheme)[0])


def fired(engine, **changes):
    return set(r.removeprefix("t.") for r in engine.fired("e", facts_of(**changes)))


def truths(engine, facts):
    return {k.removeprefix("t."): v for k, v in engine.truths("e", facts).items()}


# -- what the rules mean ------------------------------------------------------

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
    got = fired(engine, decisions=[{"body": {"kind": "nhse_region"}, "status": "granted", "formality": "formal"}])
    assert "none-mixed" in got
    # a formality left out is not known: the any(...) may hold, so none(...) is unknown, not true
    got = truths(engine, facts_of(decisions=[{"body": {"kind": "nhse_region"}, "status": "granted"}]))
    assert got["none-mixed"] is None


def test_negation_is_pushed_down_correctly(engine):
    got = fired(engine, date="2016-02-01", consultations={"lmc": True},
                change={"targets": ["qof"], "instrument": "local_enhanced_service", "share_of_points": 0})
    assert {"not-between", "not-in"} <= got
    assert "not-lmc" not in got


def test_truths_are_true_or_false_for_known_facts_and_fired_is_the_true_ones(engine):
    facts = facts_of()
    got = engine.truths("e", facts)
    assert set(got.values()) == {True, False}
    assert engine.fired("e", facts) == [k for k, v in got.items() if v is True]
    assert list(got) == [c.id for c in engine._editions["e"].components]


def test_an_unknown_fact_makes_only_the_components_that_depend_on_it_unknown(engine):
    facts = facts_of()
    facts["consultations"]["lmc"] = UNKNOWN
    facts["decisions"] = [{"body": "gpc", "formality": "formal", "status": UNKNOWN}]
    got = truths(engine, facts)
    assert got["not-lmc"] is None  # a comparison on an unknown field is unknown
    assert got["some-refused"] is None and got["none-refused"] is None  # the item's status is unknown
    assert got["none-mixed"] is False  # the item's body is gpc: the any(...) is true whatever its status
    assert got["late"] is True and got["not-in"] is False  # known facts keep their truth
    facts["decisions"].append({"body": "gpc", "formality": "formal", "status": "refused"})
    got = truths(engine, facts)
    assert got["some-refused"] is True and got["none-refused"] is False  # one known refusal decides


def test_unknown_facts_the_components_do_not_read_change_nothing(engine):
    facts = facts_of()
    facts["change"]["scope"] = UNKNOWN  # no component tests change.scope
    assert engine.truths("e", facts) == engine.truths("e", facts_of())
    assert ("e", plan.DUAL) not in engine._forms  # the plain rulesets answered


def test_facts_without_a_field_the_components_read_are_an_engine_error(engine):
    facts = facts_of()
    del facts["consultations"]["lmc"]
    with pytest.raises(eng.EngineError, match="consultations.lmc"):
        engine.truths("e", facts)


def test_an_unknown_edition_is_a_key_error(engine):
    with pytest.raises(KeyError, match="no edition 'x'"):
        engine.truths("x", facts_of())


def test_the_memo_remembers_truths_and_gives_a_fresh_dict_each_time(tmp_path, monkeypatch):
    with eng.RuleEngine(tiny_policy(tmp_path, RULES), memo_size=8) as engine:
        calls = []
        real = eng._run
        monkeypatch.setattr(eng, "_run", lambda *a: calls.append(1) or real(*a))
        facts = facts_of()
        first = engine.truths("e", facts)
        first["t.late"] = "changed by the caller"
        assert engine.truths("e", facts)["t.late"] is True
        assert len(calls) == 1
        facts["consultations"]["lmc"] = UNKNOWN
        assert engine.truths("e", facts)["t.not-lmc"] is None
        assert len(calls) == 2


def test_a_family_answers_a_record_from_truths_seen_group_by_group_and_asks_durable_for_the_rest(engine, monkeypatch):
    """engine.Family: a record whose every needed group of components was seen
    with the same field values (here in two different records) is answered
    without a durable run, with durable's truths; a new value is asked."""
    calls = []
    real = eng._run
    monkeypatch.setattr(eng, "_run", lambda *a: calls.append(1) or real(*a))
    needed = ["t.not-lmc", "t.share", "t.some-refused"]
    family = engine.family("e", needed)

    def record(lmc, share, status):
        facts = facts_of(consultations={"lmc": lmc}, decisions=[{"body": {"kind": "gpc"}, "status": status}])
        facts["change"]["share_of_points"] = share
        return facts

    def expected(facts):
        truths = engine.truths("e", facts)
        return {cid: truths[cid] for cid in needed}

    seen = [record(True, 0, "refused"), record(UNKNOWN, 50, UNKNOWN)]
    for facts in seen:
        assert family(facts) == expected(facts)
    assert len(calls) == 2 * 2  # each record once by the family, once by expected()
    mixed = record(UNKNOWN, 0, "refused")  # lmc as in the second record, the rest as in the first
    calls.clear()
    got = family(mixed)
    assert calls == [] and got == expected(mixed) and set(got) == set(needed)
    assert got["t.not-lmc"] is None and got["t.share"] is False and got["t.some-refused"] is True
    calls.clear()
    new = record(False, 0, "refused")  # lmc false was never seen
    assert family(new) == expected(new) and len(calls) == 2


def test_a_family_knows_the_truths_it_is_given(engine, monkeypatch):
    facts = facts_of()
    family = engine.family("e", ["t.late"], [(facts, engine.truths("e", facts))])
    monkeypatch.setattr(eng, "_run", lambda *a: pytest.fail("durable was asked again"))
    assert family(facts_of()) == {"t.late": True}


def test_a_family_answers_a_value_that_cannot_be_a_key_without_remembering_it(engine):
    """A list where the schema has one value (never valid input) is not hashable:
    the family asks the engine, answers as it does, and remembers nothing."""
    family = engine.family("e", ["t.not-lmc", "t.late"])
    odd = facts_of(consultations={"lmc": [True]})
    truths = engine.truths("e", odd)
    assert family(odd) == {"t.not-lmc": truths["t.not-lmc"], "t.late": truths["t.late"]}
    assert [seen for _, mine, seen in family._groups if "t.not-lmc" in mine] == [{}]
    assert family(facts_of()) == {cid: engine.truths("e", facts_of())[cid] for cid in ("t.not-lmc", "t.late")}


# -- every case of the library: the engine against the reference's Kleene truth ---

REFERENCE = ref.load_policy(REPO / "policy")


@pytest.fixture(scope="module")
def library():
    """Each act of each case: (edition, the checker's facts, the reference's truths)."""
    checker = checker_for()
    out = {}
    for path in sorted(CASES.glob("*.yaml")):
        scheme = checker.load(path)
        edition = ref.edition_of(REFERENCE, scheme.data)
        for target in targets(scheme.data):
            truths = ref.truths(edition, ref.facts(scheme.data, target))
            out[f"{path.name}#{target}"] = (checker.edition_for(scheme).id, act_facts(scheme.data, target), truths)
    return out


def test_every_case_gives_the_reference_evaluators_truths(library):
    """The engine's truth of every component of every act of the case library
    is the one tests/reference_evaluator.py gives from docs/policy-format.md
    (which also names a `when` or a `#needed` the policy leaves out: true)."""
    with eng.RuleEngine(checker_for().policy) as engine:
        for name, (edition, facts, expected) in library.items():
            got = engine.truths(edition, facts)
            assert got == {c: expected[c] for c in got}, name
            assert all(expected[c] is True for c in set(expected) - set(got)), name
    assert any(None in t.values() for _, _, t in library.values())  # the library has unknowns


def _unknown_variants(facts):
    """The record with one field made unknown, for every scalar field and every item field."""
    def scalars(node, path):
        for key, value in node.items():
            if isinstance(value, dict):
                yield from scalars(value, path + (key,))
            elif not isinstance(value, list):
                yield path + (key,)

    for path in scalars(facts, ()):
        copy = json.loads(json.dumps(facts))
        node = copy
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = UNKNOWN
        yield ".".join(path), copy
    for key, value in facts.items():
        if isinstance(value, list):
            for i, item in enumerate(value):
                for name in item:
                    copy = json.loads(json.dumps(facts))
                    copy[key][i][name] = UNKNOWN
                    yield f"{key}[{i}].{name}", copy


def test_making_a_fact_unknown_never_flips_a_truth_on_the_case_library(library):
    """Kleene truth is monotone: forgetting a fact can turn true or false into
    unknown, never one into the other; and it does turn some into unknown."""
    became_unknown = 0
    with eng.RuleEngine(checker_for().policy) as engine:
        for name, (edition, facts, _) in library.items():
            known = engine.truths(edition, facts)
            for where, variant in _unknown_variants(facts):
                got = engine.truths(edition, variant)
                flipped = [c for c, t in got.items() if t is not None and t != known[c]]
                assert not flipped, f"{name} with {where} unknown: {flipped}"
                became_unknown += sum(t is None for t in got.values())
    assert became_unknown > 100


# -- sessions ---------------------------------------------------------------------

def test_the_session_holds_nothing_between_checks(engine):
    for lmc in (True, False, UNKNOWN) * 20:
        facts = facts_of()
        facts["consultations"]["lmc"] = lmc
        engine.truths("e", facts)
    assert len(engine._created) == 2
    for handles in engine._created.values():
        for handle in handles:
            assert eng.core.get_facts(handle, eng._SID) == "[]"


def test_with_live_sessions_only_the_rulesets_used_last_keep_a_session(library):
    """``live_sessions = N`` (what `vires check` sets): the sessions of the
    rulesets used longest ago are deleted, the truths are the same as an
    engine keeping every session, and a deleted session is made again."""
    acts = sorted(library.values(), key=lambda act: act[0])
    editions = sorted({edition for edition, _, _ in acts})
    assert len(editions) >= 6
    with eng.RuleEngine(checker_for().policy) as every, eng.RuleEngine(checker_for().policy) as few:
        few.live_sessions = 2
        for _ in range(2):  # the second pass re-makes every session the first deleted
            for edition, facts, _ in acts:
                assert few.truths(edition, facts) == every.truths(edition, facts), edition
        assert len(few._live) == 2
        assert sorted(every._live) == sorted(h for hs in every._created.values() for h in hs)  # all kept
        handles = [h for hs in few._created.values() for h in hs]
        assert len(handles) > 2
        alive = []
        for handle in handles:
            try:
                eng.core.get_facts(handle, eng._SID)
            except eng.core.error as err:
                assert "302" in str(err) or "309" in str(err), err  # no such session
            else:
                alive.append(handle)
        assert sorted(alive) == sorted(few._live)


def test_a_bound_set_later_applies_to_the_sessions_made_before(library):
    acts = sorted(library.values(), key=lambda act: act[0])
    with eng.RuleEngine(checker_for().policy) as engine:
        for edition, facts, _ in acts:
            engine.truths(edition, facts)
        made = [h for hs in engine._created.values() for h in hs]
        assert len(engine._live) == len(made) > 3
        engine.live_sessions = 3
        edition, facts, _ = acts[0]
        engine.truths(edition, facts)
        alive = []
        for handle in made:
            try:
                eng.core.get_facts(handle, eng._SID)
            except eng.core.error:
                continue
            alive.append(handle)
        assert len(alive) == 3 and sorted(alive) == sorted(engine._live)


def test_the_memo_keeps_truths_as_one_byte_each(tmp_path):
    with eng.RuleEngine(tiny_policy(tmp_path, RULES), memo_size=8) as engine:
        facts = facts_of()
        facts["consultations"]["lmc"] = UNKNOWN
        truths = engine.truths("e", facts)
        kept = list(engine.memo._answers.values())
        assert len(kept) == 1 and isinstance(kept[0], bytes) and len(kept[0]) == len(truths)
        assert engine.truths("e", facts) == truths and None in truths.values()


def test_same_scheme_twice_is_not_mistaken_for_an_observed_fact(engine):
    assert fired(engine) == fired(engine)


def test_a_failure_inside_a_check_is_an_engine_error_and_the_next_check_works(engine, monkeypatch):
    before = fired(engine)

    def broken(handle, state):
        raise eng.core.error("Could not start action, error code: 999")

    with monkeypatch.context() as patch:
        patch.setattr(eng.core, "start_action_for_state", broken)
        with pytest.raises(eng.EngineError, match="999"):
            fired(engine)
    assert fired(engine) == before  # the broken session was deleted; a new one took its place


def test_a_check_whose_sentinel_does_not_fire_is_an_engine_error(engine, monkeypatch):
    fired(engine)  # created and warmed up
    monkeypatch.setattr(eng, "_drain", lambda handle, state: [])
    with pytest.raises(eng.EngineError, match="did not see the facts"):
        fired(engine)


def test_no_background_threads():
    before = {t.name for t in threading.enumerate()}
    with eng.RuleEngine(checker_for().policy) as engine:
        engine.fired("england-2015", facts_of())
    assert {t.name for t in threading.enumerate()} == before


def test_the_warm_up_keeps_a_failed_first_check_from_crashing_the_process():
    """durable frees a session's action context that it never initialised:
    deleting the session of a failed first assert segfaults, unless the
    ruleset has been through one full cycle (the control shows the crash)."""
    script = textwrap.dedent("""
        import json, sys
        from checker.rules import engine as eng
        if sys.argv[1] == "cold":
            eng._warm_up = lambda handle: None
        # 70 true tests at the root: more than durable's stack of 64 (error 303)
        rules = {f"r{i}": {"all": [{"m": {"$gte": {"x": i}}}]} for i in range(70)}
        rules["seen"] = {"all": [{"m": {"__fact": "scheme"}}]}
        junk = [bytes([0xAB]) * 4000 for _ in range(2000)]; del junk  # no zeroed heap
        handle = eng._create(rules, "t")
        try:
            eng._run(handle, json.dumps({"__fact": "scheme", "x": 10**6, "sid": "v", "id": "f"}))
        except eng.EngineError as err:
            print("refused:", err)
        print(eng._run(handle, json.dumps({"__fact": "scheme", "x": -1, "sid": "v", "id": "f"})))
    """)
    warm = subprocess.run([sys.executable, "-c", script, "warm"], capture_output=True, text=True, timeout=60)
    assert warm.returncode == 0, warm.stderr
    assert "error code: 303" in warm.stdout and "['seen']" in warm.stdout
    cold = subprocess.run([sys.executable, "-c", script, "cold"], capture_output=True, text=True, timeout=60)
    assert cold.returncode < 0, "without the warm-up durable no longer crashes: re-check the trap"


# -- creating and deleting rulesets ------------------------------------------------

class _FlakyCreate:
    """durable's create_ruleset, failing the first ``failures`` calls."""

    def __init__(self, real, failures, message="Could not create ruleset, error code: 102"):
        self.real, self.failures, self.calls, self.message = real, failures, 0, message

    def __call__(self, name, definition):
        self.calls += 1
        if self.calls <= self.failures:
            raise eng.core.error(self.message)
        return self.real(name, definition)


def test_error_102_is_retried_as_a_last_resort(tmp_path, monkeypatch):
    flaky = _FlakyCreate(eng.core.create_ruleset, failures=2)
    monkeypatch.setattr(eng.core, "create_ruleset", flaky)
    with eng.RuleEngine(tiny_policy(tmp_path, RULES)) as engine:
        assert "late" in fired(engine)
    assert flaky.calls == 3


def test_a_ruleset_that_cannot_be_created_is_an_engine_error(tmp_path, monkeypatch):
    flaky = _FlakyCreate(eng.core.create_ruleset, failures=99)
    monkeypatch.setattr(eng.core, "create_ruleset", flaky)
    with eng.RuleEngine(tiny_policy(tmp_path, RULES)) as engine:
        with pytest.raises(eng.EngineError, match="could not create the ruleset"):
            fired(engine)
    assert flaky.calls == eng._CREATE_TRIES


def test_other_creation_errors_are_not_retried(tmp_path, monkeypatch):
    flaky = _FlakyCreate(eng.core.create_ruleset, failures=1,
                         message="Could not create ruleset, error code: 113")
    monkeypatch.setattr(eng.core, "create_ruleset", flaky)
    with eng.RuleEngine(tiny_policy(tmp_path, RULES)) as engine:
        with pytest.raises(eng.EngineError, match="113"):
            fired(engine)
    assert flaky.calls == 1


def _quantifier_stress_policy(tmp_path):
    """An edition of 42 risks quantifying over decisions with several item
    signatures each: enough of durable's item $or tests for the control to
    meet error 102 every run (the shipped policy alone has too few)."""
    rules = []
    statuses = ["granted", "refused", "pending", "not_sought"]
    for n in (1, 2, 3):
        for combo in itertools.combinations(statuses, n):
            for kind in ("gpc", "lmc", "ccg"):
                rules.append(rule(f"q{len(rules)}", "{some: decisions, where: {all: [{field: status, in: ["
                                  + ", ".join(combo) + f"]}}, {{field: body, ne: {kind}}}]}}}}"))
    write_tiny_policy(tmp_path, "".join(rules))
    return tmp_path


def test_the_rewrite_of_quantifiers_prevents_error_102(tmp_path):
    """Under MALLOC_PERTURB_, fresh heap bytes are 0x09 or 0x0C, the values
    durable's uninitialised read turns into error 102. Every shipped edition
    and a stress edition, both forms, created repeatedly: no failure. The
    control, compiled without the closing test, fails (so the test can see
    the error)."""
    stress = _quantifier_stress_policy(tmp_path)
    script = textwrap.dedent("""
        import sys
        import durable_rules_engine as core
        from checker.rules import compile as C
        from checker.rules.policy import load_policy
        # glibc raises its mmap threshold when it frees a block it had mapped,
        # so that durable's buffers come from the heap after it, where
        # MALLOC_PERTURB_ fills them. Reading the policy did this by the way
        # (a buffered read of MAX_BYTES + 1 a file) until read_bytes read
        # exactly; it is done here on purpose, so the control can fail.
        buffer = bytearray(2_000_000)
        del buffer
        if sys.argv[1] == "unfixed":
            C._one_of = lambda key, values: ({"$or": [{key: v} for v in values]} if len(values) > 1
                                             else {key: values[0]})
        failures = total = 0
        for round in range(4):
            for edition in load_policy().editions + load_policy(sys.argv[2]).editions:
                for form in C.FORMS:
                    for part in C.plan_edition(edition, form).rulesets:
                        total += 1
                        try:
                            core.delete_ruleset(core.create_ruleset(f"p{total}", C.dumps(part.definition())))
                        except core.error as err:
                            failures += 1
        print(failures, total)
    """)
    def run(variant, perturb, seed=None):
        env = {**dict(__import__("os").environ), "MALLOC_PERTURB_": perturb, "VIRES_NO_CACHE": "1"}
        if seed is not None:
            env["PYTHONHASHSEED"] = str(seed)
        proc = subprocess.run([sys.executable, "-c", script, variant, str(stress)], capture_output=True,
                              text=True, timeout=120, env=env, cwd=REPO)
        assert proc.returncode == 0, proc.stderr
        return tuple(map(int, proc.stdout.split()))

    for perturb in ("246", "243"):  # fresh bytes 0x09 and 0x0C
        failures, total = run("fixed", perturb)
        assert (failures, total >= 50) == (0, True), (failures, total)
        # Whether a control process meets the error is set by its heap layout, which the hash
        # seed moves: 2 of 40 processes met none (1 of 40 at dad9ce6), and one CI-layout run
        # failed so. A control that meets none is run again with other seeds, up to three in all.
        controls = []
        for seed in (None, 1, 2):
            controls.append(run("unfixed", perturb, seed)[0])
            if controls[-1] > 0:
                break
        assert controls[-1] > 0, f"the control no longer fails ({controls}): re-check the trap"


def test_close_deletes_the_rulesets_and_the_engine_can_be_used_again(tmp_path, monkeypatch):
    deleted = []
    real = eng.core.delete_ruleset
    monkeypatch.setattr(eng.core, "delete_ruleset", lambda h: deleted.append(h) or real(h))
    engine = eng.RuleEngine(tiny_policy(tmp_path, RULES))
    before = fired(engine)
    facts = facts_of()
    facts["consultations"]["lmc"] = UNKNOWN
    engine.truths("e", facts)  # the dual form too
    made = list(engine._handles)
    assert len(made) == 2
    engine.close()
    assert sorted(deleted) == sorted(made) and engine._handles == []
    assert fired(engine) == before
    engine.close()
    assert len(deleted) == 3


def test_an_engine_no_longer_referenced_deletes_its_rulesets(tmp_path, monkeypatch):
    import gc

    deleted = []
    real = eng.core.delete_ruleset
    monkeypatch.setattr(eng.core, "delete_ruleset", lambda h: deleted.append(h) or real(h))
    engine = eng.RuleEngine(tiny_policy(tmp_path, RULES))
    fired(engine)
    made = list(engine._handles)
    del engine
    gc.collect()
    assert deleted == made


def test_rulesets_created_and_closed_over_and_over_do_not_hold_memory():
    """durable keeps each ruleset, and its session, until told: 200 engines
    kept without close() held 225 MB; closed without deleting the session
    first, 69 MB (measured)."""
    from test_memory import resident_kb

    policy = checker_for().policy
    facts = facts_of()

    def one():
        with eng.RuleEngine(policy) as engine:
            engine.fired("england-2015", facts)

    for _ in range(20):
        one()
    before = resident_kb()
    for _ in range(200):
        one()
    assert resident_kb() - before < 16 * 1024


# -- numbers -----------------------------------------------------------------------

@pytest.mark.parametrize("share, holds", [(0.00001, True), (1e-300, True), (5e-324, True), (0.0, False),
                                          (-0.0, False), (1e16, True), (2.5, True)])
def test_floats_reach_durable_without_exponents(engine, share, holds):
    """durable's parser reads an exponent only after a fraction: json's 1e-05
    was error 204, and `vires check` exited 3 on a valid scheme."""
    got = fired(engine, change={"targets": ["qof"], "instrument": "local_incentive_scheme",
                                "share_of_points": share})
    assert ("share" in got) == holds


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), 2 ** 63, -(2 ** 63) - 1])
def test_numbers_durable_cannot_hold_are_an_engine_error(engine, value):
    facts = facts_of()
    facts["change"]["share_of_points"] = value
    with pytest.raises(eng.EngineError, match="cannot hold"):
        engine.truths("e", facts)


def test_the_tiny_share_scheme_is_checked_not_an_internal_error(tmp_path):
    leeds = (CASES / "leeds-2017.yaml").read_text()
    assert "share_of_points:" in leeds
    scheme = tmp_path / "leeds-tiny-share.yaml"
    scheme.write_text("\n".join(
        line.split(":")[0] + ": 0.00001" if line.strip().startswith("share_of_points:") else line
        for line in leeds.splitlines()) + "\n")
    proc = run_vires("check", "--format", "json", scheme)
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)[0]["verdict"] == "ultra_vires"


def test_positional_floats_round_trip():
    for value in (0.00001, 1e-300, 5e-324, 1e16, 1.5e300, 123.456, -2.5e-7):
        text = plan.plain_float(value)
        assert "e" not in text.lower() and float(text) == value


# -- threads -----------------------------------------------------------------------

def test_eight_threads_get_the_serial_truths_with_and_without_unknowns(library):
    """One lock around each check's call sequence (a shared session without it
    segfaulted, 2 runs of 2, in the research before this engine)."""
    records = []
    for edition, facts, _ in library.values():
        records.append((edition, facts))
        for _, variant in list(_unknown_variants(facts))[:3]:
            records.append((edition, variant))
    with eng.RuleEngine(checker_for().policy) as engine:
        serial = [engine.truths(e, f) for e, f in records]
        assert any(None in t.values() for t in serial)
        wrong, errors = [], []
        start = threading.Barrier(8)

        def worker(t):
            try:
                start.wait()
                for i in range(500):
                    k = (t * 7 + i) % len(records)
                    if engine.truths(*records[k]) != serial[k]:
                        wrong.append((t, i))
            except BaseException as err:  # reported below, not lost in the thread
                errors.append(repr(err))

        before = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)
        try:
            threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            sys.setswitchinterval(before)
    assert errors == [] and wrong == []


# -- the guard on durable itself -----------------------------------------------------

def test_durable_core_behaves_as_the_engine_assumes():
    eng.check_core_api()


def test_the_guard_names_a_different_durable_version(monkeypatch):
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "version", lambda name: "2.0.29")
    with pytest.raises(eng.EngineError, match="durable-rules is 2.0.29.*2.0.28"):
        eng.check_core_api()


def test_the_guard_names_a_missing_core_function(monkeypatch):
    monkeypatch.delattr(eng.core, "retract_fact")
    with pytest.raises(eng.EngineError, match="no retract_fact"):
        eng.check_core_api()


def test_the_guard_sees_a_changed_drain(monkeypatch):
    real = eng.core.complete_and_start_action
    monkeypatch.setattr(eng.core, "complete_and_start_action", lambda h, s: real(h, s) and None)
    with pytest.raises(eng.EngineError, match="not a, b, d, e, seen"):
        eng.check_core_api()


def test_components_are_each_powers_then_one_per_rule_in_policy_order():
    edition = checker_for().policy.edition("england-2015")
    powers = tuple(c for p in edition.powers for c in p.components())
    assert edition.components == powers + tuple(Component(r.id, r.when) for r in edition.rules)
    assert edition.components[len(powers)].when is edition.rules[0].when
    assert [c.id for c in powers[:3]] == [f"{edition.powers[0].id}#{x}" for x in ("holder", "instrument", "target")]
